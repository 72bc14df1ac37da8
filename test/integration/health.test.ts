import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { useTestDatabase } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('http/health.routes', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.close());

  it('answers 200 with db ok while the database answers', async () => {
    const res = await request(server.url).get('/healthz').expect(200);
    expect(res.body).to.deep.equal({ status: 'ok', db: 'ok' });
  });

  it('renders the Polish 404 page with the layout for an unknown page', async () => {
    const res = await request(server.url).get('/nie-ma-takiej-strony').expect(404);
    expect(res.text).to.contain('<html lang="pl">');
    expect(res.text).to.contain('Nie znaleziono strony');
    expect(res.text).to.contain('Przejdź do treści');
  });

  it('switches the interface to English with ?lang=en', async () => {
    const res = await request(server.url).get('/?lang=en').expect(200);
    expect(res.text).to.contain('<html lang="en">');
    expect(res.text).to.contain('Training for local-government staff');
  });

  it('keeps the rest of the query in the language switch link', async () => {
    const res = await request(server.url).get('/nie-ma?code=AJST-1&lang=pl').expect(404);
    expect(res.text).to.contain('href="?code&#x3D;AJST-1&amp;lang&#x3D;en"');
  });

  it('answers 503 with a JSON reason when the database is gone', async () => {
    const uri = process.env.TEST_DATABASE_URI!;
    const dbName = mongoose.connection.db!.databaseName;
    await mongoose.disconnect();
    try {
      const res = await request(server.url).get('/healthz').expect(503);
      expect(res.body.status).to.equal('unavailable');
      expect(res.body.reason).to.be.a('string');
    } finally {
      await mongoose.connect(uri, { dbName });
    }
  });
});
