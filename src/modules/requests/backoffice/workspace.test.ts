/**
 * The agent's workspace and the citizen's own space: where signing in leads, the back-office
 * chrome, the triage columns of the inbox, « Prendre en charge », the photo thumbnail served
 * safely, and the blocks of « Mon espace » (each person sees their own only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../../platform/db/tenant.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { shownText, TestBrowser } from '../../../test/browser.js';
import { TEST_ENGINES } from '../../../test/databases.js';
import {
  citizen,
  type Person,
  procedureWithForm,
  requestIn,
  secondCommune,
  staffMember,
} from '../../../test/factories.js';
import { MINIMAL_PDF, tinyJpeg } from '../../../test/sample-files.js';
import { nextTestAddress, postSignIn, signIn } from '../../../test/sign-in.js';
import type { FormDefinition } from '../../forms/index.js';
import { listRequestEvents } from '../history.js';
import { storeFile } from '../request-files.js';

const REPORT: FormDefinition = {
  schemaVersion: 1,
  title: 'Signaler un problème sur la voie publique',
  pages: [
    {
      id: 'probleme',
      title: 'Problème',
      fields: [
        {
          id: 'type',
          type: 'choice',
          label: 'Quel problème ?',
          options: [
            { value: 'eclairage', label: 'Éclairage public en panne' },
            { value: 'chaussee', label: 'Trou ou chaussée abîmée' },
          ],
        },
        { id: 'adresse', type: 'address', label: 'Adresse' },
        { id: 'description', type: 'textarea', label: 'Décrivez le problème' },
        {
          id: 'photo',
          type: 'file',
          label: 'Photo',
          file: { accept: ['jpeg', 'png', 'pdf'], maxBytes: 1e7, maxFiles: 3 },
        },
      ],
    },
  ],
};

const SERVICES = [
  { slug: 'voirie', name: 'Voirie' },
  { slug: 'etat-civil', name: 'État civil' },
];

describe.each(TEST_ENGINES)('workspace and own space on %s', (engine) => {
  let t: TestApp;
  let commune: Commune;
  let other: Commune;
  let voirieAgent: Person;
  let etatCivilAgent: Person;
  let councillor: Person;
  let camille: Person;
  let dominique: Person;
  let reportNumber: string;
  let photoId: string;
  let pdfId: string;
  const base = () => `/c/${commune.slug}`;

  /** A road report of Camille with a photo (JPEG) and a PDF, in the voirie service. */
  async function roadReport() {
    await procedureWithForm(t, commune, {
      service: 'voirie',
      slug: 'signalement',
      title: REPORT.title,
      definition: REPORT,
    });
    const report = await requestIn(t, commune, {
      service: 'voirie',
      subject: REPORT.title,
      procedure: 'signalement',
      account: camille,
      answers: {},
    });
    const files = await withTenant(t.runtime.database, commune.id, async (tx) => {
      const photo = await storeFile(tx, {
        upload: {
          name: 'lampadaire.jpg',
          mimeType: 'image/jpeg',
          content: tinyJpeg(),
          sizeBytes: tinyJpeg().length,
          sha256: '',
        },
        ownerAccountId: camille.id,
        requestId: report.id,
      });
      const pdf = await storeFile(tx, {
        upload: {
          name: 'plan.pdf',
          mimeType: 'application/pdf',
          content: MINIMAL_PDF,
          sizeBytes: MINIMAL_PDF.length,
          sha256: '',
        },
        ownerAccountId: camille.id,
        requestId: report.id,
      });
      const answers = {
        type: 'eclairage',
        adresse: { line1: '12 rue des Tilleuls', line2: '', postcode: '99100', city: commune.name },
        description: 'Le lampadaire devant l’école clignote toute la nuit.',
        photo: [
          { id: photo.id, name: photo.name, size: photo.sizeBytes, type: 'image/jpeg' },
          { id: pdf.id, name: pdf.name, size: pdf.sizeBytes, type: 'application/pdf' },
        ],
      };
      await tx.client.query('UPDATE citizen_request SET answers = $2 WHERE id = $1', [report.id, answers]);
      return { photo, pdf };
    });
    return { report, ...files };
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000' } });
    commune = await secondCommune(t, { services: SERVICES });
    other = await secondCommune(t, { services: SERVICES });
    voirieAgent = await staffMember(t, commune, { role: 'agent', services: ['voirie'] });
    etatCivilAgent = await staffMember(t, commune, { role: 'agent', services: ['etat-civil'] });
    councillor = await staffMember(t, commune, { role: 'councillor' });
    camille = await citizen(t, commune, { givenName: 'Camille', familyName: 'Martin' });
    dominique = await citizen(t, commune, { givenName: 'Dominique', familyName: 'Petit' });
    const made = await roadReport();
    reportNumber = made.report.number;
    photoId = made.photo.id;
    pdfId = made.pdf.id;
  });
  afterAll(() => t?.close());

  it('signing in leads staff to their first workspace (inbox; parapheur for an élu), a citizen to « Mon espace »', async () => {
    for (const [person, landing] of [
      [voirieAgent, `${base()}/agent/demandes`],
      // An élu has no inbox: the first tile they may open is the parapheur.
      [councillor, `${base()}/agent/parapheur`],
      [camille, `${base()}/mon-espace`],
    ] as const) {
      const browser = new TestBrowser(t.app, { remoteAddress: nextTestAddress() });
      const signedIn = await postSignIn(browser, person.email, { slug: commune.slug });
      expect(signedIn.headers.location).toBe(`${base()}/espace`);
      const next = await browser.get(`${base()}/espace`);
      expect(next.statusCode).toBe(303);
      expect(next.headers.location, person.email).toBe(landing);
      expect((await browser.get(landing)).statusCode).toBe(200);
    }
    // Signed out: the space asks to sign in first, and comes back to it.
    const anonymous = new TestBrowser(t.app, { remoteAddress: nextTestAddress() });
    const refused = await anonymous.get(`${base()}/mon-espace`);
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toBe(`${base()}/connexion?retour=${encodeURIComponent(`${base()}/mon-espace`)}`);
  });

  it('the back office has its own chrome: « Espace agent », the agent’s navigation, no public menu', async () => {
    const agent = await signIn(t.app, voirieAgent.email, { slug: commune.slug });
    const page = await agent.get(`${base()}/agent/demandes`);
    expect(page.body).toContain('class="govuk-template__body guichet-workspace"');
    expect(page.body).toContain('aria-label="Navigation de l’espace agent"');
    expect(page.body).toContain('Espace agent</span>');
    expect(page.body).toContain(voirieAgent.name);
    expect(page.body).not.toContain('Services municipaux');
    // The inbox is the current item; no administration link for an agent.
    expect(page.body).toMatch(/aria-current="page"><strong[^>]*>Demandes des usagers<\/strong>/);
    expect(page.body).not.toContain(`href="${base()}/admin"`);
    // The citizen's pages keep the public site's menu, with « Mon espace » and « Mes demandes ».
    const citizenPage = await (await signIn(t.app, camille.email, { slug: commune.slug })).get(`${base()}/mon-espace`);
    expect(citizenPage.body).not.toContain('guichet-workspace');
    expect(citizenPage.body).toContain(`href="${base()}/mon-espace" aria-current="page"`);
    expect(citizenPage.body).toContain(`href="${base()}/demandes"`);
  });

  it('the inbox shows the problem, the address, the photos and the age — not the démarche’s title alone', async () => {
    const agent = await signIn(t.app, voirieAgent.email, { slug: commune.slug });
    const page = await agent.get(`${base()}/agent/demandes`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Éclairage public en panne — Le lampadaire devant l’école clignote toute la nuit.');
    expect(page.body).toContain(`12 rue des Tilleuls, 99100 ${commune.name}`);
    expect(page.body).toContain('Camille Martin · 1 photo');
    expect(page.body).toContain('aujourd’hui');
    // Quick views are plain links with GET parameters.
    expect(page.body).toContain(`href="${base()}/agent/demandes?statut=ouvertes&amp;attribution=aucune"`);
  });

  it('« Prendre en charge » assigns the request to the agent and starts it; twice is refused in French', async () => {
    const late = await requestIn(t, commune, { service: 'voirie', subject: 'Trottoir abîmé', account: dominique });
    const agent = await signIn(t.app, voirieAgent.email, { slug: commune.slug });
    const path = `${base()}/agent/demandes/${late.number}`;
    const before = await agent.get(path);
    expect(before.body).toContain('Prendre en charge');
    expect(shownText(before.body)).toContain('Elle passera « En cours » et l’usager en sera prévenu.');
    const taken = await agent.post(`${path}/prendre`, {});
    expect(taken.statusCode).toBe(303);
    expect(taken.headers.location).toBe(`${path}?fait=prise`);
    const { rows } = await t.testDb.asSuperuser<{ status: string; assignee_id: string }>(
      'SELECT status, assignee_id FROM citizen_request WHERE id = $1',
      [late.id],
    );
    expect(rows[0]).toEqual({ status: 'en_cours', assignee_id: voirieAgent.id });
    const events = await withTenant(t.runtime.database, commune.id, (tx) =>
      listRequestEvents(tx, late.id, { includeInternal: true }),
    );
    expect(events.map((e) => e.kind)).toEqual(['submitted', 'assigned', 'status']);
    const after = await agent.get(`${path}?fait=prise`);
    expect(shownText(after.body)).toContain('Vous avez pris en charge la demande : elle vous est attribuée.');
    expect(after.body).not.toContain('>Prendre en charge<');

    const again = await agent.post(`${path}/prendre`, {});
    expect(again.statusCode).toBe(422);
    expect(again.body).toContain('Vous avez déjà pris en charge cette demande.');
    // An agent of another service: 404, nothing changes.
    const stranger = await signIn(t.app, etatCivilAgent.email, { slug: commune.slug });
    expect((await stranger.get(`${base()}/agent/demandes/nouvelle`)).statusCode).toBe(200);
    expect((await stranger.post(`${path}/prendre`, {})).statusCode).toBe(404);
    // A colleague of voirie can take it over; the history keeps both.
    const colleague = await staffMember(t, commune, { role: 'agent', services: ['voirie'] });
    const takeOver = await signIn(t.app, colleague.email, { slug: commune.slug });
    const page = await takeOver.get(path);
    expect(shownText(page.body)).toContain(
      `Elle est attribuée à ${voirieAgent.name} : elle vous sera attribuée à sa place.`,
    );
    expect((await takeOver.post(`${path}/prendre`, {})).statusCode).toBe(303);
    const { rows: now } = await t.testDb.asSuperuser<{ status: string; assignee_id: string }>(
      'SELECT status, assignee_id FROM citizen_request WHERE id = $1',
      [late.id],
    );
    expect(now[0]).toEqual({ status: 'en_cours', assignee_id: colleague.id });
  });

  it('a closed request cannot be taken', async () => {
    const closed = await requestIn(t, commune, { service: 'voirie', subject: 'Déjà réglé', status: 'classee' });
    const agent = await signIn(t.app, voirieAgent.email, { slug: commune.slug });
    const path = `${base()}/agent/demandes/${closed.number}`;
    expect((await agent.get(path)).body).toContain('Cette demande est clôturée.');
    const refused = await agent.post(`${path}/prendre`, {});
    expect(refused.statusCode).toBe(422);
    expect(shownText(refused.body)).toContain('Cette demande est clôturée : il n’y a plus rien à prendre en charge.');
  });

  it('the photo is a thumbnail served inline and safely; a PDF, another service or commune get 404', async () => {
    const agent = await signIn(t.app, voirieAgent.email, { slug: commune.slug });
    const path = `${base()}/agent/demandes/${reportNumber}`;
    const page = await agent.get(path);
    expect(page.body).toContain(`src="${path}/fichiers/${photoId}/apercu"`);
    expect(page.body).toContain('alt="Envoyée par l’usager : lampadaire.jpg"');
    expect(page.body).not.toContain(`${pdfId}/apercu`);
    // The actions are folded in one panel, each form behind a <details>.
    expect(page.body).toContain('class="guichet-actions-panel"');
    expect(page.body.match(/<details class="govuk-details" id="action-/g)).toHaveLength(5);

    const preview = await agent.get(`${path}/fichiers/${photoId}/apercu`);
    expect(preview.statusCode).toBe(200);
    expect(preview.headers['content-type']).toBe('image/jpeg');
    expect(preview.headers['content-disposition']).toBe(
      `inline; filename="lampadaire.jpg"; filename*=UTF-8''lampadaire.jpg`,
    );
    expect(preview.headers['x-content-type-options']).toBe('nosniff');
    expect(preview.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(preview.rawPayload.equals(tinyJpeg())).toBe(true);

    expect((await agent.get(`${path}/fichiers/${pdfId}/apercu`)).statusCode).toBe(404);
    // The PDF stays downloadable as an attachment.
    expect((await agent.get(`${path}/fichiers/${pdfId}`)).headers['content-disposition']).toMatch(/^attachment/);
    const stranger = await signIn(t.app, etatCivilAgent.email, { slug: commune.slug });
    expect((await stranger.get(`${path}/fichiers/${photoId}/apercu`)).statusCode).toBe(404);
    const elsewhere = await staffMember(t, other, { role: 'agent', services: ['voirie'] });
    const foreign = await signIn(t.app, elsewhere.email, { slug: other.slug });
    expect(
      (await foreign.get(`/c/${other.slug}/agent/demandes/${reportNumber}/fichiers/${photoId}/apercu`)).statusCode,
    ).toBe(404);
  });

  it('« Mon espace » shows my requests with their status, my drafts and my documents — not another person’s', async () => {
    const mine = await signIn(t.app, camille.email, { slug: commune.slug });
    const page = await mine.get(`${base()}/mon-espace`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-xl">Mon espace</h1>');
    expect(page.body).toContain(`href="${base()}/demandes/${reportNumber}"`);
    expect(page.body).toContain(REPORT.title);
    expect(page.body).toMatch(
      /<strong class="govuk-tag[^"]*">Nouvelle<\/strong>|<strong class="govuk-tag[^"]*">Reçue<\/strong>/,
    );
    expect(page.body).toContain('Mes brouillons');
    expect(page.body).toContain('Aucune démarche en cours de saisie.');
    expect(page.body).toContain('Mes justificatifs et mon profil');
    expect(page.body).toContain(`href="${base()}/compte/justificatifs"`);

    const theirs = await signIn(t.app, dominique.email, { slug: commune.slug });
    const their = await theirs.get(`${base()}/mon-espace`);
    expect(their.body).not.toContain(reportNumber);
  });

  it('« Mes demandes » stacks each request on a phone (status labelled) and the reply is reachable from the top', async () => {
    const mine = await signIn(t.app, camille.email, { slug: commune.slug });
    const list = await mine.get(`${base()}/demandes`);
    expect(list.body).toContain('class="govuk-table guichet-stacked-table"');
    expect(list.body).toContain('data-label="Statut"');
    const page = await mine.get(`${base()}/demandes/${reportNumber}`);
    const link = page.body.indexOf('href="#repondre"');
    const form = page.body.indexOf('id="repondre"');
    const history = page.body.indexOf('>Historique</h2>');
    expect(link).toBeGreaterThan(0);
    expect(link).toBeLessThan(form);
    expect(form).toBeLessThan(history);
  });
});
