// Each office's copies of its people, behind HR's lists: every write of a user reaches the copy, other offices are
// never in it, the start-up sync repairs what a crash left, and the lists read no user by anything but `_id`.
import { expect } from 'chai';
import { Types } from 'mongoose';
import { membersOf } from '../../src/auth/organisation-member.model.js';
import { User } from '../../src/auth/user.model.js';
import { syncOrganisationMembers, usersOfOrganisation } from '../../src/auth/users.read.js';
import { peopleOfOffice } from '../../src/people/people.directory.js';
import { peopleOf } from '../../src/reports/reports.people.js';
import { isIdLookup, recordQueries } from '../helpers/command-log.js';
import { clearCollections, useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation } from '../helpers/factories.js';

const silent = { info: () => undefined };

type Listed = { _id: Types.ObjectId; fullName: string; status?: string; passwordHash?: string };
const listed = (organisationId: Types.ObjectId) => usersOfOrganisation<Listed>(organisationId, 'fullName status passwordHash');
const names = (people: Array<{ fullName: string }>) => people.map((person) => person.fullName).sort();

describe('organisation member copies', () => {
  useTestDatabase(import.meta.url);
  afterEach(clearCollections);

  it('lists the users created in an office, none of another office, and never a password hash', async () => {
    const office = await buildOrganisation();
    const other = await buildOrganisation();
    await buildLearner({ organisation: office, overrides: { fullName: 'Anna Nowak' } });
    await buildLearner({ organisation: office, overrides: { fullName: 'Jan Kowalski' } });
    await buildLearner({ organisation: other, overrides: { fullName: 'Obca Osoba' } });

    const people = await listed(office._id);
    expect(names(people)).to.deep.equal(['Anna Nowak', 'Jan Kowalski']);
    expect(people.map((person) => person.passwordHash)).to.deep.equal([undefined, undefined]);
    expect(names(await listed(other._id))).to.deep.equal(['Obca Osoba']);
  });

  it('follows every kind of write: bulk insert, update, find-and-update, delete; a failed insert leaves no one behind', async () => {
    const office = await buildOrganisation();
    const [first, second] = await User.insertMany([1, 2].map((n) => ({ organisationId: office._id, email: `bulk${n}@example.pl`, fullName: `Osoba ${n}` })));
    expect(names(await listed(office._id))).to.deep.equal(['Osoba 1', 'Osoba 2']);

    await User.updateOne({ _id: first._id, organisationId: office._id }, { $set: { fullName: 'Osoba Pierwsza', status: 'deactivated' } });
    await User.findOneAndUpdate({ _id: second._id }, { $set: { fullName: 'Osoba Druga' } });
    expect((await listed(office._id)).map(({ fullName, status }) => `${fullName}:${status}`).sort()).to.deep.equal(['Osoba Druga:active', 'Osoba Pierwsza:deactivated']);

    await User.deleteOne({ _id: second._id, status: 'active' });
    const duplicate = await User.create({ organisationId: office._id, email: 'bulk1@example.pl', fullName: 'Duplikat' }).then(
      () => 'stored',
      (error: { code?: number }) => error.code,
    );
    expect(duplicate).to.equal(11000);
    expect(names(await listed(office._id))).to.deep.equal(['Osoba Pierwsza']);
  });

  it('the start-up sync repairs copies a crash left missing, stale or orphaned, and then writes nothing', async () => {
    const office = await buildOrganisation();
    const { user: missing } = await buildLearner({ organisation: office, overrides: { fullName: 'Bez Kopii' } });
    const { user: renamed } = await buildLearner({ organisation: office, overrides: { fullName: 'Stare Nazwisko' } });
    // As a process killed between the user write and its copy leaves them (or an older version, with no copies).
    await (await membersOf(office._id)).deleteOne({ _id: missing._id });
    await User.collection.updateOne({ _id: renamed._id }, { $set: { fullName: 'Nowe Nazwisko' } });
    await (await membersOf(office._id)).create({ _id: new Types.ObjectId(), organisationId: office._id, fullName: 'Usunięty Dawno' });
    expect(names(await listed(office._id))).to.deep.equal(['Stare Nazwisko', 'Usunięty Dawno']);

    await syncOrganisationMembers(silent);
    expect(names(await listed(office._id))).to.deep.equal(['Bez Kopii', 'Nowe Nazwisko']);

    const again = await recordQueries(() => syncOrganisationMembers(silent));
    expect(again.filter((query) => query.command !== 'find')).to.deep.equal([]);
  });

  it("HR's people list and the matrix's people never read users by anything but _id", async () => {
    const office = await buildOrganisation();
    for (const n of [1, 2, 3]) await buildLearner({ organisation: office, overrides: { fullName: `Osoba ${n}` } });
    await buildLearner({ organisation: await buildOrganisation() });

    const queries = await recordQueries(async () => {
      expect(await peopleOfOffice(office._id)).to.have.length(3);
      expect(await peopleOf(new Types.ObjectId(String(office._id)))).to.have.length(3);
    });
    expect(queries.filter((query) => query.collection === 'users' && !isIdLookup(query.filter))).to.deep.equal([]);
    expect(queries.filter((query) => query.collection === `organisation_members_${String(office._id)}`)).to.have.length(2);
  });
});
