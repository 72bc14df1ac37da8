// scripts/operator-create.ts: the platform organisation once, an invited operator, the one-time link on the console.
import { execFile } from 'node:child_process';
import { expect } from 'chai';
import request from 'supertest';
import { User } from '../../src/auth/user.model.js';
import { Organisation } from '../../src/organisations/organisation.model.js';
import { useTestDatabase } from '../helpers/database.js';
import { csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('scripts/operator-create', function () {
  this.timeout(60_000);
  const database = useTestDatabase(import.meta.url);
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.close());

  /** Runs the script as `npm run operator:create` does, against this file's database. */
  function operatorCreate(...args: string[]): Promise<Run> {
    const uri = new URL(process.env.TEST_DATABASE_URI!);
    uri.pathname = `/${database.dbName()}`;
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      MONGODB_URI: uri.toString(),
      LOG_LEVEL: 'silent',
      BASE_URL: server.url,
      SESSION_SECRET: 'x'.repeat(40),
      SECRETS_KEY: '7e57'.repeat(16),
    };
    return new Promise((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'scripts/operator-create.ts', ...args], { cwd: process.cwd(), env }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      });
    });
  }

  it('creates the platform organisation and an invited operator, and prints a link that lets them choose a password', async () => {
    const run = await operatorCreate('--email', 'Operator@Zwiazek.example.pl', '--name', 'Ewa Operatorska');
    expect(run.code, run.stderr).to.equal(0);
    const link = /(http\S+\/zaproszenie\/\S+)/.exec(run.stdout)?.[1];
    expect(link, run.stdout).to.be.a('string');
    const platform = await Organisation.find({ kind: 'platform' }).lean();
    expect(platform).to.have.length(1);
    const operator = await User.findOne({ email: 'operator@zwiazek.example.pl' }).setOptions({ acrossOrganisations: true }).lean();
    expect(operator).to.deep.include({ status: 'invited', roles: ['operator'], fullName: 'Ewa Operatorska' });
    expect(operator?.passwordHash, 'never a default password').to.equal(undefined);
    expect(String((operator as { organisationId?: unknown } | null)?.organisationId)).to.equal(platform[0]._id.toHexString());

    // The printed link works: the operator chooses a password and signs in.
    const agent = request.agent(server.url);
    const path = new URL(link!).pathname;
    const form = await agent.get(path).expect(200);
    await agent
      .post(path)
      .type('form')
      .send({ _csrf: csrfTokenFrom(form.text), password: 'Operator-Haslo-2026', passwordConfirm: 'Operator-Haslo-2026' })
      .expect((res) => expect(res.status).to.be.within(300, 399));
    await loginAgent(server.url, 'operator@zwiazek.example.pl', 'Operator-Haslo-2026');
  });

  it('a second operator joins the same platform organisation; an address with an account is refused, nothing changed', async () => {
    const again = await operatorCreate('--email', 'operator@zwiazek.example.pl', '--name', 'Ktoś Inny');
    expect(again.code).to.equal(3);
    expect(again.stderr).to.contain('already has an account');
    const second = await operatorCreate('--email', 'drugi@zwiazek.example.pl', '--name', 'Adam Drugi');
    expect(second.code, second.stderr).to.equal(0);
    expect(await Organisation.countDocuments({ kind: 'platform' })).to.equal(1);
    const operators = await User.find({ roles: 'operator' }).setOptions({ acrossOrganisations: true }).lean();
    expect(operators.map((user) => user.fullName).sort()).to.deep.equal(['Adam Drugi', 'Ewa Operatorska']);
  });

  it('refuses missing or bad arguments (exit 2) without touching the database', async () => {
    const before = await User.countDocuments({}).setOptions({ acrossOrganisations: true });
    for (const args of [[], ['--email', 'nie-adres', '--name', 'Jan Nowak'], ['--email', 'jan@example.pl'], ['--email', 'jan@example.pl', '--name', 'www.oszust.pl']]) {
      const run = await operatorCreate(...args);
      expect(run.code, args.join(' ')).to.equal(2);
      expect(run.stderr).to.contain('Usage');
    }
    expect(await User.countDocuments({}).setOptions({ acrossOrganisations: true })).to.equal(before);
  });
});
