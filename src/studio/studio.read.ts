// What other features may ask the studio: whether a person's organisation authors a course (for a link to it).
import { StudioCourse } from './studio-course.model.js';
import { canAuthor } from './studio.policy.js';

/** The studio address of the course when `person` is an author of the organisation that owns it (one `_id` read). */
export async function studioLinkFor(person: { roles: readonly string[]; organisationId: string }, courseId: string): Promise<string | undefined> {
  if (!canAuthor(person)) return undefined;
  const owned = await StudioCourse.exists({ _id: courseId, organisationId: person.organisationId });
  return owned ? `/studio/${encodeURIComponent(courseId)}` : undefined;
}
