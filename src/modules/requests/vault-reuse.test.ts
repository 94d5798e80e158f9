/**
 * "Mes justificatifs" in a démarche, on both engines: a signed-in citizen is offered the valid
 * documents of the kind a file field asks for (never an expired one, never someone else's), and
 * the chosen ones reach the submitted request as ordinary attachments (the agent sees them);
 * after uploading a file for such a field, the confirmation page offers to save it in the vault,
 * which happens only when the citizen confirms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { addCalendarDays, addCalendarMonths } from '../../platform/time/calendar.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import type { TestBrowser } from '../../test/browser.js';
import { shownText } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { addSecondCitizen, dateFields, SAMPLE_PDF } from '../../test/fixtures.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';
import { parisToday } from '../forms/index.js';

const BASE = '/c/villebelle/demarches/inscription-liste-electorale';

/** A distinct PDF per name (its content says it), so that copies can be told apart by hash. */
function pdf(label: string): Buffer {
  return Buffer.concat([SAMPLE_PDF, Buffer.from(`% ${label}\n`)]);
}

function shownFields(html: string): Record<string, string> {
  const value = /name="champs-affiches" value="([^"]*)"/.exec(html)?.[1];
  return value === undefined ? {} : { 'champs-affiches': value };
}

describe.each(TEST_ENGINES)('supporting documents reused in démarches on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  const today = parisToday();

  async function addToVault(b: TestBrowser, form: Record<string, string>, name: string) {
    await b.get('/c/villebelle/compte/justificatifs/ajouter');
    const res = await b.postMultipart('/c/villebelle/compte/justificatifs/ajouter', form, [
      { name: 'fichier', filename: name, type: 'application/pdf', content: pdf(name) },
    ]);
    expect(res.statusCode, res.body).toBe(303);
    const list = await b.get('/c/villebelle/compte/justificatifs');
    const match = new RegExp(
      `${name.replace('.', '\\.')}</h2>[\\s\\S]*?justificatifs/([0-9a-f-]{36})/telecharger`,
    ).exec(list.body);
    return match![1]!;
  }

  /** Answers every page of the démarche before the supporting documents (as a French voter at home). */
  async function answerUntilDocuments(b: TestBrowser) {
    const step = async (page: string, form: Record<string, string>) => {
      const shown = await b.get(`${BASE}/${page}`);
      expect(shown.statusCode).toBe(200);
      const res = await b.post(`${BASE}/${page}`, { ...shownFields(shown.body), ...form, action: 'continuer' });
      expect(res.statusCode, `${page}: ${res.body.slice(0, 2000)}`).toBe(303);
    };
    await step('avant-de-commencer', {});
    await step('nationalite', { nationalite: 'francaise' });
    await step('attache', { attache: 'domicile' });
    await step('identite', {
      nomNaissance: 'Voisin',
      prenoms: 'Paul',
      sexe: 'M',
      ...dateFields('dateNaissance', '1980-05-04'),
      lieuNaissance: 'Nantes',
      departementNaissance: 'Loire-Atlantique',
    });
    await step('adresse', {
      'adresse-line1': '3 rue des Lilas',
      'adresse-postcode': '44100',
      'adresse-city': 'Villebelle',
      email: 'test@courriel.example',
      telephone: '',
    });
    await step('inscription-precedente', { dejaInscrit: 'non' });
  }

  async function finish(b: TestBrowser): Promise<string> {
    const declaration = await b.get(`${BASE}/declaration`);
    const declared = await b.post(`${BASE}/declaration`, {
      ...shownFields(declaration.body),
      certification: 'oui',
      action: 'continuer',
    });
    expect(declared.headers.location).toBe(`${BASE}/verifier`);
    await b.get(`${BASE}/verifier`);
    const sent = await b.post(`${BASE}/envoyer`, {});
    expect(sent.headers.location).toBe('/c/villebelle/demande-envoyee');
    const confirmation = await b.get('/c/villebelle/demande-envoyee');
    return /<strong>(\d{4}-\d{6})<\/strong>/.exec(confirmation.body)![1]!;
  }

  async function requestFiles(number: string) {
    return withTenant(t.runtime.database, villebelle.id, async (tx) => {
      const { rows } = await tx.client.query<{ name: string; sha256: string }>(
        `SELECT f.name, f.sha256 FROM stored_file f JOIN citizen_request r ON r.id = f.request_id
          WHERE r.number = $1 AND f.id <> r.receipt_file_id ORDER BY f.name`,
        [number],
      );
      return rows;
    });
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    await addSecondCitizen(t.runtime.database, villebelle);
  });
  afterAll(() => t?.close());

  it('offers valid documents of the asked kind and copies the chosen ones into the submitted request', async () => {
    const b = await signIn(t.app, 'camille.martin@courriel.example');
    const cni = await addToVault(
      b,
      { type: 'piece_identite', ...dateFields('validite', addCalendarMonths(today, 12)) },
      'cni-camille.pdf',
    );
    const bill = await addToVault(
      b,
      { type: 'justificatif_domicile', ...dateFields('emission', addCalendarDays(today, -20)) },
      'facture-eau.pdf',
    );
    const old = await addToVault(
      b,
      { type: 'justificatif_domicile', ...dateFields('emission', today) },
      'vieille-facture.pdf',
    );
    // That one has expired since.
    await t.testDb.asSuperuser('UPDATE supporting_document SET issued_on = $1, valid_until = $2 WHERE id = $3', [
      addCalendarMonths(today, -5),
      addCalendarMonths(today, -2),
      old,
    ]);
    await addToVault(b, { type: 'rib' }, 'rib.pdf');
    // Someone else's proof of address.
    const paul = await signIn(t.app, 'paul.voisin@courriel.example');
    const paulsBill = await addToVault(
      paul,
      { type: 'justificatif_domicile', ...dateFields('emission', today) },
      'facture-paul.pdf',
    );

    await answerUntilDocuments(b);
    const page = await b.get(`${BASE}/justificatifs`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Ou utilisez un document de mes justificatifs');
    expect(shownText(page.body)).toMatch(/Utiliser « cni-camille\.pdf » de mes justificatifs \(valable jusqu’au \d/);
    expect(shownText(page.body)).toContain('Utiliser « facture-eau.pdf » de mes justificatifs');
    expect(page.body).toContain(`name="pieceIdentite-justificatif" type="checkbox" value="${cni}"`);
    expect(page.body).toContain(`name="justificatifDomicile-justificatif" type="checkbox" value="${bill}"`);
    // Never an expired document, another kind, or someone else's.
    expect(page.body).not.toContain('vieille-facture.pdf');
    expect(page.body).not.toContain('rib.pdf');
    expect(page.body).not.toContain('facture-paul.pdf');

    // A document that is not (or no longer) usable is refused with a message, nothing attached.
    for (const refused of [paulsBill, old]) {
      const res = await b.postMultipart(`${BASE}/justificatifs`, {
        ...shownFields(page.body),
        'pieceIdentite-justificatif': cni,
        'justificatifDomicile-justificatif': refused,
        action: 'continuer',
      });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('Ce document de vos justificatifs n’est plus disponible ou n’est plus valable');
      await b.postMultipart(`${BASE}/justificatifs`, {
        ...shownFields(res.body),
        action: `retirer:pieceIdentite:${/retirer:pieceIdentite:([0-9a-f-]{36})/.exec(res.body)?.[1]}`,
      });
    }

    const chosen = await b.postMultipart(`${BASE}/justificatifs`, {
      ...shownFields(page.body),
      'pieceIdentite-justificatif': cni,
      'justificatifDomicile-justificatif': bill,
      action: 'continuer',
    });
    expect(chosen.statusCode, chosen.body.slice(0, 3000)).toBe(303);
    expect(chosen.headers.location).toBe(`${BASE}/declaration`);
    // Attached now: shown as a file of the field, no longer offered.
    const again = await b.get(`${BASE}/justificatifs`);
    expect(again.body).toContain('cni-camille.pdf');
    expect(shownText(again.body)).not.toContain('Utiliser « cni-camille.pdf »');
    expect(shownText(again.body)).not.toContain('Utiliser « facture-eau.pdf »');
    const review = await b.get(`${BASE}/verifier`);
    expect(review.body).toContain('cni-camille.pdf');
    expect(review.body).toContain('facture-eau.pdf');

    const number = await finish(b);
    expect(await requestFiles(number)).toEqual([
      { name: 'cni-camille.pdf', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      { name: 'facture-eau.pdf', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    const vault = await t.testDb.asSuperuser<{ id: string; sha256: string }>(
      'SELECT id, sha256 FROM supporting_document WHERE id = ANY($1::uuid[]) ORDER BY name',
      [[cni, bill]],
    );
    expect((await requestFiles(number)).map((f) => f.sha256)).toEqual(vault.rows.map((r) => r.sha256));
    // Documents chosen from the vault are not offered back to the vault.
    expect((await b.get('/c/villebelle/demande-envoyee')).body).not.toContain('Gagnez du temps');

    // The agent sees them like any attachment.
    const agent = await signIn(t.app, 'agent.etat-civil@villebelle.example');
    const detail = await agent.get(`/c/villebelle/agent/demandes/${number}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('cni-camille.pdf');
    expect(detail.body).toContain('facture-eau.pdf');

    // Deleting the vault document leaves the request's copy.
    await b.get(`/c/villebelle/compte/justificatifs/${cni}/supprimer`);
    await b.post(`/c/villebelle/compte/justificatifs/${cni}/supprimer`, {});
    expect((await requestFiles(number)).map((f) => f.name)).toContain('cni-camille.pdf');
  });

  it('offers to save an uploaded document in the vault after submission, and saves it only when asked', async () => {
    const b = await signIn(t.app, 'paul.voisin@courriel.example');
    await answerUntilDocuments(b);
    const page = await b.get(`${BASE}/justificatifs`);
    const uploaded = await b.postMultipart(
      `${BASE}/justificatifs`,
      { ...shownFields(page.body), action: 'continuer' },
      [
        { name: 'pieceIdentite', filename: 'passeport.pdf', type: 'application/pdf', content: pdf('passeport') },
        { name: 'justificatifDomicile', filename: 'quittance.pdf', type: 'application/pdf', content: pdf('quittance') },
      ],
    );
    expect(uploaded.statusCode, uploaded.body.slice(0, 3000)).toBe(303);
    const number = await finish(b);

    const confirmation = await b.get('/c/villebelle/demande-envoyee');
    expect(confirmation.body).toContain('Gagnez du temps la prochaine fois');
    expect(shownText(confirmation.body)).toContain('Enregistrer « passeport.pdf » dans mes justificatifs');
    expect(shownText(confirmation.body)).toContain('Enregistrer « quittance.pdf » dans mes justificatifs');
    const before = await t.testDb.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM supporting_document WHERE name IN ('passeport.pdf', 'quittance.pdf')`,
    );
    expect(before.rows[0]!.n).toBe(0);

    const link =
      /href="(\/c\/villebelle\/compte\/justificatifs\/ajouter\?demande=[^"]+)"[^>]*>\s*Enregistrer «\s*quittance\.pdf\s*»/
        .exec(confirmation.body)![1]!
        .replace(/&amp;/g, '&');
    expect(link).toContain(`demande=${number}`);
    const form = await b.get(link);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('quittance.pdf');
    expect(form.body).toContain(`votre demande n° ${number}`);
    expect(form.body).toContain('value="justificatif_domicile" checked');
    const fileId = /name="fichier" value="([0-9a-f-]{36})"/.exec(form.body)![1]!;

    // Another person cannot take it.
    const camille = await signIn(t.app, 'camille.martin@courriel.example');
    expect((await camille.get(link)).statusCode).toBe(404);

    const missingDate = await b.postMultipart('/c/villebelle/compte/justificatifs/ajouter', {
      demande: number,
      fichier: fileId,
      type: 'justificatif_domicile',
    });
    expect(missingDate.statusCode).toBe(422);
    expect(missingDate.body).toContain('quittance.pdf');
    const saved = await b.postMultipart('/c/villebelle/compte/justificatifs/ajouter', {
      demande: number,
      fichier: fileId,
      type: 'justificatif_domicile',
      ...dateFields('emission', today),
    });
    expect(saved.headers.location).toBe('/c/villebelle/compte/justificatifs?enregistre=ajoute');
    const list = await b.get('/c/villebelle/compte/justificatifs');
    expect(list.body).toContain('quittance.pdf');
    expect(list.body).not.toContain('passeport.pdf');
    const journal = await t.testDb.asSuperuser<{ data: Record<string, unknown> }>(
      `SELECT data FROM audit_entry WHERE action = 'document_vault.added' ORDER BY seq DESC LIMIT 1`,
    );
    expect(journal.rows[0]!.data).toMatchObject({ kind: 'justificatif_domicile', source: 'request' });
    // Saved once: no longer offered.
    const later = await b.get('/c/villebelle/demande-envoyee');
    expect(shownText(later.body)).not.toContain('Enregistrer « quittance.pdf »');
    expect(shownText(later.body)).toContain('Enregistrer « passeport.pdf »');
  });
});
