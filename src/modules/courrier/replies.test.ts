/**
 * Replies through the parapheur, as an instructor lives them: a draft from a template with its
 * merge fields (placeholders left in are refused in French), numbered in the outgoing register,
 * sent to the parapheur (visa of the chef de service, signature of the maire), marked signed on
 * the parapheur's event, sent by electronic registered letter through the local simulator of the
 * provider's API (cost and deposit proof kept), the proof of delivery filed when it comes, the
 * incoming mail closed — and every reply route 404 to another commune.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { type Commune, listServices } from '../../platform/tenancy/communes.js';
import { parisDateOf } from '../../platform/time/calendar.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import type { TestBrowser } from '../../test/browser.js';
import { shownText } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { type Person, secondCommune, staffMember } from '../../test/factories.js';
import { runQueuedJobs } from '../../test/jobs.js';
import { type LreSimulator, startLreSimulator } from '../../test/lre-simulator.js';
import { signIn } from '../../test/sign-in.js';
import { lreProviderOf } from './lre/configured.js';
import { merge } from './templates.js';
import { followLreSends } from './use-cases/follow-lre.js';

describe('merge fields', () => {
  it.each([
    ['Votre courrier {{courrier.numero}}', 'Votre courrier 2026-A000007'],
    ['{{ expediteur.nom }}, bonjour', 'Jean Dupont, bonjour'],
    ['Au {{inconnu.champ}}', 'Au [champ inconnu : inconnu.champ]'],
    ['Sans champ', 'Sans champ'],
  ])('« %s » → « %s »', (text, expected) => {
    expect(merge(text, { 'courrier.numero': '2026-A000007', 'expediteur.nom': 'Jean Dupont' })).toBe(expected);
  });
});

describe.each(TEST_ENGINES)('courrier replies on %s', (engine) => {
  let t: TestApp;
  let lre: LreSimulator;
  let town: Commune;
  let other: Commune;
  let base: string;
  const people: Record<'accueil' | 'instructeur' | 'chef' | 'maire' | 'dgs' | 'admin' | 'ailleurs', Person> =
    {} as never;
  const browsers = new Map<string, TestBrowser>();
  const service: Record<string, string> = {};
  const today = parisDateOf(new Date());

  async function as(who: keyof typeof people): Promise<TestBrowser> {
    let browser = browsers.get(who);
    if (!browser) {
      browser = await signIn(t.app, people[who].email, { slug: who === 'ailleurs' ? other.slug : town.slug });
      browsers.set(who, browser);
    }
    return browser;
  }

  async function actOnFolder(who: keyof typeof people, folder: string, action: string) {
    const browser = await as(who);
    const page = await browser.get(folder);
    const step = /name="etape" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return browser.post(`${folder}/${action}`, { etape: step });
  }

  beforeAll(async () => {
    lre = await startLreSimulator();
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '100000', ...lre.env } });
    town = await secondCommune(t, {
      slug: 'bourg-des-reponses',
      name: 'Bourg-des-Réponses',
      services: [
        { slug: 'accueil', name: 'Accueil' },
        { slug: 'urbanisme', name: 'Urbanisme' },
      ],
    });
    other = await secondCommune(t);
    base = `/c/${town.slug}/agent/courrier`;
    people.accueil = await staffMember(t, town, {
      role: 'agent',
      services: ['accueil'],
      givenName: 'Aline',
      familyName: 'Accueil',
    });
    people.instructeur = await staffMember(t, town, {
      role: 'agent',
      services: ['urbanisme'],
      givenName: 'Ines',
      familyName: 'Instructrice',
    });
    people.chef = await staffMember(t, town, {
      role: 'agent',
      services: ['urbanisme'],
      givenName: 'Chloé',
      familyName: 'Chef',
    });
    people.maire = await staffMember(t, town, { role: 'mayor', givenName: 'Marie', familyName: 'Maire' });
    people.dgs = await staffMember(t, town, { role: 'dgs', givenName: 'Denis', familyName: 'Directeur' });
    people.admin = await staffMember(t, town, { role: 'admin', givenName: 'Alice', familyName: 'Admin' });
    people.ailleurs = await staffMember(t, other, {
      role: 'agent',
      services: ['secretariat'],
      givenName: 'Eva',
      familyName: 'Ailleurs',
    });
    for (const s of await withTenant(t.runtime.database, town.id, (tx) => listServices(tx, town.id)))
      service[s.slug] = s.id;
    const admin = await as('admin');
    await admin.get(`/c/${town.slug}/admin/parapheur`);
    const saved = await admin.post(`/c/${town.slug}/admin/parapheur/fonctions`, {
      maire: people.maire.id,
      adjoint_finances: '',
      dgs: people.dgs.id,
      [`chef-${service.urbanisme}`]: people.chef.id,
      [`chef-${service.accueil}`]: '',
    });
    expect(saved.statusCode, shownText(saved.body).slice(0, 300)).toBe(303);
  });

  afterAll(async () => {
    await t?.close();
    await lre?.close();
  });

  it('drafts a reply from a template, signs it in the parapheur, sends it by electronic registered letter and closes the mail', async () => {
    const [y, m, d] = today.split('-');
    const accueil = await as('accueil');
    await accueil.get(`${base}/nouveau`);
    const registered = await accueil.postMultipart(`${base}/nouveau`, {
      'arrivee-day': String(Number(d)),
      'arrivee-month': String(Number(m)),
      'arrivee-year': y!,
      expediteur_type: 'personne',
      expediteur_nom: 'Jean Dupont',
      expediteur_courriel: 'jean.dupont@exemple.fr',
      expediteur_adresse: '12 rue des Lilas\n44000 Nantes',
      objet: 'Extension de ma maison',
      type: 'demande',
      categorie: 'courrier',
      priorite: 'normale',
      service: service.urbanisme!,
    });
    expect(registered.statusCode).toBe(303);
    const mail = String(registered.headers.location).replace(/\?.*$/, '');
    const incoming = /Numéro (\d{4}-A\d{6})/.exec(shownText((await accueil.get(mail)).body))![1]!;

    // The instructor drafts from the template: the merge fields are filled in.
    const instructeur = await as('instructeur');
    const draft = await instructeur.get(`${mail}/reponse?modele=reponse`);
    expect(draft.statusCode).toBe(200);
    expect(draft.body).toContain(incoming);
    expect(draft.body).toContain('Extension de ma maison');
    expect(draft.body).toContain('[Votre réponse]');
    const body = /<textarea[^>]*name="corps"[^>]*>([^<]*)<\/textarea>/
      .exec(draft.body)![1]!
      .replace(/&#x27;|&#39;/g, '’')
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>');
    const objet = /name="objet"[^>]*value="([^"]*)"/.exec(draft.body)![1]!;
    const unfinished = await instructeur.post(`${mail}/reponse`, { modele: 'reponse', objet, corps: body });
    expect(unfinished.statusCode).toBe(422);
    expect(shownText(unfinished.body)).toContain('Complétez le texte à la place des crochets.');
    const saved = await instructeur.post(`${mail}/reponse`, {
      modele: 'reponse',
      objet,
      corps: body.replace('[Votre réponse]', 'Votre projet relève d’une déclaration préalable de travaux.'),
    });
    expect(saved.statusCode, shownText(saved.body).slice(0, 400)).toBe(303);
    let page = shownText((await instructeur.get(mail)).body);
    const outgoing = /Réponse (\d{4}-D\d{6}) — Brouillon/.exec(page)?.[1];
    expect(outgoing).toMatch(/^\d{4}-D000001$/);

    // To the parapheur: visa of the chef de service, signature of the maire.
    await instructeur.get(mail);
    const replyId = /reponses\/([0-9a-f-]{36})\/parapheur/.exec((await instructeur.get(mail)).body)![1]!;
    expect((await instructeur.post(`${mail}/reponses/${replyId}/parapheur`, {})).statusCode).toBe(303);
    page = shownText((await instructeur.get(mail)).body);
    expect(page).toContain(`Réponse ${outgoing} — Au parapheur`);
    expect(page).toMatch(
      new RegExp(`Réponse ${outgoing} envoyée au parapheur pour visa et signature \\(dossier \\d{4}-\\d{6}\\)`),
    );
    const { rows } = await t.testDb.asSuperuser<{ folder_id: string }>(
      'SELECT folder_id FROM courrier_outgoing WHERE id = $1',
      [replyId],
    );
    const folder = `/c/${town.slug}/agent/parapheur/${rows[0]!.folder_id}`;
    expect((await actOnFolder('chef', folder, 'viser')).statusCode).toBe(303);
    expect((await actOnFolder('maire', folder, 'signer')).statusCode).toBe(303);
    expect(await runQueuedJobs(t, 'event.courrier.reply-signed')).toBe(1);
    page = shownText((await instructeur.get(mail)).body);
    expect(page).toContain(`Réponse ${outgoing} — Signée`);
    // The visa and the signature are in the mail's history, each under the name of who gave it.
    expect(page).toMatch(
      new RegExp(`Chloé Chef\\s*Réponse ${outgoing} visée au parapheur \\(dossier \\d{4}-\\d{6}\\)\\.`),
    );
    expect(page).toMatch(
      new RegExp(`Marie Maire\\s*Réponse ${outgoing} signée au parapheur \\(dossier \\d{4}-\\d{6}\\)\\.`),
    );
    expect(page.indexOf(`Réponse ${outgoing} visée`)).toBeLessThan(page.indexOf(`Réponse ${outgoing} signée`));
    const letter = await instructeur.get(`${mail}/reponses/${replyId}/lettre.pdf`);
    expect(letter.statusCode).toBe(200);
    expect(letter.headers['content-type']).toBe('application/pdf');
    expect(letter.rawPayload.includes(Buffer.from('/ByteRange'))).toBe(true);

    // Sent by electronic registered letter: the provider gets the signed letter, its cost is kept.
    await instructeur.get(mail);
    const sent = await instructeur.post(`${mail}/reponses/${replyId}/envoyer`, { canal: 'lre' });
    expect(sent.statusCode, shownText(sent.body).slice(0, 400)).toBe(303);
    expect(lre.letters).toHaveLength(1);
    expect(lre.letters[0]!.recipient.courriel).toBe('jean.dupont@exemple.fr');
    expect(lre.letters[0]!.reference).toBe(outgoing);
    expect(lre.letters[0]!.document.equals(letter.rawPayload)).toBe(true);
    page = shownText((await instructeur.get(mail)).body);
    expect(page).toContain('Clos');
    expect(page).toContain('Lettre recommandée électronique déposée (référence LRE-000001, coût 2,89 €)');
    expect(page).toContain('Preuve de dépôt');
    expect(page).toContain('courrier clos');
    expect(page).toContain('Demander le suivi au prestataire');

    // The recipient accepts it; the instructor asks the provider at once rather than at the next
    // round: the follow job is queued for this commune and files the proof of delivery.
    lre.deliver('LRE-000001');
    await instructeur.get(mail);
    const asked = await instructeur.post(`${mail}/reponses/${replyId}/suivi`, {});
    expect(asked.statusCode, shownText(asked.body).slice(0, 400)).toBe(303);
    expect(asked.headers.location).toMatch(/\?fait=suivi$/);
    const { rows: queued } = await t.testDb.asSuperuser<{ data: { communeId?: string } }>(
      `SELECT data FROM pgboss.job WHERE name = 'courrier.lre-follow' AND state = 'created'`,
    );
    expect(queued.map((j) => j.data)).toEqual([{ communeId: town.id }]);
    expect(await runQueuedJobs(t, 'courrier.lre-follow')).toBe(1);
    expect(await followLreSends(t.runtime, town.id, lreProviderOf(t.runtime)!)).toBe(0);
    const final = await instructeur.get(mail);
    expect(final.body).not.toContain('Demander le suivi au prestataire');
    // Nothing left awaiting an outcome: asking again is refused in French (the closed mail's page
    // has no form left: the CSRF token is taken from the draft page).
    await instructeur.get(`${mail}/reponse?modele=reponse`);
    const settled = await instructeur.post(`${mail}/reponses/${replyId}/suivi`, {});
    expect(settled.statusCode).toBe(409);
    expect(shownText(settled.body)).toContain(
      'Aucune lettre recommandée électronique de cette réponse n’attend de suite.',
    );
    page = shownText(final.body);
    expect(page).toContain(
      'Lettre recommandée électronique LRE-000001 acceptée par le destinataire ; preuve de réception classée avec le courrier.',
    );
    const proofUrl = /href="([^"]+\/preuves\/[^"]+)">Preuve de réception/.exec(final.body)![1]!;
    const proof = await instructeur.get(proofUrl);
    expect(proof.statusCode).toBe(200);
    expect(proof.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    // The outgoing register lists it; the figures of pilotage count its cost.
    const register = shownText((await instructeur.get(`${base}/depart`)).body);
    expect(register).toContain(outgoing);
    expect(register).toContain('Envoyée');
    const figures = await withTenant(t.runtime.database, town.id, (tx) =>
      t.runtime.contributions.figuresOf(tx, town.id),
    );
    expect(figures.get('courrier.lre_sent')).toBe(1);
    expect(figures.get('courrier.lre_cost_cents')).toBe(289);

    // Another commune's agent: 404 everywhere.
    const outsider = await as('ailleurs');
    const id = mail.split('/').pop()!;
    for (const path of [`reponse?modele=reponse`, `reponses/${replyId}/lettre.pdf`, proofUrl.split(`${id}/`)[1]!]) {
      expect((await outsider.get(`/c/${other.slug}/agent/courrier/${id}/${path}`)).statusCode, path).toBe(404);
    }
    // A sent reply does not leave twice.
    await instructeur.get(`${mail}/reponse?modele=reponse`);
    const again = await instructeur.post(`${mail}/reponses/${replyId}/envoyer`, { canal: 'papier' });
    expect(again.statusCode).toBe(409);
  });
});
