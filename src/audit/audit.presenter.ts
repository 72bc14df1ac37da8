// Turns audit entries into plain words for the trail page: when (Warsaw time), who, what, about whom, why, what changed.
import { formatDateTime } from '../calendar/calendar.js';
import { ERASED_PERSON_LABEL, type AuditEntryView } from './audit-trail.js';

type Translate = (key: string, options?: Record<string, unknown>) => string;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A detail's value in words: lists joined, yes/no, instants in Warsaw time, before → after. */
function valueInWords(value: unknown, t: Translate, language: string | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (value instanceof Date) return formatDateTime(value, language);
  if (typeof value === 'boolean') return t(value ? 'audit:values.yes' : 'audit:values.no');
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value)) ? formatDateTime(new Date(value), language) : value;
  if (Array.isArray(value)) {
    const items = value.map((item) => valueInWords(item, t, language)).filter((item): item is string => Boolean(item));
    return items.length ? items.join(', ') : t('audit:values.none');
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('before' in record || 'after' in record) {
      return `${valueInWords(record.before, t, language) ?? t('audit:values.none')} → ${valueInWords(record.after, t, language) ?? t('audit:values.none')}`;
    }
    const parts = Object.entries(record).flatMap(([key, inner]) => {
      const words = valueInWords(inner, t, language);
      return words ? [`${t(`audit:details.${key}`, { defaultValue: key })}: ${words}`] : [];
    });
    return parts.length ? parts.join('; ') : undefined;
  }
  return undefined;
}

/** The entry's details as labelled lines; internal ids (keys ending in "Id") are left out of the page. */
function detailsInWords(details: Record<string, unknown> | undefined, t: Translate, language: string | undefined) {
  return Object.entries(details ?? {}).flatMap(([key, value]) => {
    if (/Id$/.test(key)) return [];
    const words = valueInWords(value, t, language);
    return words ? [{ label: t(`audit:details.${key}`, { defaultValue: key }), value: words }] : [];
  });
}

/** One row of the trail. */
export function presentAuditEntry(entry: AuditEntryView, t: Translate, language: string | undefined) {
  const { subject } = entry;
  return {
    at: formatDateTime(entry.at, language),
    atIso: entry.at.toISOString(),
    actorName: entry.actorName,
    action: t(`audit:actions.${entry.action}`, { defaultValue: entry.action }),
    subjectKind: t(`audit:subjects.${subject.kind}`, { defaultValue: subject.kind }),
    subjectLabel: subject.label,
    // A person's record is one click away for an office admin (who is also allowed the HR pages).
    // An erased person has no page any more: their entries name them "Osoba usunięta", without a link.
    subjectUrl: subject.kind === 'person' && subject.id && /^[0-9a-f]{24}$/.test(subject.id) && subject.label !== ERASED_PERSON_LABEL ? `/kadry/osoby/${subject.id}` : undefined,
    reason: entry.reason,
    details: detailsInWords(entry.details, t, language),
  };
}
