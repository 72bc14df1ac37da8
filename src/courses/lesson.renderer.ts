// Turns a lesson's Markdown into sanitised HTML: callouts, tables, course media (images, handouts, video), heading ids and knowledge-check placeholders.
import { statSync } from 'node:fs';
import path from 'node:path';
import MarkdownIt, { type Env, type Token } from 'markdown-it';
import markdownItAnchor from 'markdown-it-anchor';
import markdownItContainer from 'markdown-it-container';
import sanitizeHtml from 'sanitize-html';
import type { LessonHandout, LessonHeading, Question } from './course.types.js';
import { CheckSchema, VideoBlockSchema, type VideoBlock } from './course.schemas.js';
import { isCourseMediaPath, type CourseMediaFolder } from './course-file-check.js';
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
  /** The HTML of each valid ```video block, keyed by the fence's first line like checkIds. */
  videos: Map<number, string>;
  markdownItAnchor: { slugs: Record<string, boolean> };
  /** Tables rendered so far: each one's scroll box is named "Tabela 1", "Tabela 2"… (a landmark's name is unique). */
  tables?: number;
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

/**
 * Where a course file is served: the version is part of the URL, so a learner enrolled on an older version
 * sees that version's files, and a reply can be cached for good (course-media.routes.ts).
 */
