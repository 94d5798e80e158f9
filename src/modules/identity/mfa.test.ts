import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { postSignIn, signIn } from '../../test/sign-in.js';
import { DEMO_PASSWORD } from '../demo/accounts.js';
import { seedDemo } from '../demo/seed.js';
import {
  checkTotpCode,
  decryptTotpSecret,
  encryptTotpSecret,
  generateRecoveryCodes,
  normalizeRecoveryCode,
  RECOVERY_ALPHABET,
  totpCodeAt,
} from './totp.js';

const MFA = '/c/villebelle/compte/double-authentification';
const SECURITY = '/c/villebelle/compte/securite';
const AGENT = 'agent.enfance@villebelle.example';
const CITIZEN = 'camille.martin@courriel.example';

/** The base32 key shown for manual entry on the enrolment page. */
function keyOnPage(body: string): string {
  const grouped = /id="cle-totp"[^>]*>([A-Z2-7 ]+)</.exec(body)?.[1];
  if (!grouped) throw new Error('no TOTP key on the page');
  return grouped.replace(/ /g, '');
}

function recoveryCodesOnPage(body: string): string[] {
  return [...body.matchAll(/<code class="govuk-!-font-size-24">([a-z0-9]{4}-[a-z0-9]{4})<\/code>/g)].map((m) => m[1]!);
}

/** The code an authenticator app shows for `step`, computed with otpauth from the key on the page. */
function appCode(key: string, step: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(key), timestamp: step * 30_000 });
}

