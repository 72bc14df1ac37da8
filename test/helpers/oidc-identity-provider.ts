// A real OpenID provider for the tests (oidc-provider, in-process on 127.0.0.1): its own keys, seeded accounts, PKCE required.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

export interface OidcTestAccount {
  login: string;
  password: string;
  sub: string;
  email: string;
  name: string;
  groups: string[];
  department?: string;
  /** The directory has disabled the account: the provider refuses the sign-in (access_denied). */
  disabled?: boolean;
}

export interface OidcTestProvider {
  issuer: string;
  discoveryUrl: string;
  clientId: string;
  clientSecret: string;
  accounts: OidcTestAccount[];
  /**
   * While set, the id_token of every token endpoint answer passes through `rewrite` on its way out to the relying
   * party (a man in the middle at the provider's own door, so discovery, issuer and JWKS stay the provider's).
   * Returns how many ID tokens were rewritten since this call. `undefined` switches the rewriting off.
   */
  rewriteIdTokens(rewrite: IdTokenRewrite | undefined): { count(): number };
  /** Signs `claims` as an ID token with the provider's own signing key (its alg and kid). */
  signIdToken(claims: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

/** Turns the ID token the provider issued into the one the relying party receives instead. */
export type IdTokenRewrite = (idToken: string) => string | Promise<string>;

export interface OidcTestProviderOptions {
  accounts: OidcTestAccount[];
  /** The relying party's redirect_uri(s) registered for the client. */
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /**
   * Also accept any redirect_uri starting with this (the browser test, where the office admin creates the method, and
   * so its redirect_uri, after the provider started). Only this test provider is that lenient.
   */
  redirectUriPrefix?: string;
}

/**
 * Starts oidc-provider on a random loopback port. Its login page (GET /interaction/:uid) asks for a login and
 * password and checks them against `accounts`; a wrong password or a disabled account ends the interaction
 * with `access_denied`, which the provider sends back to the relying party's redirect_uri as an error.
 * Consent is given for every requested scope (a first-party client), so no consent page is shown.
 */
export async function startOidcTestProvider(options: OidcTestProviderOptions): Promise<OidcTestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'akademia-test';
  const clientSecret = randomBytes(24).toString('hex');
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris ?? [],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...signingKey, kid: 'test-signing-key', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups', 'department'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    // The claims of the granted scopes go into the ID token itself (as Entra ID does with its groups claim).
    conformIdTokenClaims: false,
    ttl: { Interaction: 600, Grant: 3600, Session: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction) => `/interaction/${interaction.uid}` },
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
      const scope = ctx.oidc.params?.scope;
      grant.addOIDCScope(typeof scope === 'string' ? scope : 'openid');
      await grant.save();
      return grant;
    },
    async findAccount(_ctx, sub) {
      const account = options.accounts.find((candidate) => candidate.sub === sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, email: account.email, email_verified: true, name: account.name, groups: account.groups, department: account.department }),
      };
    },
  };
  const provider = new Provider(issuer, configuration);
  const { redirectUriPrefix } = options;
  if (redirectUriPrefix) {
    const { prototype } = provider.Client;
    const registered = prototype.redirectUriAllowed;
    prototype.redirectUriAllowed = function (this: unknown, value: string) {
      return value.startsWith(redirectUriPrefix) || registered.call(this, value);
    };
  }
  const providerCallback = provider.callback();
  const privateKey = await importJWK(signingKey as JWK, 'RS256');
  let idTokenRewrite: { rewrite: IdTokenRewrite; count: number } | undefined;

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (idTokenRewrite && req.method === 'POST' && new URL(req.url ?? '/', issuer).pathname === '/token') rewriteTokenAnswer(res, idTokenRewrite);
    if (req.url?.startsWith('/interaction/')) {
      interaction(provider, options.accounts, req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    providerCallback(req, res);
  });

  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    clientId,
    clientSecret,
    accounts: options.accounts,
    rewriteIdTokens(rewrite) {
      const current = rewrite ? { rewrite, count: 0 } : undefined;
      idTokenRewrite = current;
      return { count: () => current?.count ?? 0 };
    },
    signIdToken: (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-signing-key' }).sign(privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Holds back the token endpoint's answer (oidc-provider, through koa, ends it with one JSON body) and sends it on
 * with its id_token rewritten. If the rewrite itself fails, the answer goes out untouched, so a broken rewrite shows
 * as a sign-in that succeeds, never as a refusal the test would take for the one it expects.
 */
function rewriteTokenAnswer(res: ServerResponse, target: { rewrite: IdTokenRewrite; count: number }): void {
  const end = res.end.bind(res) as (chunk?: string | Buffer) => ServerResponse;
  res.end = ((chunk?: string | Buffer) => {
    const original = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : (chunk ?? '');
    void (async () => {
      let body = original;
      try {
        const answer = JSON.parse(original) as Record<string, unknown>;
        if (typeof answer.id_token === 'string') {
          answer.id_token = await target.rewrite(answer.id_token);
          target.count += 1;
          body = JSON.stringify(answer);
        }
      } catch (error) {
        console.error('oidc test provider: the id_token rewrite failed, the answer goes out untouched', error);
      }
      if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(body));
      end(body);
    })();
    return res;
  }) as typeof res.end;
}

/** The provider's login page and its form's answer. */
async function interaction(provider: Provider, accounts: OidcTestAccount[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="en"><head><title>Test IdP sign-in</title></head><body><main><h1>Test IdP</h1>
<form method="post" action="/interaction/${details.uid}/login">
<label for="login">Login</label><input id="login" name="login" autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit">Sign in</button></form></main></body></html>`);
    return;
  }
  const body = new URLSearchParams(await readBody(req));
  const account = accounts.find((candidate) => candidate.login === body.get('login'));
  if (!account || account.password !== body.get('password')) {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'wrong login or password' }, { mergeWithLastSubmission: false });
    return;
  }
  if (account.disabled) {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'account disabled' }, { mergeWithLastSubmission: false });
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
