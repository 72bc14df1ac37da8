// Why the login page is shown: a visitor sent there from a page that needs a signed-in person (requireUser's ?next=).

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** What the login page says above its form, already translated. */
export interface LoginReason {
  text: string;
  /** Which area the page to come back to belongs to, when it is one of the known ones. */
  area?: string;
}

/**
 * The areas a deep link may lead into, by path (first match wins). The table names paths of several features on
 * purpose: it only words the notice, it decides no access (each route's requireUser / requireRole does).
 */
const AREAS: ReadonlyArray<[RegExp, string]> = [
  [/^\/szkolenia\/[^/?#]+\/lekcje(?:[/?#]|$)/, 'lesson'],
  [/^\/szkolenia\/[^/?#]+\/test(?:[/?#]|$)/, 'quiz'],
  [/^\/pulpit(?:[/?#]|$)/, 'dashboard'],
  [/^\/moje-szkolenia(?:[/?#]|$)/, 'myCourses'],
  [/^\/moje-zaswiadczenia(?:[/?#]|$)/, 'myCertificates'],
  [/^\/konto(?:[/?#]|$)/, 'account'],
  [/^\/kadry(?:[/?#]|$)/, 'hr'],
  [/^\/zaswiadczenia(?:[/?#]|$)/, 'certificates'],
  [/^\/studio(?:[/?#]|$)/, 'studio'],
  [/^\/(?:zarzadzanie|admin|urzad|operator|zwiazek)(?:[/?#]|$)/, 'management'],
];

/** A course page (/szkolenia/<id>): readable without signing in, so the only reason to sign in from it is to enrol. */
const COURSE_PAGE = /^\/szkolenia\/[^/?#]+\/?(?:[?#]|$)/;
/** The catalogue is readable without signing in: nothing to explain. */
const CATALOGUE = /^\/szkolenia\/?(?:[?#]|$)/;

/**
 * The notice for a login page reached with `next` (already checked to be a path on this site: auth.schemas.ts
 * LocalPath), or undefined when there is none to give (no `next`, the catalogue).
 */
export function loginReasonOf(next: string | undefined, t: Translate): LoginReason | undefined {
  if (!next || CATALOGUE.test(next)) return undefined;
  if (COURSE_PAGE.test(next)) return { text: t('auth:login.toEnrol') };
  const area = AREAS.find(([pattern]) => pattern.test(next))?.[1];
  return { text: t('auth:login.deepLink'), area: area && t('auth:login.deepLinkArea', { area: t(`auth:login.areas.${area}`) }) };
}
