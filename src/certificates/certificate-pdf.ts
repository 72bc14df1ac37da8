// Renders a certificate as an archival PDF (PDF/A-2b, tagged, embedded DejaVu fonts, vector QR code).
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import SVGtoPDF from 'svg-to-pdfkit';
import { formatDate, formatDuration, formatIsoDay } from '../calendar/calendar.js';
import type { CertificateTemplate } from './certificate-template.js';

/** What a certificate says; every value is fixed at issue so the same input always gives the same bytes. */
export interface CertificateContent {
  code: string;
  verificationUrl: string;
  learnerName: string;
  courseTitle: string;
  courseVersion: string;
  completedAt: Date;
  issuedAt: Date;
  durationMinutes: number;
  scorePercent: number;
  /** The completion rule that was met (Polish; English for the English line); absent on older certificates. */
  completionRule?: string;
  completionRuleEn?: string;
  /** "Stan prawny na", YYYY-MM-DD */
  legalStateDate: string;
  validUntil?: Date;
  template: CertificateTemplate;
}

// The fonts come from an npm package (not the system) so every server renders identical, fully embedded PDFs.
const fontDir = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const FONTS = {
  serif: path.join(fontDir, 'DejaVuSerif.ttf'),
  serifBold: path.join(fontDir, 'DejaVuSerif-Bold.ttf'),
  serifItalic: path.join(fontDir, 'DejaVuSerif-Italic.ttf'),
  sans: path.join(fontDir, 'DejaVuSans.ttf'),
  sansBold: path.join(fontDir, 'DejaVuSans-Bold.ttf'),
  sansLight: path.join(fontDir, 'DejaVuSans-ExtraLight.ttf'),
};

const INK = '#1f2328';
const MUTED = '#57606a';

