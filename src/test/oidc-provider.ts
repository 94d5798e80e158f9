/**
 * A real OpenID Connect provider (oidc-provider) on 127.0.0.1 for tests of federated sign-in.
 * It plays FranceConnect v2 (scope per claim, `acr=eidas1`, userinfo as a signed JWT) or
 * ProConnect (`usual_name`, `siret`, `idp_id`, `amr` on request). Sign-in at the provider is
 * not interactive: the test says who the next person is, or that they cancel (`access_denied`),
 * with `actAs`. `followProvider` walks the browser redirects through the provider with fetch
 * and its own cookie jar, and stops at the first URL outside the provider.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';

export type TestIdpFlavour = 'franceconnect' | 'proconnect';

export interface TestIdpUser {
  /** The subject the provider gives this person (differs per provider). */
  sub: string;
  /** Claims released by scope (FranceConnect: given_name, family_name, birthdate…; ProConnect: usual_name, siret…). */
  claims: Record<string, unknown>;
  /** Authentication methods reported in the ID token (`amr`), e.g. ['pwd', 'mfa']. */
  amr?: string[];
  /** Authentication context (`acr`); FranceConnect gives eidas1. */
  acr?: string;
}

export interface TestIdpClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
}

/** Ways to spoil the next userinfo answer, to test that the client refuses it. */
export type UserinfoTampering = 'wrong-signature' | 'wrong-audience' | 'unsigned';

export interface TestIdp {
  issuer: string;
  /** The next interaction at the provider signs this person in, or cancels (`'refuse'`). */
  actAs(next: TestIdpUser | 'refuse'): void;
  /** The next userinfo answer is signed by an unknown key, for another audience, or plain JSON. */
  tamperNextUserinfo(how: UserinfoTampering): void;
  /**
   * Follows redirects from `url` while they stay on the provider (answering its sign-in and
   * sign-out pages on the way) and returns the first URL outside it.
   */
  followProvider(url: string, jar?: Map<string, string>): Promise<URL>;
  close(): Promise<void>;
}

const FRANCECONNECT_SCOPES: Record<string, string[]> = {
  given_name: ['given_name'],
  family_name: ['family_name'],
  birthdate: ['birthdate'],
  gender: ['gender'],
  birthplace: ['birthplace'],
  birthcountry: ['birthcountry'],
  email: ['email'],
  preferred_username: ['preferred_username'],
  profile: ['family_name', 'given_name', 'preferred_username', 'gender', 'birthdate'],
  birth: ['birthplace', 'birthcountry'],
  identite_pivot: ['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry'],
};

const PROCONNECT_SCOPES: Record<string, string[]> = {
  email: ['email'],
  given_name: ['given_name'],
  usual_name: ['usual_name'],
  uid: ['uid'],
  siret: ['siret'],
  siren: ['siren'],
  idp_id: ['idp_id'],
  organizational_unit: ['organizational_unit'],
  belonging_population: ['belonging_population'],
  phone: ['phone'],
};

