/**
 * The commune's reply templates (decision 0054), over HTTP as an administrator and an instructor
 * live them: a built-in template edited is the one the next draft starts from; a merge field the
 * system does not fill is refused in French (422, the typed text kept, the field named); the
 * commune's own template is offered for drafting; another commune never sees it (404); « revenir
 * au modèle d’origine » gives the built-in text back.
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
import { signIn } from '../../test/sign-in.js';
import { communeTemplates, REPLY_TEMPLATES, unknownFields } from './templates.js';

describe('unknown merge fields', () => {
  it.each([
    ['{{expediteur.nom}} et {{ courrier.numero }}', []],
    ['{{expediteur.prenom}}', ['expediteur.prenom']],
    ['{{Expediteur.Nom}} {{expediteur.nom}}', ['Expediteur.Nom']],
    ['{{x}} {{x}} {{date}}', ['x']],
    ['{{}}', ['(vide)']],
    ['Sans champ, {accolade simple}', []],
  ])('« %s » → %j', (text, expected) => {
    expect(unknownFields(text)).toEqual(expected);
  });

  it('accepts every built-in template as it is', () => {
    for (const t of Object.values(REPLY_TEMPLATES)) expect(unknownFields(t.subject + t.body)).toEqual([]);
  });

  it('puts the commune’s version in place of the built-in one, then its own templates', () => {
    const list = communeTemplates([
      { id: 'a', builtinKey: null, label: 'Invitation', subject: 'S', body: 'B' },
      { id: 'b', builtinKey: 'reponse', label: 'Réponse', subject: 'Autre objet', body: 'Autre texte' },
    ]);
    expect(list.map((t) => [t.key, t.edited, t.subject])).toEqual([
      ['accuse_reception', false, REPLY_TEMPLATES.accuse_reception.subject],
      ['reponse', true, 'Autre objet'],
      ['demande_pieces', false, REPLY_TEMPLATES.demande_pieces.subject],
      ['a', false, 'S'],
    ]);
  });
});

describe.each(TEST_ENGINES)('commune reply templates on %s', (engine) => {
  let t: TestApp;
  let town: Commune;
  let other: Commune;
  let mail: string;
  const people: Record<'instructeur' | 'admin' | 'adminAilleurs', Person> = {} as never;
  const browsers = new Map<string, TestBrowser>();

  async function as(who: keyof typeof people): Promise<TestBrowser> {
    let browser = browsers.get(who);
    if (!browser) {
      browser = await signIn(t.app, people[who].email, { slug: who === 'adminAilleurs' ? other.slug : town.slug });
      browsers.set(who, browser);
    }
    return browser;
  }

  const admin = () => `/c/${town.slug}/admin/courrier/modeles`;
  const textarea = (html: string) =>
    /<textarea[^>]*name="corps"[^>]*>([^<]*)<\/textarea>/
      .exec(html)![1]!
      .replace(/&#x27;|&#39;/g, '’')
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>');
  const subjectOf = (html: string) => /name="objet"[^>]*value="([^"]*)"/.exec(html)![1]!;

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '100000' } });
    town = await secondCommune(t, {
      slug: 'bourg-des-modeles',
      name: 'Bourg-des-Modèles',
      services: [{ slug: 'urbanisme', name: 'Urbanisme' }],
    });
    other = await secondCommune(t);
    people.instructeur = await staffMember(t, town, {
      role: 'agent',
      services: ['urbanisme'],
      givenName: 'Ines',
      familyName: 'Instructrice',
    });
    people.admin = await staffMember(t, town, { role: 'admin', givenName: 'Alice', familyName: 'Admin' });
    people.adminAilleurs = await staffMember(t, other, { role: 'admin', givenName: 'Eva', familyName: 'Ailleurs' });
    const services = await withTenant(t.runtime.database, town.id, (tx) => listServices(tx, town.id));
    const [y, m, d] = parisDateOf(new Date()).split('-');
    const instructeur = await as('instructeur');
    const base = `/c/${town.slug}/agent/courrier`;
    await instructeur.get(`${base}/nouveau`);
    const registered = await instructeur.postMultipart(`${base}/nouveau`, {
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
      service: services.find((s) => s.slug === 'urbanisme')!.id,
    });
    expect(registered.statusCode, shownText(registered.body).slice(0, 300)).toBe(303);
    mail = String(registered.headers.location).replace(/\?.*$/, '');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('edits a built-in template: the next draft starts from it; revert gives the original back', async () => {
    const a = await as('admin');
    const list = await a.get(admin());
    expect(list.statusCode).toBe(200);
    expect(shownText(list.body)).toContain('Réponse');
    const edit = await a.get(`${admin()}/reponse`);
    expect(edit.statusCode).toBe(200);
    // The available fields are listed with their meaning.
    expect(shownText(edit.body)).toContain('{{expediteur.nom}}');
    expect(shownText(edit.body)).toContain('le nom de l’expéditeur');

    // An unknown field is refused, named in the message, the typed text kept.
    const typed = 'Bonjour {{expediteur.prenom}}, votre dossier {{courrier.numero}} avance. {{dossier.etat}}';
    const refused = await a.post(`${admin()}/reponse`, { objet: 'Votre dossier', corps: typed });
    expect(refused.statusCode).toBe(422);
    const shown = shownText(refused.body);
    expect(shown).toContain('Les champs de fusion {{expediteur.prenom}}, {{dossier.etat}} n’existent pas');
    expect(textarea(refused.body)).toBe(typed);
    const empty = await a.post(`${admin()}/reponse`, { objet: '  ', corps: 'x'.repeat(20_001) });
    expect(empty.statusCode).toBe(422);
    expect(shownText(empty.body)).toContain('Saisissez l’objet de la lettre.');
    expect(shownText(empty.body)).toContain('Le texte doit faire au plus 20 000 caractères.');

    const saved = await a.post(`${admin()}/reponse`, {
      objet: 'Suite à votre courrier {{courrier.numero}}',
      corps:
        'Madame, Monsieur {{expediteur.nom}},\n\nLa commune de {{commune.nom}} a examiné votre demande.\n\n[Votre réponse]',
    });
    expect(saved.statusCode, shownText(saved.body).slice(0, 300)).toBe(303);
    expect(shownText((await a.get(admin())).body)).toContain('Modifié par la commune');

    const i = await as('instructeur');
    const draft = await i.get(`${mail}/reponse?modele=reponse`);
    expect(draft.statusCode).toBe(200);
    expect(subjectOf(draft.body)).toMatch(/^Suite à votre courrier \d{4}-A\d{6}$/);
    expect(textarea(draft.body)).toContain('Madame, Monsieur Jean Dupont,');
    expect(textarea(draft.body)).toContain('La commune de Bourg-des-Modèles a examiné votre demande.');

    // The audit journal has the change.
    const { rows } = await t.testDb.asSuperuser<{ action: string }>(
      `SELECT action FROM audit_entry WHERE commune_id = $1 AND action LIKE 'courrier.template_%' ORDER BY occurred_at`,
      [town.id],
    );
    expect(rows.map((r) => r.action)).toContain('courrier.template_saved');

    // Revert: the built-in text again.
    await a.get(`${admin()}/reponse`);
    const reverted = await a.post(`${admin()}/reponse/retablir`, {});
    expect(reverted.statusCode).toBe(303);
    expect(shownText((await a.get(`${admin()}?fait=retabli`)).body)).toContain('Le modèle d’origine est rétabli.');
    const again = await i.get(`${mail}/reponse?modele=reponse`);
    expect(subjectOf(again.body)).toMatch(/^Votre courrier du .+ : Extension de ma maison$/);
    expect(textarea(again.body)).toContain('vous nous avez interrogés au sujet de « Extension de ma maison »');
  });

  it('adds a template of the commune’s own, offered for drafting and used; another commune never sees it', async () => {
    const a = await as('admin');
    await a.get(`${admin()}/nouveau`);
    const missing = await a.post(admin(), { nom: '', objet: 'Objet', corps: 'Texte' });
    expect(missing.statusCode).toBe(422);
    expect(shownText(missing.body)).toContain('Saisissez le nom du modèle.');
    expect(/name="objet"[^>]*value="Objet"/.test(missing.body)).toBe(true);
    const tooLong = await a.post(admin(), { nom: 'n'.repeat(101), objet: 'Objet', corps: 'Texte' });
    expect(tooLong.statusCode).toBe(422);
    expect(shownText(tooLong.body)).toContain('Le nom du modèle doit faire au plus 100 caractères.');
    const added = await a.post(admin(), {
      nom: 'Invitation en mairie',
      objet: 'Rendez-vous en mairie : {{courrier.objet}}',
      corps: '{{expediteur.civilite}},\n\nLe service {{service.nom}} vous invite à prendre rendez-vous.',
    });
    expect(added.statusCode, shownText(added.body).slice(0, 300)).toBe(303);
    const list = (await a.get(admin())).body;
    const key = new RegExp(`${admin()}/([0-9a-f-]{36})">Invitation en mairie`).exec(list)![1]!;

    // Offered on the mail's page, and the draft starts from it.
    const i = await as('instructeur');
    const page = await i.get(mail);
    expect(page.body).toContain(`<option value="${key}">Invitation en mairie</option>`);
    const draft = await i.get(`${mail}/reponse?modele=${key}`);
    expect(shownText(draft.body)).toContain('Modèle : Invitation en mairie.');
    expect(subjectOf(draft.body)).toBe('Rendez-vous en mairie : Extension de ma maison');
    expect(textarea(draft.body)).toContain('Le service Urbanisme vous invite à prendre rendez-vous.');
    const saved = await i.post(`${mail}/reponse`, {
      modele: key,
      objet: subjectOf(draft.body),
      corps: textarea(draft.body),
    });
    expect(saved.statusCode, shownText(saved.body).slice(0, 300)).toBe(303);
    expect(shownText((await i.get(mail)).body)).toContain('Projet de réponse rédigé (invitation en mairie)');

    // Another commune: the template does not exist there, on the administration nor in drafting.
    const b = await as('adminAilleurs');
    const otherAdmin = `/c/${other.slug}/admin/courrier/modeles`;
    expect((await b.get(`${otherAdmin}/${key}`)).statusCode).toBe(404);
    await b.get(`${otherAdmin}/nouveau`);
    expect((await b.post(`${otherAdmin}/${key}`, { nom: 'Pris', objet: 'x', corps: 'y' })).statusCode).toBe(404);
    await b.get(`${otherAdmin}/nouveau`);
    expect((await b.post(`${otherAdmin}/${key}/retablir`, {})).statusCode).toBe(404);
    expect((await b.get(otherAdmin)).body).not.toContain('Invitation en mairie');
    expect((await a.get(admin())).body).toContain('Invitation en mairie');
    // An agent is not an administrator: the administration does not exist for them (the policy's 404).
    expect((await i.get(admin())).statusCode).toBe(404);

    // Deleted: no longer offered.
    await a.get(`${admin()}/${key}`);
    expect((await a.post(`${admin()}/${key}/retablir`, {})).statusCode).toBe(303);
    expect((await i.get(mail)).body).not.toContain('Invitation en mairie</option>');
  });

  // The IMAP host check over HTTP (decision 0054): this instance does not allow private hosts.
  it('refuses a mailbox on a private or local IMAP host, in French, the values kept', async () => {
    const a = await as('admin');
    for (const serveur of ['127.0.0.1', 'localhost', '[::1]', '169.254.169.254', '10.0.0.5']) {
      await a.get(`/c/${town.slug}/admin/courrier`);
      const refused = await a.post(`/c/${town.slug}/admin/courrier/boite`, {
        serveur,
        port: '993',
        tls: 'oui',
        identifiant: 'courrier@mairie.fr',
        mot_de_passe: 'secret',
      });
      expect(refused.statusCode, serveur).toBe(422);
      expect(shownText(refused.body)).toContain('Ce serveur est sur une adresse privée ou locale');
      expect(refused.body).toContain(`value="${serveur}"`);
      expect(refused.body).toContain('value="courrier@mairie.fr"');
    }
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(
      'SELECT count(*)::int AS n FROM courrier_mailbox WHERE commune_id = $1',
      [town.id],
    );
    expect(rows[0]!.n).toBe(0);
  });
});
