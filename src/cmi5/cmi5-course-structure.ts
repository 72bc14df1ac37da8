// Reads a cmi5 package's cmi5.xml (cmi5 Quartz course structure): the course, its blocks and AUs in document order,
// each AU's launch URL (a file of the package, or an absolute URL launched where it is) and its moveOn rules.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { packagePathOf } from '../scorm/scorm-manifest.js';

export const STRUCTURE_FILE = 'cmi5.xml';

export const MOVE_ON = ['Passed', 'Completed', 'CompletedAndPassed', 'CompletedOrPassed', 'NotApplicable'] as const;
export type MoveOn = (typeof MOVE_ON)[number];
export const LAUNCH_METHODS = ['AnyWindow', 'OwnWindow'] as const;
export type LaunchMethod = (typeof LAUNCH_METHODS)[number];

/** A problem found in a package, as the import page lists it (`cmi5:problems.<code>`, with `params`). */
export interface Cmi5Problem {
  code: string;
  /** Where: the zip entry or `cmi5.xml`. */
  file: string;
  params?: Record<string, string>;
}

export interface StructureAu {
  /** The AU's publisher id (an IRI): the activity id it is launched with. */
  iri: string;
  title: string;
  /** A path inside the package (checked: present), or an absolute http(s) URL. */
  url: string;
  /** The query of a relative URL (with its `?`), kept apart from the path; '' for none or an absolute URL. */
  query: string;
  absolute: boolean;
  moveOn: MoveOn;
  /** 0–1, when the course structure sets one. */
  masteryScore?: number;
  launchMethod: LaunchMethod;
  launchParameters?: string;
  entitlementKey?: string;
  /** The blocks the AU sits in, outermost first (their IRIs). */
  blockIris: string[];
}

export interface StructureBlock {
  iri: string;
  title: string;
  /** The enclosing block's IRI, or undefined at the course's level. */
  parentIri?: string;
  /** The AUs anywhere inside the block (their IRIs): the block is satisfied when every one of them is. */
  auIris: string[];
}

export interface CourseStructure {
  iri: string;
  title: string;
  description: string;
  language: 'pl' | 'en';
  blocks: StructureBlock[];
  aus: StructureAu[];
}

export type StructureResult = { ok: true; structure: CourseStructure } | { ok: false; problems: Cmi5Problem[] };

type OrderedNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
});

/** The element name of an ordered node (the key that is not `:@`). */
function nameOf(node: OrderedNode): string {
  return Object.keys(node).find((key) => key !== ':@') ?? '';
}

function childrenOf(node: OrderedNode | undefined): OrderedNode[] {
  if (!node) return [];
  const value = node[nameOf(node)];
  return Array.isArray(value) ? (value as OrderedNode[]) : [];
}

function child(node: OrderedNode | undefined, name: string): OrderedNode | undefined {
  return childrenOf(node).find((candidate) => nameOf(candidate) === name);
}

function attributeOf(node: OrderedNode | undefined, name: string): string {
  const attributes = node?.[':@'] as Record<string, unknown> | undefined;
  const value = attributes?.[name];
  return typeof value === 'string' ? value.trim() : '';
}

function textOf(node: OrderedNode | undefined): string {
  return childrenOf(node)
    .map((part) => (typeof part['#text'] === 'string' ? part['#text'] : ''))
    .join('')
    .trim();
}

/** A language-string element's text: Polish first, then English, then the first one. */
function langStringOf(node: OrderedNode | undefined): { text: string; lang: string } {
  const strings = childrenOf(node).filter((candidate) => nameOf(candidate) === 'langstring');
  const pick =
    strings.find((s) => attributeOf(s, 'lang').toLowerCase().startsWith('pl')) ?? strings.find((s) => attributeOf(s, 'lang').toLowerCase().startsWith('en')) ?? strings[0];
  return { text: textOf(pick), lang: attributeOf(pick, 'lang').toLowerCase() };
}

/** An absolute IRI as the course structure's ids must be (a scheme, then something). */
function isIri(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\S+$/i.test(value);
}

/**
 * Parses and checks `xml` against the package's files (`/`-separated paths): the course must have an IRI id and a
 * title; every AU and block an IRI id (unique), a title; every AU a URL that is a file of the package or an absolute
 * http(s) URL, a known moveOn and launchMethod, a masteryScore within 0–1; every block at least one AU.
 */
