import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../src/config.js';
import { SecretBox, SecretBoxError, decodeSecretsKey } from '../../src/secrets/secret-box.js';
import { resolveSecretBox, secretsKeyFile } from '../../src/secrets/secrets-key.js';

describe('secrets/secret-box', () => {
  const box = new SecretBox(randomBytes(32));
  const secret = '{"kty":"OKP","crv":"Ed25519","d":"prywatna-część-klucza"}';

  it('seals with a fresh IV each time and opens what it sealed, for the same purpose', () => {
    const first = box.seal(secret, 'open-badges-signing-key');
    const second = box.seal(secret, 'open-badges-signing-key');
    expect(first)
      .to.match(/^sb1\./)
      .and.not.equal(second);
    expect(first).to.not.contain('prywatna');
    expect(box.open(first, 'open-badges-signing-key')).to.equal(secret);
    expect(box.open(second, 'open-badges-signing-key')).to.equal(secret);
    expect(SecretBox.isSealed(first)).to.equal(true);
    expect(SecretBox.isSealed(secret)).to.equal(false);
  });

  it('refuses another key by name, another purpose, an altered value and what is not sealed', () => {
    const sealed = box.seal(secret, 'open-badges-signing-key');
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'open-badges-signing-key')).to.throw(SecretBoxError, /sealed under another SECRETS_KEY \(key id [0-9a-f]{16}/);
    expect(() => box.open(sealed, 'directory-password')).to.throw(SecretBoxError, /does not open/);
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[4], 'base64url');
    flipped[0] ^= 1;
    expect(() => box.open([...parts.slice(0, 4), flipped.toString('base64url')].join('.'), 'open-badges-signing-key')).to.throw(SecretBoxError, /altered/);
    expect(() => box.open(secret, 'open-badges-signing-key')).to.throw(SecretBoxError, /not a sealed/);
    expect(() => new SecretBox(randomBytes(16))).to.throw(SecretBoxError, /32 bytes/);
  });

  it('reads a key as 64 hex characters or base64 of 32 bytes', () => {
    const key = randomBytes(32);
    expect(decodeSecretsKey(key.toString('hex'))).to.deep.equal(key);
    expect(decodeSecretsKey(key.toString('base64'))).to.deep.equal(key);
    expect(decodeSecretsKey(key.toString('base64url'))).to.deep.equal(key);
    expect(decodeSecretsKey(randomBytes(31).toString('hex'))).to.equal(undefined);
    expect(decodeSecretsKey('g'.repeat(64))).to.equal(undefined);
  });

  describe('its key (secrets/secrets-key.ts)', () => {
    let dataDir: string;
    beforeEach(() => {
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'akademia-secrets-'));
    });
    afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

    it('uses SECRETS_KEY when set and then writes no file', async () => {
      const key = randomBytes(32);
      const fromEnv = await resolveSecretBox(loadConfig({ DATA_DIR: dataDir, SECRETS_KEY: key.toString('hex') }));
      expect(fromEnv.keyId).to.equal(new SecretBox(key).keyId);
      expect(() => statSync(secretsKeyFile(dataDir))).to.throw(/ENOENT/);
    });

    it('outside production keeps one in DATA_DIR (mode 0600), so a restart opens what was sealed', async () => {
      const config = loadConfig({ DATA_DIR: path.join(dataDir, 'new') });
      const sealed = (await resolveSecretBox(config)).seal(secret, 'test');
      expect((await resolveSecretBox(config)).open(sealed, 'test')).to.equal(secret);
      expect(statSync(secretsKeyFile(config.DATA_DIR)).mode & 0o777).to.equal(0o600);
    });

    it('refuses a damaged key file instead of making a new key', async () => {
      writeFileSync(secretsKeyFile(dataDir), 'nie-klucz\n');
      let failure: unknown;
      try {
        await resolveSecretBox(loadConfig({ DATA_DIR: dataDir }));
      } catch (error) {
        failure = error;
      }
      expect((failure as Error).message).to.contain('does not hold a key');
    });
  });
});
