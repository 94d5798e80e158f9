import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../platform/audit/journal.js';
import { STEP_UP_PATH } from '../../platform/authz/step-up.js';
import { withInstance, withTenant } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import { hashApiToken, requireTokenCommune } from '../../platform/http/api-auth.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { postSignIn, signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';

const STAFF_PASSWORD = 'Girouette-Cerisier-Banquise-41';

describe.each(TEST_ENGINES)('commune administration on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  let saintAubin: Commune;
  let address = 10;

  const browser = () => new TestBrowser(t.app, { remoteAddress: `203.0.${address++}.9` });

  async function accountId(email: string): Promise<string> {
    const { rows } = await t.testDb.asSuperuser<{ id: string }>('SELECT id FROM account WHERE email = $1', [email]);
    return rows[0]!.id;
  }

  async function serviceId(commune: Commune, slug: string): Promise<string> {
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      'SELECT id FROM service WHERE commune_id = $1 AND slug = $2',
      [commune.id, slug],
    );
    return rows[0]!.id;
  }

  async function lastMailTo(commune: Commune, to: string) {
    return withTenant(t.runtime.database, commune.id, async (tx) => {
      const { rows } = await tx.client.query(
        'SELECT template, subject, text_body FROM mail_outbox WHERE to_address = $1 ORDER BY created_at DESC, id DESC LIMIT 1',
        [to],
      );
      return rows[0] as { template: string; subject: string; text_body: string } | undefined;
    });
  }

  async function auditActions(commune: Commune, action: string) {
    const { rows } = await t.testDb.asSuperuser<{ actor_id: string; target_id: string; data: Record<string, unknown> }>(
      'SELECT actor_id, target_id, data FROM audit_entry WHERE commune_id = $1 AND action = $2 ORDER BY seq',
      [commune.id, action],
    );
    return rows;
  }

  /** Makes the person's sessions look as if the last credential was entered 10 minutes ago. */
  async function makeStale(email: string) {
    await t.testDb.asSuperuser(
      `UPDATE session SET reauthenticated_at = now() - interval '10 minutes'
        WHERE account_id = (SELECT id FROM account WHERE email = $1)`,
      [email],
    );
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

  it('lists the members with their roles, services and second factor, for administrators only', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    const page = await admin.get('/c/villebelle/admin/membres');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Membres de la commune');
    expect(page.body).toContain('agent.etat-civil@villebelle.example');
    expect(page.body).toContain('État civil');
    expect(page.body).toContain('directeur ou directrice générale des services');
    expect(page.body).not.toContain('camille.martin@courriel.example'); // citizens are not members of staff

    const mayor = await signIn(t.app, 'maire@villebelle.example');
    expect((await mayor.get('/c/villebelle/admin/membres')).statusCode).toBe(404);
    const otherAdmin = await signIn(t.app, 'secretariat@saint-aubin-les-pres.example', {
      slug: 'saint-aubin-les-pres',
    });
    expect((await otherAdmin.get('/c/villebelle/admin/membres')).statusCode).toBe(404);
    expect((await browser().get('/c/villebelle/admin/membres')).headers.location).toMatch(
      /^\/c\/villebelle\/connexion/,
    );
  });

  it('invites an agent who chooses a staff-grade password from the e-mailed link, then signs in', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    const urbanisme = await serviceId(villebelle, 'urbanisme');

    const missing = await admin.submit('/c/villebelle/admin/membres/inviter', {
      email: 'Nouvel.Agent@Villebelle.example',
      givenName: 'Rémi',
      familyName: 'Carpentier',
      role: 'agent',
    });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('Cochez au moins un service pour un agent.');
    expect(missing.body).toContain('value="Nouvel.Agent@Villebelle.example"');

    const sent = await admin.submit('/c/villebelle/admin/membres/inviter', {
      email: 'Nouvel.Agent@Villebelle.example',
      givenName: 'Rémi',
      familyName: 'Carpentier',
      role: 'agent',
      services: urbanisme,
    });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/c/villebelle/admin/membres?invite=1');
    const list = await admin.get(sent.headers.location as string);
    expect(list.body).toContain('nouvel.agent@villebelle.example');
    expect(list.body).toContain('invitation en attente');

    const mail = await lastMailTo(villebelle, 'nouvel.agent@villebelle.example');
    expect(mail?.template).toBe('staffInvitation');
    expect(mail?.text_body).toContain('Inès Garnier vous invite');
    const link = linkIn(mail!.text_body);
    expect(link).toMatch(/^\/c\/villebelle\/invitation\?jeton=/);
    const invited = await auditActions(villebelle, 'membership.invited');
    expect(invited.at(-1)?.data).toMatchObject({ role: 'agent', serviceIds: [urbanisme], newAccount: true });

    const invitee = browser();
    const form = await invitee.get(link);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('nouvel.agent@villebelle.example');
    // 13 characters pass for a citizen, not for staff (16).
    const weak = await invitee.post(link, { password: 'Marmotte-42-x', confirmation: 'Marmotte-42-x' });
    expect(weak.statusCode).toBe(422);
    expect(weak.body).toContain('Il faut au moins 16 caractères pour un compte d');
    const mismatch = await invitee.post(link, { password: STAFF_PASSWORD, confirmation: 'autre chose' });
    expect(mismatch.body).toContain('Les deux mots de passe ne sont pas identiques.');
    const done = await invitee.post(link, { password: STAFF_PASSWORD, confirmation: STAFF_PASSWORD });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Votre compte est activé');
    expect((await invitee.get(link)).statusCode).toBe(410); // single use

    const { rows } = await t.testDb.asSuperuser<{ verified: boolean; grace_days: number; policy: number }>(
      `SELECT email_verified_at IS NOT NULL AS verified, password_policy_version AS policy,
              round(extract(epoch FROM mfa_required_from - now()) / 86400)::int AS grace_days
         FROM account WHERE email = 'nouvel.agent@villebelle.example'`,
    );
    expect(rows[0]).toEqual({ verified: true, grace_days: 7, policy: 1 });

    await signIn(t.app, 'nouvel.agent@villebelle.example', { password: STAFF_PASSWORD, browser: invitee });
    const agentSpace = await invitee.get('/c/villebelle/agent');
    expect(agentSpace.statusCode).toBe(200);
    expect(agentSpace.body).toContain('Urbanisme');
  });

  it('tells an existing account its new role instead of sending a password link', async () => {
    const camille = await signIn(t.app, 'camille.martin@courriel.example');
    const admin = await signIn(t.app, 'admin@villebelle.example');
    const res = await admin.submit('/c/villebelle/admin/membres/inviter', {
      email: 'camille.martin@courriel.example',
      role: 'councillor',
    });
    expect(res.statusCode).toBe(303);
    const mail = await lastMailTo(villebelle, 'camille.martin@courriel.example');
    expect(mail?.template).toBe('staffRoleGranted');
    expect(mail?.text_body).not.toContain('jeton=');
    expect((await camille.get('/c/villebelle/compte')).statusCode).toBe(303); // new role, new session
    const again = await admin.submit('/c/villebelle/admin/membres/inviter', {
      email: 'camille.martin@courriel.example',
      role: 'councillor',
    });
    expect(again.statusCode).toBe(422);
    expect(again.body).toContain('Cette personne est déjà élu de la commune.');
  });

  it('refuses an invitation link on another commune and an expired one', async () => {
    const admin = await signIn(t.app, 'secretariat@saint-aubin-les-pres.example', { slug: 'saint-aubin-les-pres' });
    await admin.submit('/c/saint-aubin-les-pres/admin/membres/inviter', {
      email: 'conseiller@saint-aubin.example',
      givenName: 'Lucie',
      familyName: 'Morel',
      role: 'councillor',
    });
    const link = linkIn((await lastMailTo(saintAubin, 'conseiller@saint-aubin.example'))!.text_body);
    const elsewhere = link.replace('/c/saint-aubin-les-pres/', '/c/villebelle/');
    expect((await browser().get(elsewhere)).statusCode).toBe(410);
    const b = browser();
    await b.get(link);
    expect((await b.post(elsewhere, { password: STAFF_PASSWORD, confirmation: STAFF_PASSWORD })).statusCode).toBe(410);
    await t.testDb.asSuperuser(
      `UPDATE email_token SET expires_at = now() - interval '1 second'
        WHERE purpose = 'invitation' AND account_id = (SELECT id FROM account WHERE email = 'conseiller@saint-aubin.example')`,
    );
    const expired = await browser().get(link);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('Ce lien d’invitation a expiré ou a déjà servi');
  });

  it('changes roles only after a recent authentication, and closes the member’s sessions', async () => {
    const elu = await signIn(t.app, 'elu@villebelle.example');
    expect((await elu.get('/c/villebelle/agent')).statusCode).toBe(200);
    const admin = await signIn(t.app, 'admin@villebelle.example');
    const eluId = await accountId('elu@villebelle.example');
    const etatCivil = await serviceId(villebelle, 'etat-civil');

    await admin.get(`/c/villebelle/admin/membres/${eluId}`);
    await makeStale('admin@villebelle.example');
    const stale = await admin.post(`/c/villebelle/admin/membres/${eluId}/roles`, {
      action: 'enregistrer',
      roles: 'agent',
      services: etatCivil,
    });
    expect(stale.statusCode).toBe(303);
    expect(stale.headers.location).toBe(
      `/c/villebelle${STEP_UP_PATH}?retour=${encodeURIComponent(`/c/villebelle/admin/membres/${eluId}`)}`,
    );
    expect(await auditActions(villebelle, 'membership.role_changed')).toHaveLength(0);

    const fresh = await signIn(t.app, 'admin@villebelle.example');
    const page = await fresh.get(`/c/villebelle/admin/membres/${eluId}`);
    expect(page.body).toContain('Modifier les rôles');
    const payload = new URLSearchParams([
      ['_csrf', fresh.csrf()],
      ['action', 'enregistrer'],
      ['roles', 'councillor'],
      ['roles', 'agent'],
      ['services', etatCivil],
    ]).toString();
    const changed = await t.app.inject({
      method: 'POST',
      url: `/c/villebelle/admin/membres/${eluId}/roles`,
      payload,
      headers: {
        cookie: [...fresh.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
      },
      remoteAddress: '203.0.250.9',
    });
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).toBe('/c/villebelle/admin/membres?modifie=1');
    const entry = (await auditActions(villebelle, 'membership.role_changed')).at(-1);
    expect(entry?.target_id).toBe(eluId);
    expect(entry?.data).toMatchObject({ before: ['councillor'], after: ['agent', 'councillor'], sessionsClosed: 1 });

    // The élu's old session is gone: new privileges, new session.
    expect((await elu.get('/c/villebelle/agent')).headers.location).toMatch(/^\/c\/villebelle\/connexion/);
    const again = await signIn(t.app, 'elu@villebelle.example');
    const space = await again.get('/c/villebelle/agent');
    expect(space.body).toContain('État civil');
  });

  it('renews the session of an administrator who changes their own roles', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    const selfId = await accountId('admin@villebelle.example');
    const before = admin.cookies.get('guichet_session');
    const res = await admin.submit(
      `/c/villebelle/admin/membres/${selfId}`,
      { action: 'enregistrer', roles: 'admin' },
      `/c/villebelle/admin/membres/${selfId}/roles`,
    );
    expect(res.headers.location).toBe('/c/villebelle/admin/membres?inchange=1');
    const payload = new URLSearchParams([
      ['_csrf', admin.csrf()],
      ['action', 'enregistrer'],
      ['roles', 'dgs'],
      ['roles', 'admin'],
    ]).toString();
    const changed = await t.app.inject({
      method: 'POST',
      url: `/c/villebelle/admin/membres/${selfId}/roles`,
      payload,
      headers: {
        cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
      },
      remoteAddress: '203.0.252.9',
    });
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).toBe('/c/villebelle/admin/membres?modifie=1');
    const renewed = /guichet_session=([^;]+)/.exec(String(changed.headers['set-cookie']))?.[1];
    expect(renewed).toBeDefined();
    expect(renewed).not.toBe(before);
    expect((await admin.get('/c/villebelle/admin/membres')).statusCode).toBe(303); // the old cookie is dead
    admin.cookies.set('guichet_session', renewed!);
    const list = await admin.get('/c/villebelle/admin/membres');
    expect(list.statusCode).toBe(200);
    const self = await admin.submit('/c/villebelle/admin/membres/inviter', {
      email: 'admin@villebelle.example',
      role: 'councillor',
    });
    expect(self.body).toContain('Pour modifier vos propres rôles');
  });

  it('keeps at least one administrator, and removes a member’s access', async () => {
    const admin = await signIn(t.app, 'secretariat@saint-aubin-les-pres.example', { slug: 'saint-aubin-les-pres' });
    const selfId = await accountId('secretariat@saint-aubin-les-pres.example');
    const last = await admin.submit(
      `/c/saint-aubin-les-pres/admin/membres/${selfId}`,
      { action: 'retirer' },
      `/c/saint-aubin-les-pres/admin/membres/${selfId}/roles`,
    );
    expect(last.statusCode).toBe(422);
    expect(last.body).toContain('La commune doit garder au moins un administrateur');
    const demote = await admin.submit(
      `/c/saint-aubin-les-pres/admin/membres/${selfId}`,
      { action: 'enregistrer', roles: 'agent', services: await serviceId(saintAubin, 'secretariat') },
      `/c/saint-aubin-les-pres/admin/membres/${selfId}/roles`,
    );
    expect(demote.statusCode).toBe(422);

    const mayor = await signIn(t.app, 'maire@saint-aubin-les-pres.example', { slug: 'saint-aubin-les-pres' });
    const mayorId = await accountId('maire@saint-aubin-les-pres.example');
    const empty = await admin.submit(
      `/c/saint-aubin-les-pres/admin/membres/${mayorId}`,
      { action: 'enregistrer' },
      `/c/saint-aubin-les-pres/admin/membres/${mayorId}/roles`,
    );
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('Cochez au moins un rôle');
    const removed = await admin.submit(
      `/c/saint-aubin-les-pres/admin/membres/${mayorId}`,
      { action: 'retirer' },
      `/c/saint-aubin-les-pres/admin/membres/${mayorId}/roles`,
    );
    expect(removed.headers.location).toBe('/c/saint-aubin-les-pres/admin/membres?retire=1');
    expect((await auditActions(saintAubin, 'membership.removed')).at(-1)?.target_id).toBe(mayorId);
    expect((await mayor.get('/c/saint-aubin-les-pres/agent')).statusCode).toBe(303); // signed out
    const back = await signIn(t.app, 'maire@saint-aubin-les-pres.example', { slug: 'saint-aubin-les-pres' });
    expect((await back.get('/c/saint-aubin-les-pres/agent')).statusCode).toBe(404);
    expect((await admin.get(`/c/saint-aubin-les-pres/admin/membres/${mayorId}`)).statusCode).toBe(404);

    // A member of Villebelle is unknown to Saint-Aubin's administrator.
    const villebelleAgent = await accountId('agent.urbanisme@villebelle.example');
    expect((await admin.get(`/c/saint-aubin-les-pres/admin/membres/${villebelleAgent}`)).statusCode).toBe(404);
    await admin.get(`/c/saint-aubin-les-pres/admin/membres/${selfId}`);
    const foreign = await admin.post(`/c/saint-aubin-les-pres/admin/membres/${villebelleAgent}/roles`, {
      action: 'retirer',
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('shows the security journal to the leadership, filtered, with the chain verified and no secrets', async () => {
    await postSignIn(browser(), 'agent.urbanisme@villebelle.example', { password: 'faux' });
    const dgs = await signIn(t.app, 'dgs@villebelle.example');
    const page = await dgs.get('/c/villebelle/admin/journal');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Intègre');
    expect(page.body).toContain('Connexion');

    const failures = await dgs.get('/c/villebelle/admin/journal?famille=echecs');
    expect(failures.body).toContain('Échec de connexion (mot de passe incorrect)');
    expect(failures.body).not.toContain('>Connexion<');

    const person = await dgs.get('/c/villebelle/admin/journal?personne=agent.urbanisme%40villebelle.example');
    expect(person.body).toContain('Échec de connexion');
    expect(person.body).not.toContain('dgs@villebelle.example</td>');

    const bad = await dgs.get('/c/villebelle/admin/journal?du=31%2F02%2F2026&personne=personne%40nulle.part');
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Saisissez une date valide, par exemple 31/01/2026.');
    expect(bad.body).toContain('Aucun compte n’a cette adresse électronique.');

    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const future = await dgs.get(`/c/villebelle/admin/journal?du=${tomorrow}`);
    expect(future.body).toContain('Aucun événement ne correspond à ces critères.');

    for (const hash of (await t.testDb.asSuperuser<{ token_hash: string }>('SELECT token_hash FROM session')).rows) {
      expect(page.body).not.toContain(hash.token_hash);
    }
    const agent = await signIn(t.app, 'agent.etat-civil@villebelle.example');
    expect((await agent.get('/c/villebelle/admin/journal')).statusCode).toBe(404);
  });

  it('exports the filtered journal as a French Excel CSV after a recent authentication, and records it', async () => {
    const mayor = await signIn(t.app, 'maire@villebelle.example');
    const res = await mayor.get('/c/villebelle/admin/journal/export.csv?famille=connexions');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="journal-securite-villebelle-/);
    const bytes = res.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('N°;Date;Événement;Code;Auteur;Cible;Réseau;Détails');
    expect(lines.some((l) => l.includes(';Connexion;auth.sign_in;maire@villebelle.example;'))).toBe(true);
    expect(lines.some((l) => l.includes('auth.sign_in_failed'))).toBe(false);
    const exported = (await auditActions(villebelle, 'audit.exported')).at(-1);
    expect(exported?.actor_id).toBe(await accountId('maire@villebelle.example'));
    expect(exported?.data).toMatchObject({ family: 'connexions', rows: lines.length - 2 });

    await makeStale('maire@villebelle.example');
    const stale = await mayor.get('/c/villebelle/admin/journal/export.csv');
    expect(stale.statusCode).toBe(303);
    expect(stale.headers.location).toMatch(new RegExp(`^/c/villebelle${STEP_UP_PATH}\\?retour=`));
  });

  it('shows the cyber-hygiene panel to the mayor, the DGS and the admin', async () => {
    const id = await accountId('agent.urbanisme@villebelle.example');
    await t.testDb.asSuperuser('UPDATE account SET password_policy_version = 0 WHERE id = $1', [id]);
    await t.testDb.asSuperuser(
      `UPDATE account SET last_login_at = now() - interval '120 days' WHERE email = 'agent.enfance@villebelle.example'`,
    );
    await withTenant(t.runtime.database, villebelle.id, (tx) =>
      recordAudit(tx, { action: 'auth.locked', actorType: 'citizen', actorId: id, data: { failures: 10 } }),
    );
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(
      `SELECT count(DISTINCT account_id)::int AS n FROM membership WHERE commune_id = $1 AND role <> 'citizen'`,
      [villebelle.id],
    );
    const dgs = await signIn(t.app, 'dgs@villebelle.example');
    const page = await dgs.get('/c/villebelle/admin/cyber');
    expect(page.statusCode).toBe(200);
    const text = page.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain(`0 % (0 sur ${rows[0]!.n})`);
    expect(text).toMatch(/Comptes inactifs depuis 90 jours 1 /);
    expect(text).toMatch(/Mots de passe choisis sous une ancienne politique 1 /);
    expect(text).toMatch(/Blocages de comptes \(30 derniers jours\) 1 \(1 compte\)/);
    expect(text).toContain('Dernière sauvegarde En retard jamais'); // contributed by continuity
    expect(text).toContain('agent.urbanisme@villebelle.example');
    expect((await (await signIn(t.app, 'admin@villebelle.example')).get('/c/villebelle/admin/cyber')).statusCode).toBe(
      200,
    );
    expect((await (await signIn(t.app, 'elu@villebelle.example')).get('/c/villebelle/admin/cyber')).statusCode).toBe(
      404,
    );
  });

  it('creates an API token shown once, stored hashed, usable on /api/v1/moi until revoked', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    const tooLong = await admin.submit('/c/villebelle/admin/api', {
      name: 'Logiciel état civil',
      scopes: 'communes:read',
      duration: '400',
    });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.body).toContain('Choisissez une durée de validité (1 an au maximum).');
    const noScope = await admin.submit('/c/villebelle/admin/api', { name: 'X', duration: '30' });
    expect(noScope.body).toContain('Cochez au moins une portée de la liste.');

    await admin.get('/c/villebelle/admin/api');
    const payload = new URLSearchParams([
      ['_csrf', admin.csrf()],
      ['name', 'Logiciel état civil'],
      ['scopes', 'communes:read'],
      ['scopes', 'requests:read'],
      ['duration', '90'],
    ]).toString();
    const created = await t.app.inject({
      method: 'POST',
      url: '/c/villebelle/admin/api',
      payload,
      headers: {
        cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
      },
      remoteAddress: '203.0.251.9',
    });
    expect(created.statusCode).toBe(200);
    expect(created.headers['cache-control']).toBe('no-store');
    const token = /(gch_[A-Za-z0-9_-]{43})/.exec(created.body)?.[1];
    expect(token).toBeDefined();
    const list = await admin.get('/c/villebelle/admin/api');
    expect(list.body).toContain('Logiciel état civil');
    expect(list.body).not.toContain(token!);
    const stored = await t.testDb.asSuperuser<{ token_hash: string; id: string }>(
      "SELECT id, token_hash FROM api_token WHERE name = 'Logiciel état civil'",
    );
    expect(stored.rows[0]!.token_hash).toBe(hashApiToken(token!));
    expect(stored.rows[0]!.token_hash).not.toContain(token!.slice(4));
    const journal = await (await signIn(t.app, 'dgs@villebelle.example')).get(
      '/c/villebelle/admin/journal?famille=administration',
    );
    expect(journal.body).toContain('Jeton d’API créé');
    expect(journal.body).not.toContain(token!);

    const openapi = await t.app.inject({ url: '/api/openapi.json' });
    expect(openapi.body).toContain('/api/v1/moi');
    const me = await t.app.inject({ url: '/api/v1/moi', headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(200);
    const body = me.json() as { commune: { slug: string }; scopes: string[]; expiresAt: string };
    expect(body.commune.slug).toBe('villebelle');
    expect(body.scopes).toEqual(['communes:read', 'requests:read']);
    const days = (Date.parse(body.expiresAt) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(90);
    const used = await t.testDb.asSuperuser<{ last_used_at: Date | null }>(
      'SELECT last_used_at FROM api_token WHERE id = $1',
      [stored.rows[0]!.id],
    );
    expect(used.rows[0]!.last_used_at).not.toBeNull();

    const wrong = await t.app.inject({
      url: '/api/v1/moi',
      headers: { authorization: `Bearer gch_${'A'.repeat(43)}` },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((wrong.json() as { error: { message: string } }).error.message).toContain('Jeton d’API absent, invalide');
    const cookieOnly = await t.app.inject({
      url: '/api/v1/moi',
      headers: { cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(cookieOnly.statusCode).toBe(401);

    // Another commune's administrator cannot revoke it; its own can.
    const other = await signIn(t.app, 'secretariat@saint-aubin-les-pres.example', { slug: 'saint-aubin-les-pres' });
    await other.get('/c/saint-aubin-les-pres/admin/api');
    const foreign = await other.post(`/c/saint-aubin-les-pres/admin/api/${stored.rows[0]!.id}/revoquer`, {});
    expect(foreign.statusCode).toBe(404);
    const revoked = await admin.post(`/c/villebelle/admin/api/${stored.rows[0]!.id}/revoquer`, {});
    expect(revoked.headers.location).toBe('/c/villebelle/admin/api?revoque=1');
    expect((await admin.get('/c/villebelle/admin/api')).body).toContain('Révoqué le');
    const after = await t.app.inject({ url: '/api/v1/moi', headers: { authorization: `Bearer ${token}` } });
    expect(after.statusCode).toBe(401);
    expect((await auditActions(villebelle, 'api_token.revoked')).at(-1)?.target_id).toBe(stored.rows[0]!.id);
  });

  it('refuses an expired token, and never lets the app role read tokens outside their commune', async () => {
    const admin = await signIn(t.app, 'secretariat@saint-aubin-les-pres.example', { slug: 'saint-aubin-les-pres' });
    await admin.get('/c/saint-aubin-les-pres/admin/api');
    const created = await admin.post('/c/saint-aubin-les-pres/admin/api', {
      name: 'Cantine',
      scopes: 'requests:write',
      duration: '30',
    });
    const token = /(gch_[A-Za-z0-9_-]{43})/.exec(created.body)![1]!;
    const ok = await t.app.inject({ url: '/api/v1/moi', headers: { authorization: `Bearer ${token}` } });
    expect((ok.json() as { commune: { slug: string } }).commune.slug).toBe('saint-aubin-les-pres');
    await t.testDb.asSuperuser(`UPDATE api_token SET expires_at = now() - interval '1 second' WHERE name = 'Cantine'`);
    const expired = await t.app.inject({ url: '/api/v1/moi', headers: { authorization: `Bearer ${token}` } });
    expect(expired.statusCode).toBe(401);

    const visible = await withInstance(t.runtime.database, async (tx) => {
      const { rows } = await tx.client.query<{ n: number }>('SELECT count(*)::int AS n FROM api_token');
      return rows[0]!.n;
    });
    expect(visible).toBe(0);
    const inVillebelle = await withTenant(t.runtime.database, villebelle.id, async (tx) => {
      const { rows } = await tx.client.query<{ name: string }>('SELECT name FROM api_token');
      return rows.map((r) => r.name);
    });
    expect(inVillebelle).not.toContain('Cantine');
  });

  it('answers 404 when a token of one commune names another commune', () => {
    const request = {
      apiToken: { tokenId: 'x', commune: villebelle, scopes: new Set(['communes:read']), expiresAt: new Date() },
    } as unknown as FastifyRequest;
    expect(requireTokenCommune(request, 'villebelle').id).toBe(villebelle.id);
    let error: unknown;
    try {
      requireTokenCommune(request, 'saint-aubin-les-pres');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(404);
  });
});