/** Mixes a #rrggbb colour with white (amount 0..1) for the light ornaments. */
function tint(hex: string, amount: number): string {
  const channel = (offset: number) => {
    const value = parseInt(hex.slice(offset, offset + 2), 16);
    return Math.round(value + (255 - value) * amount)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(1)}${channel(3)}${channel(5)}`;
}

function initialsOf(name: string): string {
  const words = name.split(/\s+/).filter((word) => word.length > 2 && word[0] === word[0].toUpperCase());
  return (words.length ? words : name.split(/\s+/))
    .slice(0, 3)
    .map((word) => word[0])
    .join('')
    .toUpperCase();
}

/** What every drawing step works on: the document, its structure tree, the page and the certificate's content. */
interface Sheet {
  doc: PDFKit.PDFDocument;
  /** The Document structure element every tagged text and figure hangs from. */
  root: PDFKit.PDFStructureElement;
  width: number;
  height: number;
  content: CertificateContent;
  accent: string;
  /** The centred text column. */
  centre: { x: number; width: number };
}

/** Renders the certificate; deterministic: the creation date is the issue date and the file id derives from it. */
export async function renderCertificatePdf(content: CertificateContent): Promise<Buffer> {
  const doc = openDocument(content);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width; // 841.89
  const height = doc.page.height; // 595.28
  const root = doc.struct('Document');
  doc.addStructure(root);
  const sheet: Sheet = { doc, root, width, height, content, accent: content.template.accentColour, centre: { x: 80, width: width - 160 } };

  // The steps run in this order because it is the drawing (and so the byte) order: same input, same file.
  drawFrame(sheet);
  drawIssuer(sheet);
  const afterTitle = drawTitle(sheet);
  const afterCourse = drawLearnerAndCourse(sheet, afterTitle);
  drawFacts(sheet, afterCourse);
  // Bottom band: verification (left), issue date (centre), signature (right).
  const bottom = height - 52;
  drawVerification(sheet, bottom);
  drawIssueDate(sheet, bottom);
  drawSignature(sheet, bottom);

  root.end();
  doc.end();
  return finished;
}

/** An A4 landscape PDF/A-2b document, tagged and in Polish, with the certificate's metadata. */
function openDocument(content: CertificateContent): PDFKit.PDFDocument {
  const { template } = content;
  const title = `Zaświadczenie o ukończeniu szkolenia – ${content.courseTitle}`;
  return new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    font: FONTS.sans,
    pdfVersion: '1.7',
    subset: 'PDF/A-2b',
    tagged: true,
    lang: 'pl-PL',
    displayTitle: true,
    info: {
      Title: title,
      Author: template.issuerName,
      Subject: `${content.learnerName} – ${content.courseTitle} (wersja ${content.courseVersion}), nr ${content.code}`,
      Keywords: `zaświadczenie, szkolenie, ${content.code}`,
      Creator: 'Akademia JST',
      Producer: 'Akademia JST (PDFKit)',
      // No ModDate: pdfkit writes no xmp:ModifyDate, and PDF/A wants the Info dictionary and XMP to agree.
      CreationDate: content.issuedAt,
    },
  });
}

/** The frame, corner ornaments and title band. */
function drawFrame({ doc, width, height, accent }: Sheet): void {
  // Frame and ornaments are decoration: marked as artifacts so screen readers skip them.
  doc.markContent('Artifact', { type: 'Layout' });
  doc.rect(0, 0, width, height).fill('#fffdf8');
  doc
    .lineWidth(3)
    .rect(18, 18, width - 36, height - 36)
    .stroke(accent);
  doc
    .lineWidth(0.8)
    .rect(26, 26, width - 52, height - 52)
    .stroke(accent);
  doc
    .lineWidth(0.4)
    .rect(31, 31, width - 62, height - 62)
    .stroke(tint(accent, 0.55));
  for (const [cx, cy] of [
    [26, 26],
    [width - 26, 26],
    [26, height - 26],
    [width - 26, height - 26],
  ]) {
    doc.save().translate(cx, cy).rotate(45).rect(-7, -7, 14, 14).fill(accent).restore();
    doc.save().translate(cx, cy).rotate(45).rect(-3, -3, 6, 6).fill('#fffdf8').restore();
  }
  // A light band behind the title.
  doc.rect(31, 150, width - 62, 2).fill(tint(accent, 0.75));
  doc.endMarkedContent();
}

/** The issuer at the top: its logo (or a drawn emblem of its initials) and its name. */
function drawIssuer({ doc, root, width, accent, centre, content }: Sheet): void {
  const { template } = content;
  let y = 48;
  const logoSize = 58;
  const logoX = width / 2 - logoSize / 2;
  if (template.logoSvg) {
    root.add(
      doc.struct('Figure', { alt: `Herb: ${template.issuerName}` }, () => {
        // Sanitised on upload (no scripts, no outside references): svg-to-pdfkit draws it as vectors.
        SVGtoPDF(doc, template.logoSvg!, logoX, y, { width: logoSize, height: logoSize, preserveAspectRatio: 'xMidYMid meet', assumePt: true });
      }),
    );
  } else if (template.logoPng) {
    root.add(
      doc.struct('Figure', { alt: `Logo: ${template.issuerName}` }, () => {
        doc.image(template.logoPng!, logoX, y, { fit: [logoSize, logoSize], align: 'center', valign: 'center' });
      }),
    );
  } else {
    root.add(
      doc.struct('Figure', { alt: `Godło: ${template.issuerName}` }, () => {
        doc.circle(width / 2, y + logoSize / 2, logoSize / 2).fill(accent);
        doc
          .circle(width / 2, y + logoSize / 2, logoSize / 2 - 4)
          .lineWidth(0.8)
          .stroke('#ffffff');
        doc.font(FONTS.serifBold).fontSize(17).fillColor('#ffffff');
        doc.text(initialsOf(template.issuerName), width / 2 - logoSize / 2, y + logoSize / 2 - 11, { width: logoSize, align: 'center', lineBreak: false });
      }),
    );
  }
  y += logoSize + 8;
  doc.font(FONTS.sansBold).fontSize(11).fillColor(INK);
  doc.text(template.issuerName.toUpperCase(), centre.x, y, { width: centre.width, align: 'center', characterSpacing: 0.8, structParent: root, structType: 'P' });
}

/** "ZAŚWIADCZENIE o ukończeniu szkolenia" (and the English line); returns the y below it. */
function drawTitle({ doc, root, accent, centre, content }: Sheet): number {
  let y = 170;
  doc.font(FONTS.serifBold).fontSize(36).fillColor(accent);
  doc.text('ZAŚWIADCZENIE', centre.x, y, { width: centre.width, align: 'center', characterSpacing: 3, structParent: root, structType: 'H1' });
  y += 46;
  doc.font(FONTS.serif).fontSize(16).fillColor(INK);
  doc.text('o ukończeniu szkolenia', centre.x, y, { width: centre.width, align: 'center', structParent: root, structType: 'P' });
  y += 20;
  if (content.template.englishLine) {
    doc.font(FONTS.serifItalic).fontSize(10).fillColor(MUTED);
    doc.text('Certificate of training completion', centre.x, y, { width: centre.width, align: 'center', structParent: root, structType: 'P' });
    y += 15;
  }
  return y;
}

/** Who completed which course, from `y`; returns the y below the course title. */
function drawLearnerAndCourse({ doc, root, accent, centre, content }: Sheet, top: number): number {
  const { englishLine } = content.template;
  let y = top + 22;
  doc.font(FONTS.sans).fontSize(11).fillColor(MUTED);
  // Worded so that no verb has to guess the holder's grammatical gender ("ukończył(a)"): the certificate confirms.
  doc.text(englishLine ? 'Zaświadczenie wydane dla  ·  This certificate, issued to' : 'Zaświadczenie wydane dla', centre.x, y, {
    width: centre.width,
    align: 'center',
    structParent: root,
    structType: 'P',
  });
  y += 22;
  // Long names and titles shrink (to one and two lines) rather than push the text into the footer band.
  const nameSize = fittingFontSize(doc, content.learnerName, FONTS.serifBold, { max: 30, min: 14, width: centre.width, lines: 1 });
  doc.font(FONTS.serifBold).fontSize(nameSize).fillColor(INK);
  doc.text(content.learnerName, centre.x, y + (30 - nameSize) / 2, { width: centre.width, align: 'center', structParent: root, structType: 'P' });
  y = Math.max(y + 44, doc.y + 6);
  doc.font(FONTS.sans).fontSize(11).fillColor(MUTED);
  doc.text(
    englishLine
      ? 'potwierdza ukończenie z wynikiem pozytywnym szkolenia  ·  confirms successful completion of the training'
      : 'potwierdza ukończenie z wynikiem pozytywnym szkolenia',
    centre.x,
    y,
    {
      width: centre.width,
      align: 'center',
      structParent: root,
      structType: 'P',
    },
  );
  y += 20;
  const courseTitle = `„${content.courseTitle}”`;
  const titleSize = fittingFontSize(doc, courseTitle, FONTS.serifBold, { max: 18, min: 11, width: centre.width - 80, lines: 2 });
  doc.font(FONTS.serifBold).fontSize(titleSize).fillColor(accent);
  doc.text(courseTitle, centre.x + 40, y, { width: centre.width - 80, align: 'center', structParent: root, structType: 'P' });
  return doc.y + 14;
}

/** The facts, two short lines from `y` (version, legal state, hours; completion, score, validity), and their English line. */
function drawFacts({ doc, root, centre, content }: Sheet, top: number): void {
  // With the completion rule under them the lines sit closer, so a two-line course title still leaves the bottom band free.
  const step = content.completionRule ? 13 : 15;
  let y = content.completionRule ? top - 6 : top;
  // A course with no stated length (an imported SCORM package states none) prints none, rather than "0 min".
  const stated = content.durationMinutes > 0;
  const facts1 = [
    `wersja szkolenia ${content.courseVersion}`,
    `stan prawny na ${formatIsoDay(content.legalStateDate)}`,
    stated ? `czas trwania ${formatDuration(content.durationMinutes)}` : undefined,
  ]
    .filter(Boolean)
    .join('   ·   ');
  const facts2 = [
    `data ukończenia ${formatDate(content.completedAt)}`,
    `wynik testu końcowego ${Math.round(content.scorePercent)}%`,
    content.validUntil ? `ważne do ${formatDate(content.validUntil)}` : undefined,
  ]
    .filter(Boolean)
    .join('   ·   ');
  doc.font(FONTS.sans).fontSize(10.5).fillColor(INK);
  doc.text(facts1, centre.x, y, { width: centre.width, align: 'center', structParent: root, structType: 'P' });
  y += step;
  doc.text(facts2, centre.x, y, { width: centre.width, align: 'center', structParent: root, structType: 'P' });
  y += step;
  if (content.completionRule) {
    // Exactly the rule that was met, so whoever reads the certificate knows what it attests.
    doc.font(FONTS.sans).fontSize(8.5).fillColor(INK);
    doc.text(content.completionRule, centre.x, y, { width: centre.width, align: 'center', structParent: root, structType: 'P' });
    y += 12;
  }
  if (content.template.englishLine) {
    doc.font(FONTS.serifItalic).fontSize(8.5).fillColor(MUTED);
    const english = [
      `version ${content.courseVersion}`,
      `law as of ${formatIsoDay(content.legalStateDate, 'en')}`,
      stated ? formatDuration(content.durationMinutes, 'en') : undefined,
      `completed ${formatDate(content.completedAt, 'en')}`,
      `final test score ${Math.round(content.scorePercent)}%`,
      content.validUntil ? `valid until ${formatDate(content.validUntil, 'en')}` : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    doc.text(english, centre.x, y, { width: centre.width, align: 'center', structParent: root, structType: 'P' });
    if (content.completionRuleEn) {
      doc.text(content.completionRuleEn, centre.x, y + 11, { width: centre.width, align: 'center', structParent: root, structType: 'P' });
    }
  }
}

/** Bottom left: the QR code to the verification page, the certificate number and the address. */
function drawVerification({ doc, root, accent, content }: Sheet, bottom: number): void {
  const { englishLine } = content.template;
  const qrSize = 78;
  const qrX = 60;
  const qrY = bottom - qrSize;
  root.add(
    doc.struct('Figure', { alt: `Kod QR prowadzący do strony weryfikacji: ${content.verificationUrl}` }, () => {
      drawQrCode(doc, content.verificationUrl, qrX, qrY, qrSize, INK);
    }),
  );
  const verifyX = qrX + qrSize + 12;
  doc.font(FONTS.sans).fontSize(7.5).fillColor(MUTED);
  doc.text(englishLine ? 'Numer zaświadczenia / Certificate no.' : 'Numer zaświadczenia', verifyX, qrY + 8, { width: 200, structParent: root, structType: 'P' });
  doc.font(FONTS.sansBold).fontSize(10).fillColor(INK);
  doc.text(content.code, verifyX, qrY + 19, { width: 220, lineBreak: false, structParent: root, structType: 'P' });
  doc.font(FONTS.sans).fontSize(7.5).fillColor(MUTED);
  doc.text(englishLine ? 'Sprawdź autentyczność / Verify at:' : 'Sprawdź autentyczność:', verifyX, qrY + 40, { width: 200, structParent: root, structType: 'P' });
  doc.font(FONTS.sans).fontSize(7.5).fillColor(accent);
  doc.text(content.verificationUrl.replace(/^https?:\/\//, ''), verifyX, qrY + 51, {
    width: 330,
    lineBreak: false,
    link: content.verificationUrl,
    structParent: root,
    structType: 'P',
  });
}

/** Bottom centre: "Wystawiono dnia …". */
function drawIssueDate({ doc, root, width, content }: Sheet, bottom: number): void {
  doc.font(FONTS.sans).fontSize(9).fillColor(INK);
  doc.text(`Wystawiono dnia ${formatDate(content.issuedAt)}`, width / 2 - 100, bottom - 12, { width: 200, align: 'center', structParent: root, structType: 'P' });
}

/** Bottom right: the signature line, the signatory's name and role. */
function drawSignature({ doc, root, width, content }: Sheet, bottom: number): void {
  const { template } = content;
  const signX = width - 60 - 220;
  doc.markContent('Artifact', { type: 'Layout' });
  doc
    .moveTo(signX + 20, bottom - 22)
    .lineTo(signX + 200, bottom - 22)
    .lineWidth(0.6)
    .dash(1.5, { space: 2 })
    .stroke(MUTED)
    .undash();
  doc.endMarkedContent();
  doc.font(FONTS.serifBold).fontSize(11).fillColor(INK);
  doc.text(template.signatoryName, signX, bottom - 16, { width: 220, align: 'center', structParent: root, structType: 'P' });
  doc.font(FONTS.sans).fontSize(8.5).fillColor(MUTED);
  doc.text(template.signatoryRole, signX, bottom - 2, { width: 220, align: 'center', structParent: root, structType: 'P' });
}

/** The largest size (max..min) at which `text` fits in `lines` lines of `width`; min when nothing fits. */
function fittingFontSize(doc: PDFKit.PDFDocument, text: string, font: string, fit: { max: number; min: number; width: number; lines: number }): number {
  doc.font(font);
  for (let size = fit.max; size > fit.min; size -= 1) {
    doc.fontSize(size);
    if (doc.heightOfString(text, { width: fit.width }) <= doc.currentLineHeight(true) * fit.lines * 1.05) return size;
  }
  return fit.min;
}

/** Draws the QR code as vector squares: sharp at any print size, and no raster image to embed. */
function drawQrCode(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number, colour: string): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const cell = size / count;
  for (let row = 0; row < count; row += 1) {
    for (let column = 0; column < count; column += 1) {
      if (qr.modules.get(row, column)) doc.rect(x + column * cell, y + row * cell, cell + 0.05, cell + 0.05);
    }
  }
  doc.fill(colour);
}
