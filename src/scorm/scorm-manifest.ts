// Reads a SCORM package's imsmanifest.xml (1.2, 2004 3rd/4th edition): its organisation, the SCOs to play in order and
// their launch paths, each checked to lie inside the package; every problem is a locale key with its details.
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type ScormVersion = '1.2' | '2004';

/** A problem found in a package, as the import page lists it (`scorm:problems.<code>`, with `params`). */
export interface ScormProblem {
  code: string;
  /** Where: the zip entry or `imsmanifest.xml`. */
  file: string;
  params?: Record<string, string>;
}

/** One SCO (or asset) of the package, in the order the organisation lists it. */
export interface ManifestSco {
  /** The item's identifier in the manifest. */
  identifier: string;
  title: string;
  /** The file the item launches, relative to the package root (checked: inside the package, present). */
  launchPath: string;
  /** The query the resource href and the item's `parameters` add (with its `?`), or ''. */
  launchQuery: string;
  /** SCORM 1.2 adlcp:masteryscore (0–100), when the item sets one. */
  masteryScore?: number;
  /** 'sco' talks to the API; an 'asset' does not (it counts as completed once opened). */
  scormType: 'sco' | 'asset';
}

export interface ScormManifest {
  version: ScormVersion;
  /** e.g. "1.2", "2004 3rd Edition", "2004 4th Edition". */
  schemaVersion: string;
  identifier: string;
  title: string;
  scos: ManifestSco[];
}

export type ManifestResult = { ok: true; manifest: ScormManifest } | { ok: false; problems: ScormProblem[] };

export const MANIFEST_FILE = 'imsmanifest.xml';

type XmlNode = Record<string, unknown>;

const ARRAYS = new Set(['organization', 'item', 'resource', 'file', 'dependency']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // adlcp:scormtype, xml:base… become scormtype, base: namespaces differ between 1.2 and 2004, the names do not.
  removeNSPrefix: true,
  isArray: (name) => ARRAYS.has(name),
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
});

function list(value: unknown): XmlNode[] {
  return Array.isArray(value) ? (value as XmlNode[]) : value && typeof value === 'object' ? [value as XmlNode] : [];
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (value && typeof value === 'object' && '#text' in value) return String((value as XmlNode)['#text']).trim();
  return '';
}

function attr(node: XmlNode | undefined, name: string): string {
  const value = node?.[`@_${name}`];
  return typeof value === 'string' ? value.trim() : '';
}

/** Which SCORM the manifest says it is: from metadata/schemaversion, else from the namespaces it declares. */
function versionOf(manifest: XmlNode, xml: string): { version?: ScormVersion; schemaVersion: string } {
  const metadata = manifest.metadata as XmlNode | undefined;
  const schemaVersion = textOf(metadata?.schemaversion);
  if (/^1\.2$/.test(schemaVersion)) return { version: '1.2', schemaVersion };
  if (/^(2004 (3rd|4th) Edition|CAM 1\.3)$/i.test(schemaVersion)) return { version: '2004', schemaVersion };
  if (schemaVersion) return { schemaVersion };
  if (xml.includes('adlcp_rootv1p2')) return { version: '1.2', schemaVersion: '1.2' };
  if (xml.includes('adlcp_v1p3')) return { version: '2004', schemaVersion: '2004' };
  return { schemaVersion: '' };
}

/**
 * A manifest href (with the xml:base of the resources and the resource before it) as a path inside the package, or
 * undefined when it points outside: an absolute URL, an absolute path, or `..` above the root.
 */
