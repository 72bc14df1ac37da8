// Keeps personal data and secrets out of the request log: tokens in paths, e-mail addresses in queries, params.
/** A path segment this long is a secret link's token (invitations, resets, downloads), never an id worth logging. */
const TOKEN_SEGMENT = /^[A-Za-z0-9_-]{32,}$/;
/** Query values kept as they are: paging, language, filters by id. */
const HARMLESS_VALUE = /^[A-Za-z0-9._:-]{0,31}$/;

/** The URL as the log may show it: each token segment becomes `:token`, each query value that may identify someone `…`. */
export function loggableUrl(url: string): string {
  const [pathPart, query] = url.split('?', 2) as [string, string | undefined];
  const pathMasked = pathPart
    .split('/')
    .map((segment) => (TOKEN_SEGMENT.test(segment) ? ':token' : segment))
    .join('/');
  if (query === undefined) return pathMasked;
  const params = new URLSearchParams(query);
  const masked = [...params.entries()].map(([key, value]) => `${encodeURIComponent(key)}=${HARMLESS_VALUE.test(value) && !value.includes('@') ? encodeURIComponent(value) : '…'}`);
  return `${pathMasked}?${masked.join('&')}`;
}

interface SerializedRequest {
  url?: string;
  query?: unknown;
  params?: unknown;
  [key: string]: unknown;
}

/**
 * pino-http's request serializer (wrapping the standard one): the URL masked, and the parsed query and params left out
 * (the masked URL already says what matters).
 */
export function loggableRequest(req: SerializedRequest): SerializedRequest {
  const { query: _query, params: _params, ...rest } = req;
  return { ...rest, url: typeof req.url === 'string' ? loggableUrl(req.url) : req.url };
}

/** An address's domain for the mail log: which mail server it concerns, not who. */
export function recipientDomain(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1) : '';
}
