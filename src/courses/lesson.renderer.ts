// Turns a lesson's Markdown into sanitised HTML: callouts, tables, course images, heading ids and knowledge-check placeholders.
import { statSync } from 'node:fs';
import path from 'node:path';
import MarkdownIt, { type Env, type Token } from 'markdown-it';
import markdownItAnchor from 'markdown-it-anchor';
import markdownItContainer from 'markdown-it-container';
import sanitizeHtml from 'sanitize-html';
import type { LessonHeading, Question } from './course.types.js';
import { CheckSchema } from './course.schemas.js';
import { checkWithSchema, lineOfPath, parseYaml, type CourseError } from './course-source.js';

export const CALLOUT_KINDS = ['uwaga', 'przyklad', 'podstawa-prawna'] as const;
type CalloutKind = (typeof CALLOUT_KINDS)[number];

const CALLOUT_TITLES: Record<'pl' | 'en', Record<CalloutKind, string>> = {
  pl: { uwaga: 'Uwaga', przyklad: 'Przykład', 'podstawa-prawna': 'Podstawa prawna' },
  en: { uwaga: 'Note', przyklad: 'Example', 'podstawa-prawna': 'Legal basis' },
};

/** Ids the page layout already uses: a heading must not take them (the skip link targets #main). */
const RESERVED_IDS = ['main'];

/** markdown-it's per-render record: what the rules below read. */
interface RenderEnv extends Env {
  language: 'pl' | 'en';
  /** Knowledge-check id per fence, keyed by the fence's first line (the renderer only sees tokens). */
  checkIds: Map<number, string>;
  markdownItAnchor: { slugs: Record<string, boolean> };
}

/** Heading ids readable in a URL: Polish letters lose their diacritics, everything else becomes hyphens. */
function slugifyHeading(text: string): string {
  const slug = text
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'sekcja';
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Raw HTML is off: authored content is text and Markdown only (whatever slips through is sanitised below).
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
markdown.use(markdownItAnchor, { level: 2, tabIndex: false, slugify: slugifyHeading });
for (const kind of CALLOUT_KINDS) {
  markdown.use(markdownItContainer, kind, {
    render(tokens: Token[], index: number, _options: unknown, env: Env | undefined) {
      if (tokens[index].nesting !== 1) return '</aside>\n';
      const title = CALLOUT_TITLES[(env as RenderEnv).language][kind];
      return `<aside class="callout callout--${kind}" role="note">\n<p class="callout__title">${title}</p>\n`;
    },
  });
}
const defaultFence = markdown.renderer.rules.fence;
markdown.renderer.rules.fence = (tokens, index, options, env, self) => {
  const token = tokens[index];
  if (token.info.trim() !== 'check') return defaultFence(tokens, index, options, env, self);
  const id = (env as RenderEnv).checkIds.get(token.map?.[0] ?? -1) ?? '';
  return `<div class="knowledge-check" data-check="${escapeAttribute(id)}"></div>\n`;
};

/**
 * markdown-it aligns table columns with `style="text-align:…"`; the CSP allows no inline styles, so the
 * alignment becomes one of the classes public/css/app.css defines (align-left, align-center, align-right).
 */
function alignmentAsClass(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const { style, class: _class, ...rest } = attribs;
  const align = /(?:^|;)\s*text-align\s*:\s*(left|right|center)\s*(?:;|$)/i.exec(style ?? '')?.[1]?.toLowerCase();
  return { tagName, attribs: align ? { ...rest, class: `align-${align}` } : rest };
}

/** Exactly what the renderer above produces; anything else (scripts, event handlers, odd URLs) is dropped. */
const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'ul', 'ol', 'li', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'aside', 'div'],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title'],
    h2: ['id'],
    h3: ['id'],
    h4: ['id'],
    h5: ['id'],
    h6: ['id'],
    th: ['class'],
    td: ['class'],
    ol: ['start'],
    aside: ['class', 'role'],
    p: ['class'],
    div: ['class', 'data-check'],
    code: ['class'],
  },
  allowedClasses: {
    aside: ['callout', ...CALLOUT_KINDS.map((kind) => `callout--${kind}`)],
    p: ['callout__title'],
    div: ['knowledge-check'],
    code: [/^language-[\w-]+$/],
    th: ['align-left', 'align-center', 'align-right'],
    td: ['align-left', 'align-center', 'align-right'],
  },
  // A callout is a note, never a live region or landmark of another kind.
  transformTags: { aside: (tagName, attribs) => ({ tagName, attribs: { ...attribs, role: 'note' } }), th: alignmentAsClass, td: alignmentAsClass },
  // No style attribute survives: the CSP (style-src 'self') would refuse it anyway.
  allowedStyles: {},
  allowedSchemes: ['http', 'https', 'mailto'],
  // Images come from the course's own folder only (the CSP allows no other origin anyway).
  allowedSchemesByTag: { img: [] },
  allowProtocolRelative: false,
};

/** Sanitises lesson HTML: only the tags and attributes the lesson renderer produces survive. */
export function sanitizeLessonHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}

export interface LessonRenderInput {
  /** The Markdown after the front matter. */
  markdown: string;
  /** 1-based line of the file where `markdown` starts. */
  firstLine: number;
  /** Absolute path of the lesson file (for errors). */
  file: string;
  course: { id: string; language: 'pl' | 'en'; directory: string };
}