export function packagePathOf(href: string, ...bases: string[]): { path: string; query: string } | undefined {
  const joined = [...bases.filter(Boolean), href].join('');
  if (/^[a-z][a-z0-9+.-]*:/i.test(joined) || joined.startsWith('/') || joined.startsWith('\\') || joined.includes('\\')) return undefined;
  const match = /^([^?#]*)(\?[^#]*)?/.exec(joined);
  let decoded: string;
  try {
    decoded = decodeURIComponent(match?.[1] ?? '');
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const normal = path.posix.normalize(decoded);
  if (normal === '.' || normal === '..' || normal.startsWith('../') || normal.startsWith('/')) return undefined;
  return { path: normal, query: match?.[2] ?? '' };
}

/** Items that launch something, depth first in manifest order (nested items of a flat list are played in that order). */
function leafItems(items: XmlNode[]): XmlNode[] {
  return items.flatMap((item) => [...(attr(item, 'identifierref') ? [item] : []), ...leafItems(list(item.item))]);
}

/**
 * Parses and checks `xml` against the package's files (`/`-separated paths): the version must be known, the default
 * organisation must list at least one launchable item, and every resource href and file must lie inside the package
 * and be in it.
 */
export function readScormManifest(xml: string, files: ReadonlySet<string>): ManifestResult {
  const problems: ScormProblem[] = [];
  const at = (code: string, params?: Record<string, string>) => problems.push({ code, file: MANIFEST_FILE, ...(params ? { params } : {}) });
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    at('xmlInvalid', { line: String(valid.err.line), detail: valid.err.msg });
    return { ok: false, problems };
  }
  const root = parser.parse(xml) as XmlNode;
  const manifest = root.manifest as XmlNode | undefined;
  if (!manifest || typeof manifest !== 'object') {
    at('noManifestElement');
    return { ok: false, problems };
  }
  const { version, schemaVersion } = versionOf(manifest, xml);
  if (!version) at('unknownVersion', { found: schemaVersion || '—' });

  const resourcesNode = manifest.resources as XmlNode | undefined;
  const resourcesBase = attr(resourcesNode, 'base');
  const resources = new Map(list(resourcesNode?.resource).map((resource) => [attr(resource, 'identifier'), resource]));
  for (const resource of resources.values()) {
    const id = attr(resource, 'identifier');
    const base = attr(resource, 'base');
    const href = attr(resource, 'href');
    if (href) {
      const inside = packagePathOf(href, resourcesBase, base);
      if (!inside) at('hrefOutside', { resource: id, href });
      else if (!files.has(inside.path)) at('hrefMissing', { resource: id, href });
    }
    for (const file of list(resource.file)) {
      const fileHref = attr(file, 'href');
      const inside = packagePathOf(fileHref, resourcesBase, base);
      if (!inside) at('hrefOutside', { resource: id, href: fileHref });
      else if (!files.has(inside.path)) at('fileMissing', { resource: id, href: fileHref });
    }
  }

  const organizationsNode = manifest.organizations as XmlNode | undefined;
  const organizations = list(organizationsNode?.organization);
  const wanted = attr(organizationsNode, 'default');
  const organization = organizations.find((candidate) => attr(candidate, 'identifier') === wanted) ?? organizations[0];
  if (!organization) at('noOrganization');
  const scos: ManifestSco[] = [];
  for (const item of leafItems(list(organization?.item))) {
    const identifier = attr(item, 'identifier');
    const ref = attr(item, 'identifierref');
    const resource = resources.get(ref);
    if (!resource) {
      at('itemWithoutResource', { item: identifier, ref });
      continue;
    }
    const href = attr(resource, 'href');
    if (!href) {
      at('resourceWithoutHref', { resource: ref });
      continue;
    }
    const inside = packagePathOf(href, resourcesBase, attr(resource, 'base'));
    if (!inside) continue; // reported with the resources above
    const parameters = attr(item, 'parameters');
    const query = [inside.query, parameters ? parameters.replace(/^[?&]/, inside.query ? '&' : '?') : ''].join('');
    const mastery = Number.parseFloat(textOf(item.masteryscore));
    const type = (attr(resource, 'scormtype') || attr(resource, 'scormType')).toLowerCase();
    scos.push({
      identifier,
      title: textOf(item.title) || identifier,
      launchPath: inside.path,
      launchQuery: query.startsWith('&') ? `?${query.slice(1)}` : query,
      ...(Number.isFinite(mastery) && mastery >= 0 && mastery <= 100 ? { masteryScore: mastery } : {}),
      scormType: type === 'asset' ? 'asset' : 'sco',
    });
  }
  // An item whose resource was refused above is not "no SCO": that problem is already listed.
  if (organization && scos.length === 0 && problems.length === 0) at('noSco');
  if (problems.length > 0 || !version) return { ok: false, problems };
  const title = textOf(organization?.title) || textOf((manifest.metadata as XmlNode | undefined)?.title) || attr(manifest, 'identifier');
  return { ok: true, manifest: { version, schemaVersion, identifier: attr(manifest, 'identifier'), title, scos } };
}
