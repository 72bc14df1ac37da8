// /urzad/ustawienia: the office identity (herb checked by content, sanitised SVG), its preview, certificates and statement.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { AuditEntry } from '../../src/audit/audit-entry.model.js';
import { CertificateFile } from '../../src/certificates/certificate-file.model.js';
import { Organisation, type OrganisationDoc } from '../../src/organisations/organisation.model.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildCertificate, buildLearner, buildOrganisation, csrfTokenFrom, loginAgent } from '../helpers/factories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Agent = Awaited<ReturnType<typeof loginAgent>>;
interface PngCtor {
  new (options: { width: number; height: number }): { data: Buffer };
  sync: { write(png: { data: Buffer }): Buffer };
}
const { PNG } = createRequire(import.meta.url)('pngjs') as { PNG: PngCtor };

/** A small red-and-white PNG (a stand-in herb). */
function pngHerb(side = 32): Buffer {
  const png = new PNG({ width: side, height: side });
  for (let i = 0; i < side * side; i += 1) {
    const red = Math.floor(i / side) < side / 2;
    png.data.set([red ? 200 : 255, red ? 20 : 255, red ? 40 : 255, 255], i * 4);
  }
  return PNG.sync.write(png);
}

const SVG_HERB = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 120" width="100" height="120">
  <path d="M5 5 H95 V70 Q95 110 50 117 Q5 110 5 70 Z" fill="#c8102e" stroke="#222" stroke-width="3"/>
  <path d="M50 20 L62 55 L95 55 L68 75 L78 108 L50 88 L22 108 L32 75 L5 55 L38 55 Z" fill="#f4c430"/>