export function readCourseStructure(xml: string, files: ReadonlySet<string>): StructureResult {
  const problems: Cmi5Problem[] = [];
  const at = (code: string, params?: Record<string, string>) => problems.push({ code, file: STRUCTURE_FILE, ...(params ? { params } : {}) });
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    at('xmlInvalid', { line: String(valid.err.line), detail: valid.err.msg });
    return { ok: false, problems };
  }
  const root = (parser.parse(xml) as OrderedNode[]).find((node) => nameOf(node) === 'courseStructure');
  if (!root) {
    at('noCourseStructure');
    return { ok: false, problems };
  }
  const course = child(root, 'course');
  const iri = attributeOf(course, 'id');
  if (!course) at('noCourse');
  else if (!isIri(iri)) at('courseIdInvalid', { id: iri || '—' });
  const title = langStringOf(child(course, 'title'));
  if (course && !title.text) at('courseTitleMissing');
  const seen = new Set<string>([iri]);
  const aus: StructureAu[] = [];
  const blocks: StructureBlock[] = [];

  const readAu = (node: OrderedNode, blockIris: string[]) => {
    const id = attributeOf(node, 'id');
    const label = id || `#${aus.length + 1}`;
    if (!isIri(id)) at('auIdInvalid', { au: label });
    else if (seen.has(id)) at('idRepeated', { id });
    seen.add(id);
    const auTitle = langStringOf(child(node, 'title')).text;
    if (!auTitle) at('auTitleMissing', { au: label });
    const moveOn = (attributeOf(node, 'moveOn') || 'NotApplicable') as MoveOn;
    if (!MOVE_ON.includes(moveOn)) at('moveOnInvalid', { au: label, value: moveOn });
    const launchMethod = (attributeOf(node, 'launchMethod') || 'AnyWindow') as LaunchMethod;
    if (!LAUNCH_METHODS.includes(launchMethod)) at('launchMethodInvalid', { au: label, value: launchMethod });
    const masteryText = attributeOf(node, 'masteryScore');
    const mastery = masteryText === '' ? undefined : Number(masteryText);
    if (mastery !== undefined && !(Number.isFinite(mastery) && mastery >= 0 && mastery <= 1)) at('masteryInvalid', { au: label, value: masteryText });
    const url = textOf(child(node, 'url'));
    let launch = { url, query: '', absolute: false };
    if (!url) at('urlMissing', { au: label });
    else if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(url);
      } catch {
        parsed = undefined;
      }
      if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) at('urlScheme', { au: label, url });
      launch = { url, query: '', absolute: true };
    } else {
      const inside = packagePathOf(url);
      if (!inside) at('urlOutside', { au: label, url });
      else if (!files.has(inside.path)) at('urlMissingFile', { au: label, url });
      else launch = { url: inside.path, query: inside.query, absolute: false };
    }
    const launchParameters = textOf(child(node, 'launchParameters'));
    const entitlementKey = textOf(child(node, 'entitlementKey'));
    aus.push({
      iri: id,
      title: auTitle || label,
      ...launch,
      moveOn,
      ...(mastery !== undefined && Number.isFinite(mastery) ? { masteryScore: mastery } : {}),
      launchMethod,
      ...(launchParameters ? { launchParameters } : {}),
      ...(entitlementKey ? { entitlementKey } : {}),
      blockIris,
    });
    for (const blockIri of blockIris) blocks.find((block) => block.iri === blockIri)?.auIris.push(id);
  };

  const readLevel = (node: OrderedNode, blockIris: string[]) => {
    for (const item of childrenOf(node)) {
      const name = nameOf(item);
      if (name === 'au') readAu(item, blockIris);
      else if (name === 'block') {
        const id = attributeOf(item, 'id');
        const label = id || `#${blocks.length + 1}`;
        if (!isIri(id)) at('blockIdInvalid', { block: label });
        else if (seen.has(id)) at('idRepeated', { id });
        seen.add(id);
        const blockTitle = langStringOf(child(item, 'title')).text;
        if (!blockTitle) at('blockTitleMissing', { block: label });
        const block: StructureBlock = { iri: id, title: blockTitle || label, parentIri: blockIris[blockIris.length - 1], auIris: [] };
        blocks.push(block);
        readLevel(item, [...blockIris, id]);
        if (block.auIris.length === 0) at('blockEmpty', { block: label });
      }
    }
  };
  readLevel(root, []);
  if (course && aus.length === 0) at('noAu');
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    structure: {
      iri,
      title: title.text,
      description: langStringOf(child(course, 'description')).text,
      language: title.lang.startsWith('en') ? 'en' : 'pl',
      blocks,
      aus,
    },
  };
}
