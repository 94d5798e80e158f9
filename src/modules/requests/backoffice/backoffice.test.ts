import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_UP_PATH } from '../../../platform/authz/step-up.js';
import { withTenant } from '../../../platform/db/tenant.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { shownText, TestBrowser } from '../../../test/browser.js';
import { TEST_ENGINES } from '../../../test/databases.js';
import { type Person, requestIn, staffMember } from '../../../test/factories.js';
import { signIn } from '../../../test/sign-in.js';
import { seedDemo } from '../../demo/seed.js';
import { listRequestEvents } from '../history.js';

const CITIZEN = 'camille.martin@courriel.example';
/** Camille Martin, the demo citizen, as the requester of requests built here. */
const CAMILLE = { email: CITIZEN, name: 'Camille Martin' };
const DAY = 86_400_000;

describe.each(TEST_ENGINES)('back-office of requests on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  let saintAubin: Commune;
  const signedIn = new Map<string, TestBrowser>();
  /** The agent of the urbanisme service only. */
  let urbanismeAgent: Person;
  /** The agent of état civil who also holds the accueil (front desk). */
  let etatCivilAgent: Person;

  /** One browser per person, signed in once for the whole file. */
  async function as(email: string, slug = 'villebelle'): Promise<TestBrowser> {
    const key = `${slug}:${email}`;
    if (!signedIn.has(key)) signedIn.set(key, await signIn(t.app, email, { slug }));
    return signedIn.get(key)!;
  }

  async function requestRow(commune: Commune, number: string) {
    const { rows } = await t.testDb.asSuperuser<{
      id: string;
      status: string;
      service_slug: string;
      assignee_email: string | null;
      closed_at: Date | null;
      channel: string;
      filed_by: string | null;
    }>(
      `SELECT r.id, r.status, s.slug AS service_slug, a.email AS assignee_email, r.closed_at, r.channel, r.filed_by
         FROM citizen_request r JOIN service s ON s.id = r.service_id LEFT JOIN account a ON a.id = r.assignee_id
        WHERE r.commune_id = $1 AND r.number = $2`,
      [commune.id, number],
    );
    return rows[0]!;
  }

  async function lastMailTo(commune: Commune, to: string) {
    return withTenant(t.runtime.database, commune.id, async (tx) => {
      const { rows } = await tx.client.query(
        `SELECT template, subject, text_body, attachments FROM mail_outbox WHERE to_address = $1
          ORDER BY created_at DESC, id DESC LIMIT 1`,
        [to],
      );
      return rows[0] as { template: string; subject: string; text_body: string; attachments: unknown[] } | undefined;
    });
  }

  async function auditData(commune: Commune, action: string) {
    const { rows } = await t.testDb.asSuperuser<{ actor_id: string; data: Record<string, unknown> }>(
      'SELECT actor_id, data FROM audit_entry WHERE commune_id = $1 AND action = $2 ORDER BY seq',
      [commune.id, action],
    );
    return rows;
  }

  const inbox = '/c/villebelle/agent/demandes';
  const detail = (number: string) => `${inbox}/${number}`;

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    saintAubin = (await t.runtime.communes.bySlug('saint-aubin-les-pres'))!;
    urbanismeAgent = await staffMember(t, villebelle, { role: 'agent', services: ['urbanisme'] });
    etatCivilAgent = await staffMember(t, villebelle, { role: 'agent', services: ['etat-civil', 'accueil'] });
  });
  afterAll(() => t?.close());

  it('shows each agent the requests of their services only; 404 for other services, communes and élus', async () => {
    const permis = await requestIn(t, villebelle, { service: 'urbanisme', subject: 'Permis pour une véranda' });
    const acte = await requestIn(t, villebelle, { service: 'etat-civil', subject: 'Acte de naissance de mon fils' });
    const year = new Date().getFullYear();
    const elsewhere = await requestIn(t, saintAubin, {
      service: 'secretariat',
      subject: 'Inscription sur les listes électorales',
      number: `${year}-900001`,
    });

    const urbanisme = await as(urbanismeAgent.email);
    const page = await urbanisme.get(inbox);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(permis.number);
    expect(page.body).toContain('Permis pour une véranda');
    expect(page.body).not.toContain(acte.number);
    expect(page.body).not.toContain('Acte de naissance');
    expect((await urbanisme.get(detail(permis.number))).statusCode).toBe(200);
    expect((await urbanisme.get(detail(acte.number))).statusCode).toBe(404);
    expect((await urbanisme.get(detail(elsewhere.number))).statusCode).toBe(404);
    expect((await urbanisme.get(`/c/saint-aubin-les-pres/agent/demandes/${elsewhere.number}`)).statusCode).toBe(404);
    expect((await urbanisme.get(detail('pas-un-numero'))).statusCode).toBe(404);
    // Actions on a request of another service are 404 too, and change nothing.
    await urbanisme.get(detail(permis.number));
    const foreign = await urbanisme.post(`${detail(acte.number)}/note`, { note: 'Je ne devrais pas pouvoir.' });
    expect(foreign.statusCode).toBe(404);
    const events = await withTenant(t.runtime.database, villebelle.id, (tx) =>
      listRequestEvents(tx, acte.id, { includeInternal: true }),
    );
    expect(events.map((e) => e.kind)).toEqual(['submitted']);

    const mayor = await as('maire@villebelle.example');
    const all = await mayor.get(inbox);
    expect(all.body).toContain(permis.number);
    expect(all.body).toContain(acte.number);
    expect(all.body).not.toContain(elsewhere.number);
    expect((await mayor.get(detail(acte.number))).statusCode).toBe(200);
    expect((await mayor.get(`${inbox}?service=urbanisme`)).body).not.toContain(acte.number);

    const councillor = await as('elu@villebelle.example');
    expect((await councillor.get(inbox)).statusCode).toBe(404);
    expect((await councillor.get(detail(permis.number))).statusCode).toBe(404);
    expect((await councillor.get('/c/villebelle/agent')).body).not.toContain('Demandes des usagers');

    const secretariat = await as('secretariat@saint-aubin-les-pres.example', 'saint-aubin-les-pres');
    const village = await secretariat.get(`/c/saint-aubin-les-pres/agent/demandes/${elsewhere.number}`);
    expect(village.statusCode).toBe(200);
    expect(village.body).toContain('Inscription sur les listes électorales');

    // The espace agent links to the inbox with the count of new requests.
    const home = await urbanisme.get('/c/villebelle/agent');
    expect(home.body).toContain('href="/c/villebelle/agent/demandes"');
    expect(home.body).toMatch(/\d+ nouvelles?/);
    expect((await new TestBrowser(t.app).get(inbox)).headers.location).toMatch(/^\/c\/villebelle\/connexion/);
  });

  it('filters by status, assignee, dates and lateness, counts per status, and pages by 25', async () => {
    const late = await requestIn(t, villebelle, {
      service: 'services-techniques',
      subject: 'Lampadaire en panne rue des Lilas',
      submittedAt: new Date(Date.now() - 40 * DAY),
      dueAt: new Date(Date.now() - 10 * DAY),
    });
    const onTime = await requestIn(t, villebelle, {
      service: 'services-techniques',
      subject: 'Nid-de-poule avenue Foch',
    });
    const closedLate = await requestIn(t, villebelle, {
      service: 'services-techniques',
      subject: 'Trottoir abîmé place du Marché',
      status: 'classee',
      submittedAt: new Date(Date.now() - 60 * DAY),
      dueAt: new Date(Date.now() - 30 * DAY),
    });
    const mine = await requestIn(t, villebelle, {
      service: 'services-techniques',
      subject: 'Banc cassé au square',
      status: 'en_cours',
      assignee: 'dgs@villebelle.example',
    });
    const reported = await requestIn(t, villebelle, {
      service: 'services-techniques',
      subject: 'Signaler un problème sur la voie publique',
      procedure: 'signalement-voirie',
      answers: {
        typeProbleme: 'eclairage',
        dangerImmediat: false,
        adresseProbleme: { line1: '3 rue des Lilas', postcode: '00100', city: 'Villebelle' },
        description: 'Le lampadaire clignote depuis une semaine.',
      },
    });
    const dgs = await as('dgs@villebelle.example');

    const byProcedure = await dgs.get(`${inbox}?demarche=signalement-voirie`);
    expect(byProcedure.body).toContain(reported.number);
    expect(byProcedure.body).not.toContain(onTime.number);
    const freeText = await dgs.get(`${inbox}?service=services-techniques&demarche=libre`);
    expect(freeText.body).toContain(onTime.number);
    expect(freeText.body).not.toContain(reported.number);
    // The answers, as the form engine recaps them.
    const answers = await dgs.get(detail(reported.number));
    expect(answers.body).toContain('Quel problème voulez-vous signaler');
    expect(answers.body).toContain('Éclairage public en panne');
    expect(answers.body).toContain('3 rue des Lilas, 00100 Villebelle');
    expect(answers.body).toContain('Le lampadaire clignote depuis une semaine.');

    const lateOnly = await dgs.get(`${inbox}?service=services-techniques&retard=1`);
    expect(lateOnly.body).toContain(late.number);
    expect(lateOnly.body).toContain('En retard');
    expect(lateOnly.body).not.toContain(onTime.number);
    expect(lateOnly.body).not.toContain(closedLate.number); // closed: never late

    const byStatus = await dgs.get(`${inbox}?service=services-techniques&statut=classee`);
    expect(byStatus.body).toContain(closedLate.number);
    expect(byStatus.body).not.toContain(late.number);
    // Counts per status (for the other filters): 3 new, 1 in progress, 1 closed.
    expect(byStatus.body).toMatch(/Nouvelle<\/a> <span class="govuk-body-s">\(3\)/);
    expect(byStatus.body).toMatch(/En cours<\/a> <span class="govuk-body-s">\(1\)/);
    expect(byStatus.body).toMatch(/À traiter<\/a> <span class="govuk-body-s">\(4\)/);

    const assignedToMe = await dgs.get(`${inbox}?service=services-techniques&attribution=moi`);
    expect(assignedToMe.body).toContain(mine.number);
    expect(assignedToMe.body).not.toContain(late.number);
    const unassigned = await dgs.get(`${inbox}?service=services-techniques&attribution=aucune`);
    expect(unassigned.body).toContain(late.number);
    expect(unassigned.body).not.toContain(mine.number);

    const day = (d: Date) => d.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });
    const range = await dgs.get(
      `${inbox}?service=services-techniques&du=${encodeURIComponent(day(new Date(Date.now() - 50 * DAY)))}&au=${encodeURIComponent(day(new Date(Date.now() - 20 * DAY)))}`,
    );
    expect(range.body).toContain(late.number);
    expect(range.body).not.toContain(onTime.number);
    expect(range.body).not.toContain(closedLate.number);

    const bad = await dgs.get(`${inbox}?du=31/02/2026&statut=inconnu`);
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Saisissez une date valide, par exemple 31/01/2026.');
    expect(bad.body).toContain('Choisissez un statut de la liste.');

    // The oldest first, by due date: the late request comes first.
    const byDue = await dgs.get(`${inbox}?service=services-techniques&tri=echeance`);
    expect(byDue.body.indexOf(late.number)).toBeLessThan(byDue.body.indexOf(onTime.number));

    for (let i = 0; i < 26; i++)
      await requestIn(t, villebelle, { service: 'finances', subject: `Facture n° ${i + 1}` });
    const first = await dgs.get(`${inbox}?service=finances`);
    expect(first.body).toContain('26 demandes — page 1 sur 2');
    expect(first.body.match(/name="demandes"/g)).toHaveLength(25);
    expect(first.body).toContain('href="/c/villebelle/agent/demandes?service=finances&amp;page=2"');
    const second = await dgs.get(`${inbox}?service=finances&page=2`);
    expect(second.body.match(/name="demandes"/g)).toHaveLength(1);
  });

  it('changes the status with a message to the citizen, required when refusing, and reopens', async () => {
    const r = await requestIn(t, villebelle, {
      service: 'urbanisme',
      subject: 'Déclaration préalable pour une clôture',
      account: CAMILLE,
    });
    const agent = await as(urbanismeAgent.email);
    await agent.get(detail(r.number));
    const refused = await agent.post(`${detail(r.number)}/statut`, { statut: 'refusee', messageStatut: '' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('Expliquez à l’usager le motif du refus.');
    expect((await requestRow(villebelle, r.number)).status).toBe('nouvelle');

    const inProgress = await agent.post(`${detail(r.number)}/statut`, { statut: 'en_cours' });
    expect(inProgress.statusCode).toBe(303);
    expect(inProgress.headers.location).toBe(`${detail(r.number)}?fait=statut`);
    const again = await agent.get(inProgress.headers.location as string);
    expect(again.body).toContain('Le statut de la demande a été modifié.');

    await agent.post(`${detail(r.number)}/statut`, {
      statut: 'refusee',
      messageStatut: 'La hauteur de clôture dépasse celle autorisée par le PLU (1,80 m).',
    });
    const row = await requestRow(villebelle, r.number);
    expect(row.status).toBe('refusee');
    expect(row.closed_at).not.toBeNull();
    const mail = await lastMailTo(villebelle, CITIZEN);
    expect(mail?.template).toBe('requestStatusChanged');
    expect(mail?.text_body).toContain('La hauteur de clôture dépasse celle autorisée par le PLU');
    expect(mail?.text_body).toContain(`/c/villebelle/demandes/${r.number}`);
    const audits = (await auditData(villebelle, 'request.status_changed')).filter((a) => a.data.number === r.number);
    expect(audits.map((a) => a.data.to)).toEqual(['en_cours', 'refusee']);

    await agent.get(detail(r.number));
    const wrong = await agent.post(`${detail(r.number)}/statut`, { statut: 'acceptee' });
    expect(wrong.statusCode).toBe(422);
    expect(shownText(wrong.body)).toContain('Une demande « Refusée » ne peut pas passer à « Acceptée ».');
    await agent.post(`${detail(r.number)}/statut`, { statut: 'en_cours' });
    const reopened = await requestRow(villebelle, r.number);
    expect(reopened.status).toBe('en_cours');
    expect(reopened.closed_at).toBeNull();
    const history = await agent.get(detail(r.number));
    expect(shownText(history.body)).toContain('Statut : Refusée → En cours');
  });

  it('keeps internal notes among agents: never on the citizen’s page nor in the citizen’s history', async () => {
    const r = await requestIn(t, villebelle, {
      service: 'urbanisme',
      subject: 'Certificat d’urbanisme',
      account: CAMILLE,
    });
    const agent = await as(urbanismeAgent.email);
    await agent.get(detail(r.number));
    const empty = await agent.post(`${detail(r.number)}/note`, { note: '   ' });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('Écrivez la note interne.');
    const note = 'Le voisin a déjà contesté un projet similaire en 2024.';
    expect((await agent.post(`${detail(r.number)}/note`, { note })).statusCode).toBe(303);
    const page = await agent.get(detail(r.number));
    expect(page.body).toContain(note);
    expect(page.body).toContain('Note interne — visible des agents seulement');

    const forCitizen = await withTenant(t.runtime.database, villebelle.id, (tx) =>
      listRequestEvents(tx, r.id, { includeInternal: false }),
    );
    expect(forCitizen.map((e) => e.kind)).not.toContain('internal_note');
    expect(forCitizen.some((e) => e.body === note)).toBe(false);
    const forAgents = await withTenant(t.runtime.database, villebelle.id, (tx) =>
      listRequestEvents(tx, r.id, { includeInternal: true }),
    );
    expect(forAgents.find((e) => e.kind === 'internal_note')?.isInternal).toBe(true);

    const own = await (await as(CITIZEN)).get(`/c/villebelle/demandes/${r.number}`);
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('Certificat d’urbanisme');
    expect(own.body).not.toContain(note);
    expect(own.body).not.toContain('Note interne');
  });

  it('writes to the citizen with a file checked by content; the file downloads as an attachment', async () => {
    const r = await requestIn(t, villebelle, { service: 'urbanisme', subject: 'Permis de démolir', account: CAMILLE });
    const anonymous = await requestIn(t, villebelle, {
      service: 'urbanisme',
      subject: 'Question sur le cadastre',
      requesterEmail: 'sans.compte@courriel.example',
    });
    const agent = await as(urbanismeAgent.email);
    const cookie = () => [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const send = async (number: string, fields: Record<string, string>, file?: { name: string; content: Buffer }) => {
      await agent.get(detail(number));
      const boundary = `----guichet${randomBytes(8).toString('hex')}`;
      const parts: Buffer[] = [];
      for (const [name, value] of Object.entries({ _csrf: agent.csrf(), ...fields })) {
        parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
      }
      if (file) {
        parts.push(
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="fichier"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
          ),
          file.content,
          Buffer.from('\r\n'),
        );
      }
      parts.push(Buffer.from(`--${boundary}--\r\n`));
      return t.app.inject({
        method: 'POST',
        url: `${detail(number)}/message`,
        payload: Buffer.concat(parts),
        headers: { cookie: cookie(), 'content-type': `multipart/form-data; boundary=${boundary}` },
        remoteAddress: '198.18.200.4',
      });
    };
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

    const wrongType = await send(
      r.number,
      { message: 'Voici le formulaire.' },
      { name: 'notes.txt', content: Buffer.from('bonjour') },
    );
    expect(wrongType.statusCode).toBe(422);
    expect(wrongType.body).toContain('n’est pas au bon format');
    expect(wrongType.body).toContain('Voici le formulaire.');

    const sent = await send(
      r.number,
      { message: 'Merci de compléter le formulaire Cerfa ci-joint.', attente: '1' },
      { name: 'cerfa démolition.pdf', content: pdf },
    );
    expect(sent.statusCode).toBe(303);
    expect((await requestRow(villebelle, r.number)).status).toBe('attente_usager');
    const mail = await lastMailTo(villebelle, CITIZEN);
    expect(mail?.template).toBe('requestMessage');
    expect(mail?.text_body).not.toContain('Merci de compléter'); // read online, in "Mes demandes"
    const page = await agent.get(detail(r.number));
    expect(page.body).toContain('Merci de compléter le formulaire Cerfa ci-joint.');
    const link = /href="([^"]+\/fichiers\/[0-9a-f-]+)"/.exec(page.body)?.[1];
    expect(link).toBeDefined();
    const download = await agent.get(link!);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(String(download.headers['content-disposition'])).toMatch(/^attachment; filename="cerfa demolition.pdf"/);
    expect(download.rawPayload.equals(pdf)).toBe(true);
    const citizenEvents = await withTenant(t.runtime.database, villebelle.id, (tx) =>
      listRequestEvents(tx, r.id, { includeInternal: false }),
    );
    expect(citizenEvents.some((e) => e.kind === 'message_to_citizen')).toBe(true);
    const own = await (await as(CITIZEN)).get(`/c/villebelle/demandes/${r.number}`);
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('Merci de compléter le formulaire Cerfa ci-joint.');
    expect(own.body).toContain('cerfa démolition.pdf');

    // Another agent's service cannot fetch the file.
    const other = await as(etatCivilAgent.email);
    expect((await other.get(link!)).statusCode).toBe(404);

    // Without an account, the mail carries the message.
    expect((await send(anonymous.number, { message: 'Le cadastre est consultable en mairie.' })).statusCode).toBe(303);
    const plain = await lastMailTo(villebelle, 'sans.compte@courriel.example');
    expect(plain?.text_body).toContain('Le cadastre est consultable en mairie.');
  });

  it('re-routes with a reason: a training example, and the request leaves the agent’s inbox', async () => {
    const r = await requestIn(t, villebelle, {
      service: 'urbanisme',
      subject: 'Arbre tombé sur la chaussée',
      text: 'Un arbre est tombé sur la route après l’orage, la circulation est bloquée.',
      routing: { routedBy: 'classifier', confidence: 0.64, explanation: ['arbre', 'chaussée'] },
    });
    const agent = await as(urbanismeAgent.email);
    const page = await agent.get(detail(r.number));
    expect(page.body).toContain('Orientation automatique (classifieur)');
    expect(page.body).toContain('64 %');
    expect(page.body).toContain('<li>chaussée</li>');
    const technique = (
      await t.testDb.asSuperuser<{ id: string }>('SELECT id FROM service WHERE commune_id = $1 AND slug = $2', [
        villebelle.id,
        'services-techniques',
      ])
    ).rows[0]!.id;

    const noReason = await agent.post(`${detail(r.number)}/reorienter`, { service: technique, motif: '' });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.body).toContain('Indiquez pourquoi la demande change de service.');

    await agent.get(detail(r.number));
    const moved = await agent.post(`${detail(r.number)}/reorienter`, {
      service: technique,
      motif: 'Voirie : relève des services techniques.',
    });
    expect(moved.statusCode).toBe(303);
    expect(moved.headers.location).toBe(`${inbox}?transmise=${r.number}`);
    expect((await requestRow(villebelle, r.number)).service_slug).toBe('services-techniques');
    const { rows } = await t.testDb.asSuperuser<{ text: string; service_slug: string }>(
      `SELECT text, service_slug FROM routing_example WHERE commune_id = $1 AND source = 'rerouting'`,
      [villebelle.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.service_slug).toBe('services-techniques');
    expect(rows[0]!.text).toContain('Un arbre est tombé sur la route');

    const list = await agent.get(moved.headers.location as string);
    expect(list.body).toContain(`La demande n° ${r.number} a été transmise à un autre service`);
    expect(list.body).not.toContain(`${detail(r.number)}"`);
    expect((await agent.get(detail(r.number))).statusCode).toBe(404);

    const mayor = await as('maire@villebelle.example');
    const history = await mayor.get(detail(r.number));
    expect(history.body).toContain('Transmise du service Urbanisme au service Services techniques');
    expect(shownText(history.body)).toContain('Voirie : relève des services techniques.');
    expect(history.body).toContain('Choisi par un agent');
  });

  it('assigns to me or to an agent of the service, never to someone outside it', async () => {
    const r = await requestIn(t, villebelle, { service: 'accueil', subject: 'Horaires de la mairie' });
    const agent = await as(etatCivilAgent.email);
    const page = await agent.get(detail(r.number));
    expect(page.statusCode).toBe(200);
    const outsider = await agent.post(`${detail(r.number)}/attribuer`, { attribuer: urbanismeAgent.id });
    expect(outsider.statusCode).toBe(422);
    expect(outsider.body).toContain('Choisissez un agent du service Accueil.');
    await agent.get(detail(r.number));
    expect((await agent.post(`${detail(r.number)}/attribuer`, { attribuer: 'moi' })).statusCode).toBe(303);
    expect((await requestRow(villebelle, r.number)).assignee_email).toBe(etatCivilAgent.email);
    const mine = await agent.get(`${inbox}?attribution=moi`);
    expect(mine.body).toContain(r.number);
    expect(mine.body).toContain(etatCivilAgent.name);
  });

  it('applies bulk actions to the checked requests, and refuses requests out of reach', async () => {
    const a = await requestIn(t, villebelle, { service: 'enfance-scolaire', subject: 'Inscription à la cantine' });
    const b = await requestIn(t, villebelle, { service: 'enfance-scolaire', subject: 'Centre de loisirs en juillet' });
    const other = await requestIn(t, villebelle, { service: 'finances', subject: 'Remboursement de caution' });
    const admin = await as('admin@villebelle.example');
    const urbanisme = await as(urbanismeAgent.email);

    await admin.get(`${inbox}?service=enfance-scolaire`);
    const none = await admin.post(`${inbox}/lot`, { action: 'moi', retour: `${inbox}?service=enfance-scolaire` });
    expect(none.statusCode).toBe(422);
    expect(none.body).toContain('Cochez au moins une demande.');

    await admin.get(`${inbox}?service=enfance-scolaire`);
    const form = new URLSearchParams({
      _csrf: admin.csrf(),
      action: 'moi',
      retour: `${inbox}?service=enfance-scolaire`,
    });
    form.append('demandes', a.id);
    form.append('demandes', b.id);
    const res = await t.app.inject({
      method: 'POST',
      url: `${inbox}/lot`,
      payload: form.toString(),
      headers: {
        cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
      },
      remoteAddress: '198.18.201.4',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${inbox}?service=enfance-scolaire&lot=2-0`);
    expect((await requestRow(villebelle, a.number)).assignee_email).toBe('admin@villebelle.example');
    expect((await requestRow(villebelle, b.number)).assignee_email).toBe('admin@villebelle.example');
    expect((await admin.get(res.headers.location as string)).body).toContain('2 demandes modifiées.');

    await admin.get(inbox);
    expect((await admin.post(`${inbox}/lot`, { demandes: a.id, action: 'classee' })).statusCode).toBe(303);
    expect((await requestRow(villebelle, a.number)).status).toBe('classee');
    expect((await lastMailTo(villebelle, 'jean.dupont@courriel.example'))?.template).toBe('requestStatusChanged');

    // An agent of another service cannot act on them, even by posting their ids.
    await urbanisme.get(inbox);
    const refused = await urbanisme.post(`${inbox}/lot`, { demandes: other.id, action: 'classee' });
    expect(refused.statusCode).toBe(404);
    expect((await requestRow(villebelle, other.number)).status).toBe('nouvelle');
  });

  it('exports the filtered list as CSV for French Excel and as XLSX, after step-up, audited', async () => {
    await requestIn(t, villebelle, {
      service: 'etat-civil',
      subject: '=HYPERLINK("http://pirate.example";"clic")',
      text: 'Tentative d’injection de formule.',
    });
    await requestIn(t, villebelle, { service: 'etat-civil', subject: 'Livret de famille; duplicata' });
    const agent = await signIn(t.app, etatCivilAgent.email);

    const csv = await agent.get(`${inbox}/export.csv?service=etat-civil`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(String(csv.headers['content-disposition'])).toMatch(/^attachment; filename="demandes-villebelle-/);
    expect(csv.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(
      'N° de demande;Déposée le;Objet;Démarche;Service;Statut;En retard;Échéance;Demandeur;Adresse électronique;Canal;Attribuée à;Clôturée le',
    );
    expect(csv.body).toContain(`"'=HYPERLINK(""http://pirate.example"";""clic"")"`);
    expect(csv.body).toContain('"Livret de famille; duplicata"');
    expect(csv.body).not.toContain('Permis'); // another service
    expect(lines.at(-1)).toBe('');

    const xlsx = await agent.get(`${inbox}/export.xlsx?service=etat-civil`);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Demandes')!;
    expect(sheet.getRow(1).getCell(1).value).toBe('N° de demande');
    const subjects = sheet.getColumn(3).values.slice(2);
    expect(subjects).toContain('Livret de famille; duplicata');
    expect(sheet.rowCount).toBe(csv.body.split('\r\n').length - 1);
    expect(sheet.getRow(2).getCell(2).value).toBeInstanceOf(Date);

    const exported = (await auditData(villebelle, 'requests.exported')).filter(
      (e) => e.data.filters && (e.data.filters as Record<string, string>).service === 'etat-civil',
    );
    expect(exported.map((e) => e.data.format)).toEqual(['csv', 'xlsx']);

    await t.testDb.asSuperuser(
      `UPDATE session SET reauthenticated_at = now() - interval '1 hour'
        WHERE account_id = (SELECT id FROM account WHERE email = $1)`,
      [etatCivilAgent.email],
    );
    const stale = await agent.get(`${inbox}/export.csv?service=etat-civil`);
    expect(stale.statusCode).toBe(303);
    expect(stale.headers.location).toBe(
      `/c/villebelle${STEP_UP_PATH}?retour=${encodeURIComponent(`${inbox}/export.csv?service=etat-civil`)}`,
    );
    signedIn.delete(`villebelle:${etatCivilAgent.email}`);
  });

  it('files a request at the counter for a citizen who came in person', async () => {
    const agent = await as(urbanismeAgent.email);
    const form = await agent.get(`${inbox}/nouvelle`);
    expect(form.statusCode).toBe(200);
    const missing = await agent.post(`${inbox}/nouvelle`, { nom: '', courriel: 'pas-une-adresse', texte: '' });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('Saisissez le prénom et le nom de l’usager.');
    expect(missing.body).toContain('Saisissez une adresse électronique valide');
    expect(missing.body).toContain('Décrivez la demande de l’usager.');
    expect(missing.body).toContain('Saisissez l’objet de la demande.');

    const urbanisme = (
      await t.testDb.asSuperuser<{ id: string }>('SELECT id FROM service WHERE commune_id = $1 AND slug = $2', [
        villebelle.id,
        'urbanisme',
      ])
    ).rows[0]!.id;
    await agent.get(`${inbox}/nouvelle`);
    const filed = await agent.post(`${inbox}/nouvelle`, {
      demarche: '',
      objet: 'Consultation du PLU',
      texte: 'Souhaite consulter le plan local d’urbanisme pour sa parcelle AB 123.',
      service: urbanisme,
      nom: 'Lucie Bernard',
      courriel: 'lucie.bernard@courriel.example',
    });
    expect(filed.statusCode).toBe(303);
    const number = /\/agent\/demandes\/(\d{4}-\d+)\?fait=deposee$/.exec(String(filed.headers.location))?.[1];
    expect(number).toBeDefined();
    const row = await requestRow(villebelle, number!);
    expect(row.channel).toBe('guichet');
    expect(row.service_slug).toBe('urbanisme');
    expect(row.filed_by).toBe(urbanismeAgent.id);
    const page = await agent.get(filed.headers.location as string);
    expect(page.body).toContain('Au guichet');
    expect(page.body).toContain('Souhaite consulter le plan local d’urbanisme');
    expect(page.body).toContain(urbanismeAgent.name);
    const receipt = await lastMailTo(villebelle, 'lucie.bernard@courriel.example');
    expect(receipt?.template).toBe('requestReceipt');
    expect(receipt?.text_body).toContain(number!);

    // A démarche of another service: filed, then out of this agent's reach.
    const acte = (
      await t.testDb.asSuperuser<{ id: string }>('SELECT id FROM procedure WHERE commune_id = $1 AND slug = $2', [
        villebelle.id,
        'acte-etat-civil',
      ])
    ).rows[0]!.id;
    await agent.get(`${inbox}/nouvelle`);
    const forOthers = await agent.post(`${inbox}/nouvelle`, {
      demarche: acte,
      objet: '',
      texte: 'Copie intégrale de l’acte de naissance, né le 3 mai 1980 à Villebelle.',
      service: '',
      nom: 'Marc Petit',
      courriel: CITIZEN,
    });
    expect(forOthers.statusCode).toBe(303);
    const other = /\?deposee=(\d{4}-\d+)$/.exec(String(forOthers.headers.location))?.[1];
    expect(other).toBeDefined();
    expect((await agent.get(forOthers.headers.location as string)).body).toContain(
      `La demande n° ${other} a été enregistrée et transmise au service concerné.`,
    );
    const filedForCitizen = await requestRow(villebelle, other!);
    expect(filedForCitizen.service_slug).toBe('etat-civil');
    // The address is that of Camille's account: the request is in her "Mes demandes".
    const own = await (await as(CITIZEN)).get(`/c/villebelle/demandes/${other}`);
    expect(own.statusCode).toBe(200);
  });
});