export function courseMediaUrl(course: { id: string; version: string }, folder: CourseMediaFolder, file: string): string {
  return `${courseMediaPrefix(course)}${folder}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/** `/kursy-media/<courseId>/<version>/`: every media URL of that course version starts with it. */
export function courseMediaPrefix(course: { id: string; version: string }): string {
  return `/kursy-media/${encodeURIComponent(course.id)}/${encodeURIComponent(course.version)}/`;
}

/** A media URL as courseMediaUrl writes it, with the course, version and folder captured. */
const MEDIA_URL = /^\/kursy-media\/([a-z0-9]+(?:-[a-z0-9]+)*)\/([0-9A-Za-z.+%-]+)\/(images|handouts|video)\/((?:[a-z0-9][a-z0-9_-]*\/)*([a-z0-9][a-z0-9_-]*\.[a-z0-9]+))$/;

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
  const info = token.info.trim();
  // A broken video block renders nothing (the loader refuses the course anyway, with the error at its line).
  if (info === 'video') return (env as RenderEnv).videos.get(token.map?.[0] ?? -1) ?? '';
  if (info !== 'check') return defaultFence(tokens, index, options, env, self);
  const id = (env as RenderEnv).checkIds.get(token.map?.[0] ?? -1) ?? '';
  return `<div class="knowledge-check" data-check="${escapeAttribute(id)}"></div>\n`;
};
// A table scrolls sideways in a box of its own on a phone, which says so (as HR's matrix does) and which the keyboard
// can reach and scroll (a focusable region with a name: WCAG 1.4.10, 2.1.1). The hint shows on narrow screens only.
const TABLE_WORDS = {
  pl: { name: 'Tabela', hint: 'Na wąskim ekranie przewiń tabelę w bok.' },
  en: { name: 'Table', hint: 'On a narrow screen, scroll the table sideways.' },
};
markdown.renderer.rules.table_open = (tokens, index, options, env, self) => {
  const words = TABLE_WORDS[(env as RenderEnv).language];
  const number = ((env as RenderEnv).tables = ((env as RenderEnv).tables ?? 0) + 1);
  return (
    `<p class="table-scroll__hint">${words.hint}</p>\n` +
    `<div class="table-scroll" role="region" tabindex="0" aria-label="${words.name} ${number}">\n${self.renderToken(tokens, index, options)}`
  );
};
markdown.renderer.rules.table_close = (tokens, index, options, _env, self) => `${self.renderToken(tokens, index, options)}</div>\n`;

// A handout link ends with its format and size, e.g. "Wzór wniosku (DOCX, 24 kB)": inside the link, so a screen
// reader announces them with it (rewriteHandoutLinks puts the label on the closing token).
markdown.renderer.rules.link_close = (tokens, index, options, _env, self) => {
  const label = (tokens[index].meta as { handoutLabel?: string } | null)?.handoutLabel;
  return `${label ? ` ${markdown.utils.escapeHtml(label)}` : ''}${self.renderToken(tokens, index, options)}`;
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

/**
 * Only a table's scroll box (the renderer's table_open) is a focusable, named region; any other div keeps its class
 * and check id and loses role, tabindex and label, whatever slipped into it.
 */
function tableScrollBox(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const { role: _role, tabindex: _tabindex, 'aria-label': label, ...rest } = attribs;
  if (rest.class !== 'table-scroll') return { tagName, attribs: rest };
  return { tagName, attribs: { class: 'table-scroll', role: 'region', tabindex: '0', 'aria-label': /^(Tabela|Table) \d+$/.test(String(label)) ? label : 'Tabela' } };
}

/**
 * The media URL in `src`, if it is one of `folder` (and, when `mediaPrefix` is given, of that course version);
 * a video element may load nothing else.
 */
function mediaSource(src: string | undefined, folder: CourseMediaFolder, mediaPrefix: string | undefined): string | undefined {
  const match = MEDIA_URL.exec(src ?? '');
  if (!match || match[3] !== folder || (mediaPrefix !== undefined && !src!.startsWith(mediaPrefix))) return undefined;
  return src;
}

/**
 * Video, its source and captions keep only the attributes the renderer writes, with fixed values where there is
 * only one right one (no autoplay, no muted loop, no foreign src).
 */
function mediaTransforms(mediaPrefix: string | undefined): Record<string, sanitizeHtml.Transformer> {
  const only = (attribs: Record<string, string | undefined>) =>
    Object.fromEntries(Object.entries(attribs).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return {
    video: (tagName, attribs) => ({ tagName, attribs: only({ controls: '', preload: 'metadata', poster: mediaSource(attribs.poster, 'images', mediaPrefix) }) }),
    source: (tagName, attribs) => ({
      tagName,
      attribs: only({ src: mediaSource(attribs.src, 'video', mediaPrefix), type: ['video/mp4', 'video/webm'].includes(attribs.type ?? '') ? attribs.type : undefined }),
    }),
    track: (tagName, attribs) => ({
      tagName,
      attribs: only({
        kind: 'captions',
        srclang: attribs.srclang === 'en' ? 'en' : 'pl',
        label: attribs.label,
        default: '',
        src: mediaSource(attribs.src, 'video', mediaPrefix),
      }),
    }),
    // `download` only on a link to a handout, naming the file it links to (never another name or extension).
    a: (tagName, attribs) => {
      const { download: _download, ...rest } = attribs;
      const handout = MEDIA_URL.exec(attribs.href ?? '');
      return { tagName, attribs: handout?.[3] === 'handouts' ? { ...rest, download: handout[5] } : rest };
    },
  };
}

/** Exactly what the renderer above produces; anything else (scripts, event handlers, odd URLs) is dropped. */
const sanitizeOptions = (mediaPrefix: string | undefined): sanitizeHtml.IOptions => ({
  allowedTags: [
    ...['h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'ul', 'ol', 'li', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'a', 'img'],
    ...['table', 'thead', 'tbody', 'tr', 'th', 'td', 'aside', 'div'],
    // ```video blocks (docs/course-format.en.md): nothing else of HTML media is allowed.
    ...['figure', 'figcaption', 'video', 'source', 'track'],
  ],
  allowedAttributes: {
    a: ['href', 'title', 'download'],
    figure: ['class'],
    video: ['controls', 'preload', 'poster'],
    source: ['src', 'type'],
    track: ['kind', 'srclang', 'label', 'default', 'src'],
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
    div: ['class', 'data-check', 'role', 'tabindex', 'aria-label'],
    code: ['class'],
  },
  allowedClasses: {
    aside: ['callout', ...CALLOUT_KINDS.map((kind) => `callout--${kind}`)],
    p: ['callout__title', 'table-scroll__hint'],
    div: ['knowledge-check', 'table-scroll'],
    code: [/^language-[\w-]+$/],
    th: ['align-left', 'align-center', 'align-right'],
    td: ['align-left', 'align-center', 'align-right'],
    figure: ['lesson-video'],
  },
  transformTags: {
    // A callout is a note, never a live region or landmark of another kind.
    aside: (tagName, attribs) => ({ tagName, attribs: { ...attribs, role: 'note' } }),
    th: alignmentAsClass,
    td: alignmentAsClass,
    div: tableScrollBox,
    ...mediaTransforms(mediaPrefix),
  },
  // A source or track left without a course media URL is dropped whole.
  exclusiveFilter: (frame) => (frame.tag === 'source' || frame.tag === 'track') && !frame.attribs.src,
  selfClosing: ['img', 'br', 'hr', 'source', 'track'],
  // No style attribute survives: the CSP (style-src 'self') would refuse it anyway.
  allowedStyles: {},
  allowedSchemes: ['http', 'https', 'mailto'],
  // Images and video come from the course's own folder only (the CSP allows no other origin anyway).
  allowedSchemesByTag: { img: [], video: [], source: [], track: [] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'poster'],
  allowProtocolRelative: false,
});

