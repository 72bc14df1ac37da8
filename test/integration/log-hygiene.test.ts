// Issue 14, part 6: what the log keeps of a day's requests holds no e-mail address, name, password or one-time token.
import { Writable } from 'node:stream';
import { expect } from 'chai';
import request from 'supertest';
import { createLogger } from '../../src/logger.js';
import { loggableUrl } from '../../src/http/log-hygiene.js';
import { MailMessage } from '../../src/mail/mail-message.model.js';
import { runPendingDataExports } from '../../src/privacy/data-export.service.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildLearner, buildOrganisation, csrfTokenFrom, loginAgent, submitForm, TEST_PASSWORD } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('http/log-hygiene (no personal data in the log)', function () {
  this.timeout(60_000);
  useTestDatabase(import.meta.url);
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  let server: TestServer;
  before(async () => {
    server = await startTestServer({}, { logger: createLogger('info', sink) });
  });
  after(() => server.close());

  it('masks tokens in paths and addresses in queries', () => {
    expect(loggableUrl('/haslo/reset/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-')).to.equal('/haslo/reset/:token');
    expect(loggableUrl('/kadry/osoby?q=jan.kowalski%40gmina.pl&strona=2')).to.equal('/kadry/osoby?q=…&strona=2');
    expect(loggableUrl('/kadry/osoby/6b118e1eb074a9d946df7ff4/edycja')).to.equal('/kadry/osoby/6b118e1eb074a9d946df7ff4/edycja');
  });

  it('logs a day of sign-ins, resets, account changes, HR searches, mail and a data export without naming anyone', async () => {
    const office = await buildOrganisation();
    const anna = await buildLearner({ organisation: office, overrides: { fullName: 'Anna Tajemnicza', email: 'anna.tajemnicza@gmina-logi.example' } });
    const hr = await buildLearner({ organisation: office, overrides: { fullName: 'Halina Poufna', roles: ['hr', 'learner'] } });

    // A failed sign-in, then a password reset by e-mail: the link's token travels in a path.
    const login = await request.agent(server.url).get('/logowanie');
    await request(server.url)
      .post('/logowanie')
      .set('Cookie', login.headers['set-cookie'] ?? [])
      .type('form')
      .send({ email: anna.user.email, password: 'zle-haslo-zle', _csrf: csrfTokenFrom(login.text) });
    const resetAgent = request.agent(server.url);
    const resetForm = await resetAgent.get('/haslo/reset').expect(200);
    await resetAgent
      .post('/haslo/reset')
      .type('form')
      .send({ email: anna.user.email, _csrf: csrfTokenFrom(resetForm.text) });
    const mail = await MailMessage.findOne({ to: anna.user.email }).lean();
    const token = /\/haslo\/reset\/([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1];
    expect(token, mail?.text).to.be.a('string');
    await resetAgent.get(`/haslo/reset/${token}`).expect(200);

    const annaAgent = await loginAgent(server.url, anna.user.email, anna.password);
    await submitForm(annaAgent, '/konto', '/konto/imie', { fullName: 'Anna Tajemnicza-Nowa' }, 303);
    await submitForm(annaAgent, '/konto/moje-dane', '/konto/moje-dane', {}, 303);
    await runPendingDataExports(server.platform);
    const exportPage = await annaAgent.get('/konto/moje-dane').expect(200);
    const download = /href="(\/konto\/moje-dane\/[0-9a-f]{48})"/.exec(exportPage.text)![1];
    await annaAgent.get(download).expect(200);

    const hrAgent = await loginAgent(server.url, hr.user.email, hr.password);
    await hrAgent.get(`/kadry/osoby?q=${encodeURIComponent(anna.user.email)}`).expect(200);
    await hrAgent.get(`/kadry/osoby/${anna.user._id.toHexString()}`).expect(200);
    await server.platform.mailer.enqueue({ to: anna.user.email, subject: 'Po terminie: Anna Tajemnicza', text: 'x' });

    const log = lines.join('');
    expect(lines.length, 'the requests were logged').to.be.greaterThan(10);
    for (const secret of [anna.user.email, hr.user.email, 'Anna Tajemnicza', 'Halina Poufna', TEST_PASSWORD, 'zle-haslo-zle', token!, download.split('/').pop()!]) {
      expect(log, `the log holds ${secret}`).to.not.include(secret);
    }
    expect(log).to.not.include(encodeURIComponent(anna.user.email));
    expect(log).to.not.match(/ajst\.sid=/);
    // The requests with secrets were logged, masked.
    expect(log).to.include('/haslo/reset/:token').and.include('/konto/moje-dane/:token');
  });
});
