/**
 * Notifications editable per commune, end to end on the demo: an administrator rewords the mail
 * of a status, an agent accepts a request and the requester receives the commune's text through a
 * real SMTP server (escaped, with the real link), then the default text again after « Rétablir » ;
 * bad texts get French field errors and « Prévisualiser » saves nothing; each commune's texts stay
 * its own; SMS on status change through the demo file provider, only to a mobile given in the
 * request; and nothing at all without an SMS provider.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { listStoredSms, smsDirectory } from '../../../platform/sms/file-provider.js';
import { NO_SMS_PROVIDER } from '../../../platform/sms/provider.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../../test/app.js';
import type { TestBrowser } from '../../../test/browser.js';
import { shownText } from '../../../test/browser.js';
import { TEST_ENGINES } from '../../../test/databases.js';
import { type Person, requestIn, staffMember } from '../../../test/factories.js';
import { signIn } from '../../../test/sign-in.js';
import { startTestSmtp, type TestSmtp } from '../../../test/smtp.js';
import { seedDemo } from '../../demo/seed.js';
import type { RequestStatus } from '../../procedures/index.js';
import { findProcedureBySlug } from '../../procedures/index.js';
import { requestDeps } from '../deps.js';
import type { CitizenRequest } from '../schema.js';
import { changeStatus } from '../use-cases/change-status.js';
import { submitRequest } from '../use-cases/submit-request.js';
import { composeNotification, setSmsOnStatusChange } from './service.js';

const ADMIN = 'admin@villebelle.example';
const CITIZEN = 'camille.martin@courriel.example';
const SAINT_AUBIN_ADMIN = 'secretariat@saint-aubin-les-pres.example';

async function waitUntil<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(TEST_ENGINES)('notifications editable per commune on %s', (engine) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let villebelle: Commune;
  let saintAubin: Commune;
  const browsers = new Map<string, TestBrowser>();
  /** The agent of the services techniques, who moves the street reports along. */
  let agentTechnique: Person;

  async function as(email: string, slug = 'villebelle'): Promise<TestBrowser> {
    const key = `${slug}:${email}`;
    if (!browsers.has(key)) browsers.set(key, await signIn(t.app, email, { slug }));
    return browsers.get(key)!;
  }

  /** A street report of Villebelle (services techniques), filed by Camille Martin. Its demo workflow names the
   * outcomes « intervention réalisée » and « classé sans suite »: notifications speak these words. */
  async function makeRequest(answers: Record<string, unknown>, status: RequestStatus = 'en_cours') {
    const request = await requestIn(t, villebelle, {
      service: 'services-techniques',
      procedure: 'signalement-voirie',
      subject: 'Lampadaire éteint',
      status,
      account: { email: CITIZEN, name: 'Camille Martin' },
      answers: { typeProbleme: 'eclairage', etreInforme: true, nom: 'Martin', email: CITIZEN, ...answers },
    });
    const procedure = await withTenant(t.runtime.database, villebelle.id, (tx) =>
      findProcedureBySlug(tx, villebelle.id, 'signalement-voirie'),
    );
    return { request, procedureTitle: procedure!.title };
  }

  async function setStatus(request: CitizenRequest, statut: RequestStatus) {
    const agent = await as(agentTechnique.email);
    const page = `/c/villebelle/agent/demandes/${request.number}`;
    expect((await agent.get(page)).statusCode).toBe(200);
    const res = await agent.post(`${page}/statut`, { statut, messageStatut: '' });
    expect(res.statusCode, `status ${statut} of ${request.number}`).toBe(303);
  }

  async function mailWithSubject(subject: string) {
    return waitUntil(() => smtp.received.find((m) => m.subject === subject), `mail « ${subject} »`);
  }

  async function auditActions(commune: Commune, prefix: string) {
    return withTenant(t.runtime.database, commune.id, async (tx) => {
      const { rows } = await tx.client.query<{ action: string; data: Record<string, unknown> }>(
        `SELECT action, data FROM audit_entry WHERE action LIKE $1 ORDER BY seq`,
        [`${prefix}%`],
      );
      return rows;
    });
  }

  async function smsRows() {
    return withTenant(t.runtime.database, villebelle.id, async (tx) => {
      const { rows } = await tx.client.query<{ to_number: string; body: string; status: string }>(
        'SELECT to_number, body, status FROM sms_outbox ORDER BY created_at, id',
      );
      return rows;
    });
  }

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(engine, {
      env: { SMTP_URL: smtp.url, GUICHET_SMS_PROVIDER: 'file', GUICHET_RATE_LIMIT_PER_MINUTE: '10000' },
      queueRole: 'worker',
    });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    saintAubin = (await t.runtime.communes.bySlug('saint-aubin-les-pres'))!;
    agentTechnique = await staffMember(t, villebelle, { role: 'agent', services: ['services-techniques'] });
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('lists the notifications and edits one with its placeholders and a preview beside it', async () => {
    const admin = await as(ADMIN);
    const list = await admin.get('/c/villebelle/admin/notifications');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('<h1 class="govuk-heading-xl">Notifications aux usagers</h1>');
    for (const label of [
      'Accusé de réception',
      'Statut « Acceptée »',
      'Statut « Classée »',
      'Nouveau message de la mairie',
    ]) {
      expect(shownText(list.body)).toContain(label);
    }
    expect(list.body.match(/Par défaut/g)).toHaveLength(8);
    expect(shownText(list.body)).toContain('Fournisseur de SMS du guichet : fichiers de démonstration.');
    expect(list.body).toContain('name="smsStatut"');

    const edit = await admin.get('/c/villebelle/admin/notifications/statut-acceptee');
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('<h1 class="govuk-heading-xl">Statut «\u00a0Acceptée\u00a0»</h1>');
    expect(edit.body).toContain('value="Votre demande n° {{numero}} : {{statut}} – {{commune}}"');
    for (const placeholder of ['numero', 'demarche', 'statut', 'commune', 'nom', 'date_depot', 'date_limite', 'lien']) {
      expect(edit.body).toContain(`<code>{{${placeholder}}}</code>`);
    }
    expect(shownText(edit.body)).toContain('Votre demande n° 2026-000042 : acceptée – Villebelle');
    expect(edit.body).toContain('Texte par défaut de Guichet');
    expect(edit.body).not.toContain('Rétablir le texte par défaut');
    expect((await admin.get('/c/villebelle/admin/notifications/inconnue')).statusCode).toBe(404);
  });

  it('refuses bad texts with French field errors, and previews without saving', async () => {
    const admin = await as(ADMIN);
    const page = '/c/villebelle/admin/notifications/statut-refusee';
    await admin.get(page);
    const unknown = await admin.post(page, {
      objet: 'Votre demande {{numero',
      texte: 'Bonjour {{prenom}},',
      action: 'enregistrer',
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body).toContain('<title>Erreur\u00a0: Statut « Refusée »');
    expect(unknown.body).toContain('href="#objet"');
    expect(unknown.body).toContain('href="#texte"');
    expect(unknown.body).toContain('L’objet contient une accolade isolée');
    expect(unknown.body).toContain('Le texte utilise la variable {{prenom}}, qui n’existe pas pour ce message.');
    // What was typed is shown again.
    expect(unknown.body).toContain('Bonjour {{prenom}},</textarea>');

    const tooLong = await admin.post(page, { objet: 'x'.repeat(201), texte: 'ok', action: 'previsualiser' });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.body).toContain('L’objet doit faire au plus 200 caractères');

    const preview = await admin.post(page, {
      objet: 'Refus {{numero}}',
      texte: 'Bonjour {{nom}},\r\n\r\n<script>alert(1)</script> Votre demande est refusée.',
      action: 'previsualiser',
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Aperçu mis à jour');
    expect(preview.body).toContain('Refus 2026-000042');
    expect(preview.body).toContain('Bonjour Camille Martin,');
    expect(preview.body).toContain(
      '<p class="govuk-body">&lt;script>alert(1)&lt;/script> Votre demande est refusée.</p>',
    );
    expect(preview.body).not.toContain('<script>alert(1)');
    const stored = await withTenant(t.runtime.database, villebelle.id, async (tx) => {
      const { rows } = await tx.client.query('SELECT key FROM notification_template');
      return rows;
    });
    expect(stored).toEqual([]);
  });

  it('sends the commune’s text in the delivered mail, with the real link, then the default after a reset', async () => {
    const admin = await as(ADMIN);
    const page = '/c/villebelle/admin/notifications/statut-acceptee';
    await admin.get(page);
    const saved = await admin.post(page, {
      objet: 'Bonne nouvelle pour votre demande {{numero}}',
      texte:
        'Bonjour {{nom}},\n\nLa mairie de {{commune}} a accepté votre demande « {{demarche}} ».\nÀ bientôt <b>en mairie</b>.',
      action: 'enregistrer',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${page}?enregistre=1`);
    const shown = await admin.get(saved.headers.location as string);
    expect(shown.body).toContain('Le texte a été enregistré');
    expect(shown.body).toContain('Texte personnalisé par la commune');
    expect(await auditActions(villebelle, 'settings.notification_text')).toEqual([
      {
        action: 'settings.notification_text_changed',
        data: { key: 'request.status.acceptee', subjectLength: 44, bodyLength: 112 },
      },
    ]);

    const { request, procedureTitle } = await makeRequest({});
    await setStatus(request, 'acceptee');
    const mail = await mailWithSubject(`Bonne nouvelle pour votre demande ${request.number}`);
    expect(mail.text).toContain('Bonjour Camille Martin,');
    expect(mail.text).toContain(
      `La mairie de Villebelle a accepté votre demande « ${procedureTitle} ».\nÀ bientôt <b>en mairie</b>.`,
    );
    // Automatic parts: the follow-up sentence and the real link to the request.
    expect(mail.text).toContain('Retrouvez l’historique complet de votre demande');
    const link = `${t.config.publicUrl}/c/villebelle/demandes/${request.number}`;
    expect(mail.html).toContain(`<a href="${link}">Voir ma demande</a>`);
    expect(mail.html).toContain('À bientôt &lt;b>en mairie&lt;/b>.');
    expect(mail.html).not.toContain('<b>en mairie');

    await admin.get(page);
    const reset = await admin.post(`${page}/retablir`, {});
    expect(reset.statusCode).toBe(303);
    expect(reset.headers.location).toBe('/c/villebelle/admin/notifications?retabli=1');
    expect((await admin.get(reset.headers.location as string)).body).toContain('Le texte par défaut a été rétabli.');
    expect((await auditActions(villebelle, 'settings.notification_text_reset')).map((a) => a.data)).toEqual([
      { key: 'request.status.acceptee' },
    ]);
    const second = await makeRequest({});
    await setStatus(second.request, 'acceptee');
    const defaultMail = await mailWithSubject(
      `Votre demande n° ${second.request.number} : intervention réalisée – Villebelle`,
    );
    expect(defaultMail.text).toContain(
      `Votre demande n° ${second.request.number} auprès de la mairie de Villebelle a changé de statut : intervention réalisée.`,
    );
  });

  it('keeps each commune’s texts to itself, and keeps the secretary’s mail of the mode simple', async () => {
    const admin = await as(ADMIN);
    const page = '/c/villebelle/admin/notifications/nouveau-message';
    await admin.get(page);
    await admin.post(page, {
      objet: 'Villebelle vous écrit ({{numero}})',
      texte: 'Message de Villebelle.',
      action: 'enregistrer',
    });

    const other = await as(SAINT_AUBIN_ADMIN, 'saint-aubin-les-pres');
    expect((await other.get('/c/villebelle/admin/notifications')).statusCode).toBe(404);
    expect((await other.get(page)).statusCode).toBe(404);
    const own = await other.get('/c/saint-aubin-les-pres/admin/notifications/nouveau-message');
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('Texte par défaut de Guichet');
    const foreignPost = await other.post(page, { objet: 'Piraté', texte: 'Piraté', action: 'enregistrer' });
    expect(foreignPost.statusCode).toBe(404);

    const values = {
      numero: '2026-000001',
      demarche: 'Démarche',
      statut: 'en cours',
      commune: 'Saint-Aubin-les-Prés',
      nom: 'Camille Martin',
      date_depot: '1er mai 2026',
      date_limite: '1er juin 2026',
      lien: 'https://exemple.fr',
    };
    const inSaintAubin = await withTenant(t.runtime.database, saintAubin.id, async (tx) => ({
      composed: await composeNotification(tx, 'request.message', values),
      // Row-Level Security: not even an unfiltered query sees Villebelle's texts.
      rows: (await tx.client.query('SELECT key FROM notification_template')).rows,
    }));
    expect(inSaintAubin.composed.subject).toBe(
      'Nouveau message de la mairie sur votre demande n° 2026-000001 – Saint-Aubin-les-Prés',
    );
    expect(inSaintAubin.rows).toEqual([]);
    const inVillebelle = await withTenant(t.runtime.database, villebelle.id, (tx) =>
      composeNotification(tx, 'request.message', values),
    );
    expect(inVillebelle.subject).toBe('Villebelle vous écrit (2026-000001)');

    // Saint-Aubin (mode simple) rewords its receipt: the requester's mail changes, the secretary's does not.
    await other.get('/c/saint-aubin-les-pres/admin/notifications/accuse-de-reception');
    const saved = await other.post('/c/saint-aubin-les-pres/admin/notifications/accuse-de-reception', {
      objet: 'Saint-Aubin a reçu votre demande {{numero}}',
      texte: 'Bonjour {{nom}},\n\nNous traitons votre demande « {{demarche}} » avant le {{date_limite}}.',
      action: 'enregistrer',
    });
    expect(saved.statusCode).toBe(303);
    const submitted = await withTenant(t.runtime.database, saintAubin.id, (tx) =>
      submitRequest(tx, requestDeps(t.runtime), {
        commune: saintAubin,
        procedure: null,
        formVersion: null,
        subject: 'Horaires de la cantine',
        answers: { message: 'Quels sont les horaires de la cantine ?' },
        summary: [{ label: 'Message', value: 'Quels sont les horaires de la cantine ?' }],
        requester: { accountId: null, name: 'Alex Usager', email: 'alex.usager@courriel.example' },
        freeText: 'Horaires de la cantine',
        actor: { type: 'citizen', accountId: null },
      }),
    );
    const number = submitted.request.number;
    const receipt = await mailWithSubject(`Saint-Aubin a reçu votre demande ${number}`);
    // An anonymous request: its own words stay out of the mail sent to it (decision 0014).
    expect(receipt.text).toContain('Bonjour Madame, Monsieur,');
    expect(receipt.text).toContain('Nous traitons votre demande « Demande de contact » avant le');
    expect(receipt.text).toContain('Vous trouverez l’accusé de réception en pièce jointe (PDF).');
    expect(receipt.attachments.map((a) => a.filename)).toEqual([`accuse-de-reception-${number}.pdf`]);
    const secretary = await mailWithSubject(
      `Nouvelle demande n° ${number} : Demande de contact : Horaires de la cantine`,
    );
    expect(secretary.text).toContain('Alex Usager (alex.usager@courriel.example) a déposé une demande');
  });

  it('sends an SMS at each status change once switched on, only to a mobile given in the request', async () => {
    const before = (await smsRows()).length;
    // Off by default: a status change sends a mail, no SMS.
    const early = await makeRequest({ telephone: '06 12 34 56 78' });
    await setStatus(early.request, 'classee');
    await mailWithSubject(`Votre demande n° ${early.request.number} : classé sans suite – Villebelle`);
    expect(await smsRows()).toHaveLength(before);

    const admin = await as(ADMIN);
    await admin.get('/c/villebelle/admin/notifications');
    const on = await admin.post('/c/villebelle/admin/notifications/sms', { smsStatut: 'oui' });
    expect(on.statusCode).toBe(303);
    expect(on.headers.location).toBe('/c/villebelle/admin/notifications?sms=1');
    expect((await auditActions(villebelle, 'settings.sms_on_status_change')).map((a) => a.data)).toEqual([
      { enabled: true },
    ]);
    const smsPage = '/c/villebelle/admin/notifications/sms-changement-de-statut';
    const edit = await admin.get(smsPage);
    expect(edit.body).toContain('caractères sur 160 pour un seul SMS');
    const preview = await admin.post(smsPage, {
      texte: 'Mairie de {{commune}} : votre demande {{numero}} est « {{statut}} ». Détails dans votre espace.',
      action: 'previsualiser',
    });
    expect(preview.statusCode).toBe(200);
    expect(shownText(preview.body)).toContain('« « », « » » ne font pas partie de l’alphabet des SMS');
    const saved = await admin.post(smsPage, {
      texte: 'Mairie de {{commune}} : demande {{numero}} {{statut}}.',
      action: 'enregistrer',
    });
    expect(saved.statusCode).toBe(303);

    const mobile = await makeRequest({ telephone: '06 12 34 56 78' });
    const landline = await makeRequest({ telephone: '01 23 45 67 89' });
    const none = await makeRequest({});
    await setStatus(landline.request, 'acceptee');
    await setStatus(none.request, 'acceptee');
    await setStatus(mobile.request, 'acceptee');
    const dir = smsDirectory(t.config);
    const stored = await waitUntil(async () => {
      const list = await listStoredSms(dir);
      return list.find((s) => s.body.includes(mobile.request.number));
    }, 'the SMS file');
    expect(stored).toMatchObject({
      to: '+33612345678',
      body: `Mairie de Villebelle : demande ${mobile.request.number} intervention réalisée.`,
    });
    const rows = await smsRows();
    expect(rows.slice(before)).toEqual([
      {
        to_number: '+33612345678',
        body: `Mairie de Villebelle : demande ${mobile.request.number} intervention réalisée.`,
        status: expect.any(String),
      },
    ]);
    await waitUntil(async () => ((await smsRows()).at(-1)?.status === 'sent' ? true : undefined), 'SMS sent');

    const demo = await (await as(ADMIN)).get('/_demo/sms');
    expect(demo.statusCode).toBe(200);
    expect(shownText(demo.body)).toContain(
      `Mairie de Villebelle : demande ${mobile.request.number} intervention réalisée.`,
    );

    // Switched off again: nothing more.
    await admin.get('/c/villebelle/admin/notifications');
    await admin.post('/c/villebelle/admin/notifications/sms', {});
    const later = await makeRequest({ telephone: '07 11 22 33 44' });
    await setStatus(later.request, 'classee');
    await mailWithSubject(`Votre demande n° ${later.request.number} : classé sans suite – Villebelle`);
    expect(await smsRows()).toHaveLength(before + 1);
  });

  it('queues no SMS without a provider, whatever the commune’s setting', async () => {
    await withTenant(t.runtime.database, villebelle.id, async (tx) => {
      const error = await setSmsOnStatusChange(tx, { enabled: true, provider: NO_SMS_PROVIDER, actorId: null }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).fields?.smsStatut).toContain('Aucun fournisseur de SMS n’est configuré');
      // Switched on while the file provider was there…
      await setSmsOnStatusChange(tx, { enabled: true, provider: t.runtime.smsProvider, actorId: null });
    });
    const before = (await smsRows()).length;
    const { request } = await makeRequest({ telephone: '06 12 34 56 78' });
    // …then the instance runs with `none`, or without a provider at all.
    await withTenant(t.runtime.database, villebelle.id, async (tx) => {
      const updated = await changeStatus(
        tx,
        { ...requestDeps(t.runtime), smsProvider: NO_SMS_PROVIDER },
        {
          commune: villebelle,
          request,
          status: 'acceptee',
          actor: { type: 'system', accountId: null },
        },
      );
      await changeStatus(
        tx,
        { queue: t.runtime.queue, events: t.runtime.events, publicUrl: t.config.publicUrl },
        {
          commune: villebelle,
          request: updated,
          status: 'en_cours',
          actor: { type: 'system', accountId: null },
        },
      );
    });
    expect(await smsRows()).toHaveLength(before);
  });
});

describe.each(TEST_ENGINES)('notifications page without an SMS provider on %s', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('says no provider is configured and refuses to switch SMS on', async () => {
    expect(t.runtime.smsProvider.name).toBe('none');
    const admin = await signIn(t.app, ADMIN);
    const list = await admin.get('/c/villebelle/admin/notifications');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Aucun fournisseur de SMS n’est configuré sur ce guichet');
    expect(list.body).not.toContain('name="smsStatut"');
    expect(list.body).not.toContain('SMS de changement de statut');
    // No form on the page; a hand-made request is refused all the same.
    await admin.get('/c/villebelle/admin/notifications/accuse-de-reception');
    const refused = await admin.post('/c/villebelle/admin/notifications/sms', { smsStatut: 'oui' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('href="#smsStatut"');
    expect(refused.body).toContain('les SMS ne peuvent pas être activés');
    const smsText = await admin.get('/c/villebelle/admin/notifications/sms-changement-de-statut');
    expect(smsText.statusCode).toBe(200);
    expect(smsText.body).toContain('ce texte ne servira que lorsque l’hébergeur en aura configuré un');
    const demo = await admin.get('/_demo/sms');
    expect(demo.body).toContain('Aucun fournisseur de SMS n’est configuré (GUICHET_SMS_PROVIDER=none)');
  });
});
