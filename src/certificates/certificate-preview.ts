// A sample certificate with an organisation's (unsaved) look: the office settings' "Podgląd" and nothing else.
import { validUntil } from '../calendar/calendar.js';
import { newCertificateCode } from './certificate-code.js';
import { renderCertificatePdf } from './certificate-pdf.js';
import type { CertificateTemplate } from './certificate-template.js';
import { verificationUrl } from './open-badge.js';

/** Renders a certificate of a made-up learner and course with `template`; its code is verified by nobody (never stored). */
export async function renderPreviewCertificate(template: CertificateTemplate, baseUrl: string): Promise<Buffer> {
  const completedAt = new Date();
  const code = newCertificateCode(completedAt);
  return renderCertificatePdf({
    code,
    verificationUrl: verificationUrl(baseUrl, code),
    learnerName: 'Zażółć Gęślą Jaźń',
    courseTitle: 'Szkolenie przykładowe – podgląd zaświadczenia',
    courseVersion: '1.0.0',
    completedAt,
    issuedAt: completedAt,
    durationMinutes: 120,
    scorePercent: 92,
    legalStateDate: completedAt.toISOString().slice(0, 10),
    validUntil: validUntil(completedAt, 12),
    template,
  });
}
