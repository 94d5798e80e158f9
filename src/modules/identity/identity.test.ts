import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { runQueuedJobs } from '../../test/jobs.js';
import { postSignIn, signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';
import { PASSWORD_RESET_JOB } from './reset-job.js';

const STRONG = 'cheval-agrafe-batterie-correct-8';

describe.each(TEST_ENGINES)('identity on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  let saintAubin: Commune;
  let address = 10;

  /** Each test gets its own network address, so throttling of one test does not leak into another. */
  const browser = () => new TestBrowser(t.app, { remoteAddress: `198.51.${address++}.7` });

  async function lastMailTo(commune: Commune, to: string) {
    await runQueuedJobs(t, PASSWORD_RESET_JOB); // reset links are made by a job (no worker here)
    return withTenant(t.runtime.database, commune.id, async (tx) => {
      const { rows } = await tx.client.query(
        'SELECT template, subject, text_body FROM mail_outbox WHERE to_address = $1 ORDER BY created_at DESC, id DESC LIMIT 1',
        [to],
      );
      return rows[0] as { template: string; subject: string; text_body: string } | undefined;
    });
  }

  function linkIn(text: string): string {
    const url = /(http:\/\/localhost:3000(\/c\/[^\s]+))/.exec(text)?.[2];
    if (!url) throw new Error(`no link in ${text}`);
    return url;
  }

  beforeAll(async () => {
    t = await createTestApp(engine);
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    saintAubin = (await t.runtime.communes.bySlug('saint-aubin-les-pres'))!;
  });
  afterAll(() => t?.close());

  it('registers a citizen, confirms the address from the e-mail, then signs in', async () => {
    const b = browser();
    const res = await b.submit('/c/villebelle/inscription', {
      givenName: 'Aline',
      familyName: 'Dubois',
      email: 'Aline.Dubois@Example.org',
      password: STRONG,
      consent: 'oui',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Consultez votre messagerie');
    const mail = await lastMailTo(villebelle, 'aline.dubois@example.org');
    expect(mail?.template).toBe('verifyEmail');

    const early = await postSignIn(b, 'aline.dubois@example.org', { password: STRONG });
    expect(early.statusCode).toBe(422);
    expect(shownText(early.body)).toContain(
      'Adresse pas encore confirmée : un nouveau lien de confirmation vient de vous être envoyé.',
    );

    const confirmLink = linkIn((await lastMailTo(villebelle, 'aline.dubois@example.org'))!.text_body);
    const confirmed = await b.get(confirmLink);
    expect(confirmed.statusCode).toBe(303);
    expect((await b.get(confirmLink)).statusCode).toBe(410); // single use

    const ok = await postSignIn(b, 'aline.dubois@example.org', { password: STRONG });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/c/villebelle/espace');
    const account = await b.get('/c/villebelle/compte');
    expect(account.body).toContain('Aline Dubois');
    expect(account.body).toContain('usager');
  });

  it('explains in French why a registration is refused, and keeps what was typed', async () => {
    const b = browser();
    const res = await b.submit('/c/villebelle/inscription', {
      givenName: 'Jean',
      familyName: 'Valjean',
      email: 'pas-une-adresse',
      password: 'valjean2024',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Saisissez une adresse électronique valide');
    expect(res.body).toContain('Acceptez les conditions');
    expect(res.body).toContain('value="Valjean"');
    expect(res.body).not.toContain('valjean2024');
  });

  it('answers a registration with a known address exactly like a new one (no enumeration)', async () => {
    const known = await browser().submit('/c/villebelle/inscription', {
      givenName: 'Camille',
      familyName: 'Martin',
      email: 'camille.martin@courriel.example',
      password: STRONG,
      consent: 'oui',
    });
    const unknown = await browser().submit('/c/villebelle/inscription', {
      givenName: 'Camille',
      familyName: 'Martin',
      email: 'camille.martin2@courriel.example',
      password: STRONG,
      consent: 'oui',
    });
    expect(known.statusCode).toBe(unknown.statusCode);
    const strip = (html: string) =>
      html.replace(/camille\.martin2?@courriel\.example/g, '').replace(/value="[^"]+"/g, '');
    expect(strip(known.body)).toBe(strip(unknown.body));
    expect((await lastMailTo(villebelle, 'camille.martin@courriel.example'))?.template).toBe('accountAlreadyExists');
  });

  it('gives the same answer for an unknown address and a wrong password', async () => {
    const unknown = await postSignIn(browser(), 'personne@example.org', { password: 'nimporte quoi' });
    const wrong = await postSignIn(browser(), 'camille.martin@courriel.example', { password: 'nimporte quoi' });
    expect(unknown.statusCode).toBe(422);
    expect(wrong.statusCode).toBe(422);
    const strip = (html: string) => html.replace(/value="[^"]*"/g, '');
    expect(strip(unknown.body)).toBe(strip(wrong.body));
    expect(wrong.body).toContain('Adresse électronique ou mot de passe incorrect.');
  });

  it('sets an httpOnly, SameSite=Lax session cookie and a new session id at each sign-in', async () => {
    const b = browser();
    const first = await postSignIn(b, 'camille.martin@courriel.example');
    const cookie = [first.headers['set-cookie']].flat().find((c) => String(c).startsWith('guichet_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const token1 = b.cookies.get('guichet_session');
    await signIn(t.app, 'camille.martin@courriel.example', { browser: b });
    const token2 = b.cookies.get('guichet_session');
    expect(token2).not.toBe(token1);
    const stored = await t.testDb.asSuperuser<{ n: number }>(
      'SELECT count(*)::int AS n FROM session WHERE token_hash = $1 OR token_hash = $2',
      [token1, token2],
    );
    expect(stored.rows[0]!.n).toBe(0); // only hashes are stored
  });

  it('ends a session after 30 minutes of inactivity', async () => {
    const b = await signIn(t.app, 'camille.martin@courriel.example');
    expect((await b.get('/c/villebelle/compte')).statusCode).toBe(200);
    await t.testDb.asSuperuser(
      `UPDATE session SET last_seen_at = now() - interval '31 minutes'
        WHERE account_id = (SELECT id FROM account WHERE email = 'camille.martin@courriel.example')`,
    );
    const after = await b.get('/c/villebelle/compte');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/c/villebelle/connexion?retour=%2Fc%2Fvillebelle%2Fcompte');
  });

  it('lists sessions, closes another one, and logs out everywhere', async () => {
    const phone = await signIn(t.app, 'maire@saint-aubin-les-pres.example', { slug: 'saint-aubin-les-pres' });
    const laptop = await signIn(t.app, 'maire@saint-aubin-les-pres.example', { slug: 'saint-aubin-les-pres' });
    const list = await laptop.get('/c/saint-aubin-les-pres/compte/sessions');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('(cet appareil)');
    const closed = await laptop.post('/c/saint-aubin-les-pres/compte/sessions/fermer-tout', {});
    expect(closed.headers.location).toBe('/c/saint-aubin-les-pres/compte/sessions?fermees=1');
    expect((await phone.get('/c/saint-aubin-les-pres/compte')).statusCode).toBe(303);
    expect((await laptop.get('/c/saint-aubin-les-pres/compte')).statusCode).toBe(200);
    await laptop.submit('/c/saint-aubin-les-pres/compte', {}, '/c/saint-aubin-les-pres/deconnexion');
    expect((await laptop.get('/c/saint-aubin-les-pres/compte')).statusCode).toBe(303);
  });

  it('resets a password with a single-use link that expires after 30 minutes', async () => {
    const b = browser();
    const asked = await b.submit('/c/villebelle/mot-de-passe-oublie', { email: 'camille.martin@courriel.example' });
    const unknown = await browser().submit('/c/villebelle/mot-de-passe-oublie', { email: 'inconnu@example.org' });
    expect(asked.body.replace(/value="[^"]*"/g, '')).toBe(unknown.body.replace(/value="[^"]*"/g, ''));
    const link = linkIn((await lastMailTo(villebelle, 'camille.martin@courriel.example'))!.text_body);
    const token = new URL(`http://x${link}`).searchParams.get('jeton')!;
    const stored = await t.testDb.asSuperuser('SELECT 1 FROM email_token WHERE token_hash = $1', [token]);
    expect(stored.rowCount).toBe(0); // stored hashed

    const weak = await b.submit(link, { password: 'camille1234', confirmation: 'camille1234' });
    expect(weak.statusCode).toBe(422);
    expect(weak.body).toContain('prénom');
    const done = await b.submit(link, { password: 'Nuage-Marmotte-Piano-77', confirmation: 'Nuage-Marmotte-Piano-77' });
    expect(done.statusCode).toBe(303);
    expect((await b.get(link)).statusCode).toBe(410);
    expect((await lastMailTo(villebelle, 'camille.martin@courriel.example'))?.template).toBe('passwordChanged');
    expect(
      (await postSignIn(browser(), 'camille.martin@courriel.example', { password: 'Nuage-Marmotte-Piano-77' }))
        .statusCode,
    ).toBe(303);

    await browser().submit('/c/villebelle/mot-de-passe-oublie', { email: 'camille.martin@courriel.example' });
    const late = linkIn((await lastMailTo(villebelle, 'camille.martin@courriel.example'))!.text_body);
    await t.testDb.asSuperuser(`UPDATE email_token SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`);
    expect((await browser().get(late)).statusCode).toBe(410);
  });

  it('throttles 50 wrong attempts: progressive delays, then a temporary lockout, per account and per network', async () => {
    const attacker = browser();
    const statuses: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      statuses.push((await postSignIn(attacker, 'dgs@villebelle.example', { password: `essai-${i}` })).statusCode);
    }
    expect(statuses.slice(0, 9)).toEqual(Array(9).fill(422));
    expect(statuses.slice(9).every((s) => s === 429)).toBe(true);
    const locked = await postSignIn(browser(), 'dgs@villebelle.example');
    expect(locked.statusCode).toBe(429);
    expect(shownText(locked.body)).toContain('Trop de tentatives : réessayez après le');
    const journal = await withTenant(
      t.runtime.database,
      villebelle.id,
      async (tx) =>
        (
          await tx.client.query(
            `SELECT count(*)::int AS n FROM audit_entry WHERE action IN ('auth.sign_in_failed', 'auth.locked')`,
          )
        ).rows[0].n,
    );
    expect(journal).toBeGreaterThanOrEqual(10);
  }, 120_000);

  it('lets staff reach the espace agent, refuses citizens and other communes with 404', async () => {
    const agent = await signIn(t.app, 'agent.urbanisme@villebelle.example');
    const page = await agent.get('/c/villebelle/agent');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Urbanisme');
    expect(page.body).not.toContain('État civil');
    expect((await agent.get('/c/saint-aubin-les-pres/agent')).statusCode).toBe(404);

    const citizen = await signIn(t.app, 'camille.martin@courriel.example', { password: 'Nuage-Marmotte-Piano-77' });
    expect((await citizen.get('/c/villebelle/agent')).statusCode).toBe(404);

    const anonymous = await browser().get('/c/villebelle/agent');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/c\/villebelle\/connexion\?retour=/);

    const mayor = await signIn(t.app, 'maire@villebelle.example');
    const all = await mayor.get('/c/villebelle/agent');
    expect(all.body).toContain('Tous les services de la commune');
    expect(all.body).toContain('État civil');
  });

  it('sends staff whose grace period is over to the second-factor page', async () => {
    const agent = await signIn(t.app, 'agent.enfance@villebelle.example');
    const page = await agent.get('/c/villebelle/agent');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toMatch(/^\/c\/villebelle\/compte\/double-authentification\?retour=/);
  });

  it('shows a citizen their own connection history', async () => {
    const b = browser();
    await signIn(t.app, 'camille.martin@courriel.example', {
      slug: 'saint-aubin-les-pres',
      password: 'Nuage-Marmotte-Piano-77',
      browser: b,
    });
    const history = await b.get('/c/saint-aubin-les-pres/compte/historique');
    expect(history.statusCode).toBe(200);
    expect(history.body).toContain('Connexion');
    expect(history.body).toMatch(/198\.51\.\d+\.0/);
    expect(saintAubin.slug).toBe('saint-aubin-les-pres');
  });
});
