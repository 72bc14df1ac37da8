// The session read every signed-in request makes is an `_id` look-up (issue 17), and an expired session still ends.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { SESSION_COLLECTION } from '../../src/auth/session-cleanup.js';
import { isIdLookup, recordQueries } from '../helpers/command-log.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('auth/session-store', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.close());

  it('reads the session of a signed-in request by _id alone', async () => {
    const { user, password } = await buildLearner();
    const agent = await loginAgent(server.url, user.email, password);
    // /moje-szkolenia: a page without its own reason to read sessions (/konto lists the person's sessions).
    const queries = await recordQueries(() => agent.get('/moje-szkolenia').expect(200));
    const sessionReads = queries.filter((query) => query.collection === SESSION_COLLECTION && query.command === 'find');
    expect(sessionReads).to.have.length.greaterThan(0);
    expect(sessionReads.filter((query) => !isIdLookup(query.filter))).to.deep.equal([]);
  });

  it('does not accept a session whose expiry has passed, even before the clean-up removed it', async () => {
    const { user, password } = await buildLearner();
    const agent = await loginAgent(server.url, user.email, password);
    await agent.get('/konto').expect(200);
    await mongoose.connection
      .db!.collection(SESSION_COLLECTION)
      .updateMany({ 'session.passport.user': user._id.toHexString() }, { $set: { expires: new Date(Date.now() - 1000) } });
    const after = await agent.get('/konto');
    expect(after.status).to.equal(302);
    expect(after.headers.location).to.match(/logowanie/);
  });
});
