// Mocha root hooks: one database server for the whole run (MONGODB_URI, or the embedded FerretDB).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedFerretDb, type EmbeddedFerretDb } from '../../src/db/embedded-ferretdb.js';

let embedded: EmbeddedFerretDb | undefined;
let dataDir: string | undefined;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    if (process.env.MONGODB_URI) {
      process.env.TEST_DATABASE_URI = process.env.MONGODB_URI;
      return;
    }
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'akademia-test-'));
    embedded = await startEmbeddedFerretDb({ dataDir });
    process.env.TEST_DATABASE_URI = embedded.uri;
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(20_000);
    await embedded?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  },
};
