// The LDAP sync: accounts a directory no longer lists (or lists as disabled) are deactivated; name, department, roles follow it.
import { Cron } from 'croner';
import type { UserDoc } from '../../auth/user.model.js';
import { User } from '../../auth/user.model.js';
import { usersOfOrganisation } from '../../auth/users.read.js';
import { PLATFORM_TIME_ZONE, warsawIsoDay } from '../../calendar/calendar.js';
import type { Clock } from '../../calendar/clock.js';
import type { Config } from '../../config.js';
import { claimOnce, releaseClaim } from '../../db/claims.js';
import type { Logger } from '../../logger.js';
import { Organisation, type OrganisationDoc } from '../../organisations/organisation.model.js';
import { deactivatePerson, type PeopleDeps } from '../../people/people.service.js';
import type { SecretBox } from '../../secrets/secret-box.js';
import { directoryActor, directoryChanges, updateAccount, type DirectoryChanges } from '../provisioning.service.js';
import { openSecret } from '../sign-in-kinds.js';
import { SignInMethod, type SignInMethodDoc } from '../sign-in-method.model.js';
import { listLdapPeople, type LdapFailure, type LdapPerson } from './ldap-directory.js';
import { LdapSettings } from './ldap.settings.js';

/** What the sync needs from the platform (a Platform fits). */
export interface LdapSyncDeps extends PeopleDeps {
  secretBox: SecretBox;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  clock: Clock;
  config: PeopleDeps['config'] & Pick<Config, 'LDAP_SYNC_CRON'>;
}

/** One account the sync would deactivate, and why. */
export interface PlannedDeactivation {
  userId: string;
  fullName: string;
  email: string;
  why: 'gone' | 'disabled';
}

/** One account the sync would change. */
export interface PlannedUpdate {
  userId: string;
  fullName: string;
  email: string;
  changes: DirectoryChanges;
}

/** What a sync would do (the dry run) or did. */
export interface SyncPlan {
  deactivate: PlannedDeactivation[];
  update: PlannedUpdate[];
  /** Linked accounts the directory leaves as they are. */
  unchanged: number;
  /** People the directory lists. */
  listed: number;
}

export type SyncOutcome = { plan: SyncPlan } | { failure: LdapFailure | 'settings' | 'secret' | 'empty'; detail: string };

type LinkedAccount = Pick<UserDoc, '_id' | 'fullName' | 'email' | 'departmentId' | 'roles' | 'status' | 'directory'>;

/** The office's accounts linked to this method that are still active (one scan of the office's own copies). */
async function linkedAccounts(method: SignInMethodDoc): Promise<LinkedAccount[]> {
  const people = await usersOfOrganisation<LinkedAccount>(method.organisationId, 'fullName email departmentId roles status directory');
  return people.filter((person) => person.directory && String(person.directory.methodId) === String(method._id) && (person.status ?? 'active') !== 'deactivated');
}

async function directoryOf(deps: Pick<LdapSyncDeps, 'secretBox'>, method: SignInMethodDoc): Promise<{ people: LdapPerson[] } | Exclude<SyncOutcome, { plan: SyncPlan }>> {
  const settings = LdapSettings.safeParse(method.settings);
  if (!settings.success) return { failure: 'settings', detail: 'the stored LDAP settings do not parse' };
  const bindPassword = openSecret(deps.secretBox, method);
  if (!bindPassword) return { failure: 'secret', detail: 'the service account password does not open' };
  const listed = await listLdapPeople(settings.data, bindPassword);
  if ('failure' in listed) return listed;
  // A directory that lists nobody is far likelier a wrong filter or base than an office whose staff all left.
  if (!listed.ok.length) return { failure: 'empty', detail: 'the directory listed nobody: nothing is deactivated' };
  return { people: listed.ok };
}

/** The plan for one method: read the directory and the linked accounts, change nothing. */
export async function planLdapSync(deps: Pick<LdapSyncDeps, 'secretBox'>, method: SignInMethodDoc): Promise<SyncOutcome> {
  const directory = await directoryOf(deps, method);
  if ('failure' in directory) return directory;
  return planFrom(method, directory.people);
}

