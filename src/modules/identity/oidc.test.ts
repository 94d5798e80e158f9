import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { startTestIdp, type TestIdp, type TestIdpUser } from '../../test/oidc-provider.js';
import { seedDemo } from '../demo/seed.js';
import {
  ClaimsError,
  federatedLogoutUrl,
  federatedSignInButtons,
  mapFranceConnectClaims,
  mapProConnectClaims,
  ProviderUnavailableError,
  parseBirthdate,
  startFederatedSignIn,
} from './oidc.js';

const PUBLIC_URL = 'http://localhost:3000';
const FC_SECRET = 'secret-franceconnect-de-test-0123456789';
const PC_SECRET = 'secret-proconnect-de-test-0123456789';
const SLUGS = ['villebelle', 'saint-aubin-les-pres'];

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe('claims mapping', () => {
  it('keeps every first name, and flags a birthdate that may be presumed', () => {
    const identity = mapFranceConnectClaims({
      sub: 'abc',
      email: ' Jean.Dupont@Example.FR ',
      given_name: 'Jean  Pierre Marie',
      family_name: 'Dupont',
      birthdate: '1962-01-01',
      birthplace: '',
      birthcountry: '99134',
      gender: 'male',
    });
    expect(identity).toMatchObject({
      email: 'jean.dupont@example.fr',
      givenNames: 'Jean Pierre Marie',
      familyName: 'Dupont',
      birthdate: '1962-01-01',
      birthdateMayBePresumed: true,
      birthplace: null,
      birthcountry: '99134',
      bornAbroad: true,
      gender: 'male',
    });
  });

  it('reads birthplaces in France (Corsica included) and exact birthdates', () => {
    const identity = mapFranceConnectClaims({
      sub: 'abc',
      email: 'a@b.fr',
      given_name: '',
      family_name: 'Santoni',
      birthdate: '1990-07-14',
      birthplace: '2A004',
      birthcountry: '99100',
    });
    expect(identity).toMatchObject({
      givenNames: '',
      birthdate: '1990-07-14',
      birthdateMayBePresumed: false,
      birthplace: '2A004',
      bornAbroad: false,
    });
  });

  it('normalizes presumed parts written as 00 and refuses impossible dates', () => {
    expect(parseBirthdate('1950-00-00')).toEqual({ date: '1950-01-01', mayBePresumed: true });
    expect(parseBirthdate('1980-06-00')).toEqual({ date: '1980-06-01', mayBePresumed: true });
    expect(parseBirthdate('1990-02-31')).toEqual({ date: null, mayBePresumed: false });
    expect(parseBirthdate('14/07/1990')).toEqual({ date: null, mayBePresumed: false });
    expect(parseBirthdate(undefined)).toEqual({ date: null, mayBePresumed: false });
  });

  it('refuses an identity without an e-mail', () => {
    expect(() => mapFranceConnectClaims({ sub: 'abc', given_name: 'Jean' })).toThrow(ClaimsError);
    expect(() => mapProConnectClaims({ sub: 'abc', email: 'pas une adresse' })).toThrow(ClaimsError);
  });

  it('maps ProConnect claims: usual name, SIRET, identity provider and second factor', () => {
    const identity = mapProConnectClaims({
      sub: 'x',
      email: 'Agent@Mairie.Example',
      given_name: 'Hugo',
      usual_name: 'Lefèvre',
      uid: '42',
      siret: '217 500 016 00019',
      idp_id: 'fia1v2',
      amr: ['pwd', 'mfa'],
    });
    expect(identity).toMatchObject({
      email: 'agent@mairie.example',
      usualName: 'Lefèvre',
      siret: '21750001600019',
      idpId: 'fia1v2',
      multiFactor: true,
    });
    expect(mapProConnectClaims({ sub: 'x', email: 'a@b.fr', siret: '123', amr: ['pwd'] })).toMatchObject({
      siret: null,
      multiFactor: false,
    });
  });
});

