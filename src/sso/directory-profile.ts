// What an office's directory says about a person at sign-in, whichever protocol asked it (LDAP, OIDC or SAML).

/**
 * One person as the directory describes them. Each protocol's adapter (src/sso/ldap, src/sso/oidc, src/sso/saml)
 * turns its answer into this shape, and provisioning (src/sso/provisioning.service.ts) maps it onto an account:
 * the office comes from the sign-in method, the department from an attribute or a group, roles from groups.
 */
export interface DirectoryProfile {
  /**
   * The person's stable id at the directory, which survives a change of name or e-mail: LDAP `entryUUID`
   * (`objectGUID` in Active Directory), OIDC `sub`, SAML NameID (persistent).
   */
  subject: string;
  /** The e-mail address, lower case; the account's sign-in address. */
  email: string;
  /** The name as it should appear on certificates. */
  fullName: string;
  /** The groups the person belongs to, as the directory names them (LDAP DNs or cn values, OIDC/SAML group claims). */
  groups: string[];
  /** Every other attribute or claim, as lists of strings, for the department mapping (e.g. `department`, `ou`). */
  attributes: Record<string, string[]>;
}
