// Signing in with an office's LDAP / Active Directory: the directory checks the password, provisioning does the rest.
import type { SecretBox } from '../../secrets/secret-box.js';
import { provisionDirectoryAccount, type ProvisioningDeps } from '../provisioning.service.js';
import type { DirectorySignInOutcome } from '../sign-in-completion.js';
import { openSecret } from '../sign-in-kinds.js';
import { enabledMethodById } from '../sign-in-methods.read.js';
import { authenticateLdap } from './ldap-directory.js';
import { LdapSettings } from './ldap.settings.js';

/** What an LDAP sign-in needs from the platform (a Platform fits). */
export interface LdapSignInDeps extends ProvisioningDeps {
  secretBox: SecretBox;
}

/**
 * The outcome of a username and password typed into an office's LDAP form: the method must exist and be enabled,
 * its settings parse and its service password open; then the directory decides (ldap-directory.ts) and the account
 * is provisioned or refused (provisioning.service.ts).
 */
export async function signInWithLdap(deps: LdapSignInDeps, methodId: string, username: string, password: string): Promise<DirectorySignInOutcome> {
  const method = await enabledMethodById(methodId, 'ldap');
  if (!method) return { failure: 'method-unavailable', detail: 'no enabled LDAP method with this id' };
  const settings = LdapSettings.safeParse(method.settings);
  if (!settings.success) return { failure: 'other', detail: 'the stored LDAP settings do not parse' };
  const bindPassword = openSecret(deps.secretBox, method);
  if (!bindPassword) return { failure: 'other', detail: 'the service account password does not open (SECRETS_KEY changed?)' };
  const answer = await authenticateLdap(settings.data, bindPassword, username, password);
  if ('failure' in answer) return answer;
  const provisioned = await provisionDirectoryAccount(deps, method, answer.ok.profile);
  return 'failure' in provisioned ? { failure: provisioned.failure, detail: `provisioning refused ${answer.ok.dn}` } : { user: provisioned.user };
}
