// What the sign-in page offers beside the platform password: the office's directory methods, found by e-mail domain or chosen.
import { enabledMethodsOf, officeByEmailDomain, officesWithMethods, offeredMethods, type OfferedMethod } from './sign-in-methods.read.js';
import type { FindOfficeQuery } from './sign-in-methods.schemas.js';

/** An LDAP form sent back with field messages (a blank login or password): which method, what was typed, what is wrong. */
export interface LdapFormProblems {
  methodId: string;
  officeId: string;
  username?: string;
  /** Messages, already in the person's language, by field (`username`, `password`). */
  errors: Partial<Record<'username' | 'password', string>>;
}

/** The directory part of the sign-in page, as the view needs it. */
export interface DirectorySignInView {
  /** Offices with at least one method, for the "choose your office" list (selected: the chosen one). */
  offices: Array<{ id: string; name: string; selected: boolean }>;
  /** The office found or chosen, and its methods (LDAP ones as username + password forms). */
  office?: { id: string; name: string };
  methods: Array<OfferedMethod & { isLdap: boolean; href: string; typed?: string; errors?: LdapFormProblems['errors'] }>;
  /** The e-mail typed to find the office. */
  email?: string;
  /** An e-mail or office was given but no method belongs to it. */
  nothingFound: boolean;
}

/** Where a method's button leads (the protocol's start, `/logowanie/<kind>/<id>`), carrying a local `next`. */
export function methodHref(method: Pick<OfferedMethod, 'kind' | 'id'>, next?: string): string {
  return `/logowanie/${method.kind}/${method.id}${next ? `?next=${encodeURIComponent(next)}` : ''}`;
}

/** The office of a typed e-mail (by domain) or a chosen office, and its enabled methods; an LDAP form's problems shown on it. */
export async function directorySignInView(query: FindOfficeQuery, next?: string, problems?: LdapFormProblems): Promise<DirectorySignInView> {
  const offices = await officesWithMethods();
  let office: { id: string; name: string } | undefined;
  if (query.urzad) office = offices.find((candidate) => candidate.id === query.urzad);
  else if (query.email) {
    const found = await officeByEmailDomain(query.email);
    if (found) office = { id: String(found._id), name: found.name };
  }
  const methods = office ? offeredMethods(await enabledMethodsOf(office.id)) : [];
  return {
    offices: offices.map((candidate) => ({ ...candidate, selected: candidate.id === office?.id })),
    office: methods.length ? office : undefined,
    methods: methods.map((method) => ({
      ...method,
      isLdap: method.kind === 'ldap',
      href: methodHref(method, next),
      ...(problems?.methodId === method.id ? { typed: problems.username, errors: problems.errors } : {}),
    })),
    email: query.email,
    nothingFound: Boolean(query.urzad || query.email) && methods.length === 0,
  };
}
