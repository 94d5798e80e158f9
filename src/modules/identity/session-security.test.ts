/**
 * Issue 8, findings 6, 7 and 10 (identity side): CSRF tokens bound to the session, `__Host-`
 * cookie over https; a password reset request doing the same work for a known and an unknown
 * address; `Retry-After` on the lockout page; signing in again in the same browser ends the
 * previous session.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { runQueuedJobs } from '../../test/jobs.js';
import { DEMO_PASSWORD } from '../demo/accounts.js';
import { seedDemo } from '../demo/seed.js';
import { PASSWORD_RESET_JOB } from './reset-job.js';

const CITIZEN = 'camille.martin@courriel.example';
const MAYOR = 'maire@villebelle.example';

function setCookies(res: LightMyRequestResponse): string[] {
  const set = res.headers['set-cookie'];
  return Array.isArray(set) ? set : set ? [set] : [];
}

describe.each(TEST_ENGINES)('sessions and forms on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  let address = 1;
  const browser = () => new TestBrowser(t.app, { remoteAddress: `198.18.${address++}.9` });

  async function signedIn(email: string): Promise<TestBrowser> {
    const b = browser();
    const res = await b.submit('/c/villebelle/connexion', { email, password: DEMO_PASSWORD });
    expect(res.statusCode, `sign-in of ${email}`).toBe(303);
    return b;
  }

  /** What a request wrote: jobs queued by name, audit entries by action. */
  async function writes() {
    const jobs = await t.testDb.asSuperuser<{ name: string; n: string }>(
      `SELECT name, count(*) AS n FROM pgboss.job WHERE name NOT LIKE '\\_\\_%' GROUP BY name ORDER BY name`,
    );
    const audit = await withTenant(t.runtime.database, villebelle.id, async (tx) => {
      const { rows } = await tx.client.query<{ action: string; n: string }>(
        'SELECT action, count(*) AS n FROM audit_entry GROUP BY action ORDER BY action',
      );
      return rows;
    });
    const outbox = await t.testDb.asSuperuser<{ n: string }>('SELECT count(*) AS n FROM mail_outbox');
    const tokens = await t.testDb.asSuperuser<{ n: string }>('SELECT count(*) AS n FROM email_token');
    return {
      jobs: Object.fromEntries(jobs.rows.map((r) => [r.name, Number(r.n)])),
      audit: Object.fromEntries(audit.map((r) => [r.action, Number(r.n)])),
      outbox: Number(outbox.rows[0]!.n),
      tokens: Number(tokens.rows[0]!.n),
    };
  }

  /** How `after` differs from `before`, per counter. */
  function delta(before: Awaited<ReturnType<typeof writes>>, after: Awaited<ReturnType<typeof writes>>) {
    const diff = (b: Record<string, number>, a: Record<string, number>) =>
      Object.fromEntries(
        Object.keys(a)
          .filter((k) => a[k] !== (b[k] ?? 0))
          .map((k) => [k, a[k]! - (b[k] ?? 0)]),
      );
    return {
      jobs: diff(before.jobs, after.jobs),
      audit: diff(before.audit, after.audit),
      outbox: after.outbox - before.outbox,
      tokens: after.tokens - before.tokens,
    };
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
  });
  afterAll(() => t?.close());

  it('refuses a CSRF cookie+token pair obtained in another session (finding 6)', async () => {
    const victim = await signedIn(CITIZEN);
    const attacker = await signedIn(MAYOR);
    await attacker.get('/c/villebelle/compte');
    const attackerToken = attacker.csrf();
    const attackerCsrfCookie = attacker.cookies.get('guichet_csrf')!;
    expect(attackerCsrfCookie).toBeTruthy();

    // The attacker's pair, planted in the victim's browser next to the victim's session cookie.
    victim.cookies.set('guichet_csrf', attackerCsrfCookie);
    const planted = await victim.post('/c/villebelle/deconnexion', { _csrf: attackerToken }, { withCsrf: false });
    expect(planted.statusCode).toBe(403);
    expect(planted.body).toContain('Le formulaire a expiré');
    expect((await victim.get('/c/villebelle/compte')).statusCode).toBe(200); // still signed in

    // A pair made anonymously (the attacker's own browser, no session) is refused as well.
    const anonymous = browser();
    await anonymous.get('/c/villebelle/connexion');
    victim.cookies.set('guichet_csrf', anonymous.cookies.get('guichet_csrf')!);
    const anonymousPair = await victim.post(
      '/c/villebelle/deconnexion',
      { _csrf: anonymous.csrf() },
      { withCsrf: false },
    );
    expect(anonymousPair.statusCode).toBe(403);

    // The victim's own token of its own session still works.
    const own = browser();
    const res = await own.submit('/c/villebelle/connexion', { email: CITIZEN, password: DEMO_PASSWORD });
    expect(res.statusCode).toBe(303);
    await own.get('/c/villebelle/compte');
    expect((await own.post('/c/villebelle/deconnexion', {})).statusCode).toBe(303);
  });

  it('gives a new CSRF secret at sign-in (finding 6)', async () => {
    const b = browser();
    await b.get('/c/villebelle/connexion');
    const before = b.cookies.get('guichet_csrf');
    const res = await b.post('/c/villebelle/connexion', { email: CITIZEN, password: DEMO_PASSWORD });
    expect(res.statusCode).toBe(303);
    expect(setCookies(res).some((c) => /^guichet_csrf=;/.test(c))).toBe(true);
    await b.get('/c/villebelle/compte');
    expect(b.cookies.get('guichet_csrf')).toBeTruthy();
    expect(b.cookies.get('guichet_csrf')).not.toBe(before);
  });

  it('ends the previous session when someone signs in again in the same browser (finding 10)', async () => {
    const b = await signedIn(CITIZEN);
    const first = b.cookies.get('guichet_session')!;
    expect((await b.get('/c/villebelle/compte')).statusCode).toBe(200);
    const again = await b.submit('/c/villebelle/connexion', { email: MAYOR, password: DEMO_PASSWORD });
    expect(again.statusCode).toBe(303);
    expect(b.cookies.get('guichet_session')).not.toBe(first);

    const old = await t.app.inject({
      url: '/c/villebelle/compte',
      headers: { cookie: `guichet_session=${first}` },
      remoteAddress: '198.18.250.1',
    });
    expect(old.statusCode).toBe(303);
    expect(old.headers.location).toMatch(/^\/c\/villebelle\/connexion\?retour=/);
    const current = await b.get('/c/villebelle/compte');
    expect(current.statusCode).toBe(200);
    expect(current.body).toContain('Sophie Moreau');
  });

  it('answers a locked sign-in with Retry-After (finding 10)', async () => {
    await t.testDb.asSuperuser(
      `INSERT INTO auth_throttle (key, failures, last_failure_at, locked_until)
       VALUES ('account:dgs@villebelle.example', 10, now(), now() + interval '15 minutes')
       ON CONFLICT (key) DO UPDATE SET locked_until = EXCLUDED.locked_until`,
    );
    const res = await browser().submit('/c/villebelle/connexion', {
      email: 'dgs@villebelle.example',
      password: DEMO_PASSWORD,
    });
    expect(res.statusCode).toBe(429);
    expect(res.body).toContain('Trop de tentatives');
    const seconds = Number(res.headers['retry-after']);
    expect(seconds).toBeGreaterThan(14 * 60);
    expect(seconds).toBeLessThanOrEqual(15 * 60);
  });

  it('does the same work for a reset of a known and of an unknown address (finding 7)', async () => {
    const answers: string[] = [];
    const deltas = [];
    for (const email of [CITIZEN, 'personne.inconnue@courriel.example']) {
      const b = browser();
      await b.get('/c/villebelle/mot-de-passe-oublie');
      const before = await writes();
      const res = await b.post('/c/villebelle/mot-de-passe-oublie', { email });
      expect(res.statusCode).toBe(200);
      answers.push(res.body.replace(/value="[^"]*"/g, ''));
      deltas.push(delta(before, await writes()));
    }
    expect(answers[0]).toBe(answers[1]);
    // One job and one audit entry each, and nothing else during the request: no link, no mail yet.
    expect(deltas[0]).toEqual({
      jobs: { [PASSWORD_RESET_JOB]: 1 },
      audit: { 'auth.password_reset_requested': 1 },
      outbox: 0,
      tokens: 0,
    });
    expect(deltas[1]).toEqual(deltas[0]);

    // The job then makes the link and the mail, for the known address only.
    const before = await writes();
    expect(await runQueuedJobs(t, PASSWORD_RESET_JOB)).toBe(2);
    const after = await writes();
    expect(after.outbox - before.outbox).toBe(1);
    expect(after.tokens - before.tokens).toBe(1);
    const { rows } = await t.testDb.asSuperuser<{ to_address: string; template: string }>(
      'SELECT to_address, template FROM mail_outbox ORDER BY created_at DESC LIMIT 1',
    );
    expect(rows[0]).toEqual({ to_address: CITIZEN, template: 'passwordReset' });
  });
});

describe.each(TEST_ENGINES)('CSRF cookie over https on %s', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_PUBLIC_URL: 'https://guichet.exemple.fr' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
  });
  afterAll(() => t?.close());

  it('names the CSRF cookie __Host- (Secure, Path=/, no Domain) (finding 6)', async () => {
    const res = await t.app.inject({ url: '/c/villebelle/connexion' });
    const csrf = setCookies(res).find((c) => c.includes('guichet_csrf='));
    expect(csrf).toMatch(/^__Host-guichet_csrf=/);
    expect(csrf).toMatch(/; Secure/i);
    expect(csrf).toMatch(/; Path=\//i);
    expect(csrf).not.toMatch(/Domain=/i);
    // The form posts back with it.
    const b = new TestBrowser(t.app, { remoteAddress: '198.18.251.1' });
    const signIn = await b.submit('/c/villebelle/connexion', { email: CITIZEN, password: DEMO_PASSWORD });
    expect(signIn.statusCode).toBe(303);
    // Its new secret at sign-in: the old one is removed by a Secure cookie (the prefix demands it).
    const cleared = setCookies(signIn).find((c) => c.startsWith('__Host-guichet_csrf=;'));
    expect(cleared).toMatch(/; Secure/i);
  });
});