</svg>`;

describe('organisations: office settings', function () {
  this.timeout(90_000);
  useTestDatabase(import.meta.url);
  let server: TestServer;
  let office: OrganisationDoc;
  let admin: Agent;
  let adminId: string;

  before(async () => {
    server = await startTestServer({ COURSES_DIR: 'test/fixtures/courses' });
    office = await buildOrganisation({ name: 'UG Łącko' });
    const person = await buildLearner({ organisation: office, overrides: { roles: ['admin', 'hr'], fullName: 'Jan Wójcik' } });
    adminId = person.user._id.toHexString();
    admin = await loginAgent(server.url, person.user.email, person.password);
  });
  after(async () => server.close());

  const FIELDS = {
    officialName: 'Urząd Gminy Łącko',
    signatoryName: 'Józef Żmuda',
    signatoryRole: 'Wójt Gminy Łącko',
    accentColour: '#7A1F2B',
    contactEmail: 'Sekretariat@Lacko.pl',
    contactPhone: '+48 18 444 80 00',
    coordinatorName: 'Ewa Dostępna',
    coordinatorEmail: 'dostepnosc@lacko.pl',
    coordinatorPhone: '18 444 80 10',
  };

  /** Posts the multipart form like a browser: the CSRF token first, then the fields, then the file. */
  async function postSettings(agent: Agent, fields: Record<string, string>, file?: { content: Buffer; name: string; type?: string }, action = '/urzad/ustawienia', csrf?: string) {
    const token = csrf ?? csrfTokenFrom((await agent.get('/urzad/ustawienia').expect(200)).text);
    let req = agent.post(action).field('_csrf', token);
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    if (file) req = req.attach('logo', file.content, { filename: file.name, contentType: file.type ?? 'application/octet-stream' });
    return req;
  }

  async function stored() {
    return (await Organisation.findById(office._id).lean())!;
  }

  it('refuses a wrong file or bad fields with field messages and stores nothing', async () => {
    const before = await stored();
    const cases: [Record<string, string>, { content: Buffer; name: string; type?: string } | undefined, string, string, number][] = [
      [
        FIELDS,
        { content: Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>'), name: 'herb.png', type: 'image/png' },
        'logo',
        'sprawdzamy zawartość',
        400,
      ],
      [
        FIELDS,
        { content: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="5" height="5"/></svg>'), name: 'herb.svg', type: 'image/svg+xml' },
        'logo',
        'zawiera skrypty',
        400,
      ],
      [
        FIELDS,
        { content: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="5" height="5"/></svg>'), name: 'herb.svg' },
        'logo',
        'zawiera skrypty',
        400,
      ],
      [
        FIELDS,
        {
          content: Buffer.from(
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://evil.example/x.png" width="5" height="5"/></svg>',
          ),
          name: 'h.svg',
        },
        'logo',
        'zewnętrznych',
        400,
      ],
      [
        FIELDS,
        {
          content: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: url(https://evil.example/t) }</style><rect width="5" height="5"/></svg>'),
          name: 'h.svg',
        },
        'logo',
        'zewnętrznych',
        400,
      ],
      [FIELDS, { content: Buffer.concat([pngHerb().subarray(0, 40)]), name: 'cut.png', type: 'image/png' }, 'logo', 'uszkodzony', 400],
      [FIELDS, { content: Buffer.concat([Buffer.from(SVG_HERB), Buffer.alloc(600 * 1024, 32)]), name: 'big.svg' }, 'logo', '512 KB', 413],
      [{ ...FIELDS, accentColour: 'czerwony' }, undefined, 'accentColour', '#rrggbb', 400],
      [{ ...FIELDS, officialName: '' }, undefined, 'officialName', 'Podaj pełną nazwę', 400],
      [{ ...FIELDS, contactEmail: 'nie-adres' }, undefined, 'contactEmail', 'prawidłowy adres', 400],
      [{ ...FIELDS, coordinatorPhone: 'zadzwoń' }, undefined, 'coordinatorPhone', 'numer telefonu', 400],
      [{ ...FIELDS, signatoryName: 'www.oszust.pl' }, undefined, 'signatoryName', 'link', 400],
    ];
    for (const [fields, file, field, message, status] of cases) {
      const res = await postSettings(admin, fields, file);
      expect(res.status, `${field} ${file?.name ?? ''}`).to.equal(status);
      expect(res.text, `${field} ${file?.name ?? ''}`)
        .to.contain(`id="${field}-error"`)
        .and.contain(message);
      // Typed values come back, so nothing is lost.
      expect(res.text).to.contain('value="Wójt Gminy Łącko"');
    }
    expect(await stored()).to.deep.equal(before);
    expect(await AuditEntry.countDocuments({ organisationId: office._id })).to.equal(0);
  });

  it('refuses the multipart post without a valid CSRF token (nothing stored)', async () => {
    const before = await stored();
    const res = await postSettings(admin, FIELDS, { content: Buffer.from(SVG_HERB), name: 'herb.svg' }, '/urzad/ustawienia', 'zly-token');
    expect(res.status).to.equal(403);
    const withoutToken = await admin.post('/urzad/ustawienia').field('officialName', 'Przejęty').attach('logo', Buffer.from(SVG_HERB), 'herb.svg');
    expect(withoutToken.status).to.equal(403);
    expect(await stored()).to.deep.equal(before);
  });

  it('previews a certificate with the unsaved values and the chosen herb, without saving', async () => {
    const before = await stored();
    const res = await postSettings(admin, FIELDS, { content: Buffer.from(SVG_HERB), name: 'herb.svg', type: 'image/svg+xml' }, '/urzad/ustawienia/podglad');
    expect(res.status, res.text?.slice(0, 300)).to.equal(200);
    expect(res.headers['content-type']).to.contain('application/pdf');
    const dir = mkdtempSync(path.join(tmpdir(), 'ajst-preview-'));
    const file = path.join(dir, 'podglad.pdf');
    writeFileSync(file, res.body as Buffer);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    expect(text).to.contain('URZĄD GMINY ŁĄCKO').and.contain('Józef Żmuda').and.contain('Wójt Gminy Łącko');
    expect(await stored()).to.deep.equal(before);
    // Bad values: the form again, no PDF.
    const bad = await postSettings(admin, { ...FIELDS, accentColour: 'x' }, undefined, '/urzad/ustawienia/podglad');
    expect(bad.status).to.equal(400);
    expect(bad.text).to.contain('id="accentColour-error"');
  });

  it('saves the settings with an SVG herb (sanitised), audits what changed, and the next certificate uses them', async () => {
    const withMetadata = SVG_HERB.replace('<path', '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata><path');
    const res = await postSettings(admin, FIELDS, { content: Buffer.from(withMetadata), name: 'herb.txt', type: 'text/plain' });
    expect(res.status, res.text?.slice(0, 500)).to.equal(303);
    const organisation = await stored();
    expect(organisation).to.deep.include({ officialName: 'Urząd Gminy Łącko', contactEmail: 'sekretariat@lacko.pl', contactPhone: '+48 18 444 80 00' });
    expect(organisation.certificateTemplate).to.deep.include({ signatoryName: 'Józef Żmuda', signatoryRole: 'Wójt Gminy Łącko', accentColour: '#7a1f2b' });
    expect(organisation.certificateTemplate?.logoSvg).to.match(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(organisation.certificateTemplate?.logoSvg).to.contain('<path').and.not.contain('<?xml');
    expect(organisation.accessibilityCoordinator).to.deep.equal({ name: 'Ewa Dostępna', email: 'dostepnosc@lacko.pl', phone: '18 444 80 10' });
    const audit = await AuditEntry.find({ organisationId: office._id }).lean();
    expect(audit).to.have.length(1);
    expect(audit[0]).to.deep.include({ action: 'organisation.settingsChanged', actorName: 'Jan Wójcik' });
    expect(audit[0].actorId.toHexString()).to.equal(adminId);
    const details = audit[0].details as { changed: string[]; changes: Record<string, unknown> };
    expect(details.changed).to.include.members(['officialName', 'signatoryName', 'accentColour', 'coordinatorName', 'logo']);
    expect(details.changes.officialName).to.deep.equal({ after: 'Urząd Gminy Łącko' });

    // Saving the same values again changes nothing and records nothing.
    const again = await postSettings(admin, FIELDS);
    expect(again.status).to.equal(303);
    expect(await AuditEntry.countDocuments({ organisationId: office._id })).to.equal(1);
    const page = await admin.get('/urzad/ustawienia').expect(200);
    expect(page.text).to.contain('data:image/svg+xml;base64,').and.contain('value="Józef Żmuda"');

    // The next certificate carries the herb and the signatory: rendered to PNG for a look.
    const learner = await buildLearner({ organisation: office });
    const certificate = await buildCertificate(server.platform, learner.user);
    const pdf = (await CertificateFile.findOne({ _id: certificate.id, organisationId: office._id }).lean())!.pdf as unknown as { buffer: ArrayBuffer } | Buffer;
    const bytes = Buffer.isBuffer(pdf) ? pdf : Buffer.from(pdf.buffer);
    const dir = mkdtempSync(path.join(tmpdir(), 'ajst-herb-'));
    writeFileSync(path.join(dir, 'certificate.pdf'), bytes);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', path.join(dir, 'certificate.pdf'), '-'], { encoding: 'utf8' });
    expect(text).to.contain('URZĄD GMINY ŁĄCKO').and.contain('Józef Żmuda').and.contain('Wójt Gminy Łącko');
    execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', path.join(dir, 'certificate.pdf'), path.join(dir, 'certificate')]);
    if (process.env.HERB_SHOT) writeFileSync(process.env.HERB_SHOT, execFileSync('cat', [path.join(dir, 'certificate.png')]));
  });

  it('replaces the herb with a PNG, then removes it', async () => {
    const png = await postSettings(admin, FIELDS, { content: pngHerb(), name: 'herb.svg', type: 'image/svg+xml' });
    expect(png.status).to.equal(303);
    let organisation = await stored();
    expect(organisation.certificateTemplate?.logoPngBase64).to.be.a('string');
    expect(organisation.certificateTemplate?.logoSvg ?? undefined).to.equal(undefined);
    const removed = await postSettings(admin, { ...FIELDS, removeLogo: 'tak' });
    expect(removed.status).to.equal(303);
    organisation = await stored();
    expect(organisation.certificateTemplate?.logoPngBase64 ?? undefined).to.equal(undefined);
    const actions = (await AuditEntry.find({ organisationId: office._id }).sort({ at: 1 }).lean()).map((entry) => (entry.details as { changes: { logo?: string } }).changes.logo);
    expect(actions).to.deep.equal(['replaced (svg)', 'replaced (png)', 'removed']);
  });

  it('the accessibility statement names the office coordinator and contact for its clerks', async () => {
    const learner = await buildLearner({ organisation: office });
    const agent = await loginAgent(server.url, learner.user.email, learner.password);
    const page = await agent.get('/deklaracja-dostepnosci').expect(200);
    expect(page.text).to.contain('Ewa Dostępna').and.contain('mailto:dostepnosc@lacko.pl').and.contain('mailto:sekretariat@lacko.pl');
    const anonymous = await request(server.url).get('/deklaracja-dostepnosci').expect(200);
    expect(anonymous.text).to.not.contain('Ewa Dostępna');
  });

  it("is the admin's own office only; HR and learners are refused", async () => {
    const other = await buildOrganisation({ name: 'UG Inne' });
    const otherAdmin = await buildLearner({ organisation: other, overrides: { roles: ['admin'] } });
    const agent = await loginAgent(server.url, otherAdmin.user.email, otherAdmin.password);
    const page = await agent.get('/urzad/ustawienia').expect(200);
    expect(page.text).to.contain('value="UG Inne"').and.not.contain('Józef Żmuda');
    const before = await stored();
    expect((await postSettings(agent, { ...FIELDS, officialName: 'Urząd Gminy Inne' })).status).to.equal(303);
    expect(await stored()).to.deep.equal(before);
    for (const roles of [['hr'], ['learner']] as const) {
      const person = await buildLearner({ organisation: office, overrides: { roles: [...roles] } });
      const refused = await loginAgent(server.url, person.user.email, person.password);
      await refused.get('/urzad/ustawienia').expect(403);
      const csrf = csrfTokenFrom((await refused.get('/moje-szkolenia').expect(200)).text);
      await refused.post('/urzad/ustawienia').field('_csrf', csrf).field('officialName', 'Przejęty').expect(403);
    }
    expect(await stored()).to.deep.equal(before);
  });
});
