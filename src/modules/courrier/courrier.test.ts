/**
 * The courrier through its pages, as the accueil and the services live it: registering a mail
 * (chrono per commune, deadline from the type, sender deduplicated in the contacts directory),
 * French messages on bad input, a confidential mail invisible (404) to anyone not named on it,
 * every mail invisible to another commune, the register's filters and search, assignment and
 * redirection with a reason in the history, reading a generated scan with tesseract in the
 * worker job (and a French message when tesseract is missing), and the classifier's proposal.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { TextDocument } from '../../platform/pdf/index.js';
import { type Commune, listServices } from '../../platform/tenancy/communes.js';
import { parisDateOf } from '../../platform/time/calendar.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import type { TestBrowser } from '../../test/browser.js';
import { shownText } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { type Person, secondCommune, staffMember } from '../../test/factories.js';
import { runQueuedJobs } from '../../test/jobs.js';
import { signIn } from '../../test/sign-in.js';
import { DEFAULT_OCR_COMMANDS } from './ocr.js';
import { OCR_JOB, runOcr } from './ocr-job.js';

const COURRIER_TABLES = [
  'courrier_absence',
  'courrier_avis',
  'courrier_contact',
  'courrier_document',
  'courrier_history',
  'courrier_intake_error',
  'courrier_lre_proof',
  'courrier_lre_send',
  'courrier_mail',
  'courrier_mail_person',
  'courrier_mailbox',
  'courrier_outgoing',
  'courrier_reminder',
  'courrier_template',
];

/** A French letter as a scanner gives it: a PDF written with the platform's helper, rendered to a PNG by pdftoppm. */
async function scannedLetter(lines: string[]): Promise<{ pdf: Buffer; png: Buffer }> {
  const doc = await TextDocument.create({
    title: 'Lettre',
    author: 'Jean Dupont',
    date: new Date('2026-12-01T09:00:00Z'),
    bodySize: 14,
  });
  for (const line of lines) doc.text(line, { size: 14 });
  const pdf = await doc.finish();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courrier-scan-'));
  try {
    fs.writeFileSync(path.join(dir, 'lettre.pdf'), pdf);
    execFileSync('pdftoppm', [
      '-r',
      '150',
      '-gray',
      '-png',
      '-singlefile',
      path.join(dir, 'lettre.pdf'),
      path.join(dir, 'scan'),
    ]);
    return { pdf, png: fs.readFileSync(path.join(dir, 'scan.png')) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const LETTER = [
  'Madame le Maire,',
  'Je sollicite un permis de construire pour l’extension de ma maison située 12 rue des Lilas. Je souhaite connaître les pièces du dossier d’urbanisme à fournir et le délai d’instruction.',
  'Veuillez agréer mes salutations distinguées. Jean Dupont',
];

describe.each(TEST_ENGINES)('courrier on %s', (engine) => {
  let t: TestApp;
  let town: Commune;
  let other: Commune;
  let base: string;
  const people: Record<'accueil' | 'instructeur' | 'collegue' | 'technique' | 'maire' | 'dgs' | 'ailleurs', Person> =
    {} as never;
  const browsers = new Map<string, TestBrowser>();
  const service: Record<string, string> = {};
  const today = parisDateOf(new Date());
  const [year, month, day] = today.split('-');

  async function as(who: keyof typeof people): Promise<TestBrowser> {
    let browser = browsers.get(who);
    if (!browser) {
      browser = await signIn(t.app, people[who].email, { slug: who === 'ailleurs' ? other.slug : town.slug });
      browsers.set(who, browser);
    }
    return browser;
  }

  function fields(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
    return {
      'arrivee-day': String(Number(day)),
      'arrivee-month': String(Number(month)),
      'arrivee-year': year!,
      expediteur_type: 'personne',
      expediteur_nom: 'M. Jean DUPONT',
      expediteur_courriel: '',
      expediteur_adresse: '12 rue des Lilas\n44000 Nantes',
      objet: 'Demande de renseignements',
      type: 'demande',
      categorie: 'courrier',
      priorite: 'normale',
      service: service.accueil!,
      ...overrides,
    };
  }

  /** Registers a mail through the form as `who`; returns the mail's page URL. */
  async function register(
    overrides: Record<string, string | string[]> = {},
    files: Array<{ name: string; filename: string; type: string; content: Buffer }> = [],
    who: keyof typeof people = 'accueil',
  ): Promise<string> {
    const browser = await as(who);
    await browser.get(`${base}/nouveau`);
    const res = await browser.postMultipart(`${base}/nouveau`, fields(overrides), files);
    expect(res.statusCode, shownText(res.body).slice(0, 600)).toBe(303);
    return String(res.headers.location).replace(/\?.*$/, '');
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '100000' } });
    town = await secondCommune(t, {
      slug: 'bourg-en-courrier',
      name: 'Bourg-en-Courrier',
      services: [
        { slug: 'accueil', name: 'Accueil' },
        { slug: 'urbanisme', name: 'Urbanisme' },
        { slug: 'technique', name: 'Services techniques' },
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
    people.collegue = await staffMember(t, town, {
      role: 'agent',
      services: ['urbanisme'],
      givenName: 'Colin',
      familyName: 'Collègue',
    });
    people.technique = await staffMember(t, town, {
      role: 'agent',
      services: ['technique'],
      givenName: 'Théo',
      familyName: 'Technique',
    });
    people.maire = await staffMember(t, town, { role: 'mayor', givenName: 'Marie', familyName: 'Maire' });
    people.dgs = await staffMember(t, town, { role: 'dgs', givenName: 'Denis', familyName: 'Directeur' });
    people.ailleurs = await staffMember(t, other, {
      role: 'agent',
      services: ['secretariat'],
      givenName: 'Eva',
      familyName: 'Ailleurs',
    });
    for (const s of await withTenant(t.runtime.database, town.id, (tx) => listServices(tx, town.id)))
      service[s.slug] = s.id;
  });

  afterAll(() => t?.close());

  it('keeps every courrier table under forced row-level security', async () => {
    const { rows } = await t.testDb.asSuperuser<{ relname: string; forced: boolean; policies: number }>(
      `SELECT c.relname, c.relforcerowsecurity AS forced,
              (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
         FROM pg_class c WHERE c.relname LIKE 'courrier\\_%' AND c.relkind = 'r' ORDER BY c.relname`,
    );
    rows.sort((a, b) => (a.relname < b.relname ? -1 : 1));
    expect(rows).toEqual(COURRIER_TABLES.map((relname) => ({ relname, forced: true, policies: 1 })));
    await register({ objet: 'Courrier invisible sans commune' });
    const visible = await t.runtime.database.pool.query('SELECT count(*)::int AS n FROM courrier_mail');
    expect(visible.rows[0].n).toBe(0);
  });

  it('numbers each commune’s incoming register in sequence, and gives the deadline of the type', async () => {
    const first = await register({ objet: 'Réclamation sur le bruit', type: 'reclamation' });
    const second = await register({
      objet: 'Invitation à l’assemblée générale',
      type: 'invitation',
      priorite: 'urgente',
    });
    const a = shownText((await (await as('accueil')).get(first)).body);
    const b = shownText((await (await as('accueil')).get(second)).body);
    const chrono = (text: string) => Number(/Numéro \d{4}-A(\d{6})/.exec(text)?.[1]);
    expect(chrono(b)).toBe(chrono(a) + 1);
    expect(a).toMatch(new RegExp(`Numéro ${year}-A\\d{6}`));
    expect(a).toContain('1 mois (engagement de service de la commune)');
    expect(b).toContain('Urgente');
    // The other commune starts its own register at 1.
    await (await as('ailleurs')).get(`/c/${other.slug}/agent/courrier/nouveau`);
    const elsewhere = await (await as('ailleurs')).postMultipart(`/c/${other.slug}/agent/courrier/nouveau`, {
      ...fields(),
      service: (await withTenant(t.runtime.database, other.id, (tx) => listServices(tx, other.id)))[0]!.id,
    });
    expect(elsewhere.statusCode).toBe(303);
    const text = shownText((await (await as('ailleurs')).get(String(elsewhere.headers.location))).body);
    expect(text).toContain(`Numéro ${year}-A000001`);
  });

  it('finds a known sender in the contacts directory instead of adding them twice', async () => {
    const count = async () =>
      (
        await t.testDb.asSuperuser<{ n: number }>(
          'SELECT count(*)::int AS n FROM courrier_contact WHERE commune_id = $1',
          [town.id],
        )
      ).rows[0]!.n;
    await register({ expediteur_nom: 'Hélène LEFÈVRE', expediteur_adresse: '3, bd de la Liberté 44000 Nantes' });
    const before = await count();
    const again = await register({
      expediteur_nom: 'Mme Hélène Lefèvre',
      expediteur_adresse: '3 boulevard de la liberte, 44000 NANTES',
    });
    expect(await count()).toBe(before);
    expect(shownText((await (await as('accueil')).get(again)).body)).toContain('expéditeur déjà connu');
    await register({ expediteur_nom: 'Hélène Lefèvre', expediteur_adresse: '8 rue Basse 44000 Nantes' });
    expect(await count()).toBe(before + 1);
  });

  it('answers bad input with French messages at the fields, and keeps what was typed', async () => {
    const browser = await as('accueil');
    await browser.get(`${base}/nouveau`);
    const cases: Array<[Record<string, string | string[]>, string]> = [
      [{ objet: '' }, 'Saisissez l’objet du courrier.'],
      [{ expediteur_nom: '  ' }, 'Saisissez le nom de l’expéditeur.'],
      [
        { expediteur_adresse: '', expediteur_courriel: '' },
        'Indiquez l’adresse postale ou l’adresse électronique de l’expéditeur',
      ],
      [{ expediteur_courriel: 'pas-une-adresse' }, 'adresse'],
      [{ type: 'colis' }, 'Choisissez le type de courrier.'],
      [{ service: '' }, 'Choisissez le service en charge.'],
      [
        { service: '01a22309-0000-7000-8000-000000000009' },
        'Choisissez le service en charge parmi ceux de la commune.',
      ],
      [{ confidentiel: 'oui' }, 'Un courrier confidentiel n’est lu que par les personnes nommées'],
      [{ 'arrivee-day': '31', 'arrivee-month': '2', 'arrivee-year': '2026' }, 'Cette date d’arrivée n’existe pas.'],
      [
        { 'arrivee-day': '1', 'arrivee-month': '1', 'arrivee-year': String(Number(year) + 1) },
        'La date d’arrivée ne peut pas être dans le futur.',
      ],
      [
        { copies: '01a22309-0000-7000-8000-000000000009' },
        'Choisissez des personnes parmi les agents et élus de la commune.',
      ],
    ];
    for (const [overrides, message] of cases) {
      const res = await browser.postMultipart(`${base}/nouveau`, fields({ objet: 'Objet conservé', ...overrides }));
      expect(res.statusCode, JSON.stringify(overrides)).toBe(422);
      const text = shownText(res.body);
      expect(text, JSON.stringify(overrides)).toContain('Il y a un problème');
      expect(text, JSON.stringify(overrides)).toContain(message);
      if (!('objet' in overrides)) expect(res.body).toContain('value="Objet conservé"');
    }
    // A file of a refused type.
    const res = await browser.postMultipart(`${base}/nouveau`, fields(), [
      { name: 'documents', filename: 'lettre.txt', type: 'text/plain', content: Buffer.from('bonjour') },
    ]);
    expect(res.statusCode).toBe(422);
    expect(shownText(res.body)).toContain('PDF');
  });

  it('shows a confidential mail only to the people named on it: 404 for everyone else, the mayor included', async () => {
    const url = await register({
      objet: 'Signalement confidentiel',
      service: service.urbanisme!,
      confidentiel: 'oui',
      lecteurs: [people.instructeur.id],
    });
    expect((await (await as('accueil')).get(url)).statusCode).toBe(200);
    expect((await (await as('instructeur')).get(url)).statusCode).toBe(200);
    for (const who of ['collegue', 'technique', 'maire', 'dgs'] as const) {
      const res = await (await as(who)).get(url);
      expect(res.statusCode, who).toBe(404);
      expect(res.body).not.toContain('Signalement confidentiel');
      // Not in their register either, nor found by a search.
      const list = await (await as(who)).get(`${base}?statut=tous&q=confidentiel`);
      expect(list.body, who).not.toContain('Signalement confidentiel');
      // And no action goes through.
      await (await as(who)).get(`${base}/nouveau`);
      const post = await (await as(who)).post(`${url}/attribuer`, { agent: people.collegue.id });
      expect(post.statusCode, who).toBe(404);
    }
    expect((await (await as('instructeur')).get(`${base}?statut=tous`)).body).toContain('Signalement confidentiel');
    // Its reply, in the outgoing register, is hidden the same way.
    const instructeur = await as('instructeur');
    const draft = await instructeur.get(`${url}/reponse?modele=accuse_reception`);
    expect(draft.statusCode).toBe(200);
    const saved = await instructeur.post(`${url}/reponse`, {
      modele: 'accuse_reception',
      objet: 'Réponse au signalement confidentiel',
      corps: 'Nous avons bien reçu votre signalement.',
    });
    expect(saved.statusCode).toBe(303);
    expect((await instructeur.get(`${base}/depart`)).body).toContain('Réponse au signalement confidentiel');
    for (const who of ['collegue', 'maire'] as const) {
      expect((await (await as(who)).get(`${base}/depart`)).body, who).not.toContain(
        'Réponse au signalement confidentiel',
      );
    }
  });

  it('answers 404 to another commune’s agent, for the mail, its scans and its forms', async () => {
    const { png } = await scannedLetter(['Courrier de test']);
    const url = await register({ objet: 'Courrier de Bourg' }, [
      { name: 'documents', filename: 'scan.png', type: 'image/png', content: png },
    ]);
    const page = await (await as('accueil')).get(url);
    const docUrl = /href="([^"]+\/documents\/[^"]+)"/.exec(page.body)![1]!;
    const id = url.split('/').pop()!;
    const outsider = await as('ailleurs');
    await outsider.get(`/c/${other.slug}/agent/courrier/nouveau`);
    expect((await outsider.get(`/c/${other.slug}/agent/courrier/${id}`)).statusCode).toBe(404);
    expect((await outsider.get(docUrl.replace(town.slug, other.slug))).statusCode).toBe(404);
    await outsider.get(`/c/${other.slug}/agent/courrier/nouveau`);
    expect(
      (
        await outsider.post(`/c/${other.slug}/agent/courrier/${id}/reorienter`, {
          service: service.technique!,
          motif: 'test',
        })
      ).statusCode,
    ).toBe(404);
    // Nor through the town's address: not a member there.
    expect((await outsider.get(url)).statusCode).toBe(404);
    expect((await outsider.get(`${base}?statut=tous`)).body).not.toContain('Courrier de Bourg');
    expect((await (await as('accueil')).get(docUrl)).statusCode).toBe(200);
  });

  it('assigns, redirects with a reason and keeps every step in the history; the register filters by service and late mail', async () => {
    const url = await register({ objet: 'Demande de trottoir', service: service.urbanisme! });
    const instructeur = await as('instructeur');
    await instructeur.get(url);
    expect((await instructeur.post(`${url}/attribuer`, { agent: people.technique.id })).statusCode).toBe(422);
    expect((await instructeur.post(`${url}/attribuer`, { agent: people.collegue.id })).statusCode).toBe(303);
    const noReason = await instructeur.post(`${url}/reorienter`, { service: service.technique!, motif: '' });
    expect(noReason.statusCode).toBe(422);
    expect(shownText(noReason.body)).toContain('Expliquez pourquoi le courrier change de service.');
    const moved = await instructeur.post(`${url}/reorienter`, {
      service: service.technique!,
      motif: 'Relève de la voirie',
    });
    expect(moved.statusCode).toBe(303);
    // The urbanisme service no longer processes it; the technique service does.
    const technique = await as('technique');
    const text = shownText((await technique.get(url)).body);
    expect(text).toContain('Courrier confié à Colin Collègue.');
    expect(text).toContain(
      'Réorienté du service Urbanisme vers le service Services techniques : « Relève de la voirie ».',
    );
    // The former assignee, of another service now, no longer sees it.
    expect((await (await as('collegue')).get(url)).statusCode).toBe(404);
    const listed = await technique.get(`${base}?service=${service.technique}`);
    expect(listed.body).toContain('Demande de trottoir');
    expect((await technique.get(`${base}?service=${service.urbanisme}`)).body).not.toContain('Demande de trottoir');
    // A mail that arrived long ago is late.
    const old = await register({
      objet: 'Vieille réclamation',
      type: 'reclamation',
      service: service.technique!,
      'arrivee-day': '2',
      'arrivee-month': '1',
      'arrivee-year': String(Number(year) - 1),
    });
    const late = await technique.get(`${base}?retard=1`);
    expect(late.body).toContain('Vieille réclamation');
    expect(late.body).not.toContain('Demande de trottoir');
    expect(shownText((await technique.get(old)).body)).toContain('En retard');
  });

  it('reads a scanned French letter in the worker job, shows its progress, finds it by its words, and proposes the urbanisme service', async () => {
    const { png, pdf } = await scannedLetter(LETTER);
    const url = await register({ objet: 'Courrier de M. Dupont', service: service.accueil! }, [
      { name: 'documents', filename: 'scan.png', type: 'image/png', content: png },
      { name: 'documents', filename: 'lettre.pdf', type: 'application/pdf', content: pdf },
    ]);
    const accueil = await as('accueil');
    expect(shownText((await accueil.get(url)).body)).toContain('Lecture du texte en attente');
    // While the worker reads, the page says how far it is.
    const id = url.split('/').pop()!;
    await t.testDb.asSuperuser(
      `UPDATE courrier_mail SET ocr_status = 'en_cours', ocr_pages_done = 1, ocr_pages_total = 2 WHERE id = $1`,
      [id],
    );
    expect(shownText((await accueil.get(url)).body)).toContain('Lecture du texte en cours : page 1 sur 2 lue.');
    expect(await runQueuedJobs(t, OCR_JOB)).toBeGreaterThanOrEqual(1);
    const text = shownText((await accueil.get(url)).body);
    expect(text).toContain('Texte lu automatiquement');
    expect(text).toMatch(/permis de construire/);
    expect(text).toMatch(/urbanisme/i);
    expect(text).toContain('2 pages');
    // Searchable in the register, by a word found only in the scan.
    expect((await accueil.get(`${base}?q=Lilas`)).body).toContain('Courrier de M. Dupont');
    expect((await accueil.get(`${base}?q=introuvablemot`)).body).not.toContain('Courrier de M. Dupont');
    // The classifier proposes the urbanisme service, with its confidence and its words.
    expect(text).toMatch(/Service proposé : Urbanisme \(confiance \d+ %\), d’après les mots : .*(permis|construire)/);
    await accueil.get(url);
    const accepted = await accueil.post(`${url}/proposition`, { decision: 'accepter' });
    expect(accepted.statusCode).toBe(303);
    const after = shownText((await accueil.get(url)).body);
    expect(after).toContain('Proposition acceptée : courrier confié au service Urbanisme.');
    expect((await (await as('instructeur')).get(url)).statusCode).toBe(200);
  });

  it('says in French that the text cannot be read when tesseract is not installed', async () => {
    const { png } = await scannedLetter(['Lettre sans lecture']);
    const url = await register({ objet: 'Scan sans OCR' }, [
      { name: 'documents', filename: 'scan.png', type: 'image/png', content: png },
    ]);
    const mailId = url.split('/').pop()!;
    await runOcr(
      t.runtime,
      { communeId: town.id, mailId },
      { ...DEFAULT_OCR_COMMANDS, tesseract: 'tesseract-absent-de-ce-serveur' },
    );
    const text = shownText((await (await as('accueil')).get(url)).body);
    expect(text).toContain('La lecture automatique n’est pas installée sur ce serveur');
    expect(text).toContain('tesseract-ocr-fra');
  });
});
