import { expect } from 'chai';
import request from 'supertest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { buildLearner, buildOrganisation, loginAgent } from '../helpers/factories.js';
import { useTestDatabase } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const INSTALLATION = {
  OPERATOR_NAME: 'Związek Gmin Testowych – Centrum Usług Wspólnych',
  OPERATOR_ADDRESS: 'ul. Rynek 1, 00-001 Testowo',
  OPERATOR_EMAIL: 'operator@testowo.example',
  OPERATOR_PHONE: '+48 12 345 67 89',
  IOD_NAME: 'Irena Inspektor',
  IOD_EMAIL: 'iod@testowo.example',
  ACCESSIBILITY_COORDINATOR: 'Karol Koordynator',
  ACCESSIBILITY_PHONE: '+48 12 000 00 00',
  BASE_URL: 'https://akademia.testowo.example',
};
const PAGES = ['/polityka-prywatnosci', '/regulamin', '/kontakt', '/pliki-cookie'];

describe('privacy/public-pages.routes', () => {
  useTestDatabase(import.meta.url);
  let server: TestServer;

  before(async () => {
    server = await startTestServer(INSTALLATION);
  });
  after(async () => server.close());

  it('links the four public pages and the accessibility statement from every page footer', async () => {
    for (const page of ['/', '/logowanie', ...PAGES]) {
      const res = await request(server.url).get(page).expect(200);
      for (const link of [...PAGES, '/deklaracja-dostepnosci']) expect(res.text, `${link} on ${page}`).to.contain(`href="${link}"`);
    }
  });

  it('names the installation’s operator and data protection officer, anonymous and in both languages', async () => {
    for (const page of PAGES) {
      for (const lang of ['pl', 'en']) {
        const res = await request(server.url).get(`${page}?lang=${lang}`).expect(200);
        expect(res.text, `${page} ${lang}`).to.contain('Związek Gmin Testowych – Centrum Usług Wspólnych');
        expect(res.text, `${page} ${lang}`).to.contain(`<html lang="${lang}">`);
      }
    }
    const privacy = await request(server.url).get('/polityka-prywatnosci').expect(200);
    expect(privacy.text).to.contain('mailto:iod@testowo.example');
    expect(privacy.text).to.contain('Irena Inspektor');
    expect(privacy.text).to.contain('art. 6 ust. 1 lit. c RODO');
    expect(privacy.text).to.contain('Prezesa Urzędu Ochrony Danych Osobowych');
    expect(privacy.text).to.contain('umowy powierzenia');
    const terms = await request(server.url).get('/regulamin').expect(200);
    expect(terms.text).to.contain('href="https://akademia.testowo.example"');
    expect(terms.text).to.contain('o świadczeniu usług drogą elektroniczną');
    const cookies = await request(server.url).get('/pliki-cookie').expect(200);
    for (const name of ['ajst.sid', 'ajst.x-csrf', 'lang']) expect(cookies.text).to.contain(`<code>${name}</code>`);
  });

  it('tells a signed-in clerk that their office is the controller, and whom in it to ask', async () => {
    const office = await buildOrganisation({ name: 'Urząd Gminy Testowo', contactEmail: 'sekretariat@testowo.example' });
    const other = await buildOrganisation({ name: 'Urząd Gminy Inna' });
    const clerk = await buildLearner({ organisation: office });
    await buildLearner({ organisation: office, overrides: { fullName: 'Halina Kadrowa', roles: ['hr', 'learner'] } });
    await buildLearner({ organisation: other, overrides: { fullName: 'Obca Kadrowa', roles: ['hr'] } });
    const agent = await loginAgent(server.url, clerk.user.email, clerk.password);
    const privacy = await agent.get('/polityka-prywatnosci').expect(200);
    expect(privacy.text).to.contain('Urząd Gminy Testowo');
    expect(privacy.text).to.contain('mailto:sekretariat@testowo.example');
    const contact = await agent.get('/kontakt').expect(200);
    expect(contact.text).to.contain('Halina Kadrowa');
    expect(contact.text).to.not.contain('Obca Kadrowa');
    const anonymous = await request(server.url).get('/kontakt').expect(200);
    expect(anonymous.text).to.not.contain('Halina Kadrowa');
  });

  it('puts the operator, its coordinator and phone and the public address on the accessibility statement', async () => {
    for (const lang of ['pl', 'en']) {
      const res = await request(server.url).get(`/deklaracja-dostepnosci?lang=${lang}`).expect(200);
      expect(res.text).to.contain('Związek Gmin Testowych – Centrum Usług Wspólnych');
      expect(res.text).to.contain('Karol Koordynator');
      expect(res.text).to.contain('+48 12 000 00 00');
      expect(res.text).to.contain('href="https://akademia.testowo.example"');
      expect(res.text).to.not.contain('localhost');
    }
  });

  it('says the operator is a controller when configured so, and refuses a role that is neither', async () => {
    const controller = await startTestServer({ ...INSTALLATION, OPERATOR_ROLE: 'controller' });
    try {
      const res = await request(controller.url).get('/polityka-prywatnosci').expect(200);
      expect(res.text).to.contain('jest także administratorem danych');
      expect(res.text).to.not.contain('umowy powierzenia przetwarzania (art. 28 RODO)');
    } finally {
      await controller.close();
    }
    expect(() => loadConfig({ OPERATOR_ROLE: 'owner' })).to.throw(ConfigError, /OPERATOR_ROLE: expected processor or controller/);
  });
});
