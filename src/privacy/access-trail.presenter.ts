// The access trail as its pages and its CSV show it: plain rows, Warsaw time, the people named by their current names.
import type { TFunction } from 'i18next';
import { ERASED_PERSON_LABEL } from '../audit/audit-trail.js';
import { formatDateTime } from '../calendar/calendar.js';
import type { AccessTrailEntryDoc } from './access-trail-entry.model.js';

/** One entry as a row: who, in which role, when, what, about whom (names of people still in the office). */
export function presentAccessEntry(entry: AccessTrailEntryDoc, t: TFunction, language: string, names: ReadonlyMap<string, string>) {
  const people = entry.subjectIds.map((id) => names.get(id) ?? ERASED_PERSON_LABEL);
  const more = entry.subjectCount - entry.subjectIds.length;
  return {
    at: formatDateTime(entry.at, language),
    atIso: entry.at.toISOString(),
    viewerName: entry.viewerName,
    viewerRole: t(`people:roles.${entry.viewerRole}`, { defaultValue: entry.viewerRole }),
    what: t(`privacy:access.kinds.${entry.what}`, { defaultValue: entry.what }),
    count: entry.subjectCount,
    // A long list is shortened on the page (the CSV has every name kept): the first five and how many more.
    people: people.slice(0, 5).join(', ') + (people.length > 5 || more > 0 ? ` ${t('privacy:access.andMore', { count: people.length - Math.min(5, people.length) + more })}` : ''),
    allPeople: people.join(', '),
  };
}
