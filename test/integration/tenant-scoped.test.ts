// The tenantScoped plugin: a query that forgets the organisation fails loudly.
import { expect } from 'chai';
import mongoose, { Schema, Types } from 'mongoose';
import { MissingTenantScopeError, tenantScoped } from '../../src/db/tenant-scoped.js';
import { useTestDatabase } from '../helpers/database.js';

const schema = new Schema({ title: String });
schema.plugin(tenantScoped);
const Note = mongoose.model('TenantNote', schema);

describe('db/tenant-scoped', () => {
  useTestDatabase(import.meta.url);
  const orgA = new Types.ObjectId();
  const orgB = new Types.ObjectId();

  before(async () => {
    await Note.create([
      { title: 'a1', organisationId: orgA },
      { title: 'b1', organisationId: orgB },
    ]);
  });

  it('requires organisationId on every document', async () => {
    try {
      await Note.create({ title: 'orphan' });
      expect.fail('saved without an organisation');
    } catch (error) {
      expect((error as Error).message).to.match(/organisationId/);
    }
  });

  it('returns only the organisation asked for', async () => {
    const notes = await Note.find({ organisationId: orgA }).lean();
    expect(notes.map((n) => n.title)).to.deep.equal(['a1']);
  });

  it('throws for find, update and delete queries without an organisation', async () => {
    for (const run of [() => Note.find({ title: 'a1' }), () => Note.updateMany({}, { title: 'x' }), () => Note.deleteMany({ title: 'b1' })]) {
      try {
        await run();
        expect.fail('query ran unscoped');
      } catch (error) {
        expect(error).to.be.instanceOf(MissingTenantScopeError);
      }
    }
    expect(await Note.countDocuments({ organisationId: orgB })).to.equal(1);
  });

  it('accepts a lookup that names documents by _id, but not an _id operator that matches many', async () => {
    const note = (await Note.findOne({ organisationId: orgA }).lean())!;
    expect((await Note.findById(note._id).lean())?.title).to.equal('a1');
    expect(await Note.find({ _id: { $in: [note._id] } }).lean()).to.have.length(1);
    for (const run of [() => Note.find({ _id: { $exists: true } }), () => Note.find({ _id: { $ne: note._id } })]) {
      try {
        await run();
        expect.fail('an _id operator passed as a scope');
      } catch (error) {
        expect(error).to.be.instanceOf(MissingTenantScopeError);
      }
    }
  });

  it('guards aggregations and distinct too', async () => {
    const rows = await Note.aggregate([{ $match: { organisationId: orgB } }, { $group: { _id: '$organisationId', n: { $sum: 1 } } }]);
    expect(rows).to.deep.equal([{ _id: orgB, n: 1 }]);
    for (const run of [() => Note.aggregate([{ $group: { _id: '$organisationId', n: { $sum: 1 } } }]), () => Note.distinct('title')]) {
      try {
        await run();
        expect.fail('ran unscoped');
      } catch (error) {
        expect(error).to.be.instanceOf(MissingTenantScopeError);
      }
    }
  });

  it('allows an explicit cross-organisation query', async () => {
    const all = await Note.find({}).setOptions({ acrossOrganisations: true }).lean();
    expect(all).to.have.length(2);
  });
});