describe('TOTP primitives', () => {
  it('encrypts the secret bound to its account, and refuses it under another account or key', () => {
    const secret = new Uint8Array(20).fill(7);
    const stored = encryptTotpSecret('clé-de-test', 'compte-a', secret);
    expect(Buffer.from(stored, 'base64').length).toBe(12 + 16 + 20);
    expect(decryptTotpSecret('clé-de-test', 'compte-a', stored)).toEqual(secret);
    expect(() => decryptTotpSecret('clé-de-test', 'compte-b', stored)).toThrow();
    expect(() => decryptTotpSecret('autre-clé', 'compte-a', stored)).toThrow();
  });

  it('accepts the current step ±1 only, and refuses a step already used', () => {
    const secret = new Uint8Array(20).fill(3);
    const now = 1_700_000_000_000;
    const step = Math.floor(now / 30_000);
    expect(checkTotpCode(secret, totpCodeAt(secret, step), null, now)).toEqual({ ok: true, step });
    expect(checkTotpCode(secret, totpCodeAt(secret, step - 1), null, now)).toEqual({ ok: true, step: step - 1 });
    expect(checkTotpCode(secret, totpCodeAt(secret, step + 2), null, now).ok).toBe(false);
    expect(checkTotpCode(secret, totpCodeAt(secret, step), step, now)).toEqual({ ok: false, reason: 'replayed' });
    expect(checkTotpCode(secret, totpCodeAt(secret, step - 1), step, now)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('makes 10 distinct recovery codes without look-alike characters, and reads them however typed', () => {
    const codes = generateRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(new RegExp(`^[${RECOVERY_ALPHABET}]{4}-[${RECOVERY_ALPHABET}]{4}$`));
    expect(RECOVERY_ALPHABET).not.toMatch(/[01ilo]/);
    expect(normalizeRecoveryCode(' ABCD efgh ')).toBe('abcd-efgh');
    expect(normalizeRecoveryCode('abcd-efg0')).toBeUndefined();
  });
});

describe.each(TEST_ENGINES)('second factor (TOTP) on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  let address = 10;
  let agentKey = '';
  let agentRecoveryCodes: string[] = [];

  const browser = () => new TestBrowser(t.app, { remoteAddress: `203.0.${address++}.9` });

  async function lastUsedStep(email: string): Promise<number | null> {
    const { rows } = await t.testDb.asSuperuser<{ step: string | null }>(
      'SELECT last_used_step AS step FROM totp_factor WHERE account_id = (SELECT id FROM account WHERE email = $1)',
      [email],
    );
    return rows[0]?.step == null ? null : Number(rows[0].step);
  }

  /**
   * A code the server has not seen yet: the current step's, or the next one (accepted within the
   * ±1 window). When both were already used (fast tests), moves the last used step back, as if
   * the previous code had been entered a minute ago.
   */
  async function freshCode(email: string, key: string): Promise<string> {
    const now = Math.floor(Date.now() / 30_000);
    const last = await lastUsedStep(email);
    let step = Math.max(now, (last ?? now - 1) + 1);
    if (step > now + 1) {
      await t.testDb.asSuperuser(
        'UPDATE totp_factor SET last_used_step = $2 WHERE account_id = (SELECT id FROM account WHERE email = $1)',
        [email, now - 1],
      );
      step = now;
    }
    return appCode(key, step);
  }

  async function moveStepUpBack(email: string) {
    await t.testDb.asSuperuser(
      `UPDATE session SET reauthenticated_at = now() - interval '10 minutes'
        WHERE account_id = (SELECT id FROM account WHERE email = $1)`,
      [email],
    );
  }

  async function mailsTo(to: string): Promise<string[]> {
    return withTenant(t.runtime.database, villebelle.id, async (tx) => {
      const { rows } = await tx.client.query<{ template: string }>(
        'SELECT template FROM mail_outbox WHERE to_address = $1 ORDER BY created_at, id',
        [to],
      );
      return rows.map((r) => r.template);
    });
  }

  async function auditCount(action: string, email: string): Promise<number> {
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_entry
        WHERE action = $1 AND actor_id = (SELECT id::text FROM account WHERE email = $2)`,
      [action, email],
    );
    return rows[0]!.n;
  }

  /** Signs in a staff member who has the app, and passes the second factor. */
  async function signInWithCode(email: string, key: string): Promise<TestBrowser> {
    return signIn(t.app, email, { browser: browser(), passFactor: { code: () => freshCode(email, key) } });
  }

  beforeAll(async () => {
    t = await createTestApp(engine);
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
  });
  afterAll(() => t?.close());

  it('sends staff past their grace period to enrolment, shows the recovery codes once, then opens the espace agent', async () => {
    const b = browser();
    await signIn(t.app, AGENT, { browser: b });
    const blocked = await b.get('/c/villebelle/agent');
    expect(blocked.statusCode).toBe(303);
    expect(blocked.headers.location).toBe(`${MFA}?retour=%2Fc%2Fvillebelle%2Fagent`);

    const page = await b.get(blocked.headers.location as string);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('Activer la double authentification');
    expect(page.body).toMatch(/<svg[^>]*role="img"[^>]*aria-label="Code QR à scanner/);
    expect(page.body).not.toContain('data:image');
    expect(page.body).not.toContain('Ne pas activer maintenant'); // mandatory for staff
    agentKey = keyOnPage(page.body);
    expect(agentKey).toHaveLength(32); // 20 bytes in base32
    expect(keyOnPage((await b.get(blocked.headers.location as string)).body)).toBe(agentKey); // stable on reload

    const stored = await t.testDb.asSuperuser<{ secret_encrypted: string }>(
      'SELECT secret_encrypted FROM totp_factor WHERE account_id = (SELECT id FROM account WHERE email = $1)',
      [AGENT],
    );
    expect(stored.rows[0]!.secret_encrypted).not.toContain(agentKey);

    const wrong = await b.post(MFA, { code: '12345', retour: '/c/villebelle/agent' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('Saisissez le code à 6 chiffres affiché par votre application, sans lettres.');

    const before = b.cookies.get('guichet_session')!;
    await b.get(`${MFA}?retour=%2Fc%2Fvillebelle%2Fagent`);
    const enrolled = await b.post(MFA, {
      code: appCode(agentKey, Math.floor(Date.now() / 30_000)),
      retour: '/c/villebelle/agent',
    });
    expect(enrolled.statusCode).toBe(200);
    expect(enrolled.body).toContain('Vos codes de secours');
    expect(enrolled.body).toContain('Je les ai notés');
    agentRecoveryCodes = recoveryCodesOnPage(enrolled.body);
    expect(agentRecoveryCodes).toHaveLength(10);
    expect(enrolled.body).toContain('href="/c/villebelle/agent"');

    // New session at the privilege change; the old cookie no longer works.
    const after = b.cookies.get('guichet_session')!;
    expect(after).not.toBe(before);
    const stale = browser();
    stale.cookies.set('guichet_session', before);
    expect((await stale.get('/c/villebelle/compte')).statusCode).toBe(303);

    const agentPage = await b.get('/c/villebelle/agent');
    expect(agentPage.statusCode).toBe(200);
    // The codes are never shown again.
    const security = await b.get(SECURITY);
    expect(security.body).toContain('Activée depuis le');
    expect(security.body).toContain('10 codes inutilisés sur 10');
    for (const code of agentRecoveryCodes) expect(security.body).not.toContain(code);
    expect((await b.get(MFA)).statusCode).toBe(303);

    const hashes = await t.testDb.asSuperuser<{ code_hash: string }>(
      'SELECT code_hash FROM recovery_code WHERE account_id = (SELECT id FROM account WHERE email = $1)',
      [AGENT],
    );
    expect(hashes.rows).toHaveLength(10);
    expect(hashes.rows.every((r) => r.code_hash.startsWith('$argon2id$'))).toBe(true);
    expect(await mailsTo(AGENT)).toContain('mfaEnabled');
    expect(await auditCount('auth.mfa_enabled', AGENT)).toBe(1);
  });

  it('asks for the code at each new sign-in, refuses a wrong code in French and a replayed one', async () => {
    const b = browser();
    const res = await postSignIn(b, AGENT);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${MFA}?retour=%2Fc%2Fvillebelle%2Fespace`);
    expect((await b.get('/c/villebelle/agent')).headers.location).toBe(`${MFA}?retour=%2Fc%2Fvillebelle%2Fagent`);

    const challenge = await b.get(`${MFA}?retour=%2Fc%2Fvillebelle%2Fagent`);
    expect(challenge.body).toContain('Code à 6 chiffres de votre application');
    const right = await freshCode(AGENT, agentKey);
    const wrongCode = right === '000000' ? '111111' : '000000';
    const wrong = await b.post(MFA, { code: wrongCode, retour: '/c/villebelle/agent' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('Ce code est incorrect.');
    expect(wrong.body).toContain('Erreur\u00a0: Double authentification');

    const before = b.cookies.get('guichet_session');
    const ok = await b.post(MFA, { code: right, retour: '/c/villebelle/agent' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/c/villebelle/agent');
    expect(b.cookies.get('guichet_session')).not.toBe(before);
    expect((await b.get('/c/villebelle/agent')).statusCode).toBe(200);

    const other = browser();
    await signIn(t.app, AGENT, { browser: other });
    await other.get(MFA);
    const replay = await other.post(MFA, { code: right, retour: '/c/villebelle/agent' });
    expect(replay.statusCode).toBe(422);
    expect(replay.body).toContain('Ce code a déjà été utilisé.');
    expect((await other.get('/c/villebelle/agent')).statusCode).toBe(303);
    expect(await auditCount('auth.mfa_verified', AGENT)).toBe(1);
    expect(await auditCount('auth.mfa_failed', AGENT)).toBeGreaterThanOrEqual(2);
  });

  it('accepts a recovery code once, however it is typed', async () => {
    const first = browser();
    await signIn(t.app, AGENT, { browser: first });
    await first.get(MFA);
    const code = agentRecoveryCodes[0]!;
    const typed = ` ${code.replace('-', ' ').toUpperCase()} `;
    const ok = await first.post(MFA, { code: typed, retour: '/c/villebelle/agent' });
    expect(ok.statusCode).toBe(303);
    expect((await first.get('/c/villebelle/agent')).statusCode).toBe(200);
    expect((await first.get(SECURITY)).body).toContain('9 codes inutilisés sur 10');
    expect(await mailsTo(AGENT)).toContain('recoveryCodeUsed');

    const second = browser();
    await signIn(t.app, AGENT, { browser: second });
    await second.get(MFA);
    const again = await second.post(MFA, { code, retour: '/c/villebelle/agent' });
    expect(again.statusCode).toBe(422);
    expect(again.body).toContain('Ce code de secours est incorrect ou a déjà été utilisé.');
  });

  it('does not let staff disable their only second factor', async () => {
    const b = await signInWithCode(AGENT, agentKey);
    const security = await b.get(SECURITY);
    expect(security.body).not.toContain('Désactiver l’application d’authentification');
    expect(security.body).toContain('doivent garder une double authentification');
    const page = await b.get(`${SECURITY}/desactiver-application`);
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('Désactivation impossible');
    await b.get('/c/villebelle/compte'); // a page with a form, for the CSRF token
    const post = await b.post(`${SECURITY}/desactiver-application`, {});
    expect(post.statusCode).toBe(403);
    expect(post.body).toContain('doivent garder une double authentification');
    expect(await lastUsedStep(AGENT)).not.toBeNull();
    expect(await auditCount('auth.mfa_disabled', AGENT)).toBe(0);
  });

  it('asks to confirm the identity before regenerating recovery codes once the step-up window is over', async () => {
    const b = await signInWithCode(AGENT, agentKey);
    // Just authenticated: no step-up needed.
    expect((await b.get(`${SECURITY}/codes-de-secours`)).statusCode).toBe(200);

    await moveStepUpBack(AGENT);
    const redirected = await b.get(`${SECURITY}/codes-de-secours`);
    expect(redirected.statusCode).toBe(303);
    expect(redirected.headers.location).toBe(
      '/c/villebelle/compte/confirmer-identite?retour=%2Fc%2Fvillebelle%2Fcompte%2Fsecurite%2Fcodes-de-secours',
    );
    // A POST straight to the action is sent to the step-up too, and changes nothing.
    const direct = await b.post(`${SECURITY}/codes-de-secours`, {});
    expect(direct.statusCode).toBe(303);
    expect(direct.headers.location).toBe(redirected.headers.location);

    const stepUp = await b.get(redirected.headers.location as string);
    expect(stepUp.body).toContain('Confirmez votre identité');
    expect(stepUp.body).toContain('Code à 6 chiffres de votre application');
    const right = await freshCode(AGENT, agentKey);
    const wrong = await b.post('/c/villebelle/compte/confirmer-identite', {
      methode: 'code',
      code: right === '999999' ? '888888' : '999999',
      retour: '/c/villebelle/compte/securite/codes-de-secours',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('Ce code est incorrect.');
    const confirmed = await b.post('/c/villebelle/compte/confirmer-identite', {
      methode: 'code',
      code: right,
      retour: '/c/villebelle/compte/securite/codes-de-secours',
    });
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe('/c/villebelle/compte/securite/codes-de-secours');

    await b.get(confirmed.headers.location as string);
    const regenerated = await b.post(`${SECURITY}/codes-de-secours`, {});
    expect(regenerated.statusCode).toBe(200);
    const fresh = recoveryCodesOnPage(regenerated.body);
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(agentRecoveryCodes[1]);
    expect(await auditCount('auth.recovery_codes_regenerated', AGENT)).toBe(1);
    expect(await auditCount('auth.step_up', AGENT)).toBe(1);

    // The old codes no longer work; the new ones do.
    const old = browser();
    await signIn(t.app, AGENT, { browser: old });
    await old.get(MFA);
    expect((await old.post(MFA, { code: agentRecoveryCodes[1]! })).statusCode).toBe(422);
    expect((await old.post(MFA, { code: fresh[0]! })).statusCode).toBe(303);
    agentRecoveryCodes = fresh.slice(1);
  });

  it('lets a citizen enable the app, then disable it after confirming the identity', async () => {
    const b = browser();
    expect((await postSignIn(b, CITIZEN)).headers.location).toBe('/c/villebelle/espace');
    const security = await b.get(SECURITY);
    expect(security.statusCode).toBe(200);
    expect(security.body).toContain('Non activée');
    expect(security.body).toContain('facultative');

    const enrol = await b.get(`${MFA}?retour=${encodeURIComponent(SECURITY)}`);
    expect(enrol.body).toContain('Ne pas activer maintenant');
    const key = keyOnPage(enrol.body);
    const enabled = await b.post(MFA, { code: await freshCode(CITIZEN, key), retour: SECURITY });
    expect(enabled.statusCode).toBe(200);
    expect(recoveryCodesOnPage(enabled.body)).toHaveLength(10);
    expect(enabled.body).toContain(`href="${SECURITY}"`);
    expect((await b.get(SECURITY)).body).toContain('Désactiver l’application d’authentification');

    // A new sign-in now asks for the code.
    const laptop = browser();
    expect((await postSignIn(laptop, CITIZEN)).headers.location).toBe(`${MFA}?retour=%2Fc%2Fvillebelle%2Fespace`);

    await moveStepUpBack(CITIZEN);
    const disable = await b.get(`${SECURITY}/desactiver-application`);
    expect(disable.statusCode).toBe(303);
    expect(disable.headers.location).toBe(
      '/c/villebelle/compte/confirmer-identite?retour=%2Fc%2Fvillebelle%2Fcompte%2Fsecurite%2Fdesactiver-application',
    );
    const withCode = await b.get(disable.headers.location as string);
    expect(withCode.body).toContain('Utiliser plutôt mon mot de passe');
    const withPassword = await b.get(
      '/c/villebelle/compte/confirmer-identite?retour=%2Fc%2Fvillebelle%2Fcompte%2Fsecurite%2Fdesactiver-application&methode=mot-de-passe',
    );
    expect(withPassword.body).toContain('autocomplete="current-password"');
    const badPassword = await b.post('/c/villebelle/compte/confirmer-identite', {
      methode: 'mot-de-passe',
      password: 'pas-le-bon-mot-de-passe',
      retour: `${SECURITY}/desactiver-application`,
    });
    expect(badPassword.statusCode).toBe(422);
    expect(badPassword.body).toContain('Mot de passe incorrect.');
    const confirmed = await b.post('/c/villebelle/compte/confirmer-identite', {
      methode: 'mot-de-passe',
      password: DEMO_PASSWORD,
      retour: `${SECURITY}/desactiver-application`,
    });
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe(`${SECURITY}/desactiver-application`);

    const confirmPage = await b.get(`${SECURITY}/desactiver-application`);
    expect(confirmPage.statusCode).toBe(200);
    const disabled = await b.post(`${SECURITY}/desactiver-application`, {});
    expect(disabled.statusCode).toBe(303);
    expect(disabled.headers.location).toBe(`${SECURITY}?desactivee=1`);
    const after = await b.get(disabled.headers.location as string);
    expect(after.body).toContain('La double authentification par application est désactivée.');
    expect(after.body).toContain('Non activée');
    expect(await mailsTo(CITIZEN)).toEqual(expect.arrayContaining(['mfaEnabled', 'mfaDisabled']));

    // The password alone is enough again.
    expect((await postSignIn(browser(), CITIZEN)).headers.location).toBe('/c/villebelle/espace');
    const history = await b.get('/c/villebelle/compte/historique');
    expect(history.body).toContain('Double authentification activée');
    expect(history.body).toContain('Double authentification désactivée');
    expect(history.body).toContain('Identité confirmée avant une action sensible');
    expect(history.body).toContain('Échec de confirmation d’identité');
  });

  it('locks the second factor for a while after 10 wrong codes', async () => {
    const b = browser();
    await signIn(t.app, AGENT, { browser: b });
    await b.get(MFA);
    const right = await freshCode(AGENT, agentKey);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const wrong = String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0');
      statuses.push((await b.post(MFA, { code: wrong })).statusCode);
    }
    expect(statuses.slice(0, 9)).toEqual(Array(9).fill(422));
    expect(statuses[9]).toBe(429);
    const locked = await b.post(MFA, { code: right });
    expect(locked.statusCode).toBe(429);
    expect(locked.body).toContain('Trop de codes incorrects. Par sécurité, réessayez après le');
    expect((await b.post(MFA, { code: agentRecoveryCodes[0]! })).statusCode).toBe(429);
    expect(await auditCount('auth.mfa_locked', AGENT)).toBe(1);
  }, 60_000);
});