/**
 * Sanitises lesson HTML: only the tags and attributes the lesson renderer produces survive. With `mediaPrefix`
 * (`/kursy-media/<courseId>/<version>/`), video may load only that course version's files.
 */
export function sanitizeLessonHtml(html: string, options: { mediaPrefix?: string } = {}): string {
  return sanitizeHtml(html, sanitizeOptions(options.mediaPrefix));
}

export interface LessonRenderInput {
  /** The Markdown after the front matter. */
  markdown: string;
  /** 1-based line of the file where `markdown` starts. */
  firstLine: number;
  /** Absolute path of the lesson file (for errors). */
  file: string;
  /** `version` goes into the media URLs (courseMediaUrl). */
  course: { id: string; version: string; language: 'pl' | 'en'; directory: string };
}

export interface RenderedLesson {
  html: string;
  checks: Array<{ question: Question; line: number }>;
  toc: LessonHeading[];
  /** The handouts the lesson links to, once each, in order of first link. */
  handouts: LessonHandout[];
  errors: CourseError[];
}

/**
 * Renders one lesson body; problems (bad check or video blocks, missing images, handouts or videos, unknown
 * callouts, h1) are returned with their lines.
 */
export function renderLesson(input: LessonRenderInput): RenderedLesson {
  const errors: CourseError[] = [];
  const checks: RenderedLesson['checks'] = [];
  const toc: LessonHeading[] = [];
  const handouts: LessonHandout[] = [];
  const env: RenderEnv = {
    language: input.course.language,
    checkIds: new Map(),
    videos: new Map(),
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
    } else if (token.type === 'fence' && token.info.trim() === 'video') {
      const video = readVideo(token.content, input, lineOf(token));
      if (video.ok) env.videos.set(token.map![0], video.html);
      else errors.push(...video.errors);
    } else if (token.type === 'heading_open') {
      if (token.tag === 'h1') fail(lineOf(token), 'use "##" and smaller headings: the page shows the lesson title as the only h1');
      const level = Number(token.tag.slice(1));
      const id = token.attrGet('id')?.toString();
      if (id && (level === 2 || level === 3)) toc.push({ id, text: plainText(tokens[index + 1]), level });
    } else if (token.type === 'inline') {
      checkCallout(token, lineOf(token), fail);
      rewriteImages(token, lineOf(token), input, fail);
      rewriteHandoutLinks(token, lineOf(token), input, fail, handouts);
    }
  });

  const html = sanitizeLessonHtml(markdown.renderer.render(tokens, markdown.options, env), { mediaPrefix: courseMediaPrefix(input.course) });
  return { html, checks, toc, handouts, errors };
}

function plainText(inline: Token | undefined): string {
  return textOf(inline?.children ?? []);
}

function textOf(tokens: Token[]): string {
  return tokens
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
    image.attrSet('src', courseMediaUrl(input.course, 'images', relative.slice('images/'.length)));
  }
}

/** The path a relative link or src names inside `folder` (`handouts/wzory/wniosek.docx` → `wzory/wniosek.docx`), if it is one. */
function fileInFolder(src: string, folder: CourseMediaFolder): string | undefined {
  let relative: string;
  try {
    relative = path.posix.normalize(decodeURI(src));
  } catch {
    return undefined;
  }
  const file = relative.slice(folder.length + 1);
  return relative.startsWith(`${folder}/`) && isCourseMediaPath(file) ? file : undefined;
}

const FILE_SIZE_FORMAT = { pl: new Intl.NumberFormat('pl-PL', { maximumFractionDigits: 1 }), en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 }) };

