import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPETENCE_SLUGS } from '../../platform/classifier/competences.js';
import { withTenant } from '../../platform/db/tenant.js';
import { communeSender } from '../../platform/mail/sender.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { type Person, requestIn, staffMember } from '../../test/factories.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';
import { routeFreeText } from '../requests/routing.js';

describe('the sender of a commune’s mails', () => {
  it.each([
    ['a configured address', { name: 'Villebelle', mailFromAddress: 'mairie@villebelle.fr' }, 'mairie@villebelle.fr'],
    ['no address: the platform’s', { name: 'Villebelle', mailFromAddress: null }, 'ne-pas-repondre@guichet.example'],
    [
      'an address the mail rule refuses: the platform’s',
      { name: 'X', mailFromAddress: 'a..b@x.fr' },
      'ne-pas-repondre@guichet.example',
    ],
  ])('%s', (_case, commune, address) => {
    const from = communeSender(commune, 'Guichet <ne-pas-repondre@guichet.example>');
    expect(from).toEqual({ name: commune.name, address });
  });

  it('keeps accents in the name and drops what could break the header', () => {
    expect(communeSender({ name: 'Saint-Aubin-les-Prés', mailFromAddress: null }, 'x@guichet.example')).toEqual({
      name: 'Saint-Aubin-les-Prés',
      address: 'x@guichet.example',
    });
    expect(communeSender({ name: 'Evil"\r\nBcc: <a@b.fr>', mailFromAddress: null }, 'x@guichet.example')).toEqual({
      name: 'EvilBcc: a@b.fr',
      address: 'x@guichet.example',
    });
  });
});

