import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { resolveSessionSecret, sessionSecretFile } from '../../src/auth/session-secret.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { wantsDemoData } from '../../src/startup.js';

describe('config', () => {
  it('applies defaults: port 3000, embedded database, Polish base URL on localhost', () => {
    const config = loadConfig({});
    expect(config.PORT).to.equal(3000);
    expect(config.MONGODB_URI).to.equal(undefined);
    expect(config.BASE_URL).to.equal('http://localhost:3000');
    expect(config.XAPI_ACTIVITY_BASE).to.equal('http://localhost:3000/xapi/activities');
  });

  it('caps LRS batches at XAPI_MAX_STATEMENTS_PER_REQUEST, 500 by default, and refuses 0', () => {
    expect(loadConfig({}).XAPI_MAX_STATEMENTS_PER_REQUEST).to.equal(500);
    expect(loadConfig({ XAPI_MAX_STATEMENTS_PER_REQUEST: '50' }).XAPI_MAX_STATEMENTS_PER_REQUEST).to.equal(50);
    expect(() => loadConfig({ XAPI_MAX_STATEMENTS_PER_REQUEST: '0' })).to.throw(ConfigError, /XAPI_MAX_STATEMENTS_PER_REQUEST/);
  });

  it('reads TRUST_PROXY as false, a hop count or proxy addresses, and refuses true in production (it lets clients choose their address)', () => {
    expect(loadConfig({}).TRUST_PROXY).to.equal(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).to.equal(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).to.equal(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).to.equal(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,loopback,fd00::/8' }).TRUST_PROXY).to.deep.equal(['10.0.0.5', '10.1.0.0/16', 'loopback', 'fd00::/8']);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).to.throw(ConfigError, /TRUST_PROXY: expected false, the number of proxies.*10\.0\.0\.0\/33/);
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.example' })).to.throw(ConfigError, /TRUST_PROXY/);
    // Outside production the legacy `true` means what it meant in practice: one proxy in front.
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).to.equal(1);
    const production = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), SECRETS_KEY: 'a'.repeat(64), BASE_URL: 'https://akademia.gmina.pl' };
    expect(() => loadConfig({ ...production, TRUST_PROXY: 'true' })).to.throw(ConfigError, /TRUST_PROXY: true is refused in production.*TRUST_PROXY=1/);
    expect(loadConfig({ ...production, TRUST_PROXY: '1' }).TRUST_PROXY).to.equal(1);
  });

  it('limits sign-ups per address to SIGNUP_RATE_LIMIT_PER_HOUR, 100 by default', () => {
    expect(loadConfig({}).SIGNUP_RATE_LIMIT_PER_HOUR).to.equal(100);
    expect(() => loadConfig({ SIGNUP_RATE_LIMIT_PER_HOUR: '0' })).to.throw(ConfigError, /SIGNUP_RATE_LIMIT_PER_HOUR/);
  });

  it('names every bad variable and what it expects', () => {
    try {
      loadConfig({ PORT: 'abc', MONGODB_URI: 'postgres://x', LOG_LEVEL: 'loud' });
      expect.fail('should have thrown');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).to.contain('PORT');
      expect(message).to.contain('MONGODB_URI: expected a mongodb://');
      expect(message).to.contain('LOG_LEVEL');
    }
  });

  it('requires SESSION_SECRET, SECRETS_KEY and BASE_URL in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).to.throw(ConfigError, /SESSION_SECRET[\s\S]*SECRETS_KEY[\s\S]*BASE_URL/);
    const secrets = { SESSION_SECRET: 'x'.repeat(32), SECRETS_KEY: 'ab'.repeat(32) };
    expect(() => loadConfig({ NODE_ENV: 'production', ...secrets })).to.throw(ConfigError, /BASE_URL: required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), BASE_URL: 'https://a.example.pl' })).to.throw(
      ConfigError,
      /SECRETS_KEY: required in production/,
    );
    expect(loadConfig({ NODE_ENV: 'production', ...secrets, BASE_URL: 'https://akademia.gmina.example.pl/' }).XAPI_ACTIVITY_BASE).to.equal(
      'https://akademia.gmina.example.pl/xapi/activities',
    );
  });

  it('SECRETS_KEY: 32 bytes as 64 hex characters or base64, nothing shorter or longer', () => {
    const hex = 'c0ffee'.repeat(10) + 'c0ff';
    expect(loadConfig({ SECRETS_KEY: hex }).SECRETS_KEY).to.equal(hex);
    expect(loadConfig({ SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') }).SECRETS_KEY).to.be.a('string');
    for (const bad of ['x'.repeat(64), 'ab'.repeat(31), 'ab'.repeat(33), Buffer.alloc(24, 7).toString('base64'), 'hasło-do-odznak']) {
      expect(() => loadConfig({ SECRETS_KEY: bad }), bad).to.throw(ConfigError, /SECRETS_KEY: expected 32 random bytes/);
    }
  });

  it('treats empty strings as unset, as compose files write them', () => {
    expect(loadConfig({ MONGODB_URI: '' }).MONGODB_URI).to.equal(undefined);
  });

  describe('demo data in production', () => {
    const production = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), SECRETS_KEY: 'ab'.repeat(32), BASE_URL: 'https://akademia.gmina.example.pl' };

    it('refuses SEED_DEMO=true in production and names the variable', () => {
      expect(() => loadConfig({ ...production, SEED_DEMO: 'true' })).to.throw(ConfigError, /SEED_DEMO: demo data .* refused in production/);
      expect(loadConfig({ ...production, SEED_DEMO: 'false' }).SEED_DEMO).to.equal(false);
    });

    it('seeds nothing in production when SEED_DEMO is unset, even on the embedded database', () => {
      expect(wantsDemoData(loadConfig(production), { embedded: true })).to.equal(false);
      expect(wantsDemoData(loadConfig({}), { embedded: true })).to.equal(true);
      expect(wantsDemoData(loadConfig({}), { embedded: false })).to.equal(false);
      expect(wantsDemoData(loadConfig({ SEED_DEMO: 'true' }), { embedded: false })).to.equal(true);
    });
  });

  describe('session secret (auth/session-secret.ts)', () => {
    let dataDir: string;
    beforeEach(() => {
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'akademia-secret-'));
    });
    afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

    it('config stays pure: an unset SESSION_SECRET stays unset, no file is written', () => {
      expect(loadConfig({ DATA_DIR: dataDir }).SESSION_SECRET).to.equal(undefined);
    });

    it('keeps the development secret in DATA_DIR, so a restart keeps everyone signed in', async () => {
      const first = await resolveSessionSecret(loadConfig({ DATA_DIR: path.join(dataDir, 'new') }));
      const afterRestart = await resolveSessionSecret(loadConfig({ DATA_DIR: path.join(dataDir, 'new') }));
      expect(first).to.match(/^[0-9a-f]{64}$/);
      expect(afterRestart).to.equal(first);
      expect(statSync(sessionSecretFile(path.join(dataDir, 'new'))).mode & 0o777).to.equal(0o600);
      expect(await resolveSessionSecret(loadConfig({ DATA_DIR: path.join(dataDir, 'other') }))).not.to.equal(first);
    });

    it('uses SESSION_SECRET when set and then writes no file', async () => {
      const secret = 's'.repeat(40);
      expect(await resolveSessionSecret(loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: secret }))).to.equal(secret);
      expect(() => statSync(sessionSecretFile(dataDir))).to.throw(/ENOENT/);
    });
  });

  it('MAIL_SEND_INTERVAL_SECONDS: 5 by default, whole seconds from 1 to 3600', () => {
    expect(loadConfig({}).MAIL_SEND_INTERVAL_SECONDS).to.equal(5);
    expect(loadConfig({ MAIL_SEND_INTERVAL_SECONDS: '30' }).MAIL_SEND_INTERVAL_SECONDS).to.equal(30);
    for (const bad of ['0', '1.5', 'often', '7200']) {
      expect(() => loadConfig({ MAIL_SEND_INTERVAL_SECONDS: bad }), bad).to.throw(/MAIL_SEND_INTERVAL_SECONDS/);
    }
  });
});
