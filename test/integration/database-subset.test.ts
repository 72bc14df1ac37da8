// Exercises, on the real database, the query shapes the app relies on (docs/database.md).
import { expect } from 'chai';
import mongoose, { Schema } from 'mongoose';
import { useTestDatabase } from '../helpers/database.js';

const Sample = mongoose.model(
  'SubsetSample',
  new Schema({
    _id: String,
    organisationId: String,
    tags: [String],
    stored: Date,
    counter: { type: Number, default: 0 },
    events: [{ kind: String, at: Date }],
    raw: String,
  }),
);
const UniqueSample = mongoose.model('SubsetUnique', new Schema({ email: { type: String, unique: true } }));

describe('database subset (MongoDB and FerretDB v1.24)', () => {
  useTestDatabase(import.meta.url);
  before(async () => {
    await UniqueSample.createIndexes();
  });

  it('enforces unique indexes with a duplicate-key error (code 11000)', async () => {
    await UniqueSample.create({ email: 'a@example.pl' });
    try {
      await UniqueSample.create({ email: 'a@example.pl' });
      expect.fail('duplicate accepted');
    } catch (error) {
      expect((error as { code?: number }).code).to.equal(11000);
    }
  });

  it('upserts with findOneAndUpdate, $setOnInsert, $inc, $push and $addToSet (no projection)', async () => {
    const update = (kind: string) =>
      Sample.findOneAndUpdate(
        { _id: 'enrolment-1' },
        { $setOnInsert: { organisationId: 'org-1' }, $inc: { counter: 1 }, $push: { events: { kind, at: new Date() } }, $addToSet: { tags: kind } },
        { upsert: true, new: true },
      ).lean();
    await update('experienced');
    const second = await update('experienced');
    expect(second?.counter).to.equal(2);
    expect(second?.events).to.have.length(2);
    expect(second?.tags).to.deep.equal(['experienced']);
    expect(second?.organisationId).to.equal('org-1');
  });

  it('filters by equality on an array field, by $in, by date ranges, sorts, skips and limits', async () => {
    const base = new Date('2026-01-01T00:00:00Z').getTime();
    await Sample.insertMany(
      Array.from({ length: 6 }, (_, i) => ({
        _id: `s-${i}`,
        organisationId: i % 2 ? 'org-a' : 'org-b',
        tags: [`https://example.pl/activity/${i % 3}`, 'https://example.pl/course'],
        stored: new Date(base + i * 1000),
      })),
    );
    const withActivity = await Sample.find({ tags: 'https://example.pl/activity/1' }).sort({ stored: 1 }).lean();
    expect(withActivity.map((d) => d._id)).to.deep.equal(['s-1', 's-4']);
    const inList = await Sample.find({ _id: { $in: ['s-0', 's-5', 'nope'] } }).lean();
    expect(inList.map((d) => d._id).sort()).to.deep.equal(['s-0', 's-5']);
    const page = await Sample.find({ organisationId: 'org-b', stored: { $gt: new Date(base), $lte: new Date(base + 5000) } })
      .sort({ stored: -1, _id: -1 })
      .skip(1)
      .limit(1)
      .lean();
    expect(page.map((d) => d._id)).to.deep.equal(['s-2']);
  });

  it('aggregates with $match, $group and $sum, then $sort', async () => {
    const rows = await Sample.aggregate<{ _id: string; n: number }>([
      { $match: { stored: { $exists: true } } },
      { $group: { _id: '$organisationId', n: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ]);
    expect(rows).to.deep.equal([
      { _id: 'org-a', n: 3 },
      { _id: 'org-b', n: 3 },
    ]);
  });

  it('removes expired records with deleteMany on a date (the stand-in for TTL indexes)', async () => {
    const result = await Sample.deleteMany({ stored: { $lt: new Date('2026-01-01T00:00:03Z') } });
    expect(result.deletedCount).to.equal(3);
  });

  it('keeps free-form JSON with dotted keys intact by storing it encoded', async () => {
    const statement = { result: { extensions: { 'https://example.pl/ext.score': 1 } } };
    await Sample.create({ _id: 'raw-1', raw: JSON.stringify(statement) });
    const back = await Sample.findById('raw-1').lean();
    expect(JSON.parse(back!.raw!)).to.deep.equal(statement);
  });
});
