// Start-up backfill: certificates stored before their look-up keys existed get them, once, idempotently.
import mongoose from 'mongoose';
import { runOnce } from '../db/migrations.js';
import type { Logger } from '../logger.js';
import { CertificateKey, type CertificateKeyDoc } from './certificate-key.model.js';
import { codeKey, enrolmentList, learnerList, slotKey, writeCertificateKeys, type KeyedCertificate } from './certificate-keys.js';
import { Certificate } from './certificate.model.js';

/** Marks a finished backfill, so later starts check one `_id` instead of scanning every certificate. */
const MIGRATIONS = 'certificate_migrations';
const KEYS_BACKFILL = 'certificate-keys';
/** Keys inserted per command. */
const BATCH = 500;

type Stored = KeyedCertificate & { issuedAt: Date };

/** The list a slot key belongs to and its position, or undefined for a code key. */
function slotOf(key: string): { list: string; n: number } | undefined {
  const match = /^((?:enrolment|learner):[0-9a-f]{24}):(\d+)$/.exec(key);
  return match ? { list: match[1], n: Number(match[2]) } : undefined;
}

/**
 * Gives every stored certificate its code key and its slots in its enrolment's and its person's lists.
 * Cost: the first start after the upgrade scans the certificates and the keys once (seconds for tens of
 * thousands) and inserts the missing keys in batches; every later start is one `_id` read of the marker.
 * Safe to interrupt and to run twice (or on two instances at once): what is planned comes from the keys
 * already stored, and a slot someone else took meanwhile is redone through writeCertificateKeys, which
 * checks before it adds. Returns how many certificates got keys.
 */
export async function backfillCertificateKeys({ logger }: { logger: Pick<Logger, 'info'> }): Promise<number> {
  const done = await runOnce(MIGRATIONS, KEYS_BACKFILL, async () => {
    const db = mongoose.connection.db!;

    // Every organisation's: a one-off start-up task, not a request; each key keeps its certificate's organisation.
    const certificates = await Certificate.find({})
      .select({ _id: 1, organisationId: 1, code: 1, enrolmentId: 1, userId: 1, issuedAt: 1 })
      .setOptions({ acrossOrganisations: true })
      .lean<Stored[]>();
    certificates.sort((a, b) => a.issuedAt.getTime() - b.issuedAt.getTime());
    const keys = await CertificateKey.find({}).setOptions({ acrossOrganisations: true }).lean<CertificateKeyDoc[]>();
    const codes = new Set(keys.filter((key) => !slotOf(key._id)).map((key) => key._id));
    const lists = new Map<string, string[]>();
    for (const key of keys) {
      const slot = slotOf(key._id);
      if (!slot) continue;
      const ids = lists.get(slot.list) ?? [];
      ids[slot.n] = key.certificateId.toHexString();
      lists.set(slot.list, ids);
    }

    // Planned in issue order, so a list's slots run from its oldest certificate to its newest.
    const planned: Array<{ key: CertificateKeyDoc; certificate: Stored }> = [];
    const plan = (key: string, certificate: Stored) => planned.push({ key: { _id: key, certificateId: certificate._id, organisationId: certificate.organisationId }, certificate });
    for (const certificate of certificates) {
      if (!codes.has(codeKey(certificate.code))) plan(codeKey(certificate.code), certificate);
      for (const list of [enrolmentList(certificate.enrolmentId), learnerList(certificate.userId)]) {
        const ids = lists.get(list) ?? [];
        lists.set(list, ids);
        if (ids.includes(certificate._id.toHexString())) continue;
        // The first free slot: slots are never deleted, so the only holes are ones an interrupted batch left (the
        // unordered insert may store a later slot and not an earlier one); filling them first closes them.
        let n = 0;
        while (ids[n] !== undefined) n += 1;
        ids[n] = certificate._id.toHexString();
        plan(slotKey(list, n), certificate);
      }
    }

    const redo = new Map<string, Stored>();
    for (let start = 0; start < planned.length; start += BATCH) {
      const batch = planned.slice(start, start + BATCH);
      try {
        await db.collection<CertificateKeyDoc>(CertificateKey.collection.collectionName).insertMany(
          batch.map(({ key }) => key),
          { ordered: false },
        );
      } catch (error) {
        const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
        const failed = (Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []) as Array<{ index: number; code?: number }>;
        if (!failed.length || failed.some((failure) => failure.code !== 11000)) throw error;
        // Taken meanwhile (another instance backfilling, or a certificate issued since): checked one by one.
        for (const failure of failed) {
          const { certificate } = batch[failure.index];
          redo.set(certificate._id.toHexString(), certificate);
        }
      }
    }
    for (const certificate of redo.values()) await writeCertificateKeys(certificate);

    const keyed = new Set(planned.map(({ certificate }) => certificate._id.toHexString())).size;
    if (keyed) logger.info({ certificates: keyed, keys: planned.length }, 'certificate look-up keys written for certificates stored before them');
    return keyed;
  });
  return done ?? 0;
}
