import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('config', () => {
  it('applies defaults: port 3000, embedded database, Polish base URL on localhost', () => {
    const config = loadConfig({});
    expect(config.PORT).to.equal(3000);
    expect(config.MONGODB_URI).to.equal(undefined);
    expect(config.BASE_URL).to.equal('http://localhost:3000');
    expect(config.XAPI_ACTIVITY_BASE).to.equal('http://localhost:3000/xapi/activities');
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

  it('requires SESSION_SECRET and BASE_URL in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).to.throw(ConfigError, /SESSION_SECRET[\s\S]*BASE_URL/);
    const secret = 'x'.repeat(32);
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret })).to.throw(ConfigError, /BASE_URL: required in production/);
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret, BASE_URL: 'https://akademia.gmina.example.pl/' }).XAPI_ACTIVITY_BASE).to.equal(
      'https://akademia.gmina.example.pl/xapi/activities',
    );
  });

  it('treats empty strings as unset, as compose files write them', () => {
    expect(loadConfig({ MONGODB_URI: '' }).MONGODB_URI).to.equal(undefined);
  });

  it('MAIL_SEND_INTERVAL_SECONDS: 5 by default, whole seconds from 1 to 3600', () => {
    expect(loadConfig({}).MAIL_SEND_INTERVAL_SECONDS).to.equal(5);
    expect(loadConfig({ MAIL_SEND_INTERVAL_SECONDS: '30' }).MAIL_SEND_INTERVAL_SECONDS).to.equal(30);
    for (const bad of ['0', '1.5', 'often', '7200']) {
      expect(() => loadConfig({ MAIL_SEND_INTERVAL_SECONDS: bad }), bad).to.throw(/MAIL_SEND_INTERVAL_SECONDS/);
    }
  });
});
