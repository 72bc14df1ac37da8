// The office's herb or logo as uploaded: what the file really is (by content, never by name), checked and made safe.
import { createRequire } from 'node:module';
import createDOMPurify from 'dompurify';
import { JSDOM } from 'jsdom';

/** Largest herb file accepted: enough for a detailed vector herb or a 600 px PNG, small enough to live in the office's document. */
export const MAX_EMBLEM_BYTES = 512 * 1024;
/** Largest PNG side in pixels (a certificate prints the herb at about 2 cm). */
const MAX_PNG_SIDE = 2000;

/** pngjs ships no types; its synchronous decoder is all we use. */
interface PngModule {
  PNG: { sync: { read(buffer: Buffer): { width: number; height: number } } };
}
const { PNG } = createRequire(import.meta.url)('pngjs') as PngModule;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export type EmblemProblem = 'logoType' | 'logoPngInvalid' | 'logoSvgUnsafe' | 'logoSvgInvalid' | 'logoTooLarge';
export type Emblem = { kind: 'png'; base64: string } | { kind: 'svg'; svg: string };

/** What is allowed to come before the root element of an SVG file: a BOM, an XML declaration, comments, a doctype. */
const SVG_PROLOGUE = /^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>[]*(\[[\s\S]*?\])?\s*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i;

/** Elements and attributes whose presence in the upload means it tried to run or fetch something: refused, not cleaned. */
const ACTIVE_ELEMENTS = new Set(['script', 'foreignobject', 'iframe', 'object', 'embed', 'use', 'image', 'a', 'animate', 'set', 'handler', 'listener']);
const ACTIVE_ATTRIBUTE = /^(on|xlink:href$|href$|src$|formaction$|xml:base$)/i;

/** Outside references that may survive sanitising (e.g. url(...) in a style): anything not a same-document #fragment. */
function referencesOutside(svg: string): boolean {
  if (/@import/i.test(svg)) return true;
  for (const match of svg.matchAll(/url\(\s*['"]?\s*([^'")\s]*)/gi)) if (!match[1].startsWith('#')) return true;
  for (const match of svg.matchAll(/\b(?:xlink:)?href\s*=\s*["']\s*([^"']*)/gi)) if (!match[1].startsWith('#')) return true;
  return /javascript:|data:/i.test(svg);
}

/**
 * Sanitises an SVG upload with DOMPurify (SVG profile) and refuses it when the original carried scripts, event
 * handlers or links, or the result still references anything outside itself. Returns the SVG to store.
 */
export function sanitiseSvg(text: string): { svg: string } | { problem: EmblemProblem } {
  const { window } = new JSDOM('');
  try {
    const purify = createDOMPurify(window);
    // Only the prologue is dropped by hand (HTML parsing would keep it as text); DOMPurify does the rest.
    const body = text.replace(/^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?/, '').replace(/<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/i, '');
    const clean = purify.sanitize(body, { USE_PROFILES: { svg: true, svgFilters: true } });
    const active = purify.removed.some((item) =>
      'element' in item && item.element instanceof window.Element
        ? ACTIVE_ELEMENTS.has(item.element.localName.toLowerCase())
        : 'attribute' in item && item.attribute && ACTIVE_ATTRIBUTE.test(item.attribute.name),
    );
    if (active || referencesOutside(clean)) return { problem: 'logoSvgUnsafe' };
    const svg = clean.trim();
    if (!/^<svg[\s>]/i.test(svg) || !/<\/svg>$/i.test(svg)) return { problem: 'logoSvgInvalid' };
    // A file shown through <img> (the settings page) must name the SVG namespace to render.
    return { svg: /^<svg[^>]*\sxmlns=/i.test(svg) ? svg : svg.replace(/^<svg/i, '<svg xmlns="http://www.w3.org/2000/svg"') };
  } finally {
    window.close();
  }
}

/** Tells what an uploaded file is by its bytes and checks it: a decodable PNG of sensible size, or a safe SVG. */
export function checkEmblem(file: Buffer): Emblem | { problem: EmblemProblem } {
  if (file.length > MAX_EMBLEM_BYTES) return { problem: 'logoTooLarge' };
  if (file.subarray(0, 8).equals(PNG_SIGNATURE)) {
    try {
      const { width, height } = PNG.sync.read(file);
      if (width < 1 || height < 1 || width > MAX_PNG_SIDE || height > MAX_PNG_SIDE) return { problem: 'logoPngInvalid' };
    } catch {
      return { problem: 'logoPngInvalid' };
    }
    return { kind: 'png', base64: file.toString('base64') };
  }
  const text = file.toString('utf8');
  // A file that is not valid UTF-8 text (a JPEG, a PDF, an executable) is not an SVG.
  if (text.includes('\uFFFD') || !SVG_PROLOGUE.test(text)) return { problem: 'logoType' };
  const result = sanitiseSvg(text);
  return 'problem' in result ? result : { kind: 'svg', svg: result.svg };
}
