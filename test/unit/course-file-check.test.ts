import { expect } from 'chai';
import { checkCourseFile, type CourseFileCheck, type CourseMediaFolder } from '../../src/courses/course-file-check.js';
import { CAPTIONS, docxFile, mp4File, odtFile, pdfFile, pngFile, webmFile, withDimensions, xlsxFile, zipFile } from '../helpers/media-files.js';

const MB = 1024 * 1024;

async function check(folder: CourseMediaFolder, name: string, bytes: Buffer | string, size?: number): Promise<CourseFileCheck> {
  return checkCourseFile({ folder, name, bytes: Buffer.from(bytes), ...(size === undefined ? {} : { size }) });
}

/** The English message of a refusal (the test fails if the file was accepted). */
async function refusal(folder: CourseMediaFolder, name: string, bytes: Buffer | string, size?: number): Promise<string> {
  const result = await check(folder, name, bytes, size);
  if (result.ok) expect.fail(`${folder}/${name} was accepted as ${result.contentType}`);
  expect(result.message, 'a Polish message').to.match(/\S/);
  return result.messageEn;
}

describe('courses/course-file-check', () => {
  describe('images/', () => {
    it('accepts a PNG and reports its type and dimensions', async () => {
      expect(await check('images', 'schemat-procesu.png', await pngFile(64))).to.deep.equal({ ok: true, contentType: 'image/png', extension: 'png', width: 64, height: 64 });
    });

    it('refuses an SVG, even a harmless-looking one, and an SVG renamed .png', async () => {
      const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><script>alert(document.cookie)</script></svg>';
      expect(await refusal('images', 'logo.svg', svg)).to.contain('SVG files are not allowed');
      expect(await refusal('images', 'logo.png', svg)).to.equal('the content is not PNG as the extension says (no known format, e.g. text or HTML)');
    });

    it('refuses a PNG named .jpg: the extension must agree with the content', async () => {
      expect(await refusal('images', 'zdjecie.jpg', await pngFile())).to.equal('the content is not JPG as the extension says (found PNG)');
    });

    it('refuses a side over 6000 px or under 16 px, as the header claims it', async () => {
      const png = await pngFile(32);
      expect(await refusal('images', 'duzy.png', withDimensions(png, 7000, 20))).to.equal('the image is 7000 × 20 px; each side must be 16 to 6000 px');
      expect(await refusal('images', 'piksel.png', withDimensions(png, 8, 8))).to.equal('the image is 8 × 8 px; each side must be 16 to 6000 px');
      expect(await check('images', 'brzeg.png', withDimensions(png, 6000, 16))).to.include({ ok: true, width: 6000, height: 16 });
    });

    it('refuses an image over 5 MB', async () => {
      const big = Buffer.concat([await pngFile(), Buffer.alloc(5 * MB)]);
      expect(await refusal('images', 'duzy.png', big)).to.equal('the file is 5.1 MB, and a .png file in images/ may be at most 5 MB');
      const polish = await check('images', 'duzy.png', big);
      expect(polish.ok ? '' : polish.message).to.equal('Plik ma 5,1 MB, a w folderze images/ plik .png może mieć najwyżej 5 MB.');
    });

    it('refuses a PDF in images/ by its extension', async () => {
      expect(await refusal('images', 'wzor.pdf', await pdfFile())).to.equal('extension ".pdf" is not allowed in the images/ folder (allowed: .png, .jpg, .jpeg, .webp, .gif)');
    });
  });

  describe('handouts/', () => {
    it('accepts a PDF (pdfkit), a DOCX, an ODT and an XLSX (exceljs) with their types', async () => {
      expect(await check('handouts', 'wzor-wniosku.pdf', await pdfFile())).to.deep.equal({ ok: true, contentType: 'application/pdf', extension: 'pdf' });
      expect(await check('handouts', 'wzor-wniosku.docx', await docxFile())).to.deep.equal({
        ok: true,
        contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        extension: 'docx',
      });
      expect(await check('handouts', 'wzor_wniosku.odt', await odtFile())).to.deep.equal({ ok: true, contentType: 'application/vnd.oasis.opendocument.text', extension: 'odt' });
      expect(await check('handouts', 'rejestr-2026.xlsx', await xlsxFile())).to.deep.equal({
        ok: true,
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        extension: 'xlsx',
      });
    });

    it('refuses an HTML page or a script renamed .pdf or .docx', async () => {
      const html = '<!doctype html><html><body><script>fetch("/konto")</script></body></html>';
      expect(await refusal('handouts', 'wzor.pdf', html)).to.equal('the content is not PDF as the extension says (no known format, e.g. text or HTML)');
      expect(await refusal('handouts', 'wzor.docx', '#!/bin/sh\nrm -rf ~\n')).to.equal('the content is not DOCX as the extension says (no known format, e.g. text or HTML)');
    });

    it('refuses a plain zip renamed .docx, and a DOCX renamed .xlsx', async () => {
      expect(await refusal('handouts', 'wzor.docx', await zipFile([['readme.txt', 'nic']]))).to.equal('the content is not DOCX as the extension says (found ZIP)');
      expect(await refusal('handouts', 'rejestr.xlsx', await docxFile())).to.equal('the content is not XLSX as the extension says (found DOCX)');
    });

    it('refuses an extension the folder does not take and a handout over 20 MB', async () => {
      expect(await refusal('handouts', 'program.exe', 'MZ')).to.contain('extension ".exe" is not allowed in the handouts/ folder');
      expect(await refusal('handouts', 'prezentacja.pdf', Buffer.concat([await pdfFile(), Buffer.alloc(20 * MB)]))).to.equal(
        'the file is 20.1 MB, and a .pdf file in handouts/ may be at most 20 MB',
      );
    });
  });

  describe('video/', () => {
    it('accepts an MP4 and a WebM by their first bytes, checking the size of the whole file', async () => {
      expect(await check('video', 'wstep.mp4', mp4File(), 150 * MB)).to.deep.equal({ ok: true, contentType: 'video/mp4', extension: 'mp4' });
      expect(await check('video', 'wstep.webm', webmFile())).to.deep.equal({ ok: true, contentType: 'video/webm', extension: 'webm' });
      expect(await refusal('video', 'wstep.mp4', mp4File(), 201 * MB)).to.equal('the file is 201 MB, and a .mp4 file in video/ may be at most 200 MB');
      expect(await refusal('video', 'wstep.webm', mp4File())).to.equal('the content is not WEBM as the extension says (found MP4)');
    });

    it('accepts WebVTT captions (also after a byte-order mark)', async () => {
      expect(await check('video', 'wstep.vtt', CAPTIONS)).to.deep.equal({ ok: true, contentType: 'text/vtt; charset=utf-8', extension: 'vtt' });
      expect(await check('video', 'wstep.vtt', `\uFEFF${CAPTIONS}`)).to.include({ ok: true });
    });

    it('refuses captions without the WEBVTT line, with a script, or not in UTF-8', async () => {
      expect(await refusal('video', 'wstep.vtt', '1\n00:00:00,000 --> 00:00:04,000\nNapisy SRT\n')).to.equal(
        'the content is not VTT as the extension says (no known format, e.g. text or HTML)',
      );
      expect(await refusal('video', 'wstep.vtt', `${CAPTIONS}\n00:08.000 --> 00:09.000\n<SCRIPT>alert(1)</script>\n`)).to.equal('a captions file must not contain a <script> tag');
      expect(await refusal('video', 'wstep.vtt', Buffer.concat([Buffer.from('WEBVTT\n\n00:00.000 --> 00:01.000\nZa'), Buffer.from([0xbf, 0xf3]), Buffer.from('\n')]))).to.equal(
        'a captions file must be saved as UTF-8',
      );
    });
  });

  describe('file names', () => {
    for (const name of ['Schemat.png', 'wzór.png', 'a b.png', '.ukryty.png', '-a.png', 'wzor.pdf.png', 'schemat', 'schemat.']) {
      it(`refuses "${name}"`, async () => {
        expect(await refusal('images', name, await pngFile())).to.match(/^file name ".*" is not allowed: use lower-case a-z/);
      });
    }

    it('refuses an empty file', async () => {
      expect(await refusal('handouts', 'pusty.pdf', '')).to.equal('the file is empty');
    });
  });
});
