// Public verification: the /weryfikacja pages (and /verify, printed before them), the PDF and badge uploads, and the platform's JWKS.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Config } from '../config.js';
import type { WindowCounters } from '../db/window-counter.js';
import { NotFoundError, TooManyRequestsError } from '../http/errors.js';
import { singleFileUpload, uploadedFile, uploadProblemStatus } from '../http/file-upload.js';
import { pageLocals } from '../http/page-locals.js';
import { databaseRateLimitStore } from '../http/rate-limit-store.js';
import { fieldErrorsOf } from '../http/validate.js';
import { LEGACY_VERIFICATION_PATH, VERIFICATION_PATH, normaliseCertificateCode, verificationPath } from './certificate-code.js';
import { wasWithdrawn } from './certificate-personal-data.js';
import { presentPublicRecord } from './certificate.presenter.js';
import { LookupQuery } from './certificate.schemas.js';
import type { BadgeSigningKeys } from './signing-key.service.js';
import { checkUploadedCredential, checkUploadedPdf, lookUpCertificate, type PublicCertificateRecord } from './verification.service.js';

const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/**
 * A number no record answers to, told to a lay verifier (a clerk of another office, an auditor) with what it may mean
 * and whom to ask: a number that cannot be ours (404, with the format, which is public: it is on every certificate);
 * one that belonged to a certificate withdrawn after its holder was erased and the office's period ended (410: it
 * existed and is no longer held); any other well-formed number (404: none was issued; a typo or a forged document).
 */
async function answerWithoutRecord(req: Request, res: Response): Promise<void> {
  const code = normaliseCertificateCode(req.params.code);
  if (code && (await wasWithdrawn(code))) {
    res.status(410).render('certificates/withdrawn', { title: req.t('certificates:withdrawn.title', { code }), code });
    return;
  }
  // A machine asking for JSON gets the API's 404, as for any other missing thing.
  if (req.accepts(['html', 'json']) === 'json') throw new NotFoundError();
  const typed = String(req.params.code ?? '').slice(0, 64);
  res.status(404).render('certificates/unknown-number', {
    title: req.t(code ? 'certificates:unknownNumber.title' : 'certificates:unknownNumber.malformedTitle'),
    code: code ?? typed,
    malformed: !code,
  });
}

/**
 * What a file check found, shown first on the page (before the register's record, which is about the number, not
 * the file): a verifier who uploaded a changed PDF must read "this file is not the one issued" before "valid".
 */
interface FileResult {
  ok: boolean;
  messageKey: string;
  code?: string;
}

function badgeResultOf(outcome: string, code: string | undefined): FileResult {
  return { ok: outcome === 'authentic', messageKey: `certificates:verify.badgeOutcome.${outcome}`, code };
}

function renderRecord(req: Request, res: Response, record: PublicCertificateRecord, extra: Record<string, unknown> = {}, status = 200): void {
  const view = presentPublicRecord(record);
  res.status(status).render('certificates/verify', {
    title: req.t('certificates:verify.recordTitle', { code: record.code }),
    record: view,
    ...extra,
  });
}

/** One limiter for every verification request of a visitor (pages and uploads), counted per IP in the database (instances share it). */
function verificationLimiter(config: Config, counters: WindowCounters) {
  return rateLimit({
    store: databaseRateLimitStore(counters, 'verify-ip'),
    windowMs: 60 * 1000,
    limit: config.VERIFY_RATE_LIMIT_PER_MINUTE,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req: Request, _res: Response, next: NextFunction) => next(new TooManyRequestsError()),
  });
}

/**
 * The verification routes in two routers sharing one rate limit:
 * - `beforeCsrf`: the JWKS and the two upload checks. They are mounted before the CSRF check on purpose: they
 *   are public, change nothing and act for nobody (no session is read), so a forged request gains nothing —
 *   and a multipart body is not parsed before the CSRF middleware, which could not find a token in it.
 * - `pages`: GET /weryfikacja and /weryfikacja/:code (and their /verify forms), mounted with the other page routers.
 */
