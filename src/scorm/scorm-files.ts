// Which of a package's files the platform serves, and as what: a fixed list of content types by extension, nothing sniffed.
import path from 'node:path';
import type { Response } from 'express';
import { cachedCourseFile } from '../studio/course-files.js';
import type { ScormPackageDoc } from './scorm-package.model.js';

/** Types a SCO's pages use; any other file is sent as a download (never rendered), e.g. the manifest's .xsd files. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.vtt': 'text/vtt; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
};

/** A package file to send: its copy on disk and its type; `download` when its type is not one the SCO pages use. */
export interface ServedPackageFile {
  diskPath: string;
  contentType: string;
  download: boolean;
}

/**
 * The file at `relative` of the package's current revision, or undefined: only a path listed in the package (the
 * files its import stored) is ever read, so nothing outside the package can be named, whatever the URL says.
 */
export async function packageFileOf(dataDir: string, pkg: Pick<ScormPackageDoc, 'files'>, relative: string): Promise<ServedPackageFile | undefined> {
  const file = pkg.files.find((candidate) => candidate.path === relative);
  if (!file) return undefined;
  const type = CONTENT_TYPES[path.posix.extname(relative).toLowerCase()];
  return { diskPath: await cachedCourseFile(dataDir, file.sha256), contentType: type ?? 'application/octet-stream', download: !type };
}

/**
 * The policy a package's pages run under: scripts and styles of the package (SCOs are written with inline ones), data
 * only from this origin, framed only by the platform's own player page, no plugins, forms posting nowhere else.
 */
export const PACKAGE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/**
 * Sends a package file packageFileOf() found (SCORM SCOs, cmi5 AUs): its fixed type, never sniffed, under the
 * package's own CSP, same-origin only, cached privately for five minutes; a file the package marks as a download
 * is sent as an attachment under `fileName`.
 */
export function sendPackageFile(res: Response, served: ServedPackageFile, fileName: string): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', PACKAGE_CSP);
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'private, max-age=300');
  if (served.download) res.attachment(fileName);
  res.setHeader('Content-Type', served.contentType);
  res.sendFile(served.diskPath);
}
