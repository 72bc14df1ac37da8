// Issue 10, finding 1: expired sessions are removed with an acknowledged delete, so pooled replies never cross.
import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { removeExpiredSessions, scheduleSessionCleanup, SESSION_COLLECTION } from '../../src/auth/session-cleanup.js';
import { createLogger } from '../../src/logger.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const HOUR = 60 * 60 * 1000;

/** A second connection to the test database with a pool of one, so every command shares one socket. */
async function onePooledConnection(dbName: string) {
  const connection = mongoose.createConnection(process.env.TEST_DATABASE_URI!, { dbName, maxPoolSize: 1, minPoolSize: 1 });
  await connection.asPromise();
  return connection;
}

describe('auth/session-cleanup', function () {
  this.timeout(60_000);
  const database = useTestDatabase(import.meta.url);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.close());

  it('removes only expired sessions, and every later query on a one-connection pool gets its own answer', async () => {
    const connection = await onePooledConnection(database.dbName());
    try {
      const db = connection.db!;
      const now = new Date();
      await db.collection(SESSION_COLLECTION).insertMany([
        { _id: 'expired' as never, expires: new Date(now.getTime() - HOUR), session: {} },
        { _id: 'live' as never, expires: new Date(now.getTime() + HOUR), session: {} },
      ]);
      expect(await removeExpiredSessions(db, now)).to.equal(1);
      const people = db.collection('people_probe');
      await people.insertMany([
        { _id: 'alice' as never, name: 'Alice' },
        { _id: 'bob' as never, name: 'Bob' },
      ]);
      expect(await people.findOne({ _id: 'bob' as never })).to.deep.include({ name: 'Bob' });
      expect(await people.findOne({ _id: 'alice' as never })).to.deep.include({ name: 'Alice' });
      expect((await db.collection(SESSION_COLLECTION).find({}).toArray()).map((doc) => doc._id)).to.deep.equal(['live']);
    } finally {
      await connection.close();
    }
  });

  it('run every second by its schedule while people sign in, it leaves each request its own answer', async () => {
    const job = scheduleSessionCleanup('* * * * * *', createLogger('silent'));
    try {
      await mongoose.connection.db!.collection(SESSION_COLLECTION).insertOne({ _id: 'old' as never, expires: new Date(Date.now() - HOUR), session: {} });
      const people = await Promise.all([buildLearner(), buildLearner()]);
      // Three clean-ups run meanwhile; the watch in useTestDatabase fails the file if any sent w: 0.
      const deadline = Date.now() + 3_000;
      while (Date.now() < deadline) {
        for (const { user, password } of people) {
          const agent = await loginAgent(server.url, user.email, password);
          expect((await agent.get('/').expect(200)).text).to.contain(user.fullName);
        }
        expect((await request(server.url).get('/healthz').expect(200)).body).to.deep.equal({ status: 'ok', db: 'ok' });
      }
      expect(await mongoose.connection.db!.collection(SESSION_COLLECTION).findOne({ _id: 'old' as never })).to.equal(null);
    } finally {
      job.stop();
    }
  });

  // The cause, kept as a check on the embedded database: if FerretDB ever stops answering w: 0, this tells us.
  it('shows why: on FerretDB a delete sent with w: 0 shifts the replies of its connection', async function () {
    if (process.env.MONGODB_URI) this.skip();
    const connection = await onePooledConnection(database.dbName());
    try {
      const people = connection.db!.collection('crossed_probe');
      await people.insertMany([
        { _id: 'alice' as never, name: 'Alice' },
        { _id: 'bob' as never, name: 'Bob' },
      ]);
      await people.deleteMany({ _id: 'nobody' as never }, { writeConcern: { w: 0 } });
      const answer = await people.findOne({ _id: 'bob' as never }).catch((error: Error) => error);
      // Either another command's reply (an error about a missing cursor) or someone else's document: never Bob.
      expect(answer instanceof Error || (answer as { name?: string } | null)?.name !== 'Bob').to.equal(true);
    } finally {
      await connection.close();
    }
  });
});
