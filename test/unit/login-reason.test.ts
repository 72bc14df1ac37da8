import { expect } from 'chai';
import { loginReasonOf } from '../../src/auth/login-reason.js';

/** A translator that shows the key and its options, so the test sees which text was chosen. */
const t = (key: string, options?: Record<string, unknown>) => (options ? `${key}(${Object.values(options).join(',')})` : key);

describe('auth/login-reason', () => {
  it('says nothing without a deep link, or for the catalogue that anyone may read', () => {
    for (const next of [undefined, '', '/szkolenia', '/szkolenia?lang=en', '/szkolenia/']) expect(loginReasonOf(next, t), String(next)).to.equal(undefined);
  });

  it('offers enrolment for a course page, which anyone may read', () => {
    expect(loginReasonOf('/szkolenia/przyklad-kurs', t)).to.deep.equal({ text: 'auth:login.toEnrol' });
    expect(loginReasonOf('/szkolenia/przyklad-kurs?lang=en', t)).to.deep.equal({ text: 'auth:login.toEnrol' });
  });

  it('says a page needs a sign-in, naming the area where it is known', () => {
    const cases: Array<[string, string | undefined]> = [
      ['/szkolenia/przyklad-kurs/lekcje/wprowadzenie', 'lesson'],
      ['/szkolenia/przyklad-kurs/test/abc/wynik', 'quiz'],
      ['/konto', 'account'],
      ['/konto/haslo', 'account'],
      ['/kadry?dzial=1', 'hr'],
      ['/moje-szkolenia', 'myCourses'],
      ['/admin/lrs-klienci', 'management'],
      ['/kontakt-nie-ma', undefined],
      ['/kadryzy', undefined],
    ];
    for (const [next, area] of cases) {
      expect(loginReasonOf(next, t), next).to.deep.equal({
        text: 'auth:login.deepLink',
        area: area && `auth:login.deepLinkArea(auth:login.areas.${area})`,
      });
    }
  });
});
