// Reads statements (and attachment parts) out of a request body: application/json or multipart/mixed.
import { createHash } from 'node:crypto';
import { parseMultipart } from '@mjackson/multipart-parser';
import { BadRequestError } from '../http/errors.js';
import type { LrsRequest } from './lrs.http.js';
import { checkRecordSize, parseClientJson } from './lrs-json.js';
import type { AttachmentPart } from './statement.service.js';

const HASH_BY_LENGTH: Record<number, string> = { 56: 'sha224', 64: 'sha256', 96: 'sha384', 128: 'sha512' };

/** The SHA-2 of `content` computed with the algorithm the declared hash's length implies. */
export function sha2Matches(declared: string, content: Uint8Array): boolean {
  const algorithm = HASH_BY_LENGTH[declared.length];
  return Boolean(algorithm) && createHash(algorithm).update(content).digest('hex') === declared.toLowerCase();
}

/** The statement(s) in the body and any attachment parts, each part's content checked against its hash. */
export function readStatementBody(lrs: LrsRequest): { payload: unknown; attachments: AttachmentPart[] } {
  if (lrs.contentType === 'application/json') {
    if (!lrs.body.length) throw new BadRequestError('The request has no statement in its body.');
    return { payload: parseClientJson(lrs.body.toString('utf8')), attachments: [] };
  }
  if (lrs.contentType !== 'multipart/mixed') {
    throw new BadRequestError(`Statements must be sent as application/json or multipart/mixed (got "${lrs.contentType || 'no Content-Type'}").`);
  }
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(lrs.contentTypeHeader);
  if (!boundary) throw new BadRequestError('The multipart/mixed Content-Type has no boundary.');
  let parts;
  try {
    parts = [...parseMultipart(lrs.body, { boundary: (boundary[1] ?? boundary[2]).trim(), maxFileSize: lrs.body.length + 1 })];
  } catch (error) {
    throw new BadRequestError(`The multipart/mixed body cannot be parsed: ${(error as Error).message}`);
  }
  if (!parts.length) throw new BadRequestError('The multipart/mixed body has no parts.');
  const [first, ...rest] = parts;
  if ((first.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase() !== 'application/json') {
    throw new BadRequestError('The first part of a multipart/mixed request must be the statements, with Content-Type application/json.');
  }
  const attachments = rest.map((part, index) => {
    const sha2 = part.headers.get('x-experience-api-hash')?.trim();
    if (!sha2) throw new BadRequestError(`Attachment part ${index + 1} has no X-Experience-API-Hash header.`);
    if ((part.headers.get('content-transfer-encoding') ?? '').trim().toLowerCase() !== 'binary') {
      throw new BadRequestError(`Attachment part ${index + 1} must have Content-Transfer-Encoding: binary.`);
    }
    const content = part.bytes;
    checkRecordSize(content.length, `Attachment part ${index + 1}`);
    if (!sha2Matches(sha2, content)) throw new BadRequestError(`Attachment part ${index + 1}: the content does not match its SHA-2 hash ${sha2}.`);
    return { sha2: sha2.toLowerCase(), contentType: part.headers.get('content-type') ?? 'application/octet-stream', content: Buffer.from(content) };
  });
  return { payload: parseClientJson(new TextDecoder().decode(first.bytes), 'The statement part'), attachments };
}
