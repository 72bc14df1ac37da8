import { expect } from 'chai';
import { Types } from 'mongoose';
import type { OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { userFilterFor } from '../../src/sso/ldap/ldap-directory.js';
import { LdapSettingsForm } from '../../src/sso/ldap/ldap.settings.js';
import type { DirectoryProfile } from '../../src/sso/directory-profile.js';
import { inGroup, mappedDepartment, mappedRoles, type ProvisioningMethod } from '../../src/sso/provisioning.service.js';

const finance = new Types.ObjectId();
const archived = new Types.ObjectId();
const office = {
  departments: [
    { _id: finance, name: 'Referat Finansowy' },
    { _id: archived, name: 'Stary referat', archivedAt: new Date() },
  ],
} as unknown as OrganisationDoc;

function method(mapping: ProvisioningMethod['mapping']): Pick<ProvisioningMethod, 'mapping'> {
  return { mapping };
}

function profile(overrides: Partial<DirectoryProfile> = {}): DirectoryProfile {
  return { subject: 's-1', email: 'a@b.pl', fullName: 'A B', groups: [], attributes: {}, ...overrides };
}

describe('sso/provisioning.service mapping rules', () => {
  it('matches a group by its full DN or its first RDN value, in any case', () => {
    const groups = ['CN=Kadry,OU=Grupy,DC=urzad,DC=local'];
    expect(inGroup(groups, 'kadry')).to.equal(true);
    expect(inGroup(groups, 'cn=kadry,ou=grupy,dc=urzad,dc=local')).to.equal(true);
    expect(inGroup(groups, 'Grupy')).to.equal(false);
  });

  it('gives learner always, sets and removes the roles the mapping names, and keeps the others', () => {
    const rules = method({ departments: [], groupRoles: [{ group: 'Kadry', role: 'hr' }] });
    expect(mappedRoles(rules, profile({ groups: ['cn=Kadry,ou=g'] }), [])).to.deep.equal(['learner', 'hr']);
    expect(mappedRoles(rules, profile(), ['learner', 'hr', 'author'])).to.deep.equal(['learner', 'author']);
    expect(mappedRoles(rules, profile(), ['operator'])).to.deep.equal(['learner', 'operator']);
  });

  it('never gives the operator role from a group', () => {
    const rules = method({ departments: [], groupRoles: [{ group: 'Admins', role: 'operator' }] });
    expect(mappedRoles(rules, profile({ groups: ['Admins'] }), [])).to.deep.equal(['learner']);
  });

  it('maps the department from the attribute first, then a group, never to an archived department', () => {
    const rules = method({
      departmentAttribute: 'department',
      departments: [
        { value: 'FIN', departmentId: finance },
        { value: 'Stary', departmentId: archived },
        { value: 'Ksiegowosc', departmentId: finance },
      ],
      groupRoles: [],
    });
    expect(mappedDepartment(rules, office, profile({ attributes: { Department: ['fin'] } }))).to.equal(String(finance));
    expect(mappedDepartment(rules, office, profile({ groups: ['cn=Ksiegowosc,ou=g'] }))).to.equal(String(finance));
    expect(mappedDepartment(rules, office, profile({ attributes: { department: ['Stary'] } }))).to.equal(undefined);
  });
});

describe('sso/ldap/ldap-directory filter escaping', () => {
  it('puts the typed username into the filter escaped (RFC 4515)', () => {
    const settings = { userFilter: '(&(objectClass=user)(sAMAccountName={{username}}))' };
    expect(userFilterFor(settings, 'jan')).to.equal('(&(objectClass=user)(sAMAccountName=jan))');
    expect(userFilterFor(settings, '*)(uid=*')).to.equal('(&(objectClass=user)(sAMAccountName=\\2a\\29\\28uid=\\2a))');
  });
});

describe('sso/ldap/ldap.settings form', () => {
  const base = {
    url: 'ldaps://dc1.urzad.local:636',
    bindDn: 'CN=svc',
    searchBase: 'DC=urzad',
    userFilter: '(sAMAccountName={{username}})',
    loginAttribute: 'sAMAccountName',
    emailAttribute: 'mail',
    nameAttribute: 'displayName',
    subjectAttribute: 'objectGUID',
    groupMode: 'memberOf',
    groupAttribute: 'memberOf',
    disabledCheck: 'ad',
  };
  it('accepts an Active Directory configuration', () => {
    expect(LdapSettingsForm.safeParse(base).success).to.equal(true);
  });
  it('refuses another scheme, StartTLS on ldaps://, and a filter without the placeholder', () => {
    for (const [change, field] of [
      [{ url: 'http://dc1' }, 'url'],
      [{ startTls: 'tak' }, 'startTls'],
      [{ userFilter: '(uid=*)' }, 'userFilter'],
    ] as const) {
      const parsed = LdapSettingsForm.safeParse({ ...base, ...change });
      expect(parsed.success, field).to.equal(false);
      expect(parsed.error!.issues.map((issue) => issue.path[0])).to.include(field);
    }
  });
});