describe.each(TEST_ENGINES)('commune settings on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  let saintAubin: Commune;
  let admin: Person;
  const settings = '/c/villebelle/admin/commune';

  const form = (overrides: Record<string, string> = {}) => ({
    name: 'Villebelle',
    address: '1 place de la Mairie, 44100 Villebelle',
    openingHours: 'du lundi au vendredi de 8 h 30 à 17 h 30',
    phone: '02 40 00 00 00',
    email: 'mairie@villebelle.example',
    brandColour: '#1d70b8',
    legalEditor: '',
    legalDirector: '',
    legalHost: '',
    mailFromAddress: '',
    ...overrides,
  });

  async function serviceRow(slug: string) {
    const { rows } = await t.testDb.asSuperuser<{
      id: string;
      name: string;
      email: string | null;
      retired_at: Date | null;
    }>('SELECT id, name, email, retired_at FROM service WHERE commune_id = $1 AND slug = $2', [villebelle.id, slug]);
    return rows[0];
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    saintAubin = (await t.runtime.communes.bySlug('saint-aubin-les-pres'))!;
    admin = await staffMember(t, villebelle, { role: 'admin' });
  });
  afterAll(() => t?.close());

  it('lets an administrator set the identity, colour, legal mentions and sender, shown on the site', async () => {
    const b = await signIn(t.app, admin.email);
    const home = await b.get('/c/villebelle/admin');
    expect(home.body).toContain(`href="${settings}"`);
    const page = await b.get(settings);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Paramètres de la commune');

    const saved = await b.post(
      settings,
      form({
        openingHours: 'du lundi au samedi de 9 h à 12 h',
        brandColour: '#7A2E8E',
        legalEditor: 'Commune de Villebelle\n1 place de la Mairie, 44100 Villebelle',
        legalDirector: 'Mme Claire Martin, maire',
        legalHost: 'Syndicat mixte Numérique Ouest, 2 rue des Serveurs, 44000 Nantes, 02 40 11 22 33',
        mailFromAddress: 'ne-pas-repondre@villebelle.example',
      }),
    );
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${settings}?enregistre=parametres`);
    expect((await b.get(String(saved.headers.location))).body).toContain(
      'Les paramètres de la commune sont enregistrés.',
    );

    const legal = await b.get('/c/villebelle/mentions-legales');
    expect(legal.body).toContain('Hébergeur');
    expect(legal.body).toContain('Syndicat mixte Numérique Ouest, 2 rue des Serveurs, 44000 Nantes');
    expect(legal.body).toContain('Mme Claire Martin, maire');
    expect(legal.body).toContain('Commune de Villebelle<br/>1 place de la Mairie');
    // The new colour is a new stylesheet URL (no five-minute cache of the old one).
    expect(legal.body).toContain('href="/theme/villebelle.css?v=7a2e8e"');
    expect((await b.get('/theme/villebelle.css')).body).toContain('#7a2e8e');
    const contact = await b.get('/c/villebelle/contact');
    expect(contact.body).toContain('du lundi au samedi de 9 h à 12 h');
    expect(contact.body).toContain('href="/c/villebelle/contacter-la-mairie"');

    const { rows } = await t.testDb.asSuperuser<{ action: string; data: { fields: string[] } }>(
      `SELECT action, data FROM audit_entry WHERE commune_id = $1 AND action = 'commune.settings_changed'`,
      [villebelle.id],
    );
    expect(rows.at(-1)?.data.fields).toEqual(
      expect.arrayContaining(['brandColour', 'legalHost', 'legalDirector', 'mailFromAddress', 'openingHours']),
    );
  });

  it('without the host, the legal page says it is missing rather than inventing one', async () => {
    const b = await signIn(t.app, admin.email);
    await b.get(settings);
    expect((await b.post(settings, form())).statusCode).toBe(303);
    const legal = await b.get('/c/villebelle/mentions-legales');
    expect(legal.body).toContain('L’hébergeur n’a pas encore été indiqué par la commune.');
    expect(legal.body).toContain('Le maire de Villebelle.');
  });

  it.each([
    ['name', { name: '   ' }, 'Saisissez le nom de la commune.'],
    ['brandColour', { brandColour: 'violet' }, 'Saisissez une couleur au format #rrvvbb, comme #1d70b8.'],
    ['email', { email: 'élodie@villebelle.fr' }, 'sans accents'],
    [
      'mailFromAddress',
      { mailFromAddress: 'pas une adresse' },
      'L’adresse d’expédition : saisissez une adresse électronique valide',
    ],
    ['phone', { phone: 'appelez-nous' }, 'Saisissez un numéro de téléphone, comme 01 23 45 67 89.'],
    ['legalHost', { legalHost: 'x'.repeat(501) }, 'L’hébergeur ne doit pas dépasser 500 caractères.'],
    ['address', { address: 'ligne 1\nligne 2' }, 'L’adresse de la mairie contient des caractères non autorisés.'],
  ])('refuses a bad %s with a French message, keeps what was typed, saves nothing', async (_field, bad, message) => {
    const b = await signIn(t.app, admin.email);
    await b.get(settings);
    const refused = await b.post(settings, form({ legalDirector: 'M. Jean Dupont, maire', ...bad }));
    expect(refused.statusCode).toBe(422);
    expect(shownText(refused.body)).toContain(message);
    expect(refused.body).toContain('value="M. Jean Dupont, maire"');
    const { rows } = await t.testDb.asSuperuser<{ legal_director: string | null }>(
      'SELECT legal_director FROM commune WHERE id = $1',
      [villebelle.id],
    );
    expect(rows[0]?.legal_director).not.toBe('M. Jean Dupont, maire');
  });

  it('creates and renames services, refuses a duplicate name, and retires only an unused service', async () => {
    const b = await signIn(t.app, admin.email);
    await b.get(`${settings}/services/nouveau`);
    const created = await b.post(`${settings}/services/nouveau`, {
      name: 'Police municipale',
      email: 'police@villebelle.example',
      description: '',
    });
    expect(created.statusCode).toBe(303);
    const police = await serviceRow('police-municipale');
    expect(police?.email).toBe('police@villebelle.example');

    const duplicate = await b.post(`${settings}/services/nouveau`, {
      name: 'police MUNICIPALE',
      email: '',
      description: '',
    });
    expect(duplicate.statusCode).toBe(422);
    expect(duplicate.body).toContain('La commune a déjà un service de ce nom.');
    expect(duplicate.body).toContain('value="police MUNICIPALE"');

    await b.get(`${settings}/services/${police!.id}`);
    const renamed = await b.post(`${settings}/services/${police!.id}`, {
      name: 'Police municipale et tranquillité publique',
      email: '',
      description: 'Sécurité, stationnement, objets trouvés.',
    });
    expect(renamed.statusCode).toBe(303);
    expect((await serviceRow('police-municipale'))?.name).toBe('Police municipale et tranquillité publique');

    // A service with a request in progress (and the démarches sent to it) cannot be retired.
    const urbanisme = await serviceRow('urbanisme');
    await requestIn(t, villebelle, { service: 'urbanisme', subject: 'Permis pour une véranda', status: 'en_cours' });
    await b.get(settings);
    const refused = await b.post(`${settings}/services/${urbanisme!.id}/retirer`, {});
    expect(refused.statusCode).toBe(409);
    expect(shownText(refused.body)).toMatch(
      /Le service « Urbanisme » ne peut pas être retiré : il a encore \d+ demandes? en cours/,
    );
    expect((await serviceRow('urbanisme'))?.retired_at).toBeNull();

    // An unused one is retired (no longer listed to citizens) and can be restored.
    const retired = await b.post(`${settings}/services/${police!.id}/retirer`, {});
    expect(retired.statusCode).toBe(303);
    expect((await serviceRow('police-municipale'))?.retired_at).not.toBeNull();
    expect((await b.get('/c/villebelle/services')).body).not.toContain('Police municipale');
    await b.get(settings);
    const restored = await b.post(`${settings}/services/${police!.id}/retablir`, {});
    expect(restored.statusCode).toBe(303);
    expect((await serviceRow('police-municipale'))?.retired_at).toBeNull();
  });

  it('offers a retired service nowhere as a destination: routing, transfer, démarche, counter', async () => {
    const b = await signIn(t.app, admin.email);
    await b.get(`${settings}/services/nouveau`);
    expect(
      (await b.post(`${settings}/services/nouveau`, { name: 'Fourrière', email: '', description: '' })).statusCode,
    ).toBe(303);
    const fourriere = (await serviceRow('fourriere'))!;
    // Every competence sent to the new service: whatever the classifier predicts, routing picks it.
    await t.testDb.asSuperuser(
      `INSERT INTO competence_map (commune_id, competence, service_id) SELECT $1, c, $2 FROM unnest($3::text[]) c
       ON CONFLICT (commune_id, competence) DO UPDATE SET service_id = EXCLUDED.service_id`,
      [villebelle.id, fourriere.id, [...COMPETENCE_SLUGS]],
    );
    const text = 'Une voiture est garée sur le trottoir depuis trois semaines, stationnement gênant';
    const routed = () =>
      withTenant(t.runtime.database, villebelle.id, (tx) => routeFreeText(tx, villebelle.id, text, { threshold: 0 }));
    const pending = await requestIn(t, villebelle, { service: 'urbanisme', subject: 'Clôture', status: 'en_cours' });
    const pages = [
      '/c/villebelle/admin/demarches/nouvelle',
      '/c/villebelle/agent/demandes/nouvelle',
      `/c/villebelle/agent/demandes/${pending.number}`,
    ];
    // Active: chosen by routing and offered on every page.
    expect((await routed()).serviceId).toBe(fourriere.id);
    for (const page of pages) expect((await b.get(page)).body, page).toContain(`value="${fourriere.id}"`);

    await b.get(settings);
    expect((await b.post(`${settings}/services/${fourriere.id}/retirer`, {})).statusCode).toBe(303);
    expect((await routed()).serviceId).not.toBe(fourriere.id);
    for (const page of pages) {
      const res = await b.get(page);
      expect(res.statusCode, page).toBe(200);
      expect(res.body, page).not.toContain(`value="${fourriere.id}"`);
    }
    // Chosen anyway (a stale form): refused with a French message.
    await b.get(`/c/villebelle/agent/demandes/${pending.number}`);
    const transfer = await b.post(`/c/villebelle/agent/demandes/${pending.number}/reorienter`, {
      service: fourriere.id,
      motif: 'Essai',
    });
    expect(transfer.statusCode).toBe(422);
    expect(transfer.body).toContain('Choisissez le service qui doit traiter la demande.');
    await t.testDb.asSuperuser('DELETE FROM competence_map WHERE commune_id = $1', [villebelle.id]);
  });

  /** The hrefs of the home page's top tasks, in order. */
  async function topTaskLinks(slug = 'villebelle'): Promise<string[]> {
    const home = await t.app.inject({ method: 'GET', url: `/c/${slug}/` });
    expect(home.statusCode).toBe(200);
    const section = /<section aria-labelledby="titre-taches"[\s\S]*?<\/section>/.exec(home.body)?.[0] ?? '';
    return [...section.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
  }

  it('puts the administrator’s top tasks first on the home page, in order, and skips one no longer open', async () => {
    // The demo's choice: « Signaler un problème » first.
    expect(await topTaskLinks()).toEqual([
      '/c/villebelle/demarches/signalement-voirie',
      '/c/villebelle/demarches/acte-etat-civil',
      '/c/villebelle/demarches/reservation-salle',
      '/c/villebelle/contacter-la-mairie',
    ]);
    const b = await signIn(t.app, admin.email);
    const page = await b.get(settings);
    expect(page.body).toContain('Tâches principales');
    expect(page.body).toContain('value="demarche:inscription-liste-electorale"');
    const saved = await b.post(`${settings}/accueil`, {
      tache1: 'contact',
      tache2: 'demarche:inscription-liste-electorale',
      tache3: '',
      tache4: 'demarche:signalement-voirie',
    });
    expect(saved.statusCode).toBe(303);
    expect(shownText((await b.get(String(saved.headers.location))).body)).toContain(
      'Les tâches principales de la page d’accueil sont enregistrées.',
    );
    expect(await topTaskLinks()).toEqual([
      '/c/villebelle/contacter-la-mairie',
      '/c/villebelle/demarches/inscription-liste-electorale',
      '/c/villebelle/demarches/signalement-voirie',
    ]);

    // An unpublished démarche leaves the home page by itself, and comes back with its publication.
    await t.testDb.asSuperuser(
      "UPDATE procedure SET is_published = false WHERE commune_id = $1 AND slug = 'inscription-liste-electorale'",
      [villebelle.id],
    );
    expect(await topTaskLinks()).toEqual([
      '/c/villebelle/contacter-la-mairie',
      '/c/villebelle/demarches/signalement-voirie',
    ]);
    await t.testDb.asSuperuser(
      "UPDATE procedure SET is_published = true WHERE commune_id = $1 AND slug = 'inscription-liste-electorale'",
      [villebelle.id],
    );
    // Saint-Aubin keeps its own choice.
    expect((await topTaskLinks('saint-aubin-les-pres'))[0]).toBe(
      '/c/saint-aubin-les-pres/demarches/signalement-voirie',
    );
  });

  it.each([
    ['a task that is not offered', { tache1: 'demarche:inconnue' }, 'La tâche 1 n’est plus proposée au public'],
    ['the same task twice', { tache1: 'contact', tache2: 'contact' }, 'La tâche 2 est déjà choisie plus haut'],
    ['a value no list holds', { tache3: 'x'.repeat(300) }, 'Choisissez une tâche de la liste'],
  ])('refuses %s with a French message, keeping the earlier choice', async (_case, values, message) => {
    const before = await topTaskLinks();
    const b = await signIn(t.app, admin.email);
    await b.get(settings);
    const empty: Record<string, string> = { tache1: '', tache2: '', tache3: '', tache4: '' };
    const refused = await b.post(`${settings}/accueil`, { ...empty, ...values });
    expect(refused.statusCode).toBe(422);
    expect(shownText(refused.body)).toContain(message);
    expect(await topTaskLinks()).toEqual(before);
  });

  it('lists each service’s démarches on its page, and says so when it has none', async () => {
    const technique = await t.app.inject({ method: 'GET', url: '/c/villebelle/services/services-techniques' });
    expect(technique.statusCode).toBe(200);
    expect(technique.body).toContain('href="/c/villebelle/demarches/signalement-voirie"');
    expect(technique.body).not.toContain('href="/c/villebelle/demarches/acte-etat-civil"');
    const etatCivil = await t.app.inject({ method: 'GET', url: '/c/villebelle/services/etat-civil' });
    expect(etatCivil.body).toContain('href="/c/villebelle/demarches/acte-etat-civil"');
    const finances = await t.app.inject({ method: 'GET', url: '/c/villebelle/services/finances' });
    expect(shownText(finances.body)).toContain('Ce service n’a pas encore de démarche en ligne.');
    expect(finances.body).toContain('href="/c/villebelle/contacter-la-mairie"');
  });

  it('is for the commune’s administrators only; another commune’s services answer 404', async () => {
    const agent = await staffMember(t, villebelle, { role: 'agent', services: ['urbanisme'] });
    const asAgent = await signIn(t.app, agent.email);
    expect((await asAgent.get(settings)).statusCode).toBe(404);

    const b = await signIn(t.app, admin.email);
    // Villebelle's administrator on Saint-Aubin's settings: not theirs.
    expect((await b.get('/c/saint-aubin-les-pres/admin/commune')).statusCode).toBe(404);
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      'SELECT id FROM service WHERE commune_id = $1 LIMIT 1',
      [saintAubin.id],
    );
    const foreign = rows[0]!.id;
    expect((await b.get(`${settings}/services/${foreign}`)).statusCode).toBe(404);
    await b.get(settings);
    expect((await b.post(`${settings}/services/${foreign}/retirer`, {})).statusCode).toBe(404);
    await b.get(settings);
    expect(
      (await b.post(`${settings}/services/${foreign}`, { name: 'Piraté', email: '', description: '' })).statusCode,
    ).toBe(404);
    const { rows: after } = await t.testDb.asSuperuser<{ name: string; retired_at: Date | null }>(
      'SELECT name, retired_at FROM service WHERE id = $1',
      [foreign],
    );
    expect(after[0]?.name).not.toBe('Piraté');
    expect(after[0]?.retired_at).toBeNull();
  });
});
