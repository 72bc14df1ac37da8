import { expect } from 'chai';
import { LocalPath, LoginBody, NewPasswordBody, RegistrationBody } from '../../src/auth/auth.schemas.js';

const valid = {
  fullName: '  Jan Kowalski ',
  email: ' Jan.Kowalski@Urzad.GOV.pl ',
  password: 'dwanascie-zn',
  passwordConfirm: 'dwanascie-zn',
  organisationId: '0123456789abcdef01234567',
  departmentId: '',
  consent: 'tak',
};

describe('auth/auth.schemas', () => {
  it('accepts a valid registration, trimming the name and lower-casing the address', () => {
    const parsed = RegistrationBody.parse(valid);
    expect(parsed.fullName).to.equal('Jan Kowalski');
    expect(parsed.email).to.equal('jan.kowalski@urzad.gov.pl');
    expect(parsed.departmentId).to.equal(undefined);
  });

  it('names the field and the message key for each problem', () => {
    const result = RegistrationBody.safeParse({ ...valid, password: 'a'.repeat(11), passwordConfirm: 'a'.repeat(11), consent: undefined, organisationId: 'x' });
    expect(result.success).to.equal(false);
    const byField = Object.fromEntries(result.error!.issues.map((i) => [i.path.join('.'), i.message]));
    expect(byField).to.include({
      password: 'auth:errors.passwordTooShort',
      consent: 'auth:errors.consentRequired',
      organisationId: 'auth:errors.organisationRequired',
    });
  });

  it('refuses arrays and objects where text is expected, with the field message', () => {
    const result = RegistrationBody.safeParse({ ...valid, fullName: ['a', 'b'], email: { $ne: '' } });
    const byField = Object.fromEntries(result.error!.issues.map((i) => [i.path.join('.'), i.message]));
    expect(byField.fullName).to.equal('auth:errors.fullNameRequired');
    expect(byField.email).to.equal('auth:errors.emailRequired');
  });

  it('refuses names with line breaks, invisible characters or links, and accepts ordinary Polish names', () => {
    const problem = (fullName: string) => RegistrationBody.safeParse({ ...valid, fullName }).error?.issues.find((i) => i.path[0] === 'fullName')?.message;
    for (const name of ['Jan\nKowalski', 'Jan\tKowalski', 'Jan\u200bKowalski', 'Jan\u2028Kowalski', 'Jan\u202eKowalski']) {
      expect(problem(name), JSON.stringify(name)).to.equal('auth:errors.fullNameCharacters');
    }
    for (const name of ['www.oszust.pl', 'Jan HTTP Kowalski', 'Jan https://x', 'Jan ftp://x.pl', 'Jan oszust.pl', 'jan@oszust.pl', 'J.Kowalski']) {
      expect(problem(name), name).to.equal('auth:errors.fullNameLink');
    }
    for (const name of ['Łucja Żółtowska', "Zofia O'Hara-Wiśniewska", 'J. Kowalski', 'Anna Maria Nowak-Kowalska']) {
      expect(problem(name), name).to.equal(undefined);
    }
    // Linear: a long hostile name is judged at once (the form caps it at 200 characters anyway).
    expect(problem('a.'.repeat(100))).to.equal('auth:errors.fullNameLink');
  });

  it('refuses passwords bcrypt would truncate (over 72 bytes)', () => {
    const long = 'ż'.repeat(37); // 74 bytes
    const result = NewPasswordBody.safeParse({ password: long, passwordConfirm: long });
    expect(result.error!.issues[0].message).to.equal('auth:errors.passwordTooLong');
    expect(NewPasswordBody.safeParse({ password: 'ż'.repeat(36), passwordConfirm: 'ż'.repeat(36) }).success).to.equal(true);
  });

  it('accepts only local paths as the page to return to after login', () => {
    for (const good of ['/', '/szkolenia', '/szkolenia/rodo?lekcja=2#pytanie']) expect(LocalPath.safeParse(good).success, good).to.equal(true);
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'szkolenia', '/a b', '']) {
      expect(LocalPath.safeParse(bad).success, bad).to.equal(false);
    }
    expect(LoginBody.parse({ email: 'a@b.pl', password: 'x', next: '//evil.example' }).next).to.equal(undefined);
  });
});
