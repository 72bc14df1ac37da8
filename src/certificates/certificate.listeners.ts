// What certificates do when other features announce something: a passed course earns its certificate.
import type { PlatformEvents } from '../events/platform-events.js';
import { issueCertificate, type CertificateDeps } from './certificate-issue.service.js';

/** Issues the certificate of every passed course (issueCertificate is idempotent, so a retry is safe). */
export function listenForPassedCourses(deps: CertificateDeps & { events: PlatformEvents }): void {
  deps.events.on('course.passed', async (passed) => {
    await issueCertificate(deps, passed);
  });
}
