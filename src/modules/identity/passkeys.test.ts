/**
 * Passkeys at the HTTP level. A small software authenticator (P-256 key, "none" attestation,
 * CBOR written by hand) produces real attestations and assertions, so the server's checks run on
 * genuine signatures: full ceremony, then each refusal (replayed or expired challenge, challenge
 * of another browser, unknown credential, other origin, no user verification, cloned
 * authenticator, malformed bodies) — always a French 4xx, never a 500. The browser ceremony with
 * Chromium's virtual authenticator is in e2e/passkey.e2e.ts.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';

// ---------------------------------------------------------------------------
// A software authenticator

type CborValue = number | string | Uint8Array | CborValue[] | Map<CborValue, CborValue>;

function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(length, 1);
  return b;
}

function cbor(value: CborValue): Buffer {
  if (typeof value === 'number') return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([cborHead(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([cborHead(2, value.length), value]);
  if (Array.isArray(value)) return Buffer.concat([cborHead(4, value.length), ...value.map(cbor)]);
  return Buffer.concat([cborHead(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

interface CeremonyOptions {
  challenge: string;
  user?: { id: string };
  rp?: { id?: string };
}

class SoftAuthenticator {
  readonly credentialId = randomBytes(32);
  counter = 0;
  userHandle: string | undefined;
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;

  constructor(
    readonly rpId = 'localhost',
    readonly origin = 'http://localhost:3000',
  ) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#privateKey = pair.privateKey;
    this.#publicKey = pair.publicKey;
  }

  get id(): string {
    return b64u(this.credentialId);
  }

  #coseKey(): Buffer {
    const jwk = this.#publicKey.export({ format: 'jwk' });
    return cbor(
      new Map<CborValue, CborValue>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
  }

  #clientData(type: string, challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
  }

  /** The JSON that @simplewebauthn/browser's startRegistration() would send. */
  attest(options: CeremonyOptions, { origin = this.origin, uv = true } = {}) {
    this.userHandle = options.user?.id;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const authData = Buffer.concat([
      sha256(this.rpId),
      Buffer.from([FLAG_UP | (uv ? FLAG_UV : 0) | FLAG_AT]),
      counter,
      Buffer.alloc(16), // AAGUID
      idLength,
      this.credentialId,
      this.#coseKey(),
    ]);
    const attestationObject = cbor(
      new Map<CborValue, CborValue>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64u(this.#clientData('webauthn.create', options.challenge, origin)),
        attestationObject: b64u(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** The JSON that startAuthentication() would send; the counter goes up unless given. */
  assert(options: CeremonyOptions, { origin = this.origin, uv = true, counter = this.counter + 1 } = {}) {
    this.counter = counter;
    const counterBytes = Buffer.alloc(4);
    counterBytes.writeUInt32BE(counter);
    const authData = Buffer.concat([sha256(this.rpId), Buffer.from([FLAG_UP | (uv ? FLAG_UV : 0)]), counterBytes]);
    const clientData = this.#clientData('webauthn.get', options.challenge, origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), this.#privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64u(clientData),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}

// ---------------------------------------------------------------------------

describe.each(TEST_ENGINES)('passkeys on %s', (engine) => {
  let t: TestApp;
  let address = 10;

  interface Client {
    b: TestBrowser;
    address: string;
  }

  /** A browser with its own network address (sign-in failures are throttled per network). */
  function client(): Client {
    const remoteAddress = `203.0.${address++}.9`;
    return { b: new TestBrowser(t.app, { remoteAddress }), address: remoteAddress };
  }

  function keepCookies(c: Client, res: LightMyRequestResponse) {
    const set = res.headers['set-cookie'];
    for (const line of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair, ...attrs] = line.split(';');
      const [name, ...value] = pair!.split('=');
      const expired = attrs.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (expired || value.join('=') === '') c.b.cookies.delete(name!.trim());
      else c.b.cookies.set(name!.trim(), value.join('='));
    }
  }

  /** A JSON POST like passkey.mjs sends (CSRF header from the last page loaded). */
  async function postJson(
    c: Client,
    url: string,
    body: unknown,
    options: { csrf?: boolean; accept?: string; raw?: string } = {},
  ) {
    const res = await t.app.inject({
      method: 'POST',
      url,
      payload: options.raw ?? JSON.stringify(body),
      headers: {
        cookie: [...c.b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': 'application/json',
        accept: options.accept ?? 'application/json',
        'user-agent': 'TestBrowser/1.0',
        ...(options.csrf === false ? {} : { 'x-csrf-token': c.b.csrf() }),
      },
      remoteAddress: c.address,
    });
    keepCookies(c, res);
    return res;
  }

  const ACCOUNT_PAGE = '/c/villebelle/compte/cles-d-acces';
  const SIGN_IN_PAGE = '/c/villebelle/connexion/cle-d-acces';

  async function signedIn(email: string): Promise<Client> {
    const c = client();
    await signIn(t.app, email, { browser: c.b });
    return c;
  }

  async function register(c: Client, authenticator: SoftAuthenticator, name = 'Téléphone personnel') {
    await c.b.get(ACCOUNT_PAGE);
    const options = await postJson(c, `${ACCOUNT_PAGE}/options`, {});
    expect(options.statusCode).toBe(200);
    const response = authenticator.attest(options.json());
    return { options: options.json(), response, res: await postJson(c, ACCOUNT_PAGE, { name, response }) };
  }

  async function signInWithPasskey(authenticator: SoftAuthenticator, assertOptions = {}, c = client()) {
    await c.b.get(SIGN_IN_PAGE);
    const options = await postJson(c, `${SIGN_IN_PAGE}/options`, {});
    expect(options.statusCode).toBe(200);
    const response = authenticator.assert(options.json(), assertOptions);
    const res = await postJson(c, SIGN_IN_PAGE, { retour: '/c/villebelle/compte', response });
    return { c, res, response, options: options.json() };
  }

  function frenchError(res: LightMyRequestResponse): string {
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    return (res.json() as { error: { message: string } }).error.message;
  }

  beforeAll(async () => {
    t = await createTestApp(engine);
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
  });
  afterAll(() => t?.close());

  it('adds a passkey from the account page, lists it, then signs in with it alone', async () => {
    const camille = await signedIn('camille.martin@courriel.example');
    const empty = await camille.b.get(ACCOUNT_PAGE);
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('Vous n’avez pas encore de clé d’accès.');
    expect(empty.body).toContain('<script type="module" src="/static/js/passkey.mjs"></script>');
    expect(empty.body).toContain('Ajouter une clé d’accès');

    const authenticator = new SoftAuthenticator();
    const { options, res } = await register(camille, authenticator, 'Téléphone de Camille');
    expect(options.rp).toEqual({ id: 'localhost', name: 'Guichet – Villebelle' });
    expect(options.user.name).toBe('camille.martin@courriel.example');
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'preferred', userVerification: 'required' });
    expect(options.excludeCredentials).toEqual([]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ redirect: '/c/villebelle/compte/cles-d-acces?ajoutee=1' });

    const listed = await camille.b.get(`${ACCOUNT_PAGE}?ajoutee=1`);
    expect(listed.body).toContain('Votre clé d’accès a été ajoutée.');
    expect(listed.body).toContain('Téléphone de Camille');
    expect(listed.body).toContain('jamais');
    const stored = await t.testDb.asSuperuser<{ public_key: Buffer; transports: string[] }>(
      'SELECT public_key, transports FROM passkey WHERE credential_id = $1',
      [authenticator.id],
    );
    expect(Buffer.isBuffer(stored.rows[0]!.public_key)).toBe(true);
    expect(stored.rows[0]!.transports).toEqual(['internal']);

    // The next registration excludes the credential already there.
    const again = await postJson(camille, `${ACCOUNT_PAGE}/options`, {});
    expect(again.json().excludeCredentials).toEqual([
      { id: authenticator.id, type: 'public-key', transports: ['internal'] },
    ]);

    // Passwordless sign-in from another browser.
    const page = await client().b.get(SIGN_IN_PAGE);
    expect(page.statusCode).toBe(200);
    const { c, res: signIn } = await signInWithPasskey(authenticator);
    expect(signIn.statusCode).toBe(200);
    expect(signIn.json()).toEqual({ redirect: '/c/villebelle/compte' });
    const account = await c.b.get('/c/villebelle/compte');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain('Camille Martin');
    const session = await t.testDb.asSuperuser<{ auth_method: string; mfa: boolean }>(
      `SELECT auth_method, mfa_verified_at IS NOT NULL AS mfa FROM session
        WHERE account_id = (SELECT id FROM account WHERE email = 'camille.martin@courriel.example')
        ORDER BY created_at DESC LIMIT 1`,
    );
    expect(session.rows[0]).toEqual({ auth_method: 'passkey', mfa: true });
    expect((await c.b.get(ACCOUNT_PAGE)).body).not.toContain('jamais'); // last use recorded

    const history = await c.b.get('/c/villebelle/compte/historique');
    expect(history.body).toContain('Clé d’accès ajoutée');
    expect(history.body).toContain('Connexion');
  });

  it('keeps a staff member’s session usable after they add their first passkey', async () => {
    const agent = await signedIn('agent.etat-civil@villebelle.example');
    const { res } = await register(agent, new SoftAuthenticator());
    expect(res.statusCode).toBe(200);
    // The account now has a second factor; this session presented it when creating the passkey.
    expect((await agent.b.get('/c/villebelle/agent')).statusCode).toBe(200);
    // A new password-only session must present the second factor.
    const other = await signedIn('agent.etat-civil@villebelle.example');
    const refused = await other.b.get('/c/villebelle/agent');
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toMatch(/\/compte\/double-authentification\?/);
  });

  it('refuses a replayed registration and an expired challenge, in French', async () => {
    const c = await signedIn('elu@villebelle.example');
    const authenticator = new SoftAuthenticator();
    const { response, res } = await register(c, authenticator);
    expect(res.statusCode).toBe(200);
    const replay = await postJson(c, ACCOUNT_PAGE, { name: 'Encore', response });
    expect(replay.statusCode).toBe(400);
    expect(frenchError(replay)).toContain('Cette demande a expiré ou a déjà servi');

    const options = (await postJson(c, `${ACCOUNT_PAGE}/options`, {})).json();
    await t.testDb.asSuperuser(`UPDATE webauthn_challenge SET expires_at = now() - interval '1 second'`);
    const late = await postJson(c, ACCOUNT_PAGE, { name: '', response: new SoftAuthenticator().attest(options) });
    expect(late.statusCode).toBe(400);
    expect(frenchError(late)).toContain('valable 5 minutes');
  });

  it('refuses a registration made on another origin or without user verification', async () => {
    const c = await signedIn('dgs@villebelle.example');
    await c.b.get(ACCOUNT_PAGE);
    const options = (await postJson(c, `${ACCOUNT_PAGE}/options`, {})).json();
    const phishing = await postJson(c, ACCOUNT_PAGE, {
      response: new SoftAuthenticator('localhost', 'http://guichet-villebelle.example').attest(options),
    });
    expect(phishing.statusCode).toBe(422);
    expect(frenchError(phishing)).toContain('adresse officielle du guichet');
    // The challenge was used up by the failed attempt.
    const retry = await postJson(c, ACCOUNT_PAGE, { response: new SoftAuthenticator().attest(options) });
    expect(retry.statusCode).toBe(400);

    const fresh = (await postJson(c, `${ACCOUNT_PAGE}/options`, {})).json();
    const noUv = await postJson(c, ACCOUNT_PAGE, { response: new SoftAuthenticator().attest(fresh, { uv: false }) });
    expect(noUv.statusCode).toBe(422);
    const count = await t.testDb.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM passkey WHERE account_id = (SELECT id FROM account WHERE email = 'dgs@villebelle.example')`,
    );
    expect(count.rows[0]!.n).toBe(0);
  });

  it('refuses an unknown credential, another origin, a missing user verification and a replayed assertion', async () => {
    const unknown = await signInWithPasskey(new SoftAuthenticator());
    expect(unknown.res.statusCode).toBe(422);
    expect(frenchError(unknown.res)).toContain('n’est pas reconnue');
    expect(unknown.c.b.cookies.has('guichet_session')).toBe(false);

    const owner = await signedIn('maire@villebelle.example');
    const authenticator = new SoftAuthenticator();
    expect((await register(owner, authenticator)).res.statusCode).toBe(200);

    const phishing = await signInWithPasskey(authenticator, { origin: 'http://localhost:3001' });
    expect(phishing.res.statusCode).toBe(422);
    expect(frenchError(phishing.res)).toContain('adresse officielle du guichet');

    const noUv = await signInWithPasskey(authenticator, { uv: false });
    expect(noUv.res.statusCode).toBe(422);

    const ok = await signInWithPasskey(authenticator);
    expect(ok.res.statusCode).toBe(200);
    // The token of the page before sign-in belonged to no session: the replay takes a fresh one.
    await ok.c.b.get(SIGN_IN_PAGE);
    const replay = await postJson(ok.c, SIGN_IN_PAGE, { response: ok.response });
    expect(replay.statusCode).toBe(400);
    expect(frenchError(replay)).toContain('déjà servi');
  });

  it('binds a sign-in challenge to the browser that asked for it', async () => {
    const owner = await signedIn('admin@villebelle.example');
    const authenticator = new SoftAuthenticator();
    expect((await register(owner, authenticator)).res.statusCode).toBe(200);
    const asker = client();
    await asker.b.get(SIGN_IN_PAGE);
    const options = (await postJson(asker, `${SIGN_IN_PAGE}/options`, {})).json();
    const thief = client();
    await thief.b.get(SIGN_IN_PAGE);
    const stolen = await postJson(thief, SIGN_IN_PAGE, { response: authenticator.assert(options) });
    expect(stolen.statusCode).toBe(400);
    expect(thief.b.cookies.has('guichet_session')).toBe(false);
  });

  it('refuses a cloned authenticator whose counter does not increase, and journals it', async () => {
    const owner = await signedIn('agent.urbanisme@villebelle.example');
    const authenticator = new SoftAuthenticator();
    expect((await register(owner, authenticator)).res.statusCode).toBe(200);
    expect((await signInWithPasskey(authenticator, { counter: 7 })).res.statusCode).toBe(200);
    const clone = await signInWithPasskey(authenticator, { counter: 7 });
    expect(clone.res.statusCode).toBe(422);
    expect(frenchError(clone.res)).toContain('elle semble avoir été copiée');
    expect((await signInWithPasskey(authenticator, { counter: 3 })).res.statusCode).toBe(422);
    expect((await signInWithPasskey(authenticator, { counter: 8 })).res.statusCode).toBe(200);

    const history = await owner.b.get('/c/villebelle/compte/historique');
    expect(shownText(history.body)).toContain('Clé d’accès refusée : copie possible détectée');
  });

  it('answers malformed bodies and missing tokens with French 4xx, never a 500', async () => {
    const c = client();
    await c.b.get(SIGN_IN_PAGE);
    const bodies: unknown[] = [
      {},
      { response: 5 },
      { response: { id: 'abc', rawId: 'abc', type: 'public-key', response: {} } },
      {
        response: {
          id: 'abc',
          rawId: 'abc',
          type: 'public-key',
          response: { clientDataJSON: 'bm90IGpzb24', authenticatorData: 'AAAA', signature: 'AAAA' },
        },
      },
      {
        response: {
          id: '!!',
          rawId: '!!',
          type: 'public-key',
          response: { clientDataJSON: '%%', authenticatorData: 'AAAA', signature: 'AAAA' },
        },
      },
      [1, 2, 3],
    ];
    for (const body of bodies) {
      const res = await postJson(c, SIGN_IN_PAGE, body);
      expect(frenchError(res).length, JSON.stringify(body)).toBeGreaterThan(10);
    }
    const notJson = await postJson(c, SIGN_IN_PAGE, null, { raw: '{"response":' });
    expect(frenchError(notJson)).toBeTruthy();
    const html = await postJson(c, SIGN_IN_PAGE, {}, { accept: 'text/html' });
    expect(html.statusCode).toBe(400);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('illisible');

    const noCsrf = await postJson(c, `${SIGN_IN_PAGE}/options`, {}, { csrf: false });
    expect(noCsrf.statusCode).toBe(403);
    expect(frenchError(noCsrf)).toContain('Rechargez la page');

    const signedInOnly = await postJson(c, `${ACCOUNT_PAGE}/options`, {});
    expect(signedInOnly.statusCode).toBe(401);
    const anonymousPage = await c.b.get(ACCOUNT_PAGE);
    expect(anonymousPage.statusCode).toBe(303);
    expect(anonymousPage.headers.location).toBe(
      '/c/villebelle/connexion?retour=%2Fc%2Fvillebelle%2Fcompte%2Fcles-d-acces',
    );
  });

  it('removes a passkey, which then no longer signs in; another person’s passkey is not found', async () => {
    // Accounts without a passkey yet (a password session of an account with one must present it).
    // A new citizen: staff accounts cannot remove their last second factor (passkeys-last-factor.test.ts).
    await t.testDb.asSuperuser(
      `INSERT INTO account (id, email, email_verified_at, password_hash, given_name, family_name, is_operator)
       SELECT gen_random_uuid(), 'leon.petit@courriel.example', now(), password_hash, 'Léon', 'Petit', false
         FROM account WHERE email = 'camille.martin@courriel.example'`,
    );
    const owner = await signedIn('leon.petit@courriel.example');
    const authenticator = new SoftAuthenticator();
    expect((await register(owner, authenticator, 'Clé à supprimer')).res.statusCode).toBe(200);
    const { rows } = await t.testDb.asSuperuser<{ id: string }>('SELECT id FROM passkey WHERE credential_id = $1', [
      authenticator.id,
    ]);
    const passkeyId = rows[0]!.id;

    const stranger = await signedIn('dgs@villebelle.example');
    await stranger.b.get(ACCOUNT_PAGE);
    const foreign = await stranger.b.post(`${ACCOUNT_PAGE}/supprimer`, { cle: passkeyId });
    expect(foreign.statusCode).toBe(404);
    await stranger.b.get(ACCOUNT_PAGE);
    expect((await stranger.b.post(`${ACCOUNT_PAGE}/supprimer`, { cle: 'pas-un-identifiant' })).statusCode).toBe(404);

    const page = await owner.b.get(ACCOUNT_PAGE);
    expect(page.body).toContain('Clé à supprimer');
    expect(shownText(page.body)).toContain('la clé « Clé à supprimer »');
    const removed = await owner.b.post(`${ACCOUNT_PAGE}/supprimer`, { cle: passkeyId });
    expect(removed.statusCode).toBe(303);
    expect(removed.headers.location).toBe(`${ACCOUNT_PAGE}?supprimee=1`);
    const after = await owner.b.get(removed.headers.location!);
    expect(after.body).toContain('La clé d’accès a été supprimée de votre compte.');
    expect(after.body).not.toContain('Clé à supprimer');
    expect((await owner.b.get('/c/villebelle/compte/historique')).body).toContain('Clé d’accès supprimée');

    const refused = await signInWithPasskey(authenticator);
    expect(refused.res.statusCode).toBe(422);
    expect(frenchError(refused.res)).toContain('n’est pas reconnue');
  });

  it('asks for a recent authentication before adding or removing a passkey', async () => {
    const c = await signedIn('maire@saint-aubin-les-pres.example');
    await t.testDb.asSuperuser(
      `UPDATE session SET reauthenticated_at = now() - interval '1 hour'
        WHERE account_id = (SELECT id FROM account WHERE email = 'maire@saint-aubin-les-pres.example')`,
    );
    const page = await c.b.get(ACCOUNT_PAGE);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Confirmer mon identité');
    expect(page.body).toContain(
      'href="/c/villebelle/compte/confirmer-identite?retour=%2Fc%2Fvillebelle%2Fcompte%2Fcles-d-acces"',
    );
    expect(page.body).not.toContain('data-passkey="register"');
    await c.b.get('/c/villebelle/compte'); // a page with a CSRF token (the sign-out form)

    const options = await postJson(c, `${ACCOUNT_PAGE}/options`, {});
    expect(options.statusCode).toBe(401);
    expect(options.json().error.code).toBe('auth.step_up_required');
    expect(frenchError(options)).toContain('confirmez votre identité');

    const removal = await c.b.post(`${ACCOUNT_PAGE}/supprimer`, { cle: '00000000-0000-7000-8000-000000000000' });
    expect(removal.statusCode).toBe(303);
    expect(removal.headers.location).toBe(
      '/c/villebelle/compte/confirmer-identite?retour=%2Fc%2Fvillebelle%2Fcompte%2Fcles-d-acces',
    );
  });

  it('explains on the sign-in page that a passkey needs JavaScript, with a link to the password form', async () => {
    const page = await client().b.get('/c/villebelle/connexion/cle-d-acces?retour=%2Fc%2Fvillebelle%2Fservices');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-xl">Se connecter avec une clé d’accès</h1>');
    expect(page.body).toContain('La connexion avec une clé d’accès a besoin de JavaScript');
    expect(page.body).toContain('href="/c/villebelle/connexion?retour=%2Fc%2Fvillebelle%2Fservices"');
    expect(page.body).toContain('<script type="module" src="/static/js/passkey.mjs"></script>');
    expect(page.body).toMatch(/<form[^>]*data-passkey="sign-in"[^>]*hidden/);
    expect(page.body).toContain('value="/c/villebelle/services"');
  });
});
