/**
 * The parapheur through its pages, as its users live it: an agent creates a purchase order and
 * the circuit follows from its amount; the chef de service and the DGS visa; a decision taken
 * back (droit de remords), a refusal with its reason, a folder sent back, a transfer, private and
 * shared notes, a delegation; signing asks for a recent authentication; every folder route
 * answers 404 to another commune and to staff outside the folder; bad input gets French messages.
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { withTenant } from '../../platform/db/tenant.js';
import { type DomainEvent, subscribe, subscriberJobName } from '../../platform/events/index.js';
import { type Commune, listServices } from '../../platform/tenancy/communes.js';
import { parisDateOf } from '../../platform/time/calendar.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import type { TestBrowser } from '../../test/browser.js';
import { shownText } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { type Person, secondCommune, staffMember } from '../../test/factories.js';
import { runQueuedJobs } from '../../test/jobs.js';
import { MINIMAL_PDF } from '../../test/sample-files.js';
import { signIn } from '../../test/sign-in.js';
import { pdfsig, workdir } from '../../test/signature-tools.js';

/** A one-page purchase order, as an office would print it to PDF. */
async function purchaseOrderPdf(text: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText(text, { x: 50, y: 780, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await doc.save());
}

const SIGNATURE_TABLES = [
  'signature_action',
  'signature_certificate',
  'signature_circuit',
  'signature_delegation',
  'signature_document',
  'signature_folder',
  'signature_function_holder',
  'signature_setting',
  'signature_step',
];

describe.each(TEST_ENGINES)('parapheur on %s', (engine) => {
  let t: TestApp;
  let town: Commune;
  let other: Commune;
  let base: string;
  const people: Record<'author' | 'chef' | 'dgs' | 'maire' | 'adjoint' | 'admin' | 'outsider' | 'deputy', Person> =
    {} as never;
  const browsers = new Map<string, TestBrowser>();
  let financesId: string;

  async function as(who: keyof typeof people): Promise<TestBrowser> {
    let browser = browsers.get(who);
    if (!browser) {
      browser = await signIn(t.app, people[who].email, { slug: town.slug });
      browsers.set(who, browser);
    }
    return browser;
  }

  /** Creates a purchase order through the page; returns the folder's URL. */
  async function purchaseOrder(
    amount: string,
    title = 'Achat de mobilier scolaire',
    content: Buffer = MINIMAL_PDF,
  ): Promise<string> {
    const agent = await as('author');
    await agent.get(`${base}/nouveau`);
    const res = await agent.postMultipart(
      `${base}/nouveau`,
      { titre: title, type: 'bon_de_commande', montant: amount, service: financesId, tiers: 'Mobilier & Cie' },
      [{ name: 'document', filename: 'bon-de-commande.pdf', type: 'application/pdf', content }],
    );
    expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
    return String(res.headers.location);
  }

  /** Posts an action form of the folder page as `who` would (loads the page, takes its step id). */
  async function act(who: keyof typeof people, folder: string, action: string, fields: Record<string, string> = {}) {
    const browser = await as(who);
    const page = await browser.get(folder);
    const step = /name="etape" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return browser.post(`${folder}/${action}`, { etape: step, ...fields });
  }

  async function queueText(who: keyof typeof people): Promise<string> {
    return shownText((await (await as(who)).get(base)).body);
  }

  /** The « À traiter » part of a person's queue (without the lists of folders below it). */
  async function waitingFor(who: keyof typeof people): Promise<string> {
    const text = await queueText(who);
    const start = text.indexOf('À traiter');
    const end = ['Dossiers que j’ai créés', 'Tous les dossiers de la commune', 'Liens utiles']
      .map((marker) => text.indexOf(marker, start))
      .filter((i) => i >= 0)
      .sort((a, b) => a - b)[0];
    return text.slice(start, end);
  }

  /** What a module listening to the parapheur (courrier, council) would receive. */
  const received: DomainEvent[] = [];
  const listeners = [
    subscribe('signature.circuit.completed', 'test.parapheur-completed', async (e) => {
      received.push(e);
    }),
    subscribe('signature.circuit.refused', 'test.parapheur-refused', async (e) => {
      received.push(e);
    }),
  ];

  beforeAll(async () => {
    t = await createTestApp(engine, {
      env: { GUICHET_RATE_LIMIT_PER_MINUTE: '100000' },
      extraJobs: listeners.map((l) => ({
        name: subscriberJobName(l),
        schema: z.object({
          id: z.string(),
          name: z.string(),
          communeId: z.string(),
          occurredAt: z.string(),
          data: z.unknown(),
        }),
        run: (envelope) => l.run(envelope as never),
      })),
    });
    t.runtime.events.register(listeners);
    town = await secondCommune(t, {
      slug: 'bourg-sur-loire',
      name: 'Bourg-sur-Loire',
      services: [
        { slug: 'finances', name: 'Finances' },
        { slug: 'technique', name: 'Services techniques' },
      ],
    });
    other = await secondCommune(t);
    base = `/c/${town.slug}/agent/parapheur`;
    people.author = await staffMember(t, town, {
      role: 'agent',
      services: ['finances'],
      givenName: 'Anne',
      familyName: 'Auteur',
    });
    people.chef = await staffMember(t, town, {
      role: 'agent',
      services: ['finances'],
      givenName: 'Chloé',
      familyName: 'Chef',
    });
    people.dgs = await staffMember(t, town, { role: 'dgs', givenName: 'Denis', familyName: 'Directeur' });
    people.maire = await staffMember(t, town, { role: 'mayor', givenName: 'Marie', familyName: 'Maire' });
    people.adjoint = await staffMember(t, town, { role: 'councillor', givenName: 'Paul', familyName: 'Adjoint' });
    people.admin = await staffMember(t, town, { role: 'admin', givenName: 'Alice', familyName: 'Admin' });
    people.outsider = await staffMember(t, town, {
      role: 'agent',
      services: ['technique'],
      givenName: 'Olivier',
      familyName: 'Technique',
    });
    people.deputy = await staffMember(t, town, {
      role: 'agent',
      services: ['finances'],
      givenName: 'Sophie',
      familyName: 'Suppléante',
    });
    const services = await withTenant(t.runtime.database, town.id, (tx) => listServices(tx, town.id));
    financesId = services.find((s) => s.slug === 'finances')!.id;
    const technique = services.find((s) => s.slug === 'technique')!.id;
    // The administrator names who holds each function, through the administration page.
    const admin = await as('admin');
    await admin.get(`/c/${town.slug}/admin/parapheur`);
    const saved = await admin.post(`/c/${town.slug}/admin/parapheur/fonctions`, {
      maire: people.maire.id,
      adjoint_finances: people.adjoint.id,
      dgs: people.dgs.id,
      [`chef-${financesId}`]: people.chef.id,
      [`chef-${technique}`]: '',
    });
    expect(saved.statusCode, saved.body.slice(0, 300)).toBe(303);
  });

  afterAll(() => t?.close());

  it('keeps every parapheur table under forced row-level security', async () => {
    const { rows } = await t.testDb.asSuperuser<{ relname: string; forced: boolean; policies: number }>(
      `SELECT c.relname, c.relforcerowsecurity AS forced,
              (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
         FROM pg_class c WHERE c.relname LIKE 'signature\\_%' AND c.relkind = 'r' ORDER BY c.relname`,
    );
    expect(rows).toEqual(SIGNATURE_TABLES.map((relname) => ({ relname, forced: true, policies: 1 })));
    // Without the commune's context, nothing of the parapheur is visible.
    await purchaseOrder('120,00', 'Cartouches d’encre');
    const visible = await t.runtime.database.pool.query('SELECT count(*)::int AS n FROM signature_folder');
    expect(visible.rows[0].n).toBe(0);
  });

  it('chooses the circuit from the amount: above the threshold the DGS visa and the adjoint’s signature are added', async () => {
    const small = shownText((await (await as('author')).get(await purchaseOrder('4 999,99'))).body);
    expect(small).toContain('Circuit Bon de commande ');
    expect(small).toMatch(/Visa : Chloé Chef — en cours .*Signature : Maire — à venir/);
    expect(small).not.toContain('Adjoint aux finances');

    const large = shownText((await (await as('author')).get(await purchaseOrder('12 500,00'))).body);
    expect(large).toContain('Bon de commande (au-delà du seuil)');
    expect(large).toMatch(
      /Visa : Chloé Chef — en cours .*Visa : Directeur général des services — à venir .*Signature : Adjoint aux finances — à venir .*Signature : Maire — à venir/,
    );
    expect(large).toMatch(/Montant supérieur au seuil de 5\s000,00\s€/);
    expect(large).toContain('12 500,00 €');
  });

  it('follows a threshold the administrator changed', async () => {
    const admin = await as('admin');
    await admin.get(`/c/${town.slug}/admin/parapheur`);
    const bad = await admin.post(`/c/${town.slug}/admin/parapheur/seuil`, { seuil: 'beaucoup' });
    expect(bad.statusCode).toBe(422);
    expect(shownText(bad.body)).toContain('Saisissez un montant en euros');
    expect((await admin.post(`/c/${town.slug}/admin/parapheur/seuil`, { seuil: '20 000' })).statusCode).toBe(303);
    const page = shownText((await (await as('author')).get(await purchaseOrder('12 500,00'))).body);
    expect(page).not.toContain('au-delà du seuil');
    expect((await admin.post(`/c/${town.slug}/admin/parapheur/seuil`, { seuil: '5000' })).statusCode).toBe(303);
  });

  it('moves a folder from one visa to the next; each person finds it in their queue', async () => {
    const folder = await purchaseOrder('8 000,00', 'Tables de la cantine');
    expect(await waitingFor('chef')).toContain('Tables de la cantine');
    expect(await waitingFor('dgs')).not.toContain('Tables de la cantine');
    const visa = await act('chef', folder, 'viser', { commentaire: 'Crédits disponibles.' });
    expect(visa.statusCode).toBe(303);
    expect(visa.headers.location).toBe(`${folder}?fait=visa`);
    const afterVisa = shownText((await (await as('chef')).get(`${folder}?fait=visa`)).body);
    expect(afterVisa).toContain('Votre visa est enregistré.');
    expect(afterVisa).toContain('Crédits disponibles.');
    expect(afterVisa).not.toContain('Viser le dossier');
    expect(await waitingFor('chef')).not.toContain('Tables de la cantine');
    expect(await waitingFor('dgs')).toContain('Tables de la cantine');
    // The agent tile says what waits.
    expect(shownText((await (await as('dgs')).get(`/c/${town.slug}/agent`)).body)).toMatch(
      /Parapheur.*dossiers? à traiter/,
    );
  });

  it('lets a person take back a visa until the next one acts (droit de remords)', async () => {
    const folder = await purchaseOrder('9 000,00', 'Vidéoprojecteurs');
    await act('chef', folder, 'viser');
    const chefPage = shownText((await (await as('chef')).get(folder)).body);
    expect(chefPage).toContain('Reprendre ma décision');
    const recalled = await (await as('chef')).post(`${folder}/remords`, {});
    expect(recalled.statusCode).toBe(303);
    const back = shownText((await (await as('chef')).get(folder)).body);
    expect(back).toContain('Décision reprise (droit de remords)');
    expect(back).toContain('Viser le dossier');
    expect(back).toMatch(/Visa : Chloé Chef — en cours/);
    // Once the DGS has acted, it is too late.
    await act('chef', folder, 'viser');
    await act('dgs', folder, 'viser');
    const late = await (await as('chef')).post(`${folder}/remords`, {});
    expect(late.statusCode).toBe(409);
    expect(shownText(late.body)).toContain('la personne suivante a déjà agi');
  });

  it('refuses only with a reason, which the author reads', async () => {
    const folder = await purchaseOrder('7 000,00', 'Tondeuse autoportée');
    const step = /name="etape" value="([^"]+)"/.exec((await (await as('chef')).get(folder)).body)![1]!;
    const empty = await act('chef', folder, 'refuser', { motif: ' ' });
    expect(empty.statusCode).toBe(422);
    expect(shownText(empty.body)).toContain('Indiquez le motif du refus.');
    expect((await act('chef', folder, 'refuser', { motif: 'Devis non conforme au marché.' })).statusCode).toBe(303);
    const page = shownText((await (await as('author')).get(folder)).body);
    expect(page).toContain('Refusé');
    expect(page).toContain('Devis non conforme au marché.');
    expect(await runQueuedJobs(t, 'event.test.parapheur-refused')).toBe(1);
    expect(received.at(-1)).toMatchObject({
      name: 'signature.circuit.refused',
      data: { reason: 'Devis non conforme au marché.' },
    });
    // Nobody can act on it any more: no action on the page, and a form sent from an old page is refused.
    const chef = await as('chef');
    expect(shownText((await chef.get(folder)).body)).not.toContain('Viser le dossier');
    await chef.get(`${base}/delegations`);
    const visa = await chef.post(`${folder}/viser`, { etape: step });
    expect(visa.statusCode).toBe(409);
    expect(shownText(visa.body)).toContain('Le dossier a changé depuis l’affichage de la page');
  });

  it('sends a folder back to the previous step, whose visa must be given again', async () => {
    const folder = await purchaseOrder('6 000,00', 'Chaises de la salle des fêtes');
    await act('chef', folder, 'viser');
    // The chef is not the one due to act now, even with the current step's id.
    const step = /name="etape" value="([^"]+)"/.exec((await (await as('dgs')).get(folder)).body)![1]!;
    const chef = await as('chef');
    await chef.get(folder);
    const first = await chef.post(`${folder}/renvoyer`, { etape: step, motif: 'x' });
    expect(first.statusCode).toBe(409);
    expect(shownText(first.body)).toContain('Ce dossier n’attend pas votre décision.');
    const sent = await act('dgs', folder, 'renvoyer', { motif: 'Préciser la ligne budgétaire.' });
    expect(sent.statusCode).toBe(303);
    const page = shownText((await (await as('chef')).get(folder)).body);
    expect(page).toContain('Renvoi à l’étape précédente');
    expect(page).toContain('Préciser la ligne budgétaire.');
    expect(page).toContain('Viser le dossier');
    expect(page).toMatch(/Visa — Chloé Chef — reprise ensuite/);
  });

  it('keeps a private note to its author and shows a shared one to every reader', async () => {
    const folder = await purchaseOrder('100,00', 'Fournitures de bureau');
    await act('chef', folder, 'annoter', { note: 'Note pour moi seule.', visibilite: 'privee' });
    await act('chef', folder, 'annoter', { note: 'À voir avec la comptabilité.', visibilite: 'partagee' });
    const chef = shownText((await (await as('chef')).get(folder)).body);
    const author = shownText((await (await as('author')).get(folder)).body);
    expect(chef).toContain('Note pour moi seule.');
    expect(author).not.toContain('Note pour moi seule.');
    expect(author).toContain('À voir avec la comptabilité.');
  });

  it('transfers a step to another person, who may then act', async () => {
    const folder = await purchaseOrder('300,00', 'Peinture des volets');
    expect(
      (await act('chef', folder, 'transferer', { destinataire: people.outsider.id, message: 'En congé.' })).statusCode,
    ).toBe(303);
    expect(await waitingFor('outsider')).toContain('Peinture des volets');
    expect(await waitingFor('chef')).not.toContain('Peinture des volets');
    expect((await act('outsider', folder, 'viser')).statusCode).toBe(303);
  });

  it('lets a delegate act for the absent person, for the document types of the delegation', async () => {
    const today = parisDateOf(new Date()).split('-');
    const dgs = await as('dgs');
    await dgs.get(`${base}/delegations`);
    const bad = await dgs.post(`${base}/delegations`, {
      delegant: people.dgs.id,
      delegataire: people.deputy.id,
      'debut-day': '31',
      'debut-month': '2',
      'debut-year': today[0]!,
      'fin-day': today[2]!,
      'fin-month': today[1]!,
      'fin-year': today[0]!,
    });
    expect(bad.statusCode).toBe(422);
    expect(shownText(bad.body)).toContain('Saisissez une date de début réelle');
    // Someone else's visas cannot be delegated by a non-administrator.
    const notMine = await dgs.post(`${base}/delegations`, {
      delegant: people.chef.id,
      delegataire: people.deputy.id,
      'debut-day': today[2]!,
      'debut-month': today[1]!,
      'debut-year': today[0]!,
      'fin-day': today[2]!,
      'fin-month': today[1]!,
      'fin-year': today[0]!,
    });
    expect(notMine.statusCode).toBe(422);
    const created = await dgs.post(`${base}/delegations`, {
      delegant: people.dgs.id,
      delegataire: people.deputy.id,
      'debut-day': today[2]!,
      'debut-month': today[1]!,
      'debut-year': today[0]!,
      'fin-day': today[2]!,
      'fin-month': today[1]!,
      'fin-year': today[0]!,
      types: 'bon_de_commande',
    });
    expect(created.statusCode, created.body.slice(0, 300)).toBe(303);
    const folder = await purchaseOrder('10 000,00', 'Barrières de sécurité');
    await act('chef', folder, 'viser');
    const queue = await waitingFor('deputy');
    expect(queue).toContain('Barrières de sécurité');
    expect(queue).toContain('Par délégation de Denis Directeur');
    const page = shownText((await (await as('deputy')).get(folder)).body);
    expect(page).toContain('Vous agissez par délégation, pour Denis Directeur.');
    expect((await act('deputy', folder, 'viser')).statusCode).toBe(303);
    const history = shownText((await (await as('author')).get(folder)).body);
    expect(history).toMatch(/Visa — Sophie Suppléante, pour Denis Directeur \(délégation\)/);
    expect(history).toMatch(/Signature : Paul Adjoint — en cours/);
  });

  it('signs with each signer’s certificate from the commune’s authority: the PDF verifies with pdfsig', async () => {
    const folder = await purchaseOrder(
      '12 500,00',
      'Ordinateurs de l’école',
      await purchaseOrderPdf('Bon de commande — ordinateurs — 12 500,00 EUR'),
    );
    await act('chef', folder, 'viser');
    await act('dgs', folder, 'viser');
    const byAdjoint = await act('adjoint', folder, 'signer');
    expect(byAdjoint.statusCode, shownText(byAdjoint.body).slice(0, 400)).toBe(303);
    expect(byAdjoint.headers.location).toBe(`${folder}?fait=signature`);
    expect((await act('maire', folder, 'signer')).statusCode).toBe(303);
    const page = shownText((await (await as('author')).get(folder)).body);
    expect(page).toContain('Terminé');
    expect(page).toContain('(version signée)');
    const href = /href="([^"]+\/documents\/[^"]+)"/.exec((await (await as('author')).get(folder)).body)![1]!;
    const download = await (await as('author')).get(href);
    expect(download.headers['content-disposition']).toContain('bon-de-commande-signe.pdf');
    const ca = await t.testDb.asSuperuser<{ certificate_pem: string }>(
      `SELECT certificate_pem FROM signature_certificate WHERE commune_id = $1 AND kind = 'ca'`,
      [town.id],
    );
    expect(ca.rows).toHaveLength(1);
    const wd = await workdir();
    try {
      const file = await wd.file('signe.pdf', download.rawPayload);
      const verdicts = await pdfsig(file, await wd.nss([ca.rows[0]!.certificate_pem]));
      expect(verdicts.map((v) => [v.valid, v.trusted])).toEqual([
        [true, true],
        [true, true],
      ]);
      expect(verdicts[1]!.total).toBe(true);
      expect(verdicts[0]!.out).toContain('Paul Adjoint');
      expect(verdicts[1]!.out).toContain('Marie Maire');
      // One byte changed: pdfsig no longer finds the signatures valid.
      const tampered = Buffer.from(download.rawPayload);
      const at = tampered.indexOf('12 500,00');
      tampered[at >= 0 ? at : 200] = 0x39;
      const bad = await pdfsig(await wd.file('modifie.pdf', tampered), await wd.nss([ca.rows[0]!.certificate_pem]));
      expect(bad.some((v) => v.valid)).toBe(false);
    } finally {
      await wd.close();
    }
    // Private keys are sealed at rest, never stored in clear.
    const keys = await t.testDb.asSuperuser<{ sealed_private_key: string }>(
      'SELECT sealed_private_key FROM signature_certificate WHERE commune_id = $1',
      [town.id],
    );
    expect(keys.rows.length).toBe(3); // the authority, the adjoint and the maire
    for (const k of keys.rows) {
      expect(k.sealed_private_key).toMatch(/^gk1\./);
      expect(k.sealed_private_key).not.toContain('PRIVATE KEY');
    }
    // A module listening to the parapheur learns that the circuit is complete (one job, after the commit).
    expect(await runQueuedJobs(t, 'event.test.parapheur-completed')).toBe(1);
    expect(received.at(-1)).toMatchObject({
      name: 'signature.circuit.completed',
      communeId: town.id,
      data: { folderId: folder.split('/').pop(), documentType: 'bon_de_commande', source: 'agent' },
    });
    // The journal has every step.
    const journal = await t.testDb.asSuperuser<{ action: string }>(
      `SELECT action FROM audit_entry WHERE commune_id = $1 AND target_id = $2 ORDER BY seq`,
      [town.id, folder.split('/').pop()],
    );
    expect(journal.rows.map((r) => r.action)).toEqual([
      'signature.folder_created',
      'signature.folder_visa',
      'signature.folder_visa',
      'signature.folder_signed',
      'signature.folder_signed',
      'signature.circuit_completed',
    ]);
  });

  it('refuses to sign a PDF it cannot sign, with a French message', async () => {
    const folder = await purchaseOrder('20,00', 'Sans page');
    await act('chef', folder, 'viser');
    const res = await act('maire', folder, 'signer');
    expect(res.statusCode).toBe(422);
    expect(shownText(res.body)).toMatch(/Erreur : .*PDF/);
    expect(shownText((await (await as('maire')).get(folder)).body)).toMatch(/Signature : Marie Maire — en cours/);
  });

  it('asks for a recent authentication before signing', async () => {
    const folder = await purchaseOrder('50,00', 'Timbres');
    await act('chef', folder, 'viser');
    const maire = await as('maire');
    const page = await maire.get(folder);
    expect(shownText(page.body)).toContain('Signer le document');
    expect(shownText(page.body)).toContain('Signature électronique avancée (AdES)');
    await t.testDb.asSuperuser(
      `UPDATE session SET reauthenticated_at = now() - interval '1 hour'
        WHERE account_id = $1 AND revoked_at IS NULL`,
      [people.maire.id],
    );
    const step = /name="etape" value="([^"]+)"/.exec(page.body)![1]!;
    const res = await maire.post(`${folder}/signer`, { etape: step });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/c/${town.slug}/compte/confirmer-identite?retour=${encodeURIComponent(folder)}`);
    expect(shownText((await maire.get(folder)).body)).toMatch(/Signature : Marie Maire — en cours/);
  });

  it('answers 404 on every folder route to another commune and to staff outside the folder', async () => {
    const folder = await purchaseOrder('75,00', 'Produits d’entretien');
    const id = folder.split('/').pop()!;
    const doc = /href="([^"]+\/documents\/[^"]+)"/.exec((await (await as('author')).get(folder)).body)![1]!;
    const strangerAdmin = await staffMember(t, other, { role: 'admin' });
    const stranger = await signIn(t.app, strangerAdmin.email, { slug: other.slug });
    const outsider = await signIn(t.app, people.outsider.email, { slug: town.slug });
    const actions = ['viser', 'signer', 'refuser', 'renvoyer', 'annoter', 'remords', 'transferer'];
    // Another commune's administrator, with the folder's id under their own commune.
    await stranger.get(`/c/${other.slug}/agent/parapheur/delegations`);
    expect((await stranger.get(`/c/${other.slug}/agent/parapheur/${id}`)).statusCode).toBe(404);
    expect((await stranger.get(doc.replace(town.slug, other.slug))).statusCode).toBe(404);
    for (const action of actions) {
      await stranger.get(`/c/${other.slug}/agent/parapheur/delegations`);
      const res = await stranger.post(`/c/${other.slug}/agent/parapheur/${id}/${action}`, {
        etape: '01a22309-0000-7000-8000-000000000001',
        motif: 'x',
        note: 'x',
        visibilite: 'partagee',
      });
      expect([404, 303], `${action}: ${res.statusCode}`).toContain(res.statusCode);
      if (res.statusCode === 303) expect(String(res.headers.location)).toContain('confirmer-identite');
    }
    // An agent of the same commune outside the folder.
    await outsider.get(`${base}/delegations`);
    expect((await outsider.get(folder)).statusCode).toBe(404);
    expect((await outsider.get(doc)).statusCode).toBe(404);
    for (const action of actions.filter((a) => a !== 'signer')) {
      await outsider.get(`${base}/delegations`);
      expect(
        (await outsider.post(`${folder}/${action}`, { etape: id, motif: 'x', note: 'x', visibilite: 'partagee' }))
          .statusCode,
      ).toBe(404);
    }
    // The author downloads the document as an attachment.
    const download = await (await as('author')).get(doc);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-disposition']).toMatch(/^attachment;/);
    expect(download.rawPayload.equals(MINIMAL_PDF)).toBe(true);
  });

  it('refuses bad input with French messages and keeps what was typed', async () => {
    const agent = await as('author');
    await agent.get(`${base}/nouveau`);
    const noDocument = await agent.postMultipart(`${base}/nouveau`, { titre: 'Sans pièce', type: 'contrat' });
    expect(noDocument.statusCode).toBe(422);
    expect(shownText(noDocument.body)).toContain('Joignez le document à faire signer.');
    expect(noDocument.body).toContain('value="Sans pièce"');
    const pdf = [{ name: 'document', filename: 'a.pdf', type: 'application/pdf', content: MINIMAL_PDF }];
    const noAmount = await agent.postMultipart(`${base}/nouveau`, { titre: 'Bon', type: 'bon_de_commande' }, pdf);
    expect(noAmount.statusCode).toBe(422);
    expect(shownText(noAmount.body)).toContain('Saisissez le montant du bon de commande.');
    const badAmount = await agent.postMultipart(
      `${base}/nouveau`,
      { titre: 'Bon', type: 'bon_de_commande', montant: 'douze euros' },
      pdf,
    );
    expect(shownText(badAmount.body)).toContain('Saisissez un montant en euros');
    const badType = await agent.postMultipart(`${base}/nouveau`, { titre: 'Bon', type: 'facture' }, pdf);
    expect(shownText(badType.body)).toContain('Choisissez le type de document.');
    const badDate = await agent.postMultipart(
      `${base}/nouveau`,
      { titre: 'Bon', type: 'contrat', 'echeance-day': '30', 'echeance-month': '2', 'echeance-year': '2027' },
      pdf,
    );
    expect(shownText(badDate.body)).toContain('Saisissez une date d’échéance réelle');
    const notPdf = await agent.postMultipart(`${base}/nouveau`, { titre: 'Bon', type: 'contrat' }, [
      { name: 'document', filename: 'a.pdf', type: 'application/pdf', content: Buffer.from('pas un PDF') },
    ]);
    expect(notPdf.statusCode).toBe(422);
    expect(shownText(notPdf.body)).toContain('n’est pas au bon format');
  });

  it('says which function nobody holds instead of creating a folder that would wait forever', async () => {
    const otherAdmin = await staffMember(t, other, { role: 'admin' });
    const browser = await signIn(t.app, otherAdmin.email, { slug: other.slug });
    await browser.get(`/c/${other.slug}/agent/parapheur/nouveau`);
    const res = await browser.postMultipart(
      `/c/${other.slug}/agent/parapheur/nouveau`,
      { titre: 'Arrêté', type: 'arrete' },
      [{ name: 'document', filename: 'arrete.pdf', type: 'application/pdf', content: MINIMAL_PDF }],
    );
    expect(res.statusCode).toBe(422);
    expect(shownText(res.body)).toContain(
      'Personne n’exerce les fonctions « le directeur général des services », « le maire » dans le parapheur',
    );
  });
});