export async function startTestIdp(options: { flavour: TestIdpFlavour; clients: TestIdpClient[] }): Promise<TestIdp> {
  const scopeClaims = options.flavour === 'franceconnect' ? FRANCECONNECT_SCOPES : PROCONNECT_SCOPES;
  const users = new Map<string, TestIdpUser>();
  let next: TestIdpUser | 'refuse' | undefined;
  let tampering: UserinfoTampering | undefined;

  // ES256 like FranceConnect v2; RS256 too, for clients that ask for it.
  const ec = await generateKeyPair('ES256', { extractable: true });
  const rsa = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const keys = [
    { ...(await exportJWK(ec.privateKey)), alg: 'ES256', use: 'sig', kid: 'test-es256' },
    { ...(await exportJWK(rsa.privateKey)), alg: 'RS256', use: 'sig', kid: 'test-rs256' },
  ];

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const configuration: Configuration = {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: options.flavour === 'franceconnect' ? 'ES256' : 'RS256',
      userinfo_signed_response_alg: options.flavour === 'franceconnect' ? 'ES256' : 'RS256',
    })),
    jwks: { keys },
    cookies: { keys: ['cle-de-test-des-cookies-du-fournisseur'] },
    acrValues: ['eidas1', 'eidas2', 'eidas3'],
    scopes: ['openid', ...Object.keys(scopeClaims)],
    claims: { acr: null, amr: null, sid: null, auth_time: null, iss: null, openid: ['sub'], ...scopeClaims },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const user = users.get(sub);
      if (!user) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...user.claims }) };
    },
    // Grants everything the client asked for: the consent step of a real provider is not under test.
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const existing = oidc.result?.consent?.grantId || oidc.session!.grantIdFor(oidc.client!.clientId);
      if (existing) return oidc.provider.Grant.find(existing);
      const grant = new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId! });
      grant.addOIDCScope(String(oidc.params!.scope ?? 'openid'));
      grant.addOIDCClaims(['acr', 'amr', 'sid', 'auth_time']);
      const requested = oidc.claims as { id_token?: Record<string, unknown>; userinfo?: Record<string, unknown> };
      grant.addOIDCClaims([...Object.keys(requested.id_token ?? {}), ...Object.keys(requested.userinfo ?? {})]);
      await grant.save();
      return grant;
    },
    ttl: {
      AccessToken: 60,
      AuthorizationCode: 30,
      IdToken: 300,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>Erreur</title><p>${String(out.error)}: ${String(out.error_description ?? '')}</p>`;
    },
  };

  const provider = new Provider(issuer, { ...configuration, adapter: memoryAdapter() });
  provider.use(async (ctx, nextMiddleware) => {
    await nextMiddleware();
    if (ctx.path !== '/me' || ctx.status !== 200 || typeof ctx.body !== 'string' || !tampering) return;
    const how = tampering;
    tampering = undefined;
    const payload = decodeJwt(ctx.body);
    if (how === 'unsigned') {
      ctx.type = 'application/json';
      ctx.body = JSON.stringify(payload);
      return;
    }
    const alg = options.flavour === 'franceconnect' ? 'ES256' : 'RS256';
    const key =
      how === 'wrong-signature'
        ? (await generateKeyPair(alg)).privateKey
        : alg === 'ES256'
          ? ec.privateKey
          : rsa.privateKey;
    ctx.body = await new SignJWT({ ...payload, ...(how === 'wrong-audience' ? { aud: 'un-autre-service' } : {}) })
      .setProtectedHeader({ alg, kid: alg === 'ES256' ? 'test-es256' : 'test-rs256' })
      .sign(key);
  });
  const callback = provider.callback();

  server.on('request', (req, res) => {
    const interaction = /^\/interaction\/([\w-]+)$/.exec((req.url ?? '').split('?')[0]!);
    if (!interaction || req.method !== 'GET') return void callback(req, res);
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        const who = next;
        next = undefined;
        if (!who || who === 'refuse') {
          await provider.interactionFinished(
            req,
            res,
            { error: 'access_denied', error_description: 'L’usager a annulé la connexion.' },
            { mergeWithLastSubmission: false },
          );
          return;
        }
        if (details.prompt.name !== 'login') throw new Error(`unexpected prompt ${details.prompt.name}`);
        users.set(who.sub, who);
        await provider.interactionFinished(
          req,
          res,
          {
            login: {
              accountId: who.sub,
              ...(who.acr ? { acr: who.acr } : {}),
              ...(who.amr ? { amr: who.amr } : {}),
            },
          },
          { mergeWithLastSubmission: false },
        );
      } catch (error) {
        res.statusCode = 500;
        res.end(String(error));
      }
    })();
  });

  async function followProvider(start: string, jar = new Map<string, string>()): Promise<URL> {
    let url = new URL(start);
    for (let hop = 0; hop < 20; hop++) {
      if (url.origin !== issuer) return url;
      const response = await fetch(url, {
        redirect: 'manual',
        headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      keepCookies(jar, response);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        url = new URL(location, url);
        continue;
      }
      const body = await response.text();
      // The sign-out confirmation page: answer "yes, sign me out".
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(body)?.[1];
      const action = /<form[^>]+action="([^"]+)"/.exec(body)?.[1];
      if (response.status === 200 && xsrf && action) {
        const confirm = await fetch(new URL(action, url), {
          method: 'POST',
          redirect: 'manual',
          headers: {
            cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
        });
        keepCookies(jar, confirm);
        const to = confirm.headers.get('location');
        if (!to) throw new Error(`provider sign-out answered ${confirm.status}`);
        url = new URL(to, url);
        continue;
      }
      throw new Error(`provider answered ${response.status} at ${url.pathname}: ${body.slice(0, 300)}`);
    }
    throw new Error('too many redirects at the provider');
  }

  return {
    issuer,
    actAs(who) {
      next = who;
    },
    tamperNextUserinfo(how) {
      tampering = how;
    },
    followProvider,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function keepCookies(jar: Map<string, string>, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';');
    const index = pair!.indexOf('=');
    const name = pair!.slice(0, index).trim();
    const value = pair!.slice(index + 1);
    const expired = attrs.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
    if (expired || value === '') jar.delete(name);
    else jar.set(name, value);
  }
}

/** oidc-provider's storage, in memory and per provider (a provider lives as long as one test file). */
function memoryAdapter() {
  const store = new Map<string, { payload: Record<string, unknown>; expiresAt: number }>();
  const live = (key: string) => {
    const entry = store.get(key);
    return entry && entry.expiresAt >= Date.now() ? entry.payload : undefined;
  };
  return class MemoryAdapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: Record<string, unknown>, expiresIn: number): Promise<void> {
      store.set(`${this.model}:${id}`, { payload, expiresAt: Date.now() + (expiresIn || 3600) * 1000 });
    }

    async find(id: string) {
      return live(`${this.model}:${id}`);
    }

    async findByUid(uid: string) {
      for (const key of store.keys()) {
        if (key.startsWith(`${this.model}:`) && live(key)?.uid === uid) return live(key);
      }
      return undefined;
    }

    async findByUserCode(userCode: string) {
      for (const key of store.keys()) {
        if (key.startsWith(`${this.model}:`) && live(key)?.userCode === userCode) return live(key);
      }
      return undefined;
    }

    async consume(id: string): Promise<void> {
      const payload = live(`${this.model}:${id}`);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      store.delete(`${this.model}:${id}`);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const [key, entry] of store) if (entry.payload.grantId === grantId) store.delete(key);
    }
  };
}