describe('configuration of the identity providers', () => {
  it('enables a provider only when its three variables are set', () => {
    expect(loadConfig({}).franceConnect).toBeUndefined();
    expect(federatedSignInButtons(loadConfig({}), 'villebelle')).toEqual([]);
    const config = loadConfig({
      GUICHET_PROCONNECT_ISSUER: 'https://proconnect.exemple.fr/api/v2/',
      GUICHET_PROCONNECT_CLIENT_ID: 'client',
      GUICHET_PROCONNECT_CLIENT_SECRET: 'secret-secret',
    });
    expect(config.proConnect?.issuer).toBe('https://proconnect.exemple.fr/api/v2');
    expect(federatedSignInButtons(config, 'villebelle', '/c/villebelle/agent')).toEqual([
      {
        provider: 'proconnect',
        href: '/c/villebelle/connexion/proconnect?retour=%2Fc%2Fvillebelle%2Fagent',
        label: 'S’identifier avec ProConnect',
      },
    ]);
  });

  it('names what is missing or wrong, in French', () => {
    expect(() => loadConfig({ GUICHET_FRANCECONNECT_ISSUER: 'https://fc.exemple.fr/api/v2' })).toThrow(
      /GUICHET_FRANCECONNECT_CLIENT_ID : obligatoire/,
    );
    let error: unknown;
    try {
      loadConfig({
        GUICHET_FRANCECONNECT_ISSUER: 'http://fc.exemple.fr/api/v2',
        GUICHET_FRANCECONNECT_CLIENT_ID: 'a',
        GUICHET_FRANCECONNECT_CLIENT_SECRET: 'secret-secret',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('GUICHET_FRANCECONNECT_ISSUER :');
    expect((error as ConfigError).message).toContain('doit commencer par https://');
  });
});

describe.each(TEST_ENGINES)('federated sign-in on %s', (engine) => {
  let t: TestApp;
  let fc: TestIdp;
  let pc: TestIdp;
  let villebelle: Commune;
  let address = 10;

  const browser = () => new TestBrowser(t.app, { remoteAddress: `203.0.${address++}.9` });

  const marie: TestIdpUser = {
    sub: 'fc-sub-marie-0001',
    acr: 'eidas1',
    amr: ['pwd'],
    claims: {
      given_name: 'Marie Claire Anne',
      family_name: 'Dupont',
      birthdate: '1985-01-01',
      email: 'Marie.Dupont@courriel.example',
    },
  };

  const hugo = (sub: string, amr = ['pwd', 'mfa'], email = 'agent.urbanisme@villebelle.example'): TestIdpUser => ({
    sub,
    amr,
    claims: {
      email,
      given_name: 'Hugo',
      usual_name: 'Lefèvre',
      uid: '4242',
      siret: '21750001600019',
      idp_id: 'fia1v2',
    },
  });

  /** Starts a sign-in in the app, lets `who` act at the provider, and returns where the provider sends the browser. */
  async function goToProvider(b: TestBrowser, provider: 'franceconnect' | 'proconnect', who: TestIdpUser | 'refuse') {
    const started = await b.get(`/c/villebelle/connexion/${provider}`);
    expect(started.statusCode).toBe(303);
    const authorize = new URL(String(started.headers.location));
    const idp = provider === 'franceconnect' ? fc : pc;
    idp.actAs(who);
    const back = await idp.followProvider(authorize.href);
    expect(back.origin).toBe(PUBLIC_URL);
    return { authorize, callback: back.pathname + back.search, back };
  }

  async function signInWith(b: TestBrowser, provider: 'franceconnect' | 'proconnect', who: TestIdpUser | 'refuse') {
    const { callback, authorize } = await goToProvider(b, provider, who);
    return { response: await b.get(callback), callback, authorize };
  }

  async function query<T = Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<T[]> {
    return (await t.testDb.asSuperuser(sql, values)).rows as T[];
  }

  beforeAll(async () => {
    const clients = (provider: string, clientId: string, clientSecret: string) => [
      {
        clientId,
        clientSecret,
        redirectUris: SLUGS.map((s) => `${PUBLIC_URL}/c/${s}/connexion/${provider}/retour`),
        postLogoutRedirectUris: SLUGS.map((s) => `${PUBLIC_URL}/c/${s}/deconnexion/${provider}/retour`),
      },
    ];
    fc = await startTestIdp({ flavour: 'franceconnect', clients: clients('franceconnect', 'guichet-fc', FC_SECRET) });
    pc = await startTestIdp({ flavour: 'proconnect', clients: clients('proconnect', 'guichet-pc', PC_SECRET) });
    t = await createTestApp(engine, {
      env: {
        GUICHET_FRANCECONNECT_ISSUER: fc.issuer,
        GUICHET_FRANCECONNECT_CLIENT_ID: 'guichet-fc',
        GUICHET_FRANCECONNECT_CLIENT_SECRET: FC_SECRET,
        GUICHET_PROCONNECT_ISSUER: pc.issuer,
        GUICHET_PROCONNECT_CLIENT_ID: 'guichet-pc',
        GUICHET_PROCONNECT_CLIENT_SECRET: PC_SECRET,
      },
    });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
  });
  afterAll(async () => {
    await t?.close();
    await fc?.close();
    await pc?.close();
  });

  it('sends the browser to FranceConnect with the code flow, PKCE, eidas1 and long state and nonce', async () => {
    const b = browser();
    const res = await b.get('/c/villebelle/connexion/franceconnect?retour=%2Fc%2Fvillebelle%2Fservices');
    expect(res.statusCode).toBe(303);
    const url = new URL(String(res.headers.location));
    expect(url.origin).toBe(fc.issuer);
    const p = url.searchParams;
    expect(p.get('response_type')).toBe('code');
    expect(p.get('client_id')).toBe('guichet-fc');
    expect(p.get('redirect_uri')).toBe(`${PUBLIC_URL}/c/villebelle/connexion/franceconnect/retour`);
    expect(p.get('scope')).toBe('openid given_name family_name birthdate email');
    expect(p.get('acr_values')).toBe('eidas1');
    expect(p.get('code_challenge_method')).toBe('S256');
    expect(p.get('code_challenge')?.length).toBe(43);
    expect(p.get('state')!.length).toBeGreaterThanOrEqual(43);
    expect(p.get('nonce')!.length).toBeGreaterThanOrEqual(43);
    expect(p.get('state')).not.toBe(p.get('nonce'));
    expect(b.cookies.has('guichet_oidc')).toBe(true);
    // The state is stored hashed, never in clear.
    const rows = await query('SELECT state_hash, return_path FROM oidc_authorization WHERE state_hash = $1', [
      sha256(p.get('state')!),
    ]);
    expect(rows).toEqual([{ state_hash: sha256(p.get('state')!), return_path: '/c/villebelle/services' }]);
  });

  it('creates a citizen account at the first FranceConnect sign-in and reuses it at the next', async () => {
    const first = browser();
    const { response } = await signInWith(first, 'franceconnect', marie);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/c/villebelle/espace');
    const page = await first.get('/c/villebelle/compte');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Marie Claire Anne Dupont');
    expect(page.body).toContain('marie.dupont@courriel.example');
    expect(page.body).toContain('usager');

    const [account] = await query<{ id: string; email_verified_at: Date | null; birth_date: string; pw: boolean }>(
      `SELECT id, email_verified_at, birth_date::text AS birth_date, password_hash IS NOT NULL AS pw
         FROM account WHERE email = 'marie.dupont@courriel.example'`,
    );
    expect(account!.email_verified_at).not.toBeNull();
    expect(account!.birth_date).toBe('1985-01-01');
    expect(account!.pw).toBe(false);

    const second = browser();
    const again = await signInWith(second, 'franceconnect', marie);
    expect(again.response.headers.location).toBe('/c/villebelle/espace');
    expect((await second.get('/c/villebelle/compte')).body).toContain('Marie Claire Anne Dupont');
    expect(await query(`SELECT id FROM account WHERE email = 'marie.dupont@courriel.example'`)).toHaveLength(1);
    expect(await query('SELECT subject FROM federated_identity WHERE account_id = $1', [account!.id])).toEqual([
      { subject: 'fc-sub-marie-0001' },
    ]);
    const sessions = await query<{ auth_method: string; has_token: boolean; mfa: boolean }>(
      `SELECT auth_method, federated_id_token IS NOT NULL AS has_token, mfa_verified_at IS NOT NULL AS mfa
         FROM session WHERE account_id = $1`,
      [account!.id],
    );
    expect(sessions).toEqual([
      { auth_method: 'franceconnect', has_token: true, mfa: false },
      { auth_method: 'franceconnect', has_token: true, mfa: false },
    ]);
    const history = await second.get('/c/villebelle/compte/historique');
    expect(history.body).toContain('Compte relié à FranceConnect');
    expect(history.body).toContain('Création du compte');
    const audit = await query<{ data: { method: string } }>(
      `SELECT data FROM audit_entry WHERE action = 'auth.sign_in' AND actor_id = $1`,
      [account!.id],
    );
    expect(audit.map((a) => a.data.method)).toEqual(['franceconnect', 'franceconnect']);
  });

  it('links FranceConnect to the existing account with the same e-mail and returns where asked', async () => {
    const b = browser();
    const started = await b.get('/c/villebelle/connexion/franceconnect?retour=%2Fc%2Fvillebelle%2Fcompte%2Fsessions');
    fc.actAs({
      sub: 'fc-sub-camille',
      acr: 'eidas1',
      claims: {
        given_name: 'Camille',
        family_name: 'Martin',
        birthdate: '1979-05-12',
        email: 'camille.martin@courriel.example',
      },
    });
    const back = await fc.followProvider(String(started.headers.location));
    const res = await b.get(back.pathname + back.search);
    expect(res.headers.location).toBe('/c/villebelle/compte/sessions');
    const page = await b.get('/c/villebelle/compte');
    expect(page.body).toContain('Camille Martin');
    expect(await query(`SELECT id FROM account WHERE email = 'camille.martin@courriel.example'`)).toHaveLength(1);
  });

  it('shows “Connexion annulée” with a way back when the person cancels at FranceConnect', async () => {
    const b = browser();
    const { callback, response } = await signInWith(b, 'franceconnect', 'refuse');
    expect(callback).toContain('error=access_denied');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Connexion annulée');
    expect(response.body).toContain('href="/c/villebelle/connexion"');
    const account = await b.get('/c/villebelle/compte');
    expect(account.statusCode).toBe(303);
    expect(account.headers.location).toContain('/c/villebelle/connexion');
  });

  it('refuses an unknown state, a state used twice and a state from another browser, in French', async () => {
    const unknown = await browser().get(
      `/c/villebelle/connexion/franceconnect/retour?code=abc&state=${'x'.repeat(43)}&iss=${encodeURIComponent(fc.issuer)}`,
    );
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('Cette demande de connexion a expiré ou a déjà servi');

    const b = browser();
    const { callback, response } = await signInWith(b, 'franceconnect', marie);
    expect(response.statusCode).toBe(303);
    const replay = await b.get(callback);
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('a expiré ou a déjà servi');

    const victim = browser();
    const { callback: stolen } = await goToProvider(b, 'franceconnect', marie);
    const elsewhere = await victim.get(stolen);
    expect(elsewhere.statusCode).toBe(400);
    expect((await victim.get('/c/villebelle/compte')).statusCode).toBe(303);
    expect(await b.get(stolen).then((r) => r.statusCode)).toBe(303); // still good in its own browser
  });

  it('answers a French 400, never a 500, when the provider refuses a replayed code', async () => {
    const first = browser();
    const used = await goToProvider(first, 'franceconnect', marie);
    expect((await first.get(used.callback)).statusCode).toBe(303);

    const second = browser();
    const started = await second.get('/c/villebelle/connexion/franceconnect');
    const state = new URL(String(started.headers.location)).searchParams.get('state')!;
    const replayed = new URLSearchParams(used.back.search);
    replayed.set('state', state);
    const res = await second.get(`/c/villebelle/connexion/franceconnect/retour?${replayed}`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('La connexion avec FranceConnect n’a pas abouti');
    expect((await second.get('/c/villebelle/compte')).statusCode).toBe(303);
    const [failure] = await query<{ data: { reason: string } }>(
      `SELECT data FROM audit_entry WHERE action = 'auth.federated_sign_in_failed' ORDER BY seq DESC LIMIT 1`,
    );
    expect(failure!.data.reason).toBe('token:invalid_grant');
  });

  it('refuses an ID token whose nonce is not the one of the request', async () => {
    const b = browser();
    const { authorize, callback } = await goToProvider(b, 'franceconnect', marie);
    await query('UPDATE oidc_authorization SET nonce = $1 WHERE state_hash = $2', [
      'n'.repeat(43),
      sha256(authorize.searchParams.get('state')!),
    ]);
    const res = await b.get(callback);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('La connexion avec FranceConnect n’a pas abouti');
    expect((await b.get('/c/villebelle/compte')).statusCode).toBe(303);
    const [failure] = await query<{ data: { reason: string } }>(
      `SELECT data FROM audit_entry WHERE action = 'auth.federated_sign_in_failed' ORDER BY seq DESC LIMIT 1`,
    );
    expect(failure!.data.reason).toContain('nonce');
  });

  it.each([
    ['signed by an unknown key', 'wrong-signature', 'signature'],
    ['addressed to another service', 'wrong-audience', '"aud"'],
    ['not signed at all', 'unsigned', 'userinfo_not_signed'],
  ] as const)('refuses a FranceConnect userinfo %s', async (_label, how, reason) => {
    const b = browser();
    const { callback } = await goToProvider(b, 'franceconnect', { ...marie, sub: `fc-sub-tampered-${how}` });
    fc.tamperNextUserinfo(how);
    const res = await b.get(callback);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('La connexion avec FranceConnect n’a pas abouti');
    expect((await b.get('/c/villebelle/compte')).statusCode).toBe(303);
    expect(await query('SELECT 1 FROM federated_identity WHERE subject = $1', [`fc-sub-tampered-${how}`])).toHaveLength(
      0,
    );
    const [failure] = await query<{ data: { reason: string } }>(
      `SELECT data FROM audit_entry WHERE action = 'auth.federated_sign_in_failed' ORDER BY seq DESC LIMIT 1`,
    );
    expect(failure!.data.reason).toContain(reason);
  });

  it('signs a demo agent in with ProConnect by professional e-mail, whatever the sub', async () => {
    const b = browser();
    const { authorize, response } = await signInWith(b, 'proconnect', hugo('pc-sub-idp-a-1'));
    expect(authorize.searchParams.get('scope')).toBe('openid email given_name usual_name uid siret idp_id');
    expect(JSON.parse(authorize.searchParams.get('claims')!)).toEqual({ id_token: { amr: { essential: true } } });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/c/villebelle/espace');
    const agent = await b.get('/c/villebelle/agent');
    expect(agent.statusCode).toBe(200);
    expect(agent.body).toContain('Hugo Lefèvre');

    // Another identity provider of the same agent: another sub, the same account.
    const other = browser();
    const again = await signInWith(other, 'proconnect', hugo('pc-sub-idp-b-2'));
    expect(again.response.headers.location).toBe('/c/villebelle/espace');
    const links = await query<{ provider: string; subject: string }>(
      `SELECT f.provider, f.subject FROM federated_identity f JOIN account a ON a.id = f.account_id
        WHERE a.email = 'agent.urbanisme@villebelle.example' ORDER BY f.subject`,
    );
    expect(links).toEqual([
      { provider: 'proconnect', subject: 'pc-sub-idp-a-1' },
      { provider: 'proconnect', subject: 'pc-sub-idp-b-2' },
    ]);
    const sessions = await query<{ mfa: boolean }>(
      `SELECT s.mfa_verified_at IS NOT NULL AS mfa FROM session s JOIN account a ON a.id = s.account_id
        WHERE a.email = 'agent.urbanisme@villebelle.example' AND s.auth_method = 'proconnect'`,
    );
    expect(sessions).toEqual([{ mfa: true }, { mfa: true }]);
  });

  it('counts a ProConnect second factor as one; without it an agent past the grace period must present one', async () => {
    const withMfa = browser();
    const ok = await signInWith(
      withMfa,
      'proconnect',
      hugo('pc-sub-lea-1', ['pwd', 'mfa'], 'agent.enfance@villebelle.example'),
    );
    expect(ok.response.headers.location).toBe('/c/villebelle/espace');
    expect((await withMfa.get('/c/villebelle/agent')).statusCode).toBe(200);

    const passwordOnly = browser();
    const weak = await signInWith(
      passwordOnly,
      'proconnect',
      hugo('pc-sub-lea-1', ['pwd'], 'agent.enfance@villebelle.example'),
    );
    expect(weak.response.statusCode).toBe(303);
    const refused = await passwordOnly.get('/c/villebelle/agent');
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toContain('/c/villebelle/compte/double-authentification');
  });

  it('refuses ProConnect for an unknown address or a citizen, and creates no account', async () => {
    const unknown = await signInWith(
      browser(),
      'proconnect',
      hugo('pc-sub-unknown', ['pwd'], 'inconnu@administration.example'),
    );
    expect(unknown.response.statusCode).toBe(403);
    expect(unknown.response.body).toContain('Aucun compte agent pour cette adresse');
    expect(unknown.response.body).toContain('Demandez une invitation à l’administrateur de la commune');
    expect(unknown.response.body).toContain('inconnu@administration.example');
    expect(await query(`SELECT id FROM account WHERE email = 'inconnu@administration.example'`)).toHaveLength(0);

    const citizen = browser();
    const res = await signInWith(
      citizen,
      'proconnect',
      hugo('pc-sub-camille', ['pwd'], 'camille.martin@courriel.example'),
    );
    expect(res.response.statusCode).toBe(403);
    expect((await citizen.get('/c/villebelle/compte')).statusCode).toBe(303);
    expect(await query(`SELECT 1 FROM federated_identity WHERE subject = 'pc-sub-camille'`)).toHaveLength(0);
  });

  it('signs out at FranceConnect with the ID token and checks the state it sends back', async () => {
    const b = browser();
    await signInWith(b, 'franceconnect', marie);
    const [session] = await query<{ id: string }>(
      `SELECT s.id FROM session s JOIN account a ON a.id = s.account_id
        WHERE a.email = 'marie.dupont@courriel.example' ORDER BY s.created_at DESC LIMIT 1`,
    );
    const url = await federatedLogoutUrl(t.runtime, villebelle, session!.id);
    expect(url).not.toBeNull();
    const endSession = new URL(url!);
    expect(endSession.origin).toBe(fc.issuer);
    expect(endSession.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(
      `${PUBLIC_URL}/c/villebelle/deconnexion/franceconnect/retour`,
    );
    const state = endSession.searchParams.get('state')!;
    expect(state.length).toBeGreaterThanOrEqual(43);

    const back = await fc.followProvider(url!);
    expect(back.searchParams.get('state')).toBe(state);
    const res = await b.get(back.pathname + back.search);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/c/villebelle/connexion?deconnecte=1');
    const replay = await b.get(back.pathname + back.search);
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('Retour de déconnexion non reconnu');
    // The ID token is used once; a password session has no provider to sign out from.
    expect(await federatedLogoutUrl(t.runtime, villebelle, session!.id)).toBeNull();
  });

  it('says in French that the provider cannot be reached, rather than failing', async () => {
    const unreachable = {
      ...t.runtime,
      config: { ...t.config, proConnect: { ...t.config.proConnect!, issuer: 'http://127.0.0.1:1' } },
    };
    await expect(
      startFederatedSignIn(unreachable, villebelle, 'proconnect', '/c/villebelle/agent', 'b'.repeat(43)),
    ).rejects.toBeInstanceOf(ProviderUnavailableError);

    // The provider goes down between the person's sign-in there and the code exchange (last test: it stays down).
    const b = browser();
    const { callback } = await goToProvider(b, 'proconnect', hugo('pc-sub-idp-a-1'));
    await pc.close();
    const res = await b.get(callback);
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('ProConnect est momentanément indisponible');
    expect((await b.get('/c/villebelle/agent')).statusCode).toBe(303);
  });
});
