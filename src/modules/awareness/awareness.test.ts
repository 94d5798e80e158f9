/**
 * Cyber awareness over HTTP (issue 17), on both engines: the staff notice comes first; a campaign
 * to a service is sent by queued jobs spread over its window, one link secret per recipient (only
 * its hash stored); the fake page sends nothing typed and nothing typed is stored; the teachable
 * moment; reporting a simulation and a real mail; results per campaign and service, individual
 * results for the person and the security officer only; the cyber panel; the training's quiz;
 * 404 across communes; the journal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Commune } from '../../platform/tenancy/communes.js';
import { hashToken } from '../../platform/tokens.js';
import { formatDateTime } from '../../platform/views/format.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { type Person, secondCommune, staffMember } from '../../test/factories.js';
import { runQueuedJobs } from '../../test/jobs.js';
import { signIn } from '../../test/sign-in.js';
import { findScenario, REFLEXES } from './scenarios.js';
import { SEND_SIMULATION_JOB } from './use-cases/launch-campaign.js';

const AWARENESS_TABLES = [
  'awareness_incident',
  'awareness_notice',
  'awareness_campaign',
  'awareness_recipient',
  'awareness_event',
  'awareness_report',
  'awareness_training_completion',
];

/** The link secret in a simulation mail's text. */
function linkToken(text: string, slug: string): string {
  const token = new RegExp(`/c/${slug}/lien/([A-Za-z0-9_-]{43})`).exec(text)?.[1];
  if (!token) throw new Error('no link in the mail');
  return token;
}

