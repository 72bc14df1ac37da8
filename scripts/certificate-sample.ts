// CLI: `npm run certificate:sample -- --out sample.pdf` renders a certificate from demo data (no database), for previews.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { validUntil } from '../src/calendar/calendar.js';
import { newCertificateCode } from '../src/certificates/certificate-code.js';
import { renderCertificatePdf } from '../src/certificates/certificate-pdf.js';
import { resolveTemplate } from '../src/certificates/certificate-template.js';
import { verificationUrl } from '../src/certificates/open-badge.js';
import { describeCompletionRule } from '../src/courses/completion-rule.js';
import { loadCourse } from '../src/courses/course.loader.js';
import { translatorFor } from '../src/http/i18n.js';

const USAGE = `Usage: npm run certificate:sample -- [--out sample.pdf] [--name "Zażółć Gęślą Jaźń"] [--course "Tytuł"]
       [--issuer "Urząd Gminy Łącko"] [--kind office|association] [--signatory "Imię Nazwisko"] [--role "Wójt Gminy"]
       [--accent #1d3f72] [--logo logo.png] [--english] [--validity-months 12] [--base-url https://akademia.example.pl]`;

/** Renders the sample and returns the exit code. */
async function renderSample(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string', default: 'certificate-sample.pdf' },
        name: { type: 'string', default: 'Zażółć Gęślą Jaźń' },
        course: { type: 'string', default: 'Ochrona danych osobowych w urzędzie (RODO) – szkolenie podstawowe' },
        issuer: { type: 'string', default: 'Urząd Gminy Łącko' },
        kind: { type: 'string', default: 'office' },
        signatory: { type: 'string', default: 'Józef Żmuda' },
        role: { type: 'string', default: 'Wójt Gminy Łącko' },
        accent: { type: 'string' },
        logo: { type: 'string' },
        english: { type: 'boolean', default: false },
        'validity-months': { type: 'string', default: '12' },
        'base-url': { type: 'string', default: 'https://akademia.example.pl' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  // The completion rule of the repository's RODO course, as a certificate of it states the rule that was met.
  const rodo = await loadCourse(path.resolve('courses/rodo-w-urzedzie'));
  const rule = rodo.ok ? (lng: 'pl' | 'en') => describeCompletionRule(rodo.course, translatorFor('common', lng)) : undefined;
  const completedAt = new Date();
  const months = Number(values['validity-months']);
  const code = newCertificateCode(completedAt);
  const template = resolveTemplate({
    name: values.issuer,
    kind: values.kind,
    certificateTemplate: {
      signatoryName: values.signatory,
      signatoryRole: values.role,
      accentColour: values.accent,
      logoPngBase64: values.logo ? readFileSync(values.logo).toString('base64') : undefined,
      englishLine: values.english,
    },
  });
  if (values.logo && !template.logoPng) console.warn(`${values.logo}: not a PNG file, the drawn emblem is used instead`);
  const pdf = await renderCertificatePdf({
    code,
    verificationUrl: verificationUrl(values['base-url'].replace(/\/+$/, ''), code),
    learnerName: values.name,
    courseTitle: values.course,
    courseVersion: '1.0.0',
    completedAt,
    issuedAt: completedAt,
    durationMinutes: 120,
    scorePercent: 92,
    completionRule: rule?.('pl'),
    completionRuleEn: rule?.('en'),
    legalStateDate: '2026-09-01',
    validUntil: months > 0 ? validUntil(completedAt, months) : undefined,
    template,
  });
  writeFileSync(values.out, pdf);
  console.log(`certificate:sample: wrote ${path.resolve(values.out)} (${pdf.length} bytes, ${code})`);
  return 0;
}

process.exitCode = await renderSample(process.argv.slice(2));
