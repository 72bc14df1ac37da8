// The one error handler: Polish pages with the layout for people, JSON for APIs, no stack traces.
import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { createErrorHandler, notFoundHandler } from '../../src/http/error-handler.js';
import { ValidationError } from '../../src/http/errors.js';
import { createI18nMiddleware } from '../../src/http/i18n.js';
import { pageLocals } from '../../src/http/page-locals.js';
import { configureViews } from '../../src/http/views.js';
import { createLogger } from '../../src/logger.js';
import { testConfig } from '../helpers/server.js';

describe('http/error-handler', () => {
  let app: express.Express;
  before(async () => {
    app = express();
    configureViews(app);
    app.use((await createI18nMiddleware()).middleware);
    app.use(pageLocals(testConfig()));
    app.get('/boom', () => {
      throw new Error('secret internals at /srv/app.ts:12');
    });
    app.get('/api/boom', () => {
      throw new Error('secret internals');
    });
    app.get('/api/invalid', () => {
      throw new ValidationError({ email: ['Podaj adres e-mail.'] });
    });
    app.use(notFoundHandler);
    app.use(createErrorHandler(createLogger('silent')));
  });

  it('renders a Polish 500 page in the layout with an error id and no stack trace', async () => {
    const res = await request(app).get('/boom').expect(500);
    expect(res.text).to.contain('<html lang="pl">');
    expect(res.text).to.contain('Błąd serwera');
    expect(res.text).to.match(/<code>[0-9a-f-]{36}<\/code>/);
    expect(res.text).not.to.contain('secret internals');
    expect(res.text).not.to.contain('.ts:');
  });

  it('answers JSON without internals for API paths', async () => {
    const res = await request(app).get('/api/boom').expect(500);
    expect(res.body.error).to.equal('internal_error');
    expect(res.body.errorId).to.be.a('string');
    expect(JSON.stringify(res.body)).not.to.contain('secret internals');
  });

  it('passes field errors of a ValidationError to API clients', async () => {
    const res = await request(app).get('/api/invalid').expect(400);
    expect(res.body).to.deep.include({ error: 'validation_failed', fieldErrors: { email: ['Podaj adres e-mail.'] } });
  });

  it('renders the English 404 page when English was chosen', async () => {
    const res = await request(app).get('/missing?lang=en').expect(404);
    expect(res.text).to.contain('Page not found');
  });

  it('renders Polish text, not locale keys, for an error raised before the i18n middleware (a failing session store)', async () => {
    const early = express();
    configureViews(early);
    early.use(() => {
      throw new Error('MongoUnexpectedServerResponseError: BSON element "cursor" is missing');
    });
    early.use(createErrorHandler(createLogger('silent')));
    const res = await request(early).get('/rejestracja').expect(500);
    expect(res.text).to.contain('<html lang="pl">');
    expect(res.text).to.contain('Akademia JST');
    expect(res.text).to.not.match(/app\.name|errors\.serverTitle/);
    expect(res.text).to.not.contain('cursor');
  });
});
