// Slugs of organisations: the name in lower-case ASCII (Polish letters transliterated), unique across the platform.
import { Organisation } from './organisation.model.js';

/** "Urząd Gminy Łącko" → "urzad-gminy-lacko". */
export function slugOf(name: string): string {
  const ascii = name
    .toLowerCase()
    // ł has no decomposition in Unicode: NFD leaves it whole.
    .replace(/ł/g, 'l')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
  const slug = ascii
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'organizacja';
}

/**
 * A slug for `name` not taken yet: the plain one, else with -2, -3… The unique index still decides between two
 * simultaneous creations (the caller retries on a duplicate key).
 */
export async function freeSlugFor(name: string): Promise<string> {
  const base = slugOf(name);
  // Across organisations on purpose: slugs are unique platform-wide. Organisations are few (hundreds).
  const taken = new Set((await Organisation.find({ slug: { $regex: `^${base}(-\\d+)?$` } }, { slug: 1 }).lean()).map((organisation) => organisation.slug));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