export interface RenderedLesson {
  html: string;
  checks: Array<{ question: Question; line: number }>;
  toc: LessonHeading[];
  errors: CourseError[];
}

/** Renders one lesson body; problems (bad check blocks, missing images, unknown callouts, h1) are returned with their lines. */
export function renderLesson(input: LessonRenderInput): RenderedLesson {
  const errors: CourseError[] = [];
  const checks: RenderedLesson['checks'] = [];
  const toc: LessonHeading[] = [];
  const env: RenderEnv = {
    language: input.course.language,
    checkIds: new Map(),
    markdownItAnchor: { slugs: Object.fromEntries(RESERVED_IDS.map((id) => [id, true])) },
  };
  const lineOf = (token: Token) => input.firstLine + (token.map?.[0] ?? 0);
  const fail = (line: number, message: string) => errors.push({ file: input.file, line, message });

  const tokens = markdown.parse(input.markdown, env);
  const openCallouts: Token[] = [];
  tokens.forEach((token, index) => {
    if (/^container_.+_open$/.test(token.type)) {
      openCallouts.push(token);
    } else if (/^container_.+_close$/.test(token.type)) {
      const opening = openCallouts.pop();
      // markdown-it-container closes a callout left open at the end of the lesson (or quote) without a marker.
      if (opening && token.markup === '') fail(lineOf(opening), `callout "${opening.info.trim()}" is not closed: end it with a line ":::"`);
    } else if (token.type === 'fence' && token.info.trim() === 'check') {
      const check = readCheck(token.content, input.file, lineOf(token));
      if (!check.ok) {
        errors.push(...check.errors);
        return;
      }
      env.checkIds.set(token.map![0], check.question.id);
      checks.push({ question: check.question, line: check.idLine });
    } else if (token.type === 'heading_open') {
      if (token.tag === 'h1') fail(lineOf(token), 'use "##" and smaller headings: the page shows the lesson title as the only h1');
      const level = Number(token.tag.slice(1));
      const id = token.attrGet('id')?.toString();
      if (id && (level === 2 || level === 3)) toc.push({ id, text: plainText(tokens[index + 1]), level });
    } else if (token.type === 'inline') {
      checkCallout(token, lineOf(token), fail);
      rewriteImages(token, lineOf(token), input, fail);
    }
  });

  const html = sanitizeLessonHtml(markdown.renderer.render(tokens, markdown.options, env));
  return { html, checks, toc, errors };
}

function plainText(inline: Token | undefined): string {
  return (inline?.children ?? [])
    .filter((child) => child.type === 'text' || child.type === 'code_inline')
    .map((child) => child.content)
    .join('');
}

type CheckResult = { ok: true; question: Question; idLine: number } | { ok: false; errors: CourseError[] };

function readCheck(yamlText: string, file: string, fenceLine: number): CheckResult {
  const parsed = parseYaml(yamlText, file, fenceLine);
  if (!parsed.ok) return parsed;
  const checked = checkWithSchema(CheckSchema, parsed.data, parsed.source);
  if (!checked.ok) return { ok: false, errors: checked.errors.map((error) => ({ ...error, message: `knowledge check: ${error.message}` })) };
  return { ok: true, question: checked.value, idLine: lineOfPath(parsed.source, ['id']) };
}

/** A paragraph starting with ":::" is a callout markdown-it did not recognise: a misspelt kind or a stray closing marker. */
function checkCallout(inline: Token, line: number, fail: (line: number, message: string) => void): void {
  const match = /^:::\s*(\S*)/.exec(inline.content);
  if (!match) return;
  const known = CALLOUT_KINDS.map((kind) => `"::: ${kind}"`).join(', ');
  fail(line, match[1] ? `unknown callout "${match[1]}"; use ${known}` : `a ":::" line that closes no callout (callouts start with ${known})`);
}

/** Checks each image (alt text, file in the course's images folder) and points its src at the course media route. */
function rewriteImages(inline: Token, line: number, input: LessonRenderInput, fail: (line: number, message: string) => void): void {
  const images = (inline.children ?? []).filter((child) => child.type === 'image');
  let searchFrom = 0;
  for (const image of images) {
    // Children carry no line numbers: find the image's "![" in the paragraph's source to count lines.
    const at = inline.content.indexOf('![', searchFrom);
    searchFrom = at + 2;
    const imageLine = at < 0 ? line : line + (inline.content.slice(0, at).match(/\n/g)?.length ?? 0);
    const src = image.attrGet('src')?.toString() ?? '';
    if (!plainText(image).trim()) fail(imageLine, `image "${src}" needs alt text: ![what the image shows](${src})`);

    let relative: string;
    try {
      relative = path.posix.normalize(decodeURI(src));
    } catch {
      relative = src;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('/') || !relative.startsWith('images/')) {
      fail(imageLine, `image "${src}" must be a file in the course's images/ folder, written as images/<file>`);
      continue;
    }
    const file = path.join(input.course.directory, relative);
    if (!isFile(file)) {
      fail(imageLine, `image "${src}" not found: there is no file ${path.posix.join(input.course.id, relative)}`);
      continue;
    }
    image.attrSet('src', `/kursy-media/${encodeURIComponent(input.course.id)}/${encodeURI(relative)}`);
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
