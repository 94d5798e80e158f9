import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_UP_PATH } from '../../platform/authz/step-up.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';
import { FORM_LIBRARY } from '../forms/index.js';

/** Decodes the few HTML entities preact writes in text and attribute values. */
function text(html: string): string {
  return html
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function textareaValue(html: string, name: string): string {
  const match = new RegExp(`<textarea[^>]*name="${name}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  if (!match) throw new Error(`no textarea ${name}`);
  return text(match[1]!);
}

function inputValue(html: string, name: string): string {
  const match = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html);
  return match ? text(match[1]!) : '';
}

function selectedValue(html: string, name: string): string {
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? '';
  return /<option[^>]*value="([^"]*)"[^>]*selected/.exec(select)?.[1] ?? '';
}

function checkedValue(html: string, name: string): string {
  return new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"[^>]*checked`).exec(html)?.[1] ?? '';
}

/** The edit form of the page as it stands (what a browser would post back unchanged). */
function editForm(html: string): Record<string, string> {
  const form: Record<string, string> = {
    silenceBasis: textareaValue(html, 'silenceBasis'),
    serviceId: selectedValue(html, 'serviceId'),
    audience: checkedValue(html, 'audience'),
    silenceKind: checkedValue(html, 'silenceKind'),
    silenceUnit: checkedValue(html, 'silenceUnit'),
  };
  for (const name of ['title', 'slug', 'category', 'processingDays', 'silenceDelay'])
    form[name] = inputValue(html, name);
  for (let i = 0; new RegExp(`name="rule_${i}_field"`).test(html); i++) {
    form[`rule_${i}_field`] = selectedValue(html, `rule_${i}_field`);
    form[`rule_${i}_value`] = inputValue(html, `rule_${i}_value`);
    form[`rule_${i}_service`] = selectedValue(html, `rule_${i}_service`);
  }
  return form;
}

describe.each(TEST_ENGINES)('démarches editor on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  let saintAubin: Commune;
  let address = 10;

  const browser = () => new TestBrowser(t.app, { remoteAddress: `198.51.${address++}.7` });

  async function serviceId(commune: Commune, slug: string): Promise<string> {
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      'SELECT id FROM service WHERE commune_id = $1 AND slug = $2',
      [commune.id, slug],
    );
    return rows[0]!.id;
  }

  async function procedureRow(commune: Commune, slug: string) {
    const { rows } = await t.testDb.asSuperuser<{
      id: string;
      current_version: number;
      is_published: boolean;
      title: string;
      service_id: string;
    }>(
      'SELECT id, current_version, is_published, title, service_id FROM procedure WHERE commune_id = $1 AND slug = $2',
      [commune.id, slug],
    );
    return rows[0];
  }

  async function versions(procedureId: string): Promise<number[]> {
    const { rows } = await t.testDb.asSuperuser<{ version: number }>(
      'SELECT version FROM form_version WHERE procedure_id = $1 ORDER BY version',
      [procedureId],
    );
    return rows.map((r) => r.version);
  }

  async function auditCount(commune: Commune, action: string): Promise<number> {
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(
      'SELECT count(*)::int AS n FROM audit_entry WHERE commune_id = $1 AND action = $2',
      [commune.id, action],
    );
    return Number(rows[0]!.n);
  }

  const newProcedure = (serviceIdValue: string, overrides: Record<string, string> = {}) => ({
    model: 'signalement-voirie',
    title: 'Signaler un arbre dangereux',
    slug: 'arbre-dangereux',
    category: 'Voirie et cadre de vie',
    serviceId: serviceIdValue,
    audience: 'anyone',
    processingDays: '15',
    silenceKind: 'aucune',
    silenceDelay: '',
    silenceUnit: 'jours',
    silenceBasis: '',
    ...overrides,
  });

  beforeAll(async () => {
    t = await createTestApp(engine);
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    saintAubin = (await t.runtime.communes.bySlug('saint-aubin-les-pres'))!;
  });
  afterAll(() => t?.close());

  it('lists the démarches of the commune, for administrators only', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    const landing = await admin.get('/c/villebelle/admin');
    expect(landing.body).toContain('href="/c/villebelle/admin/demarches"');
    const page = await admin.get('/c/villebelle/admin/demarches');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Contacter la mairie');
    expect(page.body).toContain('Signaler un problème sur la voie publique');
    expect(page.body).toContain('Publiée');
    expect(page.body).toContain('Usagers connectés');

    const agent = await signIn(t.app, 'agent.enfance@villebelle.example');
    expect((await agent.get('/c/villebelle/admin/demarches')).statusCode).toBe(404);
    expect((await agent.get('/c/villebelle/admin/demarches/contact')).statusCode).toBe(404);
    expect((await agent.get('/c/villebelle/admin/demarches/contact/export.json')).statusCode).toBe(404);
    const otherAdmin = await signIn(t.app, 'secretariat@saint-aubin-les-pres.example', {
      slug: 'saint-aubin-les-pres',
    });
    expect((await otherAdmin.get('/c/villebelle/admin/demarches')).statusCode).toBe(404);
  });

  it('creates an unpublished démarche from a model, with French errors first', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    const voirie = await serviceId(villebelle, 'services-techniques');
    const form = await admin.get('/c/villebelle/admin/demarches/nouvelle');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Démarche vierge');

    const invalid = await admin.post(
      '/c/villebelle/admin/demarches/nouvelle',
      newProcedure(voirie, { slug: 'Arbre Dangereux', silenceKind: 'rejet' }),
    );
    expect(invalid.statusCode).toBe(422);
    expect(text(invalid.body)).toContain('L’adresse ne doit contenir que des lettres minuscules');
    expect(text(invalid.body)).toContain('Saisissez le fondement juridique de la règle du silence');
    const taken = await admin.post(
      '/c/villebelle/admin/demarches/nouvelle',
      newProcedure(voirie, { slug: 'signalement-voirie' }),
    );
    expect(taken.statusCode).toBe(422);
    expect(text(taken.body)).toContain('Une démarche de la commune a déjà cette adresse');
    expect(await procedureRow(villebelle, 'arbre-dangereux')).toBeUndefined();

    const created = await admin.post('/c/villebelle/admin/demarches/nouvelle', newProcedure(voirie));
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe('/c/villebelle/admin/demarches/arbre-dangereux?cree=1');
    const row = (await procedureRow(villebelle, 'arbre-dangereux'))!;
    expect(row).toMatchObject({ is_published: false, current_version: 1, title: 'Signaler un arbre dangereux' });
    expect(row.service_id).toBe(voirie);
    const edit = await admin.get(created.headers.location as string);
    expect(edit.body).toContain('La démarche a été créée');
    expect(edit.body).toContain('href="/c/villebelle/admin/demarches/arbre-dangereux/formulaire"');
    const definition = await admin.get('/c/villebelle/admin/demarches/arbre-dangereux/formulaire/definition.json');
    expect(JSON.parse(definition.body).title).toBe('Signaler un arbre dangereux');
    expect(await auditCount(villebelle, 'procedure.created')).toBeGreaterThanOrEqual(1);

    // Not in the public catalogue until published.
    const visitor = browser();
    expect((await visitor.get('/c/villebelle/demarches')).body).not.toContain('Signaler un arbre dangereux');
    expect((await visitor.get('/c/villebelle/demarches/arbre-dangereux')).statusCode).toBe(404);
    await admin.get('/c/villebelle/admin/demarches/arbre-dangereux');
    const published = await admin.post('/c/villebelle/admin/demarches/arbre-dangereux/publier', {});
    expect(published.statusCode).toBe(303);
    expect((await procedureRow(villebelle, 'arbre-dangereux'))!.is_published).toBe(true);
    expect((await visitor.get('/c/villebelle/demarches')).body).toContain('Signaler un arbre dangereux');
    await admin.get('/c/villebelle/admin/demarches/arbre-dangereux');
    expect((await admin.post('/c/villebelle/admin/demarches/arbre-dangereux/depublier', {})).statusCode).toBe(303);
    expect((await visitor.get('/c/villebelle/demarches')).body).not.toContain('Signaler un arbre dangereux');
    expect(await auditCount(villebelle, 'procedure.published')).toBe(1);

    // Publishing asks for a recent authentication.
    await t.testDb.asSuperuser(
      `UPDATE session SET reauthenticated_at = now() - interval '1 hour'
        WHERE account_id = (SELECT id FROM account WHERE email = 'admin@villebelle.example')`,
    );
    await admin.get('/c/villebelle/admin/demarches/arbre-dangereux');
    const stale = await admin.post('/c/villebelle/admin/demarches/arbre-dangereux/publier', {});
    expect(stale.statusCode).toBe(303);
    expect(stale.headers.location).toBe(
      `/c/villebelle${STEP_UP_PATH}?retour=${encodeURIComponent('/c/villebelle/admin/demarches/arbre-dangereux')}`,
    );
    expect((await procedureRow(villebelle, 'arbre-dangereux'))!.is_published).toBe(false);
    expect(await auditCount(villebelle, 'procedure.unpublished')).toBe(1);
  });

  it('creates a blank démarche of one page with one question', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    const accueil = await serviceId(villebelle, 'accueil');
    await admin.get('/c/villebelle/admin/demarches/nouvelle');
    const created = await admin.post(
      '/c/villebelle/admin/demarches/nouvelle',
      newProcedure(accueil, {
        model: 'vierge',
        title: 'Demande de badge de déchetterie',
        slug: 'badge-decheterie',
        silenceKind: 'accord',
        silenceDelay: '2',
        silenceUnit: 'mois',
        silenceBasis: 'Code des relations entre le public et l’administration, art. L. 231-1.',
      }),
    );
    expect(created.statusCode).toBe(303);
    const edit = await admin.get('/c/villebelle/admin/demarches/badge-decheterie');
    const def = JSON.parse(
      (await admin.get('/c/villebelle/admin/demarches/badge-decheterie/formulaire/definition.json')).body,
    );
    expect(def.pages).toHaveLength(1);
    expect(def.pages[0].fields).toHaveLength(1);
    expect(inputValue(edit.body, 'silenceDelay')).toBe('2');
    expect(checkedValue(edit.body, 'silenceUnit')).toBe('mois');
  });

  it('refuses to publish a démarche without its presentation (422, French), publishes it once written', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    const accueil = await serviceId(villebelle, 'accueil');
    await admin.get('/c/villebelle/admin/demarches/nouvelle');
    const created = await admin.post(
      '/c/villebelle/admin/demarches/nouvelle',
      newProcedure(accueil, { model: 'vierge', title: 'Prêt de salle', slug: 'pret-de-salle' }),
    );
    expect(created.statusCode).toBe(303);
    await t.testDb.asSuperuser(
      `UPDATE form_version SET definition = definition - 'summary'
       WHERE procedure_id = (SELECT id FROM procedure WHERE commune_id = $1 AND slug = 'pret-de-salle')`,
      [villebelle.id],
    );
    await admin.get('/c/villebelle/admin/demarches/pret-de-salle');
    const refused = await admin.post('/c/villebelle/admin/demarches/pret-de-salle/publier', {});
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('ne peut pas être publiée sans sa présentation');
    expect((await procedureRow(villebelle, 'pret-de-salle'))!.is_published).toBe(false);
    await t.testDb.asSuperuser(
      `UPDATE form_version SET definition = jsonb_set(definition, '{summary}', '"Réserver la salle des fêtes."')
       WHERE procedure_id = (SELECT id FROM procedure WHERE commune_id = $1 AND slug = 'pret-de-salle')`,
      [villebelle.id],
    );
    await admin.get('/c/villebelle/admin/demarches/pret-de-salle');
    expect((await admin.post('/c/villebelle/admin/demarches/pret-de-salle/publier', {})).statusCode).toBe(303);
    expect((await procedureRow(villebelle, 'pret-de-salle'))!.is_published).toBe(true);
  });

  it('refuses an invalid definition with its French path, then saves a new version that earlier requests do not follow', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    const proc = (await procedureRow(villebelle, 'contact'))!;
    expect(proc.current_version).toBe(1);
    // A request made with version 1.
    const accueil = await serviceId(villebelle, 'accueil');
    await t.testDb.asSuperuser(
      `INSERT INTO citizen_request (id, commune_id, number, procedure_id, form_version, service_id, requester_name,
         requester_email, subject, answers, due_at)
       VALUES (gen_random_uuid(), $1, 'TEST-000001', $2, 1, $3, 'Camille Martin', 'camille@example.org', 'Question',
         '{"objet": "Question"}', now() + interval '30 days')`,
      [villebelle.id, proc.id, accueil],
    );

    // A draft of a signed-in citizen, begun with version 1.
    await t.testDb.asSuperuser(
      `INSERT INTO draft (id, commune_id, procedure_id, form_version, account_id, answers, current_page)
       VALUES (gen_random_uuid(), $1, $2, 1,
         (SELECT id FROM account WHERE email = 'camille.martin@courriel.example'), '{"objet": "Horaires"}', 'message')`,
      [villebelle.id, proc.id],
    );

    // The JSON mode of the form editor.
    const jsonPage = '/c/villebelle/admin/demarches/contact/formulaire/json';
    const edit = await admin.get(jsonPage);
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('guichet-textarea--code');
    const fingerprint = inputValue(edit.body, 'empreinte');
    const def = JSON.parse(textareaValue(edit.body, 'definition'));

    // An unknown field type: 422, the French message with its path, nothing saved.
    const broken = structuredClone(def);
    broken.pages[0].fields[0].type = 'curseur';
    const refused = await admin.post(jsonPage, {
      empreinte: fingerprint,
      definition: JSON.stringify(broken, null, 2),
    });
    expect(refused.statusCode).toBe(422);
    const refusedText = text(refused.body);
    expect(refusedText).toMatch(/pages\[0\]\.fields\[0\][^<]*le type[^<]*curseur[^<]*n’existe pas/);
    expect(textareaValue(refused.body, 'definition')).toContain('"curseur"'); // the text typed is kept
    expect(await versions(proc.id)).toEqual([1]);

    // Invalid JSON: a French message too.
    const notJson = await admin.post(jsonPage, { empreinte: fingerprint, definition: '{ "pages": ' });
    expect(notJson.statusCode).toBe(422);
    expect(text(notJson.body)).toContain('Le texte n’est pas du JSON valide');

    // Unchanged definition: nothing to save, no new version.
    await admin.get(jsonPage);
    expect((await admin.post(jsonPage, { empreinte: fingerprint, definition: JSON.stringify(def) })).statusCode).toBe(
      303,
    );
    await admin.get('/c/villebelle/admin/demarches/contact/formulaire');
    const same = await admin.post('/c/villebelle/admin/demarches/contact/formulaire/enregistrer', {});
    expect(same.headers.location).toBe('/c/villebelle/admin/demarches/contact/formulaire?fait=rien');
    expect(await versions(proc.id)).toEqual([1]);

    // Metadata saved on the démarche page: no new version either.
    const metaForm = editForm((await admin.get('/c/villebelle/admin/demarches/contact')).body);
    const meta = await admin.post('/c/villebelle/admin/demarches/contact', { ...metaForm, processingDays: '20' });
    expect(meta.statusCode).toBe(303);
    expect(meta.headers.location).toBe('/c/villebelle/admin/demarches/contact?enregistre=1');
    expect(await versions(proc.id)).toEqual([1]);

    // Changed definition: in the working copy first, then version 2 becomes current.
    const changed = structuredClone(def);
    changed.pages[0].title = 'Votre question à la mairie';
    await admin.get(jsonPage);
    const kept = await admin.post(jsonPage, { empreinte: fingerprint, definition: JSON.stringify(changed) });
    expect(kept.statusCode).toBe(303);
    expect(await versions(proc.id)).toEqual([1]);
    expect(text((await admin.get('/c/villebelle/admin/demarches/contact')).body)).toContain(
      '1 (des modifications ne sont pas encore enregistrées)',
    );
    await admin.get('/c/villebelle/admin/demarches/contact/formulaire');
    const saved = await admin.post('/c/villebelle/admin/demarches/contact/formulaire/enregistrer', {});
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/c/villebelle/admin/demarches/contact/formulaire?fait=version');
    expect(await versions(proc.id)).toEqual([1, 2]);
    expect((await procedureRow(villebelle, 'contact'))!.current_version).toBe(2);
    const after = await admin.get(saved.headers.location as string);
    expect(text(after.body)).toContain('le formulaire est maintenant en version 2');
    const { rows } = await t.testDb.asSuperuser<{ form_version: number }>(
      `SELECT form_version FROM citizen_request WHERE commune_id = $1 AND number = 'TEST-000001'`,
      [villebelle.id],
    );
    expect(rows[0]!.form_version).toBe(1);
    expect(await auditCount(villebelle, 'procedure.form_version_saved')).toBe(1);

    // A new visitor gets the new version; the draft begun before goes on with version 1.
    const visitor = browser();
    const start = await visitor.get('/c/villebelle/demarches/contact/message');
    expect(text(start.body)).toContain('Votre question à la mairie');
    const citizen = await signIn(t.app, 'camille.martin@courriel.example');
    const resumed = await citizen.get('/c/villebelle/demarches/contact/message');
    expect(resumed.statusCode).toBe(200);
    expect(text(resumed.body)).toContain('Votre message');
    expect(text(resumed.body)).not.toContain('Votre question à la mairie');
    expect(resumed.body).toContain('value="Horaires"');
  });

  it('checks routing rules against the definition', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    const edit = await admin.get('/c/villebelle/admin/demarches/acte-etat-civil');
    const form = editForm(edit.body);
    const def = JSON.parse(
      (await admin.get('/c/villebelle/admin/demarches/acte-etat-civil/export.json')).body,
    ).definition;
    await admin.get('/c/villebelle/admin/demarches/acte-etat-civil');
    const choice = def.pages
      .flatMap((p: { fields: Array<{ id: string; type: string; options?: Array<{ value: string }> }> }) => p.fields)
      .find((f: { type: string }) => f.type === 'choice');
    expect(choice, 'a choice field in acte-etat-civil').toBeDefined();
    const urbanisme = await serviceId(villebelle, 'urbanisme');
    const wrong = await admin.post('/c/villebelle/admin/demarches/acte-etat-civil', {
      ...form,
      rule_0_field: choice.id,
      rule_0_value: 'valeur-inconnue',
      rule_0_service: urbanisme,
    });
    expect(wrong.statusCode).toBe(422);
    expect(shownText(wrong.body)).toContain('Règle 1 : la valeur doit être l’un des choix');
    await admin.get('/c/villebelle/admin/demarches/acte-etat-civil');
    const ok = await admin.post('/c/villebelle/admin/demarches/acte-etat-civil', {
      ...form,
      rule_0_field: choice.id,
      rule_0_value: choice.options[0].value,
      rule_0_service: urbanisme,
    });
    expect(ok.statusCode).toBe(303);
    const { rows } = await t.testDb.asSuperuser<{ field_id: string; equals: string; service_id: string }>(
      `SELECT field_id, equals, service_id FROM routing_rule
        WHERE procedure_id = (SELECT id FROM procedure WHERE commune_id = $1 AND slug = 'acte-etat-civil')`,
      [villebelle.id],
    );
    expect(rows).toEqual([{ field_id: choice.id, equals: choice.options[0].value, service_id: urbanisme }]);
    // Shown again on the edit page.
    const again = editForm((await admin.get('/c/villebelle/admin/demarches/acte-etat-civil')).body);
    expect(again.rule_0_field).toBe(choice.id);
  });

  it('previews every page of the form without any way to submit', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    const exported = await admin.get('/c/villebelle/admin/demarches/reservation-salle/export.json');
    const def = JSON.parse(exported.body).definition as { pages: Array<{ id: string; title: string }> };
    expect(def.pages.length).toBeGreaterThan(1);
    for (const [index, page] of def.pages.entries()) {
      const res = await admin.get(`/c/villebelle/admin/demarches/reservation-salle/apercu?page=${page.id}`);
      expect(res.statusCode).toBe(200);
      const html = text(res.body);
      expect(html).toContain(`page ${index + 1} sur ${def.pages.length}`);
      expect(html).toContain(page.title);
      const ids = [...res.body.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
      expect(new Set(ids).size, `unique ids on page ${page.id}`).toBe(ids.length);
    }
    // Every page of every model of the library renders in the preview.
    for (const form of FORM_LIBRARY) {
      for (const page of form.definition.pages) {
        const res = await admin.get(`/c/villebelle/admin/demarches/${form.slug}/apercu?page=${page.id}`);
        expect(res.statusCode, `${form.slug}/${page.id}`).toBe(200);
      }
    }
    // The form of the preview posts nowhere.
    const posted = await admin.post(
      '/c/villebelle/admin/demarches/reservation-salle/apercu',
      { action: 'continuer' },
      { withCsrf: false },
    );
    expect([403, 404]).toContain(posted.statusCode);
  });

  it('exports a démarche and imports it unpublished into another commune', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    const exported = await admin.get('/c/villebelle/admin/demarches/occupation-domaine-public/export.json');
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-disposition']).toBe(
      'attachment; filename="demarche-occupation-domaine-public.json"',
    );
    const doc = JSON.parse(exported.body);
    expect(doc).toMatchObject({ format: 'guichet-demarche', version: 1 });
    expect(doc.procedure.silence).toMatchObject({ kind: 'rejet', months: 2 });
    expect(doc.definition.schemaVersion).toBe(1);

    const other = await signIn(t.app, 'secretariat@saint-aubin-les-pres.example', { slug: 'saint-aubin-les-pres' });
    const secretariat = await serviceId(saintAubin, 'secretariat');
    await other.get('/c/saint-aubin-les-pres/admin/demarches/importer');
    // The library démarche already exists there under the same slug: a French error.
    const clash = await other.post('/c/saint-aubin-les-pres/admin/demarches/importer', {
      serviceId: secretariat,
      content: exported.body,
    });
    expect(clash.statusCode).toBe(422);
    expect(shownText(clash.body)).toContain('La commune a déjà une démarche à l’adresse « occupation-domaine-public »');
    const wrongFormat = await other.post('/c/saint-aubin-les-pres/admin/demarches/importer', {
      serviceId: secretariat,
      content: JSON.stringify({ ...doc, format: 'autre' }),
    });
    expect(wrongFormat.statusCode).toBe(422);
    expect(text(wrongFormat.body)).toContain('Ce fichier n’est pas une démarche exportée par Guichet');

    const tooLarge = await other.post('/c/saint-aubin-les-pres/admin/demarches/importer', {
      serviceId: secretariat,
      content: JSON.stringify({ ...doc, padding: 'é'.repeat(300 * 1024) }),
    });
    expect(tooLarge.statusCode).toBe(422);
    expect(text(tooLarge.body)).toContain('Le fichier doit faire 512 Kio au plus');

    const copy = { ...doc, procedure: { ...doc.procedure, slug: 'terrasses' } };
    const imported = await other.post('/c/saint-aubin-les-pres/admin/demarches/importer', {
      serviceId: secretariat,
      content: JSON.stringify(copy),
    });
    expect(imported.statusCode).toBe(303);
    expect(imported.headers.location).toBe('/c/saint-aubin-les-pres/admin/demarches/terrasses?importe=1');
    const row = (await procedureRow(saintAubin, 'terrasses'))!;
    expect(row).toMatchObject({ is_published: false, current_version: 1, service_id: secretariat });
    const reexported = await other.get('/c/saint-aubin-les-pres/admin/demarches/terrasses/export.json');
    const again = JSON.parse(reexported.body);
    expect(again.definition).toEqual(doc.definition);
    expect(again.procedure).toEqual({ ...doc.procedure, slug: 'terrasses' });
    expect(await auditCount(saintAubin, 'procedure.imported')).toBe(1);
    const catalogue = await browser().get('/c/saint-aubin-les-pres/demarches');
    expect(catalogue.body).not.toContain('/demarches/terrasses');
  });
});
