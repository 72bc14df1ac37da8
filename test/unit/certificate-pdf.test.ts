import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { renderCertificatePdf, type CertificateContent } from '../../src/certificates/certificate-pdf.js';
import { resolveTemplate } from '../../src/certificates/certificate-template.js';
import { inProcessTimeZone } from '../helpers/time-zone.js';

const NAME = 'Zażółć Gęślą Jaźń';
const CAPITALS = 'ĄĆĘŁŃÓŚŹŻ Łukasiewicz-Ślęzak';

function content(overrides: Partial<CertificateContent> = {}): CertificateContent {
  return {
    code: 'AJST-2026-ABCD-EFGH-IJKL-MNOP',
    verificationUrl: 'https://akademia.test/weryfikacja/AJST-2026-ABCD-EFGH-IJKL-MNOP',
    learnerName: NAME,
    courseTitle: 'Ochrona danych osobowych w urzędzie – źródła i zasady',
    courseVersion: '1.2.0',
    completedAt: new Date('2026-11-20T10:00:00Z'),
    issuedAt: new Date('2026-11-20T10:00:05Z'),
    durationMinutes: 90,
    scorePercent: 92,
    legalStateDate: '2026-09-01',
    validUntil: new Date('2027-11-20T10:00:00Z'),
    template: resolveTemplate({ name: 'Urząd Gminy Łącko', kind: 'office', certificateTemplate: { signatoryName: 'Józef Żmuda', signatoryRole: 'Wójt Gminy' } }),
    ...overrides,
  };
}