/** The plan for the people the directory listed. */
async function planFrom(method: SignInMethodDoc, people: LdapPerson[]): Promise<SyncOutcome> {
  const directory = { people };
  const office = await Organisation.findById(method.organisationId).lean<OrganisationDoc>();
  if (!office) return { failure: 'settings', detail: 'the office is gone' };
  const bySubject = new Map(directory.people.filter((p) => p.profile.subject).map((person) => [person.profile.subject, person]));
  const plan: SyncPlan = { deactivate: [], update: [], unchanged: 0, listed: directory.people.length };
  for (const account of await linkedAccounts(method)) {
    const entry = bySubject.get(account.directory!.subject);
    const who = { userId: String(account._id), fullName: account.fullName, email: account.email };
    if (!entry) plan.deactivate.push({ ...who, why: 'gone' });
    else if (entry.disabled) plan.deactivate.push({ ...who, why: 'disabled' });
    else {
      const changes = directoryChanges(method, office, entry.profile, account);
      if (Object.keys(changes).length) plan.update.push({ ...who, changes });
      else plan.unchanged += 1;
    }
  }
  const byName = (a: { fullName: string }, b: { fullName: string }) => a.fullName.localeCompare(b.fullName, 'pl');
  plan.deactivate.sort(byName);
  plan.update.sort(byName);
  return { plan };
}

/**
 * Applies the plan as the directory says it now (read again, not the dry run's copy): leavers are deactivated through
 * the people feature (reports keep them as "poza urzędem", the audit trail names the directory), changes applied.
 */
export async function applyLdapSync(deps: LdapSyncDeps, method: SignInMethodDoc): Promise<SyncOutcome> {
  const directory = await directoryOf(deps, method);
  if ('failure' in directory) return directory;
  const planned = await planFrom(method, directory.people);
  if ('failure' in planned) return planned;
  const { plan } = planned;
  const office = await Organisation.findById(method.organisationId).lean<OrganisationDoc>();
  const actor = { ...directoryActor(method), organisationId: String(method.organisationId), roles: ['admin' as const] };
  for (const leaver of plan.deactivate) {
    const reason = leaver.why === 'gone' ? `Brak konta w katalogu urzędu (${method.label})` : `Konto wyłączone w katalogu urzędu (${method.label})`;
    await deactivatePerson(deps, actor, leaver.userId, { reason });
  }
  const bySubject = new Map(directory.people.map((person) => [person.profile.subject, person]));
  for (const change of plan.update) {
    const user = await User.findById(change.userId).lean<UserDoc>();
    const entry = user?.directory ? bySubject.get(user.directory.subject) : undefined;
    if (user && entry && office) await updateAccount(deps, method, office, entry.profile, user, entry.profile.email);
  }
  await SignInMethod.updateOne({ _id: method._id, organisationId: method.organisationId }, { $set: { lastSyncAt: deps.clock.now() } });
  await deps.audit.record({
    organisationId: String(method.organisationId),
    actor: directoryActor(method),
    action: 'signInMethod.synced',
    subject: { kind: 'signInMethod', id: String(method._id), label: method.label },
    details: { deactivated: plan.deactivate.length, updated: plan.update.length, listed: plan.listed },
  });
  return { plan };
}

/**
 * The scheduled sync of every enabled LDAP method, once a day per method: a claim per method and Warsaw day (a
 * unique-key insert) lets one instance run it; a failed run gives its claim back, so the next tick tries again.
 */
export async function runScheduledLdapSyncs(deps: LdapSyncDeps): Promise<number> {
  // Across organisations by design: the job serves every office.
  const methods = await SignInMethod.find({ kind: 'ldap', enabled: true }).setOptions({ acrossOrganisations: true }).lean<SignInMethodDoc[]>();
  const day = warsawIsoDay(deps.clock.now());
  let ran = 0;
  for (const method of methods) {
    const key = `ldap-sync:${String(method._id)}:${day}`;
    if (!(await claimOnce(key, method.organisationId))) continue;
    try {
      const outcome = await applyLdapSync(deps, method);
      if ('failure' in outcome) {
        deps.logger.warn({ signInMethodId: String(method._id), reason: outcome.failure, detail: outcome.detail }, 'LDAP sync did not run; the next tick tries again');
        await releaseClaim(key, method.organisationId);
      } else {
        ran += 1;
        deps.logger.info({ signInMethodId: String(method._id), deactivated: outcome.plan.deactivate.length, updated: outcome.plan.update.length }, 'LDAP sync applied');
      }
    } catch (error) {
      deps.logger.error({ err: error, signInMethodId: String(method._id) }, 'LDAP sync failed; the next tick tries again');
      await releaseClaim(key, method.organisationId);
    }
  }
  return ran;
}

/** Schedules the sync on LDAP_SYNC_CRON (Warsaw time), none when `off`; it never keeps the process alive. */
export function scheduleLdapSync(deps: LdapSyncDeps): Cron | undefined {
  if (deps.config.LDAP_SYNC_CRON === 'off') return undefined;
  return new Cron(deps.config.LDAP_SYNC_CRON, { timezone: PLATFORM_TIME_ZONE, unref: true, protect: true }, async () => {
    try {
      await runScheduledLdapSyncs(deps);
    } catch (error) {
      deps.logger.warn({ err: error }, 'the LDAP sync job stopped; the next tick tries again');
    }
  });
}
