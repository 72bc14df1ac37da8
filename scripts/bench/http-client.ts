// HTTP clients of the bench: a signed-in person (login form, cookie jar) and an LRS client (Basic auth).
import { createLrsClient } from '../../src/xapi/lrs-client.service.js';

/** The app runs as in production, behind a proxy that terminated TLS (secure cookies are set only then). */
export const BEHIND_TLS = { 'X-Forwarded-Proto': 'https' };

/** A person's browser, reduced to its cookie jar: signs in through the real login form, then GETs pages. */
export class SignedIn {
  private readonly cookies = new Map<string, string>();

  private constructor(private readonly base: string) {}

  /** Fetches the login form, posts e-mail, password and its CSRF token, and keeps the session cookie. */
  static async as(base: string, email: string, password: string): Promise<SignedIn> {
    const client = new SignedIn(base);
    const form = await client.request('/logowanie');
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
    if (!token) throw new Error('The login form has no _csrf input');
    const res = await client.request('/logowanie', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, password, _csrf: token }).toString(),
    });
    await res.arrayBuffer();
    const location = res.headers.get('location') ?? '';
    if (res.status !== 302 || location.startsWith('/logowanie')) throw new Error(`signing in as ${email} failed: ${res.status} → ${location}`);
    return client;
  }

  /** The Cookie header of this session (for the load generator). */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(BEHIND_TLS)) headers.set(name, value);
    if (this.cookies.size) headers.set('Cookie', this.cookieHeader());
    const res = await fetch(`${this.base}${path}`, { ...init, headers, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    return res;
  }

  /** GETs a page and fails unless it answers 200 (a redirect to the login page is a failure, not a fast page). */
  async page(path: string): Promise<string> {
    const res = await this.request(path);
    const body = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 200)}`);
    return body;
  }
}

/** An LRS client of one organisation, created through the platform's service, speaking xAPI 1.0.3 over HTTP. */
export class LrsClient {
  private constructor(
    private readonly base: string,
    private readonly headers: Record<string, string>,
  ) {}

  static async create(base: string, organisationId: string): Promise<LrsClient> {
    const client = await createLrsClient({ organisationId, name: 'bench' });
    return new LrsClient(base, { Authorization: `Basic ${Buffer.from(`${client.key}:${client.secret}`).toString('base64')}`, 'X-Experience-API-Version': '1.0.3', ...BEHIND_TLS });
  }

  /** Counts the requests given up after `timeoutMs` (their time is then the timeout: a censored sample). */
  timedOut = 0;

  /**
   * GET /xapi/statements; a request still unanswered after `timeoutMs` is given up and counted in `timedOut` (its
   * sample is the timeout), so that a store the LRS scans for minutes cannot stall the run. The server may still
   * be working on it during the next samples: a figure with timeouts is a lower bound, and noisy.
   */
  async get(query: Record<string, string>, timeoutMs = 600_000): Promise<{ statements: unknown[] } | undefined> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/xapi/statements?${new URLSearchParams(query).toString()}`, { headers: this.headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      if ((error as Error).name !== 'TimeoutError') throw error;
      this.timedOut += 1;
      return undefined;
    }
    if (!res.ok) throw new Error(`GET /xapi/statements: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ statements: unknown[] }>;
  }

  async post(statements: unknown[]): Promise<string[]> {
    const res = await fetch(`${this.base}/xapi/statements`, { method: 'POST', headers: { ...this.headers, 'Content-Type': 'application/json' }, body: JSON.stringify(statements) });
    if (res.status !== 200) throw new Error(`POST /xapi/statements: ${res.status} ${await res.text()}`);
    return res.json() as Promise<string[]>;
  }
}
