// Keeps every instance's catalogue in step: a publication bumps one revision counter (one document read by `_id`),
// and each instance checks it every few seconds, serving the versions another instance published.
import { Cron } from 'croner';
import { Schema, model } from 'mongoose';
import type { Logger } from '../logger.js';
import { serveStoredVersions, type CourseVersionsDeps } from './course-versions.js';

// Not tenant-scoped: one document for the whole installation.
const catalogueRevisionSchema = new Schema({ _id: { type: String, required: true }, revision: { type: Number, required: true } }, { versionKey: false });
const CatalogueRevision = model('CatalogueRevision', catalogueRevisionSchema);
const ID = 'course-catalogue';

/** Tells the other instances that the catalogue changed ($inc: two publications at once both count; any change is enough). */
export async function bumpCatalogueRevision(): Promise<void> {
  await CatalogueRevision.updateOne({ _id: ID }, { $inc: { revision: 1 } }, { upsert: true });
}

async function currentRevision(): Promise<number> {
  return (await CatalogueRevision.findById(ID).lean<{ revision: number }>())?.revision ?? 0;
}

/**
 * Every 10 seconds (croner's seconds field): first `beforeServing` (the sharing rules, one `_id` read of their own
 * stamp, so that a course another instance just published is never served here before its sharing rule is known),
 * then one `_id` read of the revision; when it moved, the stored versions this instance does not serve yet are laid
 * out and served. Returns the job (to stop).
 */
export async function scheduleCatalogueRefresh(deps: CourseVersionsDeps & { logger: Logger }, beforeServing: () => Promise<unknown> = () => Promise.resolve()): Promise<Cron> {
  let seen = await currentRevision();
  return new Cron('*/10 * * * * *', { unref: true, protect: true }, async () => {
    try {
      await beforeServing();
      const revision = await currentRevision();
      if (revision === seen) return;
      await serveStoredVersions(deps);
      seen = revision;
    } catch (error) {
      deps.logger.warn({ err: error }, 'could not refresh the course catalogue; will retry');
    }
  });
}
