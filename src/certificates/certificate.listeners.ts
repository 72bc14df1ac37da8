// What certificates do when other features announce something: a passed course earns its certificate, and a version
// published as a change of law calls the holders of older certificates to re-certify.
import type { PlatformEvents } from '../events/platform-events.js';
import { issueCertificate, type CertificateDeps } from './certificate-issue.service.js';
import { requestRecertification, type RecertificationDeps } from './certificate-recertification.js';

/** Issues the certificate of every passed course (issueCertificate is idempotent, so a retry is safe). */
export function listenForPassedCourses(deps: CertificateDeps & { events: PlatformEvents }): void {
  deps.events.on('course.passed', async (passed) => {
    await issueCertificate(deps, passed);
  });
}

/**
 * Records a re-certification run for every version published with "zmiana stanu prawnego" (one insert, so the publish
 * request stays quick); the scheduled job (scheduleRecertifications) marks the certificates and mails their holders.
 */
export function listenForLegalChanges(deps: Pick<RecertificationDeps, 'clock'> & { events: PlatformEvents }): void {
  deps.events.on('course.published', async (published) => {
    await requestRecertification(deps, published);
  });
}
