/**
 * The visual form editor through its HTTP routes, as an administrator uses it without
 * JavaScript: a three-page démarche built from a blank one, saved as a new version, published
 * and filled in by a citizen; refusals that name what uses a question; the working copy kept
 * until saved or discarded; other communes and other roles answered 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';
import { type FormDefinition, parseFormDefinition } from '../forms/index.js';
import { formWorkingCopy } from './schema.js';

/** The text of a page as a person reads it: entities decoded, no-break spaces as spaces. */
function text(html: string): string {
  return html
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[\u00a0\u202f]/g, ' ');
}

function textareaValue(html: string, name: string): string {
  const match = new RegExp(`<textarea[^>]*name="${name}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  if (!match) throw new Error(`no textarea ${name}`);
  return text(match[1]!);
}

function inputValue(html: string, name: string): string {
  const match = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html);
  return match ? match[1]! : '';
}

/** The hidden inputs of a citizen's form page (shown fields, group counts), without the CSRF token. */
function hiddenInputs(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    if (match[1] !== '_csrf') out[match[1]!] = text(match[2]!);
  }
  return out;
}

describe.each(TEST_ENGINES)('form editor on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  let saintAubin: Commune;
  let address = 10;
  const base = '/c/villebelle/admin/demarches/permis-de-louer/formulaire';

  const browser = () => new TestBrowser(t.app, { remoteAddress: `198.51.${address++}.9` });

  async function procedureId(slug: string): Promise<string> {
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      'SELECT id FROM procedure WHERE commune_id = $1 AND slug = $2',
      [villebelle.id, slug],
    );
    return rows[0]!.id;
  }

  async function versions(slug: string): Promise<Array<{ version: number; definition: FormDefinition }>> {
    const { rows } = await t.testDb.asSuperuser<{ version: number; definition: FormDefinition }>(
      'SELECT version, definition FROM form_version WHERE procedure_id = $1 ORDER BY version',
      [await procedureId(slug)],
    );
    return rows;
  }

  async function workingCopies(slug: string): Promise<number> {
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(
      'SELECT count(*)::int AS n FROM form_working_copy WHERE procedure_id = $1',
      [await procedureId(slug)],
    );
    return Number(rows[0]!.n);
  }

  /** The working copy (or current version) as the editor's download gives it. */
  async function editedForm(b: TestBrowser, url = base): Promise<FormDefinition> {
    const res = await b.get(`${url}/definition.json`);
    expect(res.statusCode).toBe(200);
    return JSON.parse(res.body) as FormDefinition;
  }

  function layout(def: FormDefinition): string[] {
    return def.pages.map(
      (page) =>
        `${page.id}: ${page.fields.map((f) => (f.fields ? `${f.id}(${f.fields.map((c) => c.id).join(' ')})` : f.id)).join(' ')}`,
    );
  }

  /** Adds a question through the "add a question" page; returns the address it redirects to. */
  async function addQuestion(b: TestBrowser, pageId: string, kind: string, label: string, group?: string) {
    await b.get(`${base}/pages/${pageId}/nouvelle-question${group ? `?groupe=${group}` : ''}`);
    const res = await b.post(`${base}/pages/${pageId}/nouvelle-question`, {
      kind,
      label,
      ...(group ? { groupe: group } : {}),
    });
    expect(res.statusCode, `${kind} « ${label} »`).toBe(303);
    return res.headers.location as string;
  }

  /** Saves the settings of a question (the form as posted from its page). */
  function saveQuestion(b: TestBrowser, fieldId: string, form: Record<string, string>) {
    return b.post(`${base}/questions/${fieldId}`, { condition: '', ...form });
  }

  beforeAll(async () => {
    t = await createTestApp(engine);
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    saintAubin = (await t.runtime.communes.bySlug('saint-aubin-les-pres'))!;
  });
  afterAll(() => t?.close());

  it('builds a three-page form from a blank démarche, saves it as version 2, and a citizen fills it in', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    const { rows: services } = await t.testDb.asSuperuser<{ id: string }>(
      `SELECT id FROM service WHERE commune_id = $1 AND slug = 'urbanisme'`,
      [villebelle.id],
    );
    const created = await admin.submit('/c/villebelle/admin/demarches/nouvelle', {
      model: 'vierge',
      title: 'Demander un permis de louer',
      slug: 'permis-de-louer',
      category: 'Logement',
      serviceId: services[0]!.id,
      audience: 'anyone',
      processingDays: '30',
      silenceKind: 'aucune',
      silenceDelay: '',
      silenceUnit: 'jours',
      silenceBasis: '',
    });
    expect(created.statusCode).toBe(303);
    const procedurePage = await admin.get('/c/villebelle/admin/demarches/permis-de-louer');
    expect(procedurePage.body).toContain(`href="${base}"`);

    // The editor shows the blank form: one page, one question, nothing changed yet.
    const first = await admin.get(base);
    expect(first.statusCode).toBe(200);
    expect(text(first.body)).toContain('Le formulaire est celui de la version 1, que voient les usagers.');
    expect(text(first.body)).toContain('Page 1 : Votre demande');
    expect(text(first.body)).toContain('L’objet de votre demande');
    expect(first.body).not.toContain('Enregistrer une nouvelle version</button>');

    // Page 1 renamed: its id stays, the change is unpublished.
    await admin.get(`${base}/pages/demande`);
    const renamed = await admin.post(`${base}/pages/demande`, { title: 'Le logement', condition: '' });
    expect(renamed.statusCode).toBe(303);
    expect(renamed.headers.location).toBe(`${base}?fait=page-modifiee#page-demande`);
    const afterRename = text((await admin.get(renamed.headers.location as string)).body);
    expect(afterRename).toContain('La page a été modifiée.');
    expect(afterRename).toContain('Modifications non enregistrées : les usagers voient toujours la version 1.');
    expect(afterRename).toContain('Page 1 : Le logement');
    expect(await versions('permis-de-louer')).toHaveLength(1);

    // A single choice: added, then incomplete until it has two options.
    expect(await addQuestion(admin, 'demande', 'choice', 'Type de logement')).toBe(
      `${base}/questions/typeLogement?fait=question-ajoutee`,
    );
    const settings = await admin.get(`${base}/questions/typeLogement?fait=question-ajoutee`);
    expect(text(settings.body)).toContain('La question a été ajoutée : complétez ses réglages.');
    expect(text(settings.body)).toContain('Choix proposés');
    expect(text(settings.body)).toContain('saisissez au moins deux choix');
    await admin.get(base);
    const incomplete = await admin.post(`${base}/enregistrer`, {});
    expect(incomplete.statusCode).toBe(422);
    expect(incomplete.body).toContain('href="#question-typeLogement"');
    expect(text(incomplete.body)).toContain(
      'Page 1 « Le logement », la question « Type de logement » : saisissez au moins deux choix.',
    );
    await admin.get(`${base}/questions/typeLogement`);
    const oneOption = await saveQuestion(admin, 'typeLogement', {
      label: 'Type de logement',
      required: 'oui',
      options: 'Maison',
    });
    expect(oneOption.statusCode).toBe(422);
    expect(text(oneOption.body)).toContain('Saisissez au moins deux choix, un par ligne');
    expect(textareaValue(oneOption.body, 'options')).toBe('Maison');
    expect(
      (
        await saveQuestion(admin, 'typeLogement', {
          label: 'Type de logement',
          required: 'oui',
          options: 'Maison\r\nAppartement',
        })
      ).headers.location,
    ).toBe(`${base}?fait=question-modifiee#question-typeLogement`);

    // A number with bounds (a French error first).
    await addQuestion(admin, 'demande', 'number', 'Surface habitable');
    const badMax = await saveQuestion(admin, 'surfaceHabitable', {
      label: 'Surface habitable, en m²',
      required: 'oui',
      min: '9',
      max: 'beaucoup',
      integer: 'non',
    });
    expect(badMax.statusCode).toBe(422);
    expect(text(badMax.body)).toContain('La valeur maximale doit être un nombre');
    await saveQuestion(admin, 'surfaceHabitable', {
      label: 'Surface habitable, en m²',
      required: 'oui',
      min: '9',
      max: '1000',
      integer: 'oui',
    });

    // A repeatable group and its question.
    await addQuestion(admin, 'demande', 'repeatableGroup', 'Les pièces du logement');
    await addQuestion(admin, 'demande', 'text', 'Nom de la pièce', 'piecesLogement');
    await admin.get(`${base}/questions/piecesLogement`);
    await saveQuestion(admin, 'piecesLogement', {
      label: 'Les pièces du logement',
      repeatable: 'oui',
      repeatMin: '1',
      repeatMax: '12',
      itemLabel: 'pièce',
      addLabel: 'Ajouter une autre pièce',
    });

    // The question of the blank model goes, after a confirmation page.
    const confirm = await admin.get(`${base}/questions/objet/supprimer`);
    expect(text(confirm.body)).toContain('Supprimer la question « L’objet de votre demande » ?');
    expect((await admin.post(`${base}/questions/objet/supprimer`, {})).headers.location).toBe(
      `${base}/questions/objet/supprimer`,
    );
    expect((await admin.post(`${base}/questions/objet/supprimer`, { confirmer: 'oui' })).headers.location).toBe(
      `${base}?fait=question-supprimee#page-demande`,
    );

    // Page 2: the owner, with prefill, a moved question and an explanation.
    await admin.get(`${base}/nouvelle-page`);
    expect((await admin.post(`${base}/nouvelle-page`, { title: '' })).statusCode).toBe(422);
    expect((await admin.post(`${base}/nouvelle-page`, { title: 'Le propriétaire' })).headers.location).toBe(
      `${base}?fait=page-ajoutee#page-proprietaire`,
    );
    await addQuestion(admin, 'proprietaire', 'text', 'Votre nom');
    await saveQuestion(admin, 'nom', { label: 'Votre nom', required: 'oui', prefill: 'familyName' });
    await addQuestion(admin, 'proprietaire', 'email', 'Votre courriel');
    await addQuestion(admin, 'proprietaire', 'explanation', '');
    await saveQuestion(admin, 'texteExplicatif', {
      label: '',
      content: 'Nous vous écrirons à cette adresse.',
      appearance: 'inset',
    });
    await admin.get(base);
    expect((await admin.post(`${base}/questions/courriel/deplacer`, { sens: 'haut' })).headers.location).toBe(
      `${base}?fait=question-deplacee#question-courriel`,
    );

    // Page 3, shown for flats only, with a yes/no and a file shown when it is "Oui".
    await admin.post(`${base}/nouvelle-page`, { title: 'La copropriété' });
    await admin.get(`${base}/pages/copropriete`);
    const pageSettings = await admin.post(`${base}/pages/copropriete`, {
      title: 'La copropriété',
      condition: 'egal:typeLogement:appartement',
    });
    expect(pageSettings.statusCode).toBe(303);
    await addQuestion(admin, 'copropriete', 'yesno', 'Le logement est-il en copropriété ?');
    await addQuestion(admin, 'copropriete', 'file', 'Le règlement de copropriété');
    const badFile = await saveQuestion(admin, 'reglementCopropriete', {
      label: 'Le règlement de copropriété',
      required: 'non',
      maxSizeMb: '80',
      maxFiles: '2',
    });
    expect(badFile.statusCode).toBe(422);
    expect(text(badFile.body)).toContain('Cochez au moins un format de fichier accepté');
    expect(text(badFile.body)).toContain('La taille maximale doit être un nombre de Mo, entre 1 et 50');
    await saveQuestion(admin, 'reglementCopropriete', {
      label: 'Le règlement de copropriété',
      required: 'non',
      fileKinds: 'pdf',
      maxSizeMb: '5',
      maxFiles: '2',
      condition: 'oui:logementCopropriete',
    });

    // What uses a question cannot be broken, and the editor says what uses it.
    const refusal = await admin.get(`${base}/questions/typeLogement/supprimer`);
    expect(text(refusal.body)).toContain(
      'La question « Type de logement » ne peut pas être supprimée : elle est utilisée par la condition de la page « La copropriété ».',
    );
    expect(refusal.body).not.toContain('Supprimer la question</button>');
    await admin.get(base); // a page with a form (and its CSRF token)
    const forced = await admin.post(`${base}/questions/typeLogement/supprimer`, { confirmer: 'oui' });
    expect(forced.statusCode).toBe(422);
    expect(text(forced.body)).toContain('elle est utilisée par la condition de la page « La copropriété »');
    await admin.get(base);
    expect((await admin.post(`${base}/pages/copropriete/deplacer`, { sens: 'haut' })).statusCode).toBe(303);
    const tooHigh = await admin.post(`${base}/pages/copropriete/deplacer`, { sens: 'haut' });
    expect(tooHigh.statusCode).toBe(422);
    expect(text(tooHigh.body)).toContain(
      'La page « La copropriété » ne peut pas être déplacée : sa condition teste « Type de logement », qui n’est pas sur une page précédente.',
    );
    expect(tooHigh.body).toContain('href="#page-copropriete"');
    await admin.post(`${base}/pages/copropriete/deplacer`, { sens: 'bas' });
    await admin.get(`${base}/questions/typeLogement`);
    const renamedOption = await saveQuestion(admin, 'typeLogement', {
      label: 'Type de logement',
      required: 'oui',
      options: 'Maison\nAppart',
    });
    expect(renamedOption.statusCode).toBe(422);
    expect(text(renamedOption.body)).toContain(
      'Le choix « Appartement » ne peut pas être retiré ou renommé : il est utilisé par la condition de la page « La copropriété ».',
    );

    const built = await editedForm(admin);
    expect(layout(built)).toEqual([
      'demande: typeLogement surfaceHabitable piecesLogement(nomPiece)',
      'proprietaire: courriel nom texteExplicatif',
      'copropriete: logementCopropriete reglementCopropriete',
    ]);

    // The preview shows the working copy, every page.
    for (const [index, page] of built.pages.entries()) {
      const preview = await admin.get(`${base}/apercu?page=${page.id}`);
      expect(preview.statusCode).toBe(200);
      expect(text(preview.body)).toContain(`Aperçu des modifications non enregistrées, page ${index + 1} sur 3`);
    }

    // Saved: version 2, checked by the engine, audited; the working copy is gone.
    await admin.get(base);
    const saved = await admin.post(`${base}/enregistrer`, {});
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${base}?fait=version`);
    const afterSave = text((await admin.get(saved.headers.location as string)).body);
    expect(afterSave).toContain('le formulaire est maintenant en version 2');
    expect(afterSave).toContain('Le formulaire est celui de la version 2, que voient les usagers.');
    const stored = await versions('permis-de-louer');
    expect(stored.map((v) => v.version)).toEqual([1, 2]);
    expect(parseFormDefinition(stored[1]!.definition)).toEqual({ ok: true, definition: stored[1]!.definition });
    expect(stored[1]!.definition.pages[2]!.condition).toEqual({ field: 'typeLogement', equals: 'appartement' });
    expect(stored[1]!.definition.pages[2]!.fields[1]).toEqual({
      id: 'reglementCopropriete',
      type: 'file',
      label: 'Le règlement de copropriété',
      required: false,
      condition: { field: 'logementCopropriete', equals: true },
      file: { accept: ['pdf'], maxBytes: 5 * 1024 * 1024, maxFiles: 2 },
    });
    expect(await workingCopies('permis-de-louer')).toBe(0);
    const { rows: audit } = await t.testDb.asSuperuser<{ data: { version: number } }>(
      `SELECT data FROM audit_entry WHERE commune_id = $1 AND action = 'procedure.form_version_saved'`,
      [villebelle.id],
    );
    expect(audit.map((entry) => entry.data.version)).toEqual([2]);

    // Published (once it has its presentation, which publication requires), a visitor fills it
    // in: the flat page is skipped for a house.
    await t.testDb.asSuperuser(
      `UPDATE form_version SET definition = jsonb_set(definition, '{summary}', '"Pour louer un logement."')
       WHERE procedure_id = (SELECT id FROM procedure WHERE commune_id = $1 AND slug = 'permis-de-louer')`,
      [villebelle.id],
    );
    await admin.get('/c/villebelle/admin/demarches/permis-de-louer');
    expect((await admin.post('/c/villebelle/admin/demarches/permis-de-louer/publier', {})).statusCode).toBe(303);
    const visitor = browser();
    const flow = '/c/villebelle/demarches/permis-de-louer';
    expect((await visitor.get(`${flow}/commencer`)).headers.location).toBe(`${flow}/demande`);
    const page1 = await visitor.get(`${flow}/demande`);
    expect(page1.statusCode).toBe(200);
    const page1Text = text(page1.body);
    expect(page1Text).toContain('Étape 1 sur 2');
    expect(page1Text).toContain('Type de logement');
    expect(page1Text).toContain('Pièce 1');
    const empty = await visitor.post(`${flow}/demande`, { ...hiddenInputs(page1.body), action: 'continuer' });
    expect(empty.statusCode).toBe(422);
    expect(text(empty.body)).toContain('Il y a un problème');
    const notANumber = await visitor.post(`${flow}/demande`, {
      ...hiddenInputs(page1.body),
      typeLogement: 'maison',
      surfaceHabitable: 'quatre-vingts',
      'piecesLogement-0-nomPiece': 'Salon',
      action: 'continuer',
    });
    expect(notANumber.statusCode).toBe(422);
    expect(text(notANumber.body)).toMatch(/Surface habitable, en m²[^<]*nombre/);
    const toPage2 = await visitor.post(`${flow}/demande`, {
      ...hiddenInputs(page1.body),
      typeLogement: 'maison',
      surfaceHabitable: '85',
      'piecesLogement-0-nomPiece': 'Salon',
      action: 'continuer',
    });
    expect(toPage2.headers.location).toBe(`${flow}/proprietaire`);
    const page2 = await visitor.get(`${flow}/proprietaire`);
    expect(text(page2.body)).toContain('Étape 2 sur 2');
    expect(text(page2.body)).toContain('Nous vous écrirons à cette adresse.');
    const toReview = await visitor.post(`${flow}/proprietaire`, {
      ...hiddenInputs(page2.body),
      courriel: 'jeanne.durand@exemple.fr',
      nom: 'Durand',
      action: 'continuer',
    });
    expect(toReview.headers.location).toBe(`${flow}/verifier`);
    const review = text((await visitor.get(`${flow}/verifier`)).body);
    expect(review).toContain('Maison');
    expect(review).toContain('Salon');
    expect(review).not.toContain('copropriété ?');
    expect((await visitor.post(`${flow}/envoyer`, {})).headers.location).toBe('/c/villebelle/demande-envoyee');
    const { rows: requests } = await t.testDb.asSuperuser<{ form_version: number; answers: Record<string, unknown> }>(
      'SELECT form_version, answers FROM citizen_request WHERE procedure_id = $1',
      [await procedureId('permis-de-louer')],
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]!.form_version).toBe(2);
    expect(requests[0]!.answers).toMatchObject({
      typeLogement: 'maison',
      surfaceHabitable: 85,
      piecesLogement: [{ nomPiece: 'Salon' }],
      courriel: 'jeanne.durand@exemple.fr',
      nom: 'Durand',
    });
  });

  it('keeps changes in the working copy until saved or discarded, and the JSON mode overwrites no newer change', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    // Discarded after a confirmation.
    await admin.get(`${base}/presentation`);
    expect((await admin.post(`${base}/presentation`, { title: '', summary: '' })).statusCode).toBe(422);
    const titled = await admin.post(`${base}/presentation`, {
      title: 'Permis de louer : votre demande',
      summary: 'Pour mettre en location un logement situé dans le centre ancien.',
    });
    expect(titled.headers.location).toBe(`${base}?fait=presentation`);
    expect((await editedForm(admin)).title).toBe('Permis de louer : votre demande');
    expect(text((await admin.get('/c/villebelle/admin/demarches/permis-de-louer')).body)).toContain(
      '2 (des modifications ne sont pas encore enregistrées)',
    );
    const ask = await admin.get(`${base}/abandonner`);
    expect(text(ask.body)).toContain('Toutes les modifications faites depuis la version 2 seront perdues.');
    expect((await admin.post(`${base}/abandonner`, {})).headers.location).toBe(`${base}/abandonner`);
    expect(await workingCopies('permis-de-louer')).toBe(1);
    expect((await admin.post(`${base}/abandonner`, { confirmer: 'oui' })).headers.location).toBe(
      `${base}?fait=abandon`,
    );
    expect(await workingCopies('permis-de-louer')).toBe(0);
    expect((await editedForm(admin)).title).toBe('Demander un permis de louer');

    // A change undone by hand leaves no working copy either.
    await admin.get(`${base}/pages/proprietaire`);
    await admin.post(`${base}/pages/proprietaire`, { title: 'Vous', condition: '' });
    expect(await workingCopies('permis-de-louer')).toBe(1);
    await admin.post(`${base}/pages/proprietaire`, { title: 'Le propriétaire', condition: '' });
    expect(await workingCopies('permis-de-louer')).toBe(0);

    // Moved to another page from the question's page, unless a condition forbids it.
    await admin.get(`${base}/questions/typeLogement`);
    const sameAsCondition = await admin.post(`${base}/questions/typeLogement/deplacer`, { page: 'copropriete' });
    expect(sameAsCondition.statusCode).toBe(422);
    expect(text(sameAsCondition.body)).toContain(
      'La question « Type de logement » ne peut pas aller sur la page « La copropriété » : la condition de la page « La copropriété » teste « Type de logement », qui n’est pas sur une page précédente.',
    );
    expect(sameAsCondition.body).toContain('href="#page"');
    const noPage = await admin.post(`${base}/questions/typeLogement/deplacer`, { page: '' });
    expect(noPage.statusCode).toBe(422);
    expect(text(noPage.body)).toContain('Choisissez la page où mettre la question');
    const moved = await admin.post(`${base}/questions/courriel/deplacer`, { page: 'copropriete' });
    expect(moved.headers.location).toBe(`${base}?fait=question-deplacee#question-courriel`);
    expect(layout(await editedForm(admin))).toEqual([
      'demande: typeLogement surfaceHabitable piecesLogement(nomPiece)',
      'proprietaire: nom texteExplicatif',
      'copropriete: logementCopropriete reglementCopropriete courriel',
    ]);
    await admin.get(`${base}/abandonner`);
    await admin.post(`${base}/abandonner`, { confirmer: 'oui' });

    // JSON mode: a definition changed in another tab since the page was opened is not overwritten.
    const jsonPage = await admin.get(`${base}/json`);
    const fingerprint = inputValue(jsonPage.body, 'empreinte');
    const typed = textareaValue(jsonPage.body, 'definition').replace('Le propriétaire', 'Le bailleur');
    await admin.get(`${base}/pages/copropriete`);
    await admin.post(`${base}/pages/copropriete`, {
      title: 'Copropriété',
      condition: 'egal:typeLogement:appartement',
    });
    const conflict = await admin.post(`${base}/json`, { empreinte: fingerprint, definition: typed });
    expect(conflict.statusCode).toBe(409);
    expect(text(conflict.body)).toContain('Le formulaire a été modifié depuis l’ouverture de cette page');
    expect(textareaValue(conflict.body, 'definition')).toContain('Le bailleur');
    expect((await editedForm(admin)).pages[2]!.title).toBe('Copropriété');

    // An exported démarche pasted in the JSON mode replaces the working copy with its form.
    const exported = await admin.get('/c/villebelle/admin/demarches/signalement-voirie/export.json');
    const fresh = await admin.get(`${base}/json`);
    const imported = await admin.post(`${base}/json`, {
      empreinte: inputValue(fresh.body, 'empreinte'),
      definition: exported.body,
    });
    expect(imported.headers.location).toBe(`${base}?fait=json`);
    expect((await editedForm(admin)).pages.map((page) => page.id)).toEqual(
      JSON.parse(exported.body).definition.pages.map((page: { id: string }) => page.id),
    );

    // A version saved outside the editor since the copy was started: refused, nothing lost.
    const id = await procedureId('permis-de-louer');
    await t.testDb.asSuperuser(
      `INSERT INTO form_version (id, commune_id, procedure_id, version, definition)
       SELECT gen_random_uuid(), commune_id, procedure_id, 3, definition FROM form_version
        WHERE procedure_id = $1 AND version = 2`,
      [id],
    );
    await t.testDb.asSuperuser('UPDATE procedure SET current_version = 3 WHERE id = $1', [id]);
    await admin.get(base);
    const stale = await admin.post(`${base}/enregistrer`, {});
    expect(stale.statusCode).toBe(409);
    expect(text(stale.body)).toContain(
      'Ces modifications partent de la version 2, mais la version 3 a été enregistrée depuis.',
    );
    expect(await workingCopies('permis-de-louer')).toBe(1);
    await admin.post(`${base}/abandonner`, { confirmer: 'oui' });
  });

  it('refuses to delete or change a question that a routing rule tests, naming the rule', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    const procedureUrl = '/c/villebelle/admin/demarches/acte-etat-civil';
    const edit = await admin.get(procedureUrl);
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      `SELECT id FROM service WHERE commune_id = $1 AND slug = 'urbanisme'`,
      [villebelle.id],
    );
    const value = (name: string) => text(new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(edit.body)?.[1] ?? '');
    const checked = (name: string) => new RegExp(`name="${name}"[^>]*value="([^"]*)"[^>]*checked`).exec(edit.body)?.[1];
    const selected = (name: string) =>
      /<option[^>]*value="([^"]*)"[^>]*selected/.exec(
        new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(edit.body)?.[1] ?? '',
      )?.[1] ?? '';
    const saved = await admin.post(procedureUrl, {
      title: value('title'),
      slug: value('slug'),
      category: value('category'),
      serviceId: selected('serviceId'),
      audience: checked('audience') ?? 'anyone',
      processingDays: value('processingDays'),
      silenceKind: checked('silenceKind') ?? 'aucune',
      silenceDelay: value('silenceDelay'),
      silenceUnit: checked('silenceUnit') ?? 'jours',
      silenceBasis: textareaValue(edit.body, 'silenceBasis'),
      rule_0_field: 'qualiteDemandeur',
      rule_0_value: 'autre',
      rule_0_service: rows[0]!.id,
    });
    expect(saved.statusCode).toBe(303);

    const editor = '/c/villebelle/admin/demarches/acte-etat-civil/formulaire';
    const refusal = await admin.get(`${editor}/questions/qualiteDemandeur/supprimer`);
    expect(text(refusal.body)).toContain(
      'La question « Vous êtes » ne peut pas être supprimée : elle est utilisée par la condition de la page « Document non disponible » et la règle d’orientation n° 1 (vers « Urbanisme »).',
    );
    const page = await admin.get(`${editor}/pages/demandeur/supprimer`);
    expect(text(page.body)).toContain('ne peut pas être supprimée : sa question « Vous êtes » est utilisée par');
    expect(await workingCopies('acte-etat-civil')).toBe(0);
  });

  it('answers 404 to other communes and other roles, and keeps each commune’s working copy to itself', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    await admin.get(`${base}/pages/proprietaire`);
    await admin.post(`${base}/pages/proprietaire`, { title: 'Vous', condition: '' });
    expect(await workingCopies('permis-de-louer')).toBe(1);

    const otherAdmin = await signIn(t.app, 'secretariat@saint-aubin-les-pres.example', {
      slug: 'saint-aubin-les-pres',
    });
    const agent = await signIn(t.app, 'agent.urbanisme@villebelle.example');
    const mayor = await signIn(t.app, 'maire@villebelle.example');
    for (const b of [otherAdmin, agent, mayor]) {
      for (const path of ['', '/json', '/apercu', '/definition.json', '/pages/proprietaire', '/questions/nom']) {
        expect((await b.get(`${base}${path}`)).statusCode, path).toBe(404);
      }
    }
    // Saint-Aubin's admin on its own address: no such démarche there.
    const own = '/c/saint-aubin-les-pres/admin/demarches/permis-de-louer/formulaire';
    expect((await otherAdmin.get(own)).statusCode).toBe(404);
    await otherAdmin.get('/c/saint-aubin-les-pres/admin/demarches/nouvelle');
    expect((await otherAdmin.post(`${own}/abandonner`, { confirmer: 'oui' })).statusCode).toBe(404);
    await otherAdmin.get('/c/saint-aubin-les-pres/admin/demarches/nouvelle');
    expect((await otherAdmin.post(`${base}/abandonner`, { confirmer: 'oui' })).statusCode).toBe(404);
    expect(await workingCopies('permis-de-louer')).toBe(1);
    // Unknown page or question of a démarche of the commune.
    expect((await admin.get(`${base}/pages/inconnue`)).statusCode).toBe(404);
    expect((await admin.get(`${base}/questions/inconnue`)).statusCode).toBe(404);

    // Row-Level Security: the working copy is invisible in another commune's transaction.
    const seen = await withTenant(t.runtime.database, saintAubin.id, (tx) => tx.db.select().from(formWorkingCopy));
    expect(seen).toEqual([]);
    const mine = await withTenant(t.runtime.database, villebelle.id, (tx) => tx.db.select().from(formWorkingCopy));
    expect(mine).toHaveLength(1);
  });
});
