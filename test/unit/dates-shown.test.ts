// Bug 3 (issue 9): every date a person sees is the Warsaw date, also when the server runs in UTC (the Docker image).
import { expect } from 'chai';
import type { HelperOptions } from 'handlebars';
import { issuedMail } from '../../src/certificates/certificate.mail.js';
import { viewHelpers } from '../../src/http/views.js';
import { inProcessTimeZone } from '../helpers/time-zone.js';

/** 00:30 on 12 March in Warsaw (UTC+1 in winter), still 11 March in UTC. */
const AFTER_MIDNIGHT = new Date('2026-03-11T23:30:00Z');

/** The options Handlebars hands a helper on a page in `language`. */
function pageIn(language: string): HelperOptions {
  return { data: { root: { language } } } as unknown as HelperOptions;
}

describe('http/views date helper and certificates/certificate.mail in a UTC process', () => {
  inProcessTimeZone('UTC');

  it('{{date}} shows the Warsaw day: 12.03.2026 (pl), 12/03/2026 (en), from a Date or its ISO text', () => {
    expect(viewHelpers.date(AFTER_MIDNIGHT, pageIn('pl'))).to.equal('12.03.2026');
    expect(viewHelpers.date(AFTER_MIDNIGHT, pageIn('en'))).to.equal('12/03/2026');
    expect(viewHelpers.date(AFTER_MIDNIGHT.toISOString(), pageIn('pl'))).to.equal('12.03.2026');
  });

  it('{{date}} shows a calendar day (YYYY-MM-DD, e.g. a legal state date) as that day', () => {
    expect(viewHelpers.date('2026-09-01', pageIn('pl'))).to.equal('01.09.2026');
    expect(viewHelpers.date('2026-09-01', pageIn('en'))).to.equal('01/09/2026');
    expect(viewHelpers.date('not a date', pageIn('pl'))).to.equal('');
    expect(viewHelpers.date(undefined, pageIn('pl'))).to.equal('');
  });

  it('the certificate mail gives the Warsaw completion day, in the learner’s language', () => {
    const facts = {
      learnerName: 'Zażółć Gęślą Jaźń',
      courseTitle: 'RODO',
      code: 'AJST-2026-ABCD-EFGH-IJKL-MNOP',
      completedAt: AFTER_MIDNIGHT,
      verificationUrl: 'https://akademia.test/weryfikacja/AJST-2026-ABCD-EFGH-IJKL-MNOP',
      listUrl: 'https://akademia.test/moje-zaswiadczenia',
      reissued: false,
    };
    expect(issuedMail({ ...facts, language: 'pl' }).text).to.contain('(12.03.2026)');
    expect(issuedMail({ ...facts, language: 'en' }).text).to.contain('(12/03/2026)');
  });
});