describe('certificates/certificate-pdf', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'certificate-pdf-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function write(name: string, pdf: Buffer): string {
    const file = path.join(dir, name);
    writeFileSync(file, pdf);
    return file;
  }

  it('keeps Polish letters exact in the extracted text: name, course, issuer, signatory, facts', async () => {
    const file = write('text.pdf', await renderCertificatePdf(content()));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    expect(text).to.contain(NAME);
    expect(text).to.contain('ZAŚWIADCZENIE');
    expect(text).to.contain('o ukończeniu szkolenia');
    expect(text).to.contain('Ochrona danych osobowych w urzędzie – źródła i zasady');
    expect(text).to.contain('URZĄD GMINY ŁĄCKO');
    expect(text).to.contain('Józef Żmuda');
    expect(text).to.contain('stan prawny na 01.09.2026');
    expect(text).to.contain('czas trwania 1 godz. 30 min');
    expect(text).to.contain('wynik testu końcowego 92%');
    expect(text).to.contain('data ukończenia 20.11.2026');
    expect(text).to.contain('ważne do 20.11.2027');
    expect(text).to.contain('AJST-2026-ABCD-EFGH-IJKL-MNOP');
    expect(text).to.contain('akademia.test/weryfikacja/AJST-2026-ABCD-EFGH-IJKL-MNOP');
  });

  it('renders capital diacritics exactly too', async () => {
    const file = write('capitals.pdf', await renderCertificatePdf(content({ learnerName: CAPITALS })));
    expect(execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' })).to.contain(CAPITALS);
  });

  it('keeps a very long name on one line and a long title clear of the footer', async () => {
    const longName = 'Maria Magdalena Żółtowska-Szczebrzeszyńska-Wierzchosławicka-Brzęczyszczykiewicz';
    const longTitle = 'Zamówienia publiczne w jednostkach samorządu terytorialnego: przygotowanie postępowania, dialog techniczny, wybór najkorzystniejszej oferty i umowa';
    const file = write('long.pdf', await renderCertificatePdf(content({ learnerName: longName, courseTitle: longTitle })));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    expect(text).to.contain(longName);
    // The last line of the facts ends above the verification block (QR code starts 130 pt above the bottom).
    const bbox = execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    const until = [...bbox.matchAll(/<word xMin="[\d.]+" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">20\.11\.2027<\/word>/g)];
    expect(until).to.have.length(1);
    expect(Number(until[0][1])).to.be.lessThan(595.28 - 130);
  });

  it('embeds every font it uses (no standard-14 fallback)', async () => {
    const file = write('fonts.pdf', await renderCertificatePdf(content()));
    const rows = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(rows.length).to.be.greaterThan(1);
    for (const row of rows) {
      const columns = row.trim().split(/\s+/);
      // name type encoding emb sub uni object ID: "emb" is the fourth column from the end but three.
      expect(columns.at(-5), row).to.equal('yes');
      expect(row).to.match(/DejaVu/);
    }
  });

  it('is A4 landscape, tagged, PDF 1.7, with title, author, subject and the PDF/A-2b identification', async () => {
    const pdf = await renderCertificatePdf(content());
    const file = write('info.pdf', pdf);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).to.match(/Page size:\s+841\.89 x 595\.28 pts \(A4\)/);
    expect(info).to.match(/Tagged:\s+yes/);
    expect(info).to.match(/PDF version:\s+1\.7/);
    expect(info).to.match(/Title:\s+Zaświadczenie o ukończeniu szkolenia – Ochrona danych/);
    expect(info).to.match(/Author:\s+Urząd Gminy Łącko/);
    expect(info).to.match(/Subject:\s+Zażółć Gęślą Jaźń/);
    const metadata = execFileSync('pdfinfo', ['-meta', file], { encoding: 'utf8' });
    expect(metadata).to.contain('<pdfaid:part>2</pdfaid:part>');
    expect(metadata).to.contain('<pdfaid:conformance>B</pdfaid:conformance>');
    expect(pdf.toString('latin1')).to.contain('/Lang (pl-PL)');
    expect(pdf.toString('latin1')).to.contain('/OutputIntents');
  });

  it('is deterministic: the same content gives the same bytes', async () => {
    const first = await renderCertificatePdf(content());
    const second = await renderCertificatePdf(content());
    expect(first.equals(second)).to.equal(true);
    const other = await renderCertificatePdf(content({ learnerName: 'Jan Kowalski' }));
    expect(first.equals(other)).to.equal(false);
  });

  it('adds the English line when the template asks for it', async () => {
    const template = { ...content().template, englishLine: true };
    const file = write('english.pdf', await renderCertificatePdf(content({ template })));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    expect(text).to.contain('Certificate of training completion');
    expect(text).to.contain('This certificate, issued to');
    const plain = execFileSync('pdftotext', ['-enc', 'UTF-8', write('plain.pdf', await renderCertificatePdf(content())), '-'], { encoding: 'utf8' });
    expect(plain).to.not.contain('Certificate of training completion');
  });

  it('states no length for a course that has none (an imported SCORM package), rather than "0 min"', async () => {
    const template = { ...content().template, englishLine: true };
    const file = write('no-length.pdf', await renderCertificatePdf(content({ durationMinutes: 0, template })));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    expect(text).to.contain('stan prawny na 01.09.2026');
    expect(text).to.not.contain('czas trwania');
    expect(text).to.not.contain('0 min');
  });

  describe('in a UTC process', () => {
    inProcessTimeZone('UTC');

    it('prints Warsaw days: a pass at 00:30 on 12 March is 12.03.2026, also on the English line', async () => {
      const afterMidnight = { completedAt: new Date('2026-03-11T23:30:00Z'), issuedAt: new Date('2026-03-11T23:30:05Z'), validUntil: new Date('2027-03-11T23:30:00Z') };
      const template = { ...content().template, englishLine: true };
      const file = write('after-midnight.pdf', await renderCertificatePdf(content({ ...afterMidnight, template })));
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
      expect(text).to.contain('data ukończenia 12.03.2026');
      expect(text).to.contain('ważne do 12.03.2027');
      expect(text).to.contain('Wystawiono dnia 12.03.2026');
      expect(text).to.contain('completed 12/03/2026');
      expect(text).to.contain('valid until 12/03/2027');
    });
  });

  it('npm run certificate:sample writes a preview from demo data (no database)', function () {
    this.timeout(30_000);
    const file = path.join(dir, 'sample.pdf');
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/certificate-sample.ts', '--out', file, '--name', 'Łucja Żądło-Ćwik', '--english'], { encoding: 'utf8' });
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    expect(text).to.contain('Łucja Żądło-Ćwik');
    expect(text).to.contain('Certificate of training completion');
    expect(text).to.match(/AJST-\d{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}/);
  });
});
