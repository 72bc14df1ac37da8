// Content types of LRS documents: which a client may store, and how a stored one is served back safely.
import { BadRequestError } from '../http/errors.js';

/** Longest Content-Type a document may be stored with (real ones are far shorter; a cap keeps junk out of headers). */
export const MAX_CONTENT_TYPE_LENGTH = 255;

// RFC 9110 §8.3.1: type "/" subtype *( OWS ";" OWS parameter ), parameter values a token or a quoted string.
// Linear: every repetition starts with a character the one before cannot match (";", "=", a quote).
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[^"\\\\\\x00-\\x1f\\x7f]|\\\\[^\\x00-\\x1f\\x7f])*"';
export const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*[ \\t]*$`);

/** Whether a Content-Type is a well-formed media type within the length cap (no CR/LF, no control characters). */
export function isMediaType(contentType: string): boolean {
  return contentType.length <= MAX_CONTENT_TYPE_LENGTH && MEDIA_TYPE.test(contentType);
}

/** Refuses (400) a document Content-Type that is not a proper media type: it is sent back as a header later. */
export function checkDocumentContentType(contentType: string): void {
  if (contentType.length > MAX_CONTENT_TYPE_LENGTH) {
    throw new BadRequestError(`The Content-Type is ${contentType.length} characters long; a document's Content-Type may have at most ${MAX_CONTENT_TYPE_LENGTH}.`);
  }
  if (!MEDIA_TYPE.test(contentType)) {
    throw new BadRequestError('The Content-Type is not a media type such as application/json or text/plain; charset=utf-8 (type/subtype, optional parameters, no line breaks).');
  }
}

/**
 * Media types a browser shows inertly (or not at all) when the LRS's address is opened: these are served as
 * stored. Anything else (text/html, image/svg+xml, application/xhtml+xml, text/xml, JavaScript, CSS, PDF, …)
 * could run script or style in the LRS's origin, which shares its cookies with the platform.
 */
const INERT = new Set([
  'application/json',
  'application/octet-stream',
  'text/plain',
  'text/csv',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/zip',
  'application/gzip',
]);

function isInert(mediaType: string): boolean {
  return INERT.has(mediaType) || /^application\/[a-z0-9.-]+\+json$/.test(mediaType) || /^(audio|video)\/[a-z0-9.+-]+$/.test(mediaType);
}

/** How a stored document is served: the Content-Type to send, and whether as a download (Content-Disposition: attachment). */
export function servedDocumentType(storedContentType: string): { contentType: string; download: boolean } {
  // Stored before Content-Types were checked: a value with a line break would make setHeader throw (a 500).
  if (!isMediaType(storedContentType)) return { contentType: 'application/octet-stream', download: true };
  const mediaType = storedContentType.split(';')[0].trim().toLowerCase();
  return isInert(mediaType) ? { contentType: storedContentType, download: false } : { contentType: 'application/octet-stream', download: true };
}
