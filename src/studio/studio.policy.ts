// Who may do what in the studio: authors work on their own organisation's courses; a second author reviews.
import { ForbiddenError } from '../http/errors.js';

/** An author as the studio needs them (a SessionUser fits, with the organisation's name for a new manifest). */
export interface Author {
  id: string;
  fullName: string;
  organisationId: string;
  roles: readonly string[];
  organisationName?: string;
}

export function canAuthor(person: { roles: readonly string[] }): boolean {
  return person.roles.includes('author');
}

export function assertCanAuthor(person: { roles: readonly string[] }): void {
  if (!canAuthor(person)) throw new ForbiddenError();
}

/** A reviewer is another author: whoever sent the draft to review cannot approve it (the four-eyes rule). */
export function canReview(author: Author, course: { reviewRequestedBy?: { id: string } }): boolean {
  return canAuthor(author) && course.reviewRequestedBy?.id !== author.id;
}

export function assertCanReview(author: Author, course: { reviewRequestedBy?: { id: string } }): void {
  if (!canReview(author, course)) throw new ForbiddenError('Recenzentem musi być inny autor niż osoba, która wysłała szkolenie do recenzji.');
}