describe.each(TEST_ENGINES)('cyber awareness on %s', (engine) => {
  let t: TestApp;
  let town: Commune;
  let other: Commune;
  let admin: Person;
  let adminB: TestBrowser;
  let clicker: Person;
  let reporter: Person;
  let bystander: Person;
  let mayor: Person;
  let otherAdmin: Person;
  let campaignId = '';
  const tokens = new Map<string, string>();
  const base = () => `/c/${town.slug}/admin/sensibilisation`;

  async function serviceId(slug: string): Promise<string> {
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      'SELECT id FROM service WHERE commune_id = $1 AND slug = $2',
      [town.id, slug],
    );
    return rows[0]!.id;
  }

  async function journal(action: string): Promise<number> {
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(
      'SELECT count(*)::int AS n FROM audit_entry WHERE commune_id = $1 AND action = $2',
      [town.id, action],
    );
    return rows[0]!.n;
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '100000' } });
    town = await secondCommune(t, {
      slug: 'bourg-vigilant',
      name: 'Bourg-Vigilant',
      services: [
        { slug: 'technique', name: 'Services techniques' },
        { slug: 'accueil', name: 'Accueil' },
      ],
    });
    other = await secondCommune(t, { slug: 'autre-bourg', name: 'Autre-Bourg' });
    admin = await staffMember(t, town, { role: 'admin' });
    mayor = await staffMember(t, town, { role: 'mayor' });
    clicker = await staffMember(t, town, { role: 'agent', services: ['technique'], givenName: 'Clément' });
    reporter = await staffMember(t, town, { role: 'agent', services: ['technique'], givenName: 'Rose' });
    bystander = await staffMember(t, town, { role: 'agent', services: ['accueil'], givenName: 'Bruno' });
    otherAdmin = await staffMember(t, other, { role: 'admin' });
    adminB = await signIn(t.app, admin.email, { slug: town.slug });
  });
  afterAll(() => t?.close());

  it('refuses a campaign before the staff notice is published, then publishes it (journaled)', async () => {
    await adminB.get(`${base()}/campagnes/nouvelle`);
    const refused = await adminB.post(`${base()}/campagnes`, {
      name: 'Trop tôt',
      scenario: 'franceconnect',
      serviceIds: [await serviceId('technique')],
      windowHours: '4',
    });
    expect(refused.statusCode).toBe(409);
    expect(shownText(refused.body)).toContain('Publiez d’abord la note d’information du personnel');
    const { rows } = await t.testDb.asSuperuser('SELECT 1 FROM awareness_campaign WHERE commune_id = $1', [town.id]);
    expect(rows).toHaveLength(0);

    const agent = await signIn(t.app, clicker.email, { slug: town.slug });
    expect((await agent.get(`/c/${town.slug}/agent/sensibilisation/note`)).statusCode).toBe(404);

    await adminB.get(base());
    const published = await adminB.post(`${base()}/note`, {});
    expect(published.statusCode).toBe(303);
    expect(await journal('awareness.notice_published')).toBe(1);
    const notice = await agent.get(`/c/${town.slug}/agent/sensibilisation/note`);
    expect(notice.statusCode).toBe(200);
    const text = shownText(notice.body);
    expect(text).toContain('Bourg-Vigilant');
    expect(text).toContain('ne sont visibles que par vous-même');
    expect(text).toContain('jamais ce que vous y auriez tapé');
  });

  it.each([
    [{ name: '', scenario: 'colis', windowHours: '4' }, 'Donnez un nom à la campagne.'],
    [{ name: 'X', scenario: 'inconnu', windowHours: '4' }, 'Choisissez un scénario de la liste.'],
    [{ name: 'X', scenario: 'colis', windowHours: '4' }, 'Choisissez au moins un service, un rôle ou une personne'],
    [{ name: 'X', scenario: 'colis', windowHours: '-1', roles: ['agent'] }, 'ne peut pas être négative'],
    [{ name: 'X', scenario: 'colis', windowHours: '1.5', roles: ['agent'] }, 'heures entières'],
    [{ name: 'X', scenario: 'colis', windowHours: '200', roles: ['agent'] }, 'au plus 168 heures'],
    [{ name: 'X', scenario: 'colis', windowHours: '4', roles: ['citizen'] }, 'Choisissez des rôles de la liste.'],
    [
      { name: 'X', scenario: 'colis', windowHours: '4', accountIds: ['pas-un-id'] },
      'Choisissez des personnes de la liste.',
    ],
  ])('refuses an invalid campaign %o with a French message and a 422', async (form, message) => {
    await adminB.get(`${base()}/campagnes/nouvelle`);
    const res = await adminB.post(`${base()}/campagnes`, form);
    expect(res.statusCode).toBe(422);
    expect(shownText(res.body)).toContain(message);
  });

  it('launches a campaign to a service: one job per recipient spread over the window, one mail each', async () => {
    await adminB.get(`${base()}/campagnes/nouvelle`);
    const launched = await adminB.post(`${base()}/campagnes`, {
      name: 'Décembre – techniques',
      scenario: 'franceconnect',
      serviceIds: [await serviceId('technique')],
      windowHours: '4',
    });
    expect(launched.statusCode).toBe(303);
    campaignId = /campagnes\/([0-9a-f-]{36})/.exec(String(launched.headers.location))![1]!;
    expect(await journal('awareness.campaign_launched')).toBe(1);

    // Two recipients (the technical service), the second job starting later in the 4-hour window.
    const jobs = await t.testDb.asSuperuser<{ start_after: Date; created_on: Date }>(
      `SELECT start_after, created_on FROM pgboss.job WHERE name = $1 ORDER BY start_after`,
      [SEND_SIMULATION_JOB],
    );
    expect(jobs.rows).toHaveLength(2);
    const spread = jobs.rows[1]!.start_after.getTime() - jobs.rows[0]!.start_after.getTime();
    expect(spread).toBeGreaterThan(1.9 * 3_600_000);
    expect(spread).toBeLessThan(4 * 3_600_000);

    expect(await runQueuedJobs(t, SEND_SIMULATION_JOB)).toBe(2);
    const mails = await t.testDb.asSuperuser<{
      to_address: string;
      subject: string;
      text_body: string;
      html_body: string;
    }>(
      `SELECT to_address, subject, text_body, html_body FROM mail_outbox WHERE commune_id = $1 AND template = 'awarenessSimulation'`,
      [town.id],
    );
    expect(mails.rows.map((m) => m.to_address).sort()).toEqual([clicker.email, reporter.email].sort());
    for (const mail of mails.rows) {
      expect(mail.subject).toBe(findScenario('franceconnect')!.mail(town.name).subject);
      const token = linkToken(mail.text_body, town.slug);
      tokens.set(mail.to_address, token);
      // The opening image is in the HTML part only.
      expect(mail.html_body).toContain(`/c/${town.slug}/lien/${token}/image.gif`);
      expect(mail.text_body).not.toContain('image.gif');
    }
    expect(tokens.get(clicker.email)).not.toBe(tokens.get(reporter.email));
    // Only the hash of each secret is stored by the module.
    const stored = await t.testDb.asSuperuser<{ row: string }>(
      'SELECT row_to_json(r)::text AS row FROM awareness_recipient r WHERE commune_id = $1',
      [town.id],
    );
    const hashes = stored.rows.map((r) => JSON.parse(r.row).token_hash);
    expect(hashes.sort()).toEqual([...tokens.values()].map(hashToken).sort());
    for (const token of tokens.values()) for (const r of stored.rows) expect(r.row).not.toContain(token);
    // Running the job again sends nothing more.
    await t.testDb.asSuperuser(`UPDATE pgboss.job SET state = 'created' WHERE name = $1`, [SEND_SIMULATION_JOB]);
    await runQueuedJobs(t, SEND_SIMULATION_JOB);
    const again = await t.testDb.asSuperuser(
      `SELECT 1 FROM mail_outbox WHERE commune_id = $1 AND template = 'awarenessSimulation'`,
      [town.id],
    );
    expect(again.rows).toHaveLength(2);
  });

  it('counts the opening, shows a fake page whose form sends nothing typed, and stores nothing typed', async () => {
    const token = tokens.get(clicker.email)!;
    const link = `/c/${town.slug}/lien/${token}`;
    const anonymous = new TestBrowser(t.app);
    const pixel = await anonymous.get(`${link}/image.gif`);
    expect(pixel.statusCode).toBe(200);
    expect(pixel.headers['content-type']).toBe('image/gif');

    // A link checker's HEAD is not a click.
    await t.app.inject({ method: 'HEAD', url: link });
    const none = await t.testDb.asSuperuser(
      `SELECT 1 FROM awareness_event WHERE kind = 'clique' AND recipient_id = (SELECT id FROM awareness_recipient WHERE token_hash = $1)`,
      [hashToken(token)],
    );
    expect(none.rows).toHaveLength(0);
    const page = await anonymous.get(link);
    expect(page.statusCode).toBe(200);
    expect(shownText(page.body)).toContain('Connexion avec FranceConnect');
    const form = /<form[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/.exec(page.body)![1]!;
    const inputs = form.match(/<input[^>]*>/g) ?? [];
    expect(inputs.some((i) => /type="password"/.test(i))).toBe(true);
    // The only named field is the CSRF token: a browser sends nothing of what was typed.
    const named = inputs.filter((i) => /\sname="/.test(i)).map((i) => /\sname="([^"]+)"/.exec(i)![1]);
    expect(named).toEqual(['_csrf']);
    expect(form).not.toMatch(/<(textarea|select)/);

    // Even a client that sends typed values: the body is never read, nothing of it is stored.
    const submitted = await anonymous.post(link, {
      identifiant: 'clement.tape@exemple.fr',
      motdepasse: 'MonSecretTapé42',
    });
    expect(submitted.statusCode).toBe(303);
    expect(submitted.headers.location).toBe(`${link}/a-retenir`);
    for (const table of AWARENESS_TABLES) {
      const { rows } = await t.testDb.asSuperuser<{ row: string }>(
        `SELECT row_to_json(x)::text AS row FROM ${table} x`,
      );
      for (const r of rows) {
        expect(r.row).not.toContain('clement.tape');
        expect(r.row).not.toContain('MonSecretTapé42');
      }
    }
    const events = await t.testDb.asSuperuser<{ kind: string }>(
      'SELECT kind FROM awareness_event WHERE recipient_id = (SELECT id FROM awareness_recipient WHERE token_hash = $1) ORDER BY kind',
      [hashToken(token)],
    );
    expect(events.rows.map((e) => e.kind)).toEqual(['clique', 'ouvert', 'soumis']);

    const moment = await anonymous.get(`${link}/a-retenir`);
    expect(moment.statusCode).toBe(200);
    const text = shownText(moment.body);
    expect(text).toContain('C’était un exercice de la commune');
    for (const clue of findScenario('franceconnect')!.clues) expect(text).toContain(clue);
    for (const reflex of REFLEXES) expect(text).toContain(reflex);
    expect(moment.body).toContain(`/c/${town.slug}/agent/sensibilisation/formations/hameconnage`);
  });

  it('thanks a simulation report as the right reflex, and queues a real suspicious mail for the security officer', async () => {
    const rose = await signIn(t.app, reporter.email, { slug: town.slug });
    const home = await rose.get(`/c/${town.slug}/agent/sensibilisation`);
    expect(shownText(home.body)).toContain('Signaler un hameçonnage');
    await rose.get(`/c/${town.slug}/agent/sensibilisation/signaler`);
    const empty = await rose.post(`/c/${town.slug}/agent/sensibilisation/signaler`, { content: '  ' });
    expect(empty.statusCode).toBe(422);
    expect(shownText(empty.body)).toContain('Collez le message suspect');
    const simulation = await rose.post(`/c/${town.slug}/agent/sensibilisation/signaler`, {
      content: `De : FranceConnect\nObjet : Remboursement en attente\nMe connecter : http://localhost/c/${town.slug}/lien/${tokens.get(reporter.email)}`,
    });
    expect(simulation.statusCode).toBe(200);
    expect(shownText(simulation.body)).toContain('Bravo, c’était un exercice');

    const bruno = await signIn(t.app, bystander.email, { slug: town.slug });
    await bruno.get(`/c/${town.slug}/agent/sensibilisation/signaler`);
    const real = await bruno.post(`/c/${town.slug}/agent/sensibilisation/signaler`, {
      content:
        'De : compta@fourniss3urs.example\nObjet : Nouveau RIB\nMerci de mettre à jour nos coordonnées bancaires.',
    });
    expect(real.statusCode).toBe(200);
    expect(shownText(real.body)).toContain('La personne chargée de la sécurité va l’examiner');
    expect(await journal('awareness.phishing_reported')).toBe(2);

    const queue = await adminB.get(base());
    const text = shownText(queue.body);
    expect(text).toContain('compta@fourniss3urs.example');
    expect(text).toContain(`par ${bystander.name}`);
    // The simulation report is not in the queue.
    expect(text).not.toContain('Remboursement en attente');
  });

  it('shows rates per campaign and service to the security officer, and individual results to no manager', async () => {
    const page = await adminB.get(`${base()}/campagnes/${campaignId}`);
    expect(page.statusCode).toBe(200);
    const text = shownText(page.body);
    expect(text).toContain('Personnes visées 2');
    expect(text).toContain('Taux de clic 50 %');
    expect(text).toContain('Taux de signalement 50 %');
    expect(text).toContain('Taux de saisie sur la fausse page 50 %');
    expect(text).toContain('Services techniques 2 50 % 50 %');
    expect(text).toContain(`${clicker.name}`);
    expect(text).toContain('lien cliqué');

    // The mayor (a manager) sees neither the campaign nor anyone's results.
    const mayorB = await signIn(t.app, mayor.email, { slug: town.slug });
    expect((await mayorB.get(`${base()}/campagnes/${campaignId}`)).statusCode).toBe(404);
    expect((await mayorB.get(base())).statusCode).toBe(404);
    // But the cyber panel shows the commune's rates.
    const panel = shownText((await mayorB.get(`/c/${town.slug}/admin/cyber`)).body);
    expect(panel).toContain('Clics sur les exercices d’hameçonnage (12 mois) 50 %');
    expect(panel).toContain('Signalements des exercices d’hameçonnage (12 mois) 50 %');

    // Each agent sees their own results, nobody else's.
    const clement = await signIn(t.app, clicker.email, { slug: town.slug });
    const own = shownText((await clement.get(`/c/${town.slug}/agent/sensibilisation`)).body);
    expect(own).toContain('lien cliqué, fausse page validée');
    expect(own).not.toContain('signalé');
    const exported = await clement.get(`/c/${town.slug}/compte/donnees/export.json`);
    expect(exported.statusCode).toBe(200);
    expect(exported.body).toContain('"sensibilisation"');
    expect(exported.body).toContain('"soumis"');
    const rose = await signIn(t.app, reporter.email, { slug: town.slug });
    const hers = shownText((await rose.get(`/c/${town.slug}/agent/sensibilisation`)).body);
    expect(hers).toContain('signalé');
    expect(hers).not.toContain('lien cliqué');
  });

  it('tracks the training: a wrong answer is explained, all right answers complete it', async () => {
    const clement = await signIn(t.app, clicker.email, { slug: town.slug });
    const url = `/c/${town.slug}/agent/sensibilisation/formations/hameconnage`;
    await clement.get(url);
    const wrong = await clement.post(url, { rib: 'payer', 'mot-de-passe': 'jamais' });
    expect(wrong.statusCode).toBe(422);
    const text = shownText(wrong.body);
    expect(text).toContain('Ce n’est pas la bonne réponse.');
    expect(text).toContain('Choisissez une réponse.');
    const right = await clement.post(url, { rib: 'appeler', 'mot-de-passe': 'jamais', clic: 'prevenir' });
    expect(right.statusCode).toBe(200);
    expect(shownText(right.body)).toContain('Formation réussie');
    expect(await journal('awareness.training_completed')).toBe(1);
    expect(shownText((await clement.get(`/c/${town.slug}/agent/sensibilisation`)).body)).toContain('Réussie le');
    expect((await clement.get(`/c/${town.slug}/agent/sensibilisation/formations/inconnue`)).statusCode).toBe(404);
  });

  it('puts a declared incident in the security officer’s queue with the CNIL deadline, and journals each step', async () => {
    const bruno = await signIn(t.app, bystander.email, { slug: town.slug });
    const url = `/c/${town.slug}/agent/sensibilisation/incident`;
    await bruno.get(url);
    const form = {
      what: 'J’ai ouvert une pièce jointe « facture.zip », des fichiers ont changé de nom.',
      asset: 'PC-ACCUEIL-02',
      personalData: 'oui',
    };
    const skipped = await bruno.post(url, { ...form, date: '29/03/2026', heure: '02:30' });
    expect(skipped.statusCode).toBe(422);
    expect(shownText(skipped.body)).toContain('Cette heure n’existe pas ce jour-là');
    const future = await bruno.post(url, { ...form, date: '01/01/2999', heure: '10:00' });
    expect(future.statusCode).toBe(422);
    expect(shownText(future.body)).toContain('dans le futur');
    const missing = await bruno.post(url, { what: '', date: '', heure: '' });
    expect(missing.statusCode).toBe(422);
    expect(shownText(missing.body)).toContain('Décrivez ce qui s’est passé');
    const declared = await bruno.post(url, { ...form, date: '07/12/2026', heure: '' });
    expect(declared.statusCode).toBe(200);
    expect(shownText(declared.body)).toContain('Incident déclaré');
    expect(await journal('awareness.incident_declared')).toBe(1);

    const { rows } = await t.testDb.asSuperuser<{ id: string; declared_at: Date; occurred_at: Date }>(
      'SELECT id, declared_at, occurred_at FROM awareness_incident WHERE commune_id = $1',
      [town.id],
    );
    expect(rows).toHaveLength(1);
    const incident = rows[0]!;
    // Midnight in Paris (winter time) on 7 December 2026.
    expect(incident.occurred_at.toISOString()).toBe('2026-12-06T23:00:00.000Z');
    const deadline = shownText(formatDateTime(new Date(incident.declared_at.getTime() + 72 * 3_600_000))).trim();
    const queue = shownText((await adminB.get(base())).body);
    expect(queue).toContain(`avant le ${deadline}`);
    const page = await adminB.get(`${base()}/incidents/${incident.id}`);
    expect(page.statusCode).toBe(200);
    const text = shownText(page.body);
    expect(text).toContain(`À notifier au plus tard le ${deadline}`);
    expect(text).toContain('PC-ACCUEIL-02');
    expect(text).toContain('Notifier la CNIL');
    expect(text).toContain('Le nom et les coordonnées du délégué à la protection des données');
    const step = await adminB.post(`${base()}/incidents/${incident.id}/etapes`, { step: 'isoler' });
    expect(step.statusCode).toBe(303);
    await adminB.get(`${base()}/incidents/${incident.id}`);
    await adminB.post(`${base()}/incidents/${incident.id}/etapes`, { step: 'isoler' });
    expect(await journal('awareness.incident_step_done')).toBe(1);
    const unknown = await adminB.post(`${base()}/incidents/${incident.id}/etapes`, { step: 'formater' });
    expect(unknown.statusCode).toBe(422);

    // Neither a manager nor another commune's administrator sees it.
    const mayorB = await signIn(t.app, mayor.email, { slug: town.slug });
    expect((await mayorB.get(`${base()}/incidents/${incident.id}`)).statusCode).toBe(404);
    const b = await signIn(t.app, otherAdmin.email, { slug: other.slug });
    expect((await b.get(`/c/${other.slug}/admin/sensibilisation/incidents/${incident.id}`)).statusCode).toBe(404);
    await b.get(`/c/${other.slug}/admin/sensibilisation`);
    expect(
      (await b.post(`/c/${other.slug}/admin/sensibilisation/incidents/${incident.id}/etapes`, { step: 'cnil' }))
        .statusCode,
    ).toBe(404);
    const after = await t.testDb.asSuperuser<{ steps: string[] }>(
      'SELECT steps FROM awareness_incident WHERE id = $1',
      [incident.id],
    );
    expect(after.rows[0]!.steps).toEqual(['isoler']);
  });

  it('answers 404 across communes for campaigns and links', async () => {
    const b = await signIn(t.app, otherAdmin.email, { slug: other.slug });
    const campaign = await b.get(`/c/${other.slug}/admin/sensibilisation/campagnes/${campaignId}`);
    expect(campaign.statusCode).toBe(404);
    expect(shownText(campaign.body)).not.toContain('Décembre');
    const token = tokens.get(reporter.email)!;
    for (const suffix of ['', '/image.gif', '/a-retenir']) {
      expect((await b.get(`/c/${other.slug}/lien/${token}${suffix}`)).statusCode).toBe(404);
    }
    await b.get(`/c/${other.slug}/admin/sensibilisation`);
    expect((await b.post(`/c/${other.slug}/lien/${token}`, {})).statusCode).toBe(404);
    // Nothing was recorded by those requests.
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM awareness_event WHERE kind = 'soumis'`,
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('targets by role, and a scenario without a fake page lands straight on the teachable moment', async () => {
    await adminB.get(`${base()}/campagnes/nouvelle`);
    const launched = await adminB.post(`${base()}/campagnes`, {
      name: 'Élus et direction',
      scenario: 'message-dgs',
      roles: ['mayor'],
      windowHours: '1',
    });
    expect(launched.statusCode).toBe(303);
    await runQueuedJobs(t, SEND_SIMULATION_JOB);
    const mails = await t.testDb.asSuperuser<{ to_address: string; text_body: string }>(
      `SELECT to_address, text_body FROM mail_outbox WHERE commune_id = $1 AND template = 'awarenessSimulation' AND subject = 'Demande confidentielle'`,
      [town.id],
    );
    expect(mails.rows.map((m) => m.to_address)).toEqual([mayor.email]);
    const link = `/c/${town.slug}/lien/${linkToken(mails.rows[0]!.text_body, town.slug)}`;
    const click = await new TestBrowser(t.app).get(link);
    expect(click.statusCode).toBe(303);
    expect(click.headers.location).toBe(`${link}/a-retenir`);
    const moment = shownText((await new TestBrowser(t.app).get(`${link}/a-retenir`)).body);
    expect(moment).toContain('« fraude au président »');
    // No opening image loaded (blocked, as many mail readers do), yet the link was followed: opened.
    const campaign = /campagnes\/([0-9a-f-]{36})/.exec(String(launched.headers.location))![1]!;
    const results = shownText((await adminB.get(`${base()}/campagnes/${campaign}`)).body);
    expect(results).toContain('Taux de clic 100 %');
    expect(results).toContain('Taux d’ouverture (indicatif) 100 %');
  });

  it('targets named people only, at once with a window of 0 hours, and refuses someone of another commune without saving anything', async () => {
    await adminB.get(`${base()}/campagnes/nouvelle`);
    const foreign = await adminB.post(`${base()}/campagnes`, {
      name: 'Une personne ailleurs',
      scenario: 'colis',
      accountIds: [otherAdmin.id],
      windowHours: '1',
    });
    expect(foreign.statusCode).toBe(422);
    expect(shownText(foreign.body)).toContain('Choisissez des personnes de la liste.');
    const before = await t.testDb.asSuperuser<{ n: number }>(
      'SELECT count(*)::int AS n FROM awareness_campaign WHERE commune_id = $1',
      [town.id],
    );

    await adminB.get(`${base()}/campagnes/nouvelle`);
    const launched = await adminB.post(`${base()}/campagnes`, {
      name: 'Rose et le maire, tout de suite',
      scenario: 'colis',
      accountIds: [reporter.id, mayor.id],
      windowHours: '0',
    });
    expect(launched.statusCode).toBe(303);
    const campaign = /campagnes\/([0-9a-f-]{36})/.exec(String(launched.headers.location))![1]!;
    const after = await t.testDb.asSuperuser<{ n: number }>(
      'SELECT count(*)::int AS n FROM awareness_campaign WHERE commune_id = $1',
      [town.id],
    );
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n + 1);
    const recipients = await t.testDb.asSuperuser<{ account_id: string }>(
      'SELECT account_id FROM awareness_recipient WHERE campaign_id = $1',
      [campaign],
    );
    expect(recipients.rows.map((r) => r.account_id).sort()).toEqual([reporter.id, mayor.id].sort());
    // A window of 0 hours: every sending job may start now.
    const jobs = await t.testDb.asSuperuser<{ start_after: Date }>(
      `SELECT start_after FROM pgboss.job WHERE name = $1 AND data->>'recipientId' = ANY($2::text[])`,
      [
        SEND_SIMULATION_JOB,
        (
          await t.testDb.asSuperuser<{ id: string }>('SELECT id FROM awareness_recipient WHERE campaign_id = $1', [
            campaign,
          ])
        ).rows.map((r) => r.id),
      ],
    );
    expect(jobs.rows).toHaveLength(2);
    for (const job of jobs.rows) expect(job.start_after.getTime()).toBeLessThanOrEqual(Date.now());
    // Her colleague of the same service is not sent anything.
    await runQueuedJobs(t, SEND_SIMULATION_JOB);
    const mails = await t.testDb.asSuperuser<{ to_address: string }>(
      `SELECT to_address FROM mail_outbox WHERE commune_id = $1 AND template = 'awarenessSimulation' AND subject = $2`,
      [town.id, findScenario('colis')!.mail(town.name).subject],
    );
    expect(mails.rows.map((m) => m.to_address).sort()).toEqual([reporter.email, mayor.email].sort());
  });
});
