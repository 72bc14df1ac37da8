// A browser without a page: fetch with a cookie jar per host and manual redirects, to walk sign-in flows across sites.
export interface PlainResponse {
  status: number;
  url: string;
  location?: string;
  text: string;
}

/**
 * Keeps cookies per host (name=value; paths and expiry are ignored, which the flows walked here do not need)
 * and follows redirects one by one, so a test can stop at any hop.
 */
export class PlainBrowser {
  readonly #jar = new Map<string, Map<string, string>>();

  /** The cookie `name` this browser holds for `host`. */
  cookie(host: string, name: string): string | undefined {
    return this.#jar.get(host)?.get(name);
  }

  /** Forgets one cookie (e.g. the session cookie a cross-site POST would not carry). */
  dropCookie(host: string, name: string): void {
    this.#jar.get(host)?.delete(name);
  }

  /** One request, no redirect followed. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; cookies?: boolean } = {}): Promise<PlainResponse> {
    const target = new URL(url);
    const headers: Record<string, string> = {};
    const cookies = this.#jar.get(target.host);
    if (cookies?.size && init.cookies !== false) headers.cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(target, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const jar = this.#jar.get(target.host) ?? new Map<string, string>();
      this.#jar.set(target.host, jar);
      const expired = attributes.some((attribute) => /^\s*expires=thu, 01 jan 1970/i.test(attribute) || /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    const location = response.headers.get('location');
    return { status: response.status, url: target.href, location: location ? new URL(location, target).href : undefined, text: await response.text() };
  }

  /** Requests `url` and follows redirects until a page answers (or `until` says stop at a hop's URL). */
  async follow(url: string, init: { method?: string; form?: Record<string, string> } = {}, until?: (url: string) => boolean): Promise<PlainResponse> {
    let response = await this.request(url, init);
    for (let hops = 0; response.location && hops < 20; hops++) {
      if (until?.(response.location)) return response;
      response = await this.request(response.location);
    }
    return response;
  }
}