/** "24 kB", "1,2 MB" (Polish decimal comma in a Polish course). */
function fileSizeLabel(bytes: number, language: 'pl' | 'en'): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} kB`;
  return `${FILE_SIZE_FORMAT[language].format(bytes / (1024 * 1024))} MB`;
}

/**
 * Turns each link to `handouts/<file>` into a download link to the course media route, labelled with the format
 * and size, and lists the handout for the page's "Materiały do pobrania". The file must exist (its content is
 * checked with the course's other media files by the loader).
 */
function rewriteHandoutLinks(inline: Token, line: number, input: LessonRenderInput, fail: (line: number, message: string) => void, handouts: LessonHandout[]): void {
  const children = inline.children ?? [];
  let searchFrom = 0;
  children.forEach((child, index) => {
    if (child.type !== 'link_open') return;
    const href = child.attrGet('href')?.toString() ?? '';
    if (!/^(?:\.\/)?handouts\//.test(href)) return;
    const at = inline.content.indexOf('handouts/', searchFrom);
    searchFrom = at + 1;
    const linkLine = at < 0 ? line : line + (inline.content.slice(0, at).match(/\n/g)?.length ?? 0);

    const name = fileInFolder(href, 'handouts');
    if (!name) {
      fail(linkLine, `handout link "${href}" must name a file in the course's handouts/ folder, written as handouts/<file> (lower-case a-z, digits, "-", "_")`);
      return;
    }
    const size = fileSize(path.join(input.course.directory, 'handouts', name));
    if (size === undefined) {
      fail(linkLine, `handout "${href}" not found: there is no file ${input.course.id}/handouts/${name}`);
      return;
    }
    const url = courseMediaUrl(input.course, 'handouts', name);
    const fileName = path.posix.basename(name);
    const close = children.findIndex((other, otherIndex) => otherIndex > index && other.type === 'link_close');
    const handout: LessonHandout = {
      title: textOf(children.slice(index + 1, close < 0 ? undefined : close)).trim() || fileName,
      href: url,
      format: fileName.slice(fileName.lastIndexOf('.') + 1).toUpperCase(),
      sizeLabel: fileSizeLabel(size, input.course.language),
    };
    child.attrSet('href', url);
    // The sanitiser sets `download` to the linked file's name (mediaTransforms).
    child.attrSet('download', fileName);
    if (close >= 0) children[close].meta = { handoutLabel: `(${handout.format}, ${handout.sizeLabel})` };
    if (!handouts.some((listed) => listed.href === url)) handouts.push(handout);
  });
}

type VideoResult = { ok: true; html: string } | { ok: false; errors: CourseError[] };

/** A ```video block: YAML checked with VideoBlockSchema, its files present, rendered as a captioned figure. */
function readVideo(yamlText: string, input: LessonRenderInput, fenceLine: number): VideoResult {
  const parsed = parseYaml(yamlText, input.file, fenceLine);
  if (!parsed.ok) return parsed;
  const checked = checkWithSchema(VideoBlockSchema, parsed.data, parsed.source);
  if (!checked.ok) {
    // A missing field has no line of its own: it is reported at the ```video line, where the author finds the block.
    const errors = checked.errors.map((error) => ({
      ...error,
      line: error.message.includes('required field is missing') ? fenceLine : error.line,
      message: `video: ${error.message}`,
    }));
    return { ok: false, errors };
  }
  const video: VideoBlock = checked.value;
  const errors: CourseError[] = [];
  for (const key of ['src', 'captions', 'poster'] as const) {
    const relative = video[key];
    if (relative !== undefined && fileSize(path.join(input.course.directory, relative)) === undefined) {
      errors.push({ file: input.file, line: lineOfPath(parsed.source, [key]), message: `video: ${key}: "${relative}" not found: there is no file ${input.course.id}/${relative}` });
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const url = (relative: string) => {
    const slash = relative.indexOf('/');
    return escapeAttribute(courseMediaUrl(input.course, relative.slice(0, slash) as CourseMediaFolder, relative.slice(slash + 1)));
  };
  const poster = video.poster ? ` poster="${url(video.poster)}"` : '';
  const type = video.src.endsWith('.webm') ? 'video/webm' : 'video/mp4';
  const track = input.course.language === 'en' ? { srclang: 'en', label: 'English' } : { srclang: 'pl', label: 'Polski' };
  const html = [
    '<figure class="lesson-video">',
    `<video controls preload="metadata"${poster}>`,
    `<source src="${url(video.src)}" type="${type}" />`,
    `<track kind="captions" srclang="${track.srclang}" label="${track.label}" default src="${url(video.captions)}" />`,
    '</video>',
    `<figcaption>${markdown.utils.escapeHtml(video.title)}</figcaption>`,
    '</figure>\n',
  ].join('\n');
  return { ok: true, html };
}

function isFile(file: string): boolean {
  return fileSize(file) !== undefined;
}

/** The size of a regular file, or undefined when there is none at `file`. */
function fileSize(file: string): number | undefined {
  try {
    const stats = statSync(file);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    return undefined;
  }
}
