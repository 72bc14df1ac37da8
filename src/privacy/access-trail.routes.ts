// The access trail pages: the office's (/urzad/dostep-do-danych, admin and IOD, with a CSV) and one's own (/konto/kto-przegladal).
import { stringify } from 'csv-stringify/sync';
import type { Types } from 'mongoose';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { requireRole, requireUser } from '../auth/require-user.js';
import { usersByIds } from '../auth/users.read.js';
import { warsawIsoDay } from '../calendar/calendar.js';
import { accessBy } from '../events/platform-events.js';
import { noStore } from '../http/cache-control.js';
import { inputOf, validate } from '../http/validate.js';
import type { Platform } from '../platform.js';
import { accessTrailOf } from './access-trail.js';
import type { AccessTrailEntryDoc } from './access-trail-entry.model.js';
import { presentAccessEntry } from './access-trail.presenter.js';
import { AccessTrailQuery, OwnAccessQuery } from './access-trail.schemas.js';

const PAGE_SIZE = 50;
type Named = { _id: Types.ObjectId; fullName: string };
const OFFICE_PATH = '/urzad/dostep-do-danych';
const OWN_PATH = '/konto/kto-przegladal';
/** The most entries one CSV holds (newest first): a year of a busy office. */
const EXPORT_LIMIT = 20_000;

/** Adds the office's privacy pages to the links of its admin and IOD (mounted with the other nav links). */
export function privacyNavLinks(req: Request, res: Response, next: NextFunction): void {
  const roles = req.user?.roles ?? [];
  const links = (res.locals.navExtras ??= []) as Array<{ href: string; label: string }>;
  if (roles.includes('admin') || roles.includes('iod')) links.push({ href: OFFICE_PATH, label: req.t('privacy:access.nav') });
  if (roles.includes('admin')) links.push({ href: '/urzad/usuwanie-danych', label: req.t('privacy:erasure.office.title') });
  if (roles.includes('iod') && !roles.includes('admin')) links.push({ href: '/urzad/dziennik', label: req.t('audit:nav.trail') });
  next();
}

/** The current names of the people the entries name (one `_id` read each; erased people are missing). */
async function namesOf(organisationId: string, entries: AccessTrailEntryDoc[]): Promise<Map<string, string>> {
  const ids = entries.flatMap((entry) => entry.subjectIds);
  const users = await usersByIds<Named>(organisationId, ids, 'fullName');
  return new Map(users.map((user) => [user._id.toHexString(), user.fullName]));
}

const pageUrl = (path: string, page: number, extra = '') => (page === 1 && !extra ? path : `${path}?${[page > 1 ? `strona=${page}` : '', extra].filter(Boolean).join('&')}`);

/** The access trail router. */
export function accessTrailRouter(platform: Platform): Router {
  const router = Router();
  const readers = requireRole('admin', 'iod');

  router.get(OFFICE_PATH, readers, validate(AccessTrailQuery, 'query'), async (req, res) => {
    noStore(res);
    const { strona = 1, osoba } = inputOf<AccessTrailQuery>(res, 'query');
    const organisationId = req.user!.organisationId;
    const { entries, hasMore } = await accessTrailOf(organisationId, { subjectId: osoba, limit: PAGE_SIZE, skip: (strona - 1) * PAGE_SIZE });
    const names = await namesOf(organisationId, entries);
    const person = osoba ? ((await usersByIds<Named>(organisationId, [osoba], 'fullName'))[0]?.fullName ?? null) : undefined;
    const filter = osoba ? `osoba=${osoba}` : '';
    res.render('privacy/access-trail', {
      title: req.t('privacy:access.office.title'),
      entries: entries.map((entry) => presentAccessEntry(entry, req.t, req.language, names)),
      person,
      page: strona,
      csvUrl: `${OFFICE_PATH}.csv${osoba ? `?osoba=${osoba}` : ''}`,
      newerUrl: strona > 1 ? pageUrl(OFFICE_PATH, strona - 1, filter) : undefined,
      olderUrl: hasMore ? pageUrl(OFFICE_PATH, strona + 1, filter) : undefined,
    });
  });

  router.get(`${OFFICE_PATH}.csv`, readers, validate(AccessTrailQuery, 'query'), async (req, res) => {
    const { osoba } = inputOf<AccessTrailQuery>(res, 'query');
    const organisationId = req.user!.organisationId;
    const { entries } = await accessTrailOf(organisationId, { subjectId: osoba, limit: EXPORT_LIMIT });
    const names = await namesOf(organisationId, entries);
    // The export names people too: it goes into the trail itself (whose entries it held).
    await platform.events.emit('personalData.accessed', accessBy(req.user!, 'accessTrailExport', [...new Set(entries.flatMap((entry) => entry.subjectIds))]));
    const t = req.t;
    const rows = entries.map((entry) => presentAccessEntry(entry, t, req.language, names));
    const csv = stringify(
      rows.map((row) => [row.at, row.viewerName, row.viewerRole, row.what, row.count, row.allPeople]),
      { header: true, columns: ['when', 'who', 'role', 'what', 'count', 'people'].map((column) => t(`privacy:access.columns.${column}`)), delimiter: ';', bom: true },
    );
    res
      .set('Content-Type', 'text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="dostep-do-danych-${warsawIsoDay(platform.clock.now())}.csv"`)
      .set('Cache-Control', 'private, no-store')
      .send(csv);
  });

  router.get(OWN_PATH, requireUser, validate(OwnAccessQuery, 'query'), async (req, res) => {
    noStore(res);
    const { strona = 1 } = inputOf<OwnAccessQuery>(res, 'query');
    const me = req.user!;
    const { entries, hasMore } = await accessTrailOf(me.organisationId, { subjectId: me.id, limit: PAGE_SIZE, skip: (strona - 1) * PAGE_SIZE });
    res.render('privacy/my-viewers', {
      title: req.t('privacy:access.own.title'),
      entries: entries.map((entry) => presentAccessEntry(entry, req.t, req.language, new Map([[me.id, me.fullName]]))),
      page: strona,
      newerUrl: strona > 1 ? pageUrl(OWN_PATH, strona - 1) : undefined,
      olderUrl: hasMore ? pageUrl(OWN_PATH, strona + 1) : undefined,
    });
  });
  return router;
}