export function verificationRouters(
  { config, badgeKeys, counters }: { config: Config; badgeKeys: BadgeSigningKeys; counters: WindowCounters },
  issueCsrfToken: RequestHandler,
): { beforeCsrf: Router; pages: Router } {
  const limiter = verificationLimiter(config, counters);

  const beforeCsrf = Router();
  beforeCsrf.get('/.well-known/jwks.json', async (_req, res) => {
    res
      .set('Cache-Control', 'public, max-age=3600')
      .type('application/jwk-set+json')
      .send(JSON.stringify(await badgeKeys.publicJwks()));
  });
  // These pages are rendered before the shared page locals and the CSRF middleware run: give them the same
  // locals, and a token for the header's logout form (issued, never checked, here).
  const pageSetup = pageLocals(config);
  const locals: RequestHandler = (req, res, next) => pageSetup(req, res, () => issueCsrfToken(req, res, next));

  // The forms post to the Polish paths; the old ones answer too, for a page a visitor had open during the change.
  const both = (suffix: string) => [`${VERIFICATION_PATH}${suffix}`, `${LEGACY_VERIFICATION_PATH}${suffix}`];
  beforeCsrf.post(both('/odznaka'), limiter, locals, singleFileUpload({ field: 'odznaka', maxBytes: MAX_UPLOAD_BYTES }), async (req, res) => {
    const { file, problem } = uploadedFile(req, res);
    if (problem) {
      res
        .status(uploadProblemStatus(problem))
        .render('certificates/lookup', { title: req.t('certificates:verify.title'), badgeErrors: { odznaka: [req.t(`certificates:verify.errors.${problem}`)] } });
      return;
    }
    const result = await checkUploadedCredential({ badgeKeys }, file.buffer.toString('utf8'));
    const fileResult = badgeResultOf(result.outcome, result.record?.code);
    if (result.record) {
      renderRecord(req, res, result.record, { fileResult });
      return;
    }
    res.render('certificates/lookup', { title: req.t('certificates:verify.title'), fileResult });
  });

  beforeCsrf.post(both('/:code/plik'), limiter, locals, singleFileUpload({ field: 'plik', maxBytes: MAX_UPLOAD_BYTES }), async (req, res) => {
    const record = await lookUpCertificate(req.params.code);
    if (!record) return answerWithoutRecord(req, res);
    const { file, problem } = uploadedFile(req, res);
    if (problem || !file.buffer.subarray(0, 1024).includes('%PDF-')) {
      renderRecord(req, res, record, { pdfErrors: { plik: [req.t(`certificates:verify.errors.${problem ?? 'notPdf'}`)] } }, uploadProblemStatus(problem ?? 'notPdf'));
      return;
    }
    const check = await checkUploadedPdf(record.code, file.buffer);
    const fileResult: FileResult = {
      ok: check!.matches,
      messageKey: check!.matches ? 'certificates:verify.pdfMatches' : 'certificates:verify.pdfDiffers',
      code: record.code,
    };
    renderRecord(req, res, check!.record, { fileResult });
  });

  beforeCsrf.post(both('/:code/odznaka'), limiter, locals, singleFileUpload({ field: 'odznaka', maxBytes: MAX_UPLOAD_BYTES }), async (req, res) => {
    const record = await lookUpCertificate(req.params.code);
    if (!record) return answerWithoutRecord(req, res);
    const { file, problem } = uploadedFile(req, res);
    if (problem) {
      renderRecord(req, res, record, { badgeErrors: { odznaka: [req.t(`certificates:verify.errors.${problem}`)] } }, uploadProblemStatus(problem));
      return;
    }
    const result = await checkUploadedCredential({ badgeKeys }, file.buffer.toString('utf8'), record.code);
    renderRecord(req, res, record, { fileResult: badgeResultOf(result.outcome, result.record?.code ?? record.code) });
  });

  const pages = Router();
  pages.get(both(''), limiter, (req, res) => {
    const parsed = LookupQuery.safeParse(req.query);
    const typed = parsed.success ? parsed.data.code : undefined;
    if (!typed) {
      res.render('certificates/lookup', { title: req.t('certificates:verify.title'), errors: parsed.success ? undefined : fieldErrorsOf(parsed.error) });
      return;
    }
    const code = normaliseCertificateCode(typed);
    if (!code) {
      // The format is public (it is printed on every certificate), so saying the shape is wrong reveals nothing.
      res.status(400).render('certificates/lookup', {
        title: req.t('certificates:verify.title'),
        values: { code: typed },
        errors: { code: [req.t('certificates:verify.errors.badCode')] },
      });
      return;
    }
    res.redirect(303, verificationPath(code));
  });

  // Certificates and badges issued before the Polish path name /verify/<code>: it stays, as a permanent redirect.
  pages.get(`${LEGACY_VERIFICATION_PATH}/:code`, limiter, (req, res) => {
    res.redirect(301, verificationPath(normaliseCertificateCode(req.params.code) ?? encodeURIComponent(String(req.params.code))));
  });

  pages.get(`${VERIFICATION_PATH}/:code`, limiter, async (req, res) => {
    const record = await lookUpCertificate(req.params.code);
    if (!record) return answerWithoutRecord(req, res);
    // A number typed as people copy it (lower case, spaces, no dashes) still finds the record; the address bar then
    // shows the canonical one.
    if (req.params.code !== record.code) {
      res.redirect(301, verificationPath(record.code));
      return;
    }
    // Machines (an HR system, a wallet) may ask for the same public record as JSON.
    if (req.accepts(['html', 'json']) === 'json') {
      res.json(record);
      return;
    }
    renderRecord(req, res, record);
  });

  return { beforeCsrf, pages };
}
