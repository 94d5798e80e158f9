/**
 * The document vault: the rules of kinds and dates (table-driven, with their boundaries), then on
 * both engines adding a document (checked by content like démarche uploads), the list with its
 * statuses, the download (attachment, nosniff), deletion, the journal without personal data, and
 * another account answering 404 on every document page.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Commune } from '../../platform/tenancy/communes.js';
import { addCalendarDays, addCalendarMonths } from '../../platform/time/calendar.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import {
  addSecondCitizen,
  dateFields,
  formOutcome as outcome,
  SAMPLE_PDF as PDF,
  SAMPLE_ZIP as ZIP,
} from '../../test/fixtures.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';
import { documentStatus, parisToday } from '../forms/index.js';
import { parseDocumentDetails } from './vault.js';

describe('kinds and dates of supporting documents', () => {
  const today = '2026-06-15';
  const details = (type: string, issued: string | null, until: string | null) =>
    outcome(() =>
      parseDocumentDetails({ type, ...dateFields('emission', issued), ...dateFields('validite', until) }, today),
    );

  it.each([
    // A proof of address is valid 3 calendar months after its issue date, from date to date.
    ['justificatif_domicile', '2026-05-02', null, '2026-08-02'],
    ['justificatif_domicile', '2026-03-15', null, '2026-06-15'],
    ['justificatif_domicile', '2026-06-15', null, '2026-09-15'],
    ['justificatif_domicile', '2026-05-31', null, '2026-08-31'],
    ['justificatif_domicile', '2026-04-20', '2026-12-31', '2026-12-31'],
    // An identity document until the expiry date its owner types.
    ['piece_identite', null, '2026-06-15', '2026-06-15'],
    ['piece_identite', '2016-06-15', '2031-06-14', '2031-06-14'],
    ['attestation_caf', '2026-01-10', null, null],
    ['avis_imposition', '2025-08-01', null, null],
    ['livret_famille', null, null, null],
    ['rib', null, null, null],
    ['autre', '1900-01-01', null, null],
  ])('%s issued %s, valid until %s: stored until %s', (type, issued, until, stored) => {
    expect(details(type, issued, until)).toEqual({ ok: { kind: type, issuedOn: issued, validUntil: stored } });
  });

  it('counts 3 months to the end of a shorter month', () => {
    expect(
      outcome(() =>
        parseDocumentDetails({ type: 'justificatif_domicile', ...dateFields('emission', '2026-03-31') }, '2026-04-01'),
      ),
    ).toEqual({
      ok: { kind: 'justificatif_domicile', issuedOn: '2026-03-31', validUntil: '2026-06-30' },
    });
  });

  it.each([
    [
      'justificatif_domicile',
      '2026-03-14',
      null,
      {
        emission:
          'Ce document n’est plus valable depuis le 14 juin 2026 (3 mois après sa date d’émission) : ajoutez un document plus récent',
      },
    ],
    [
      'justificatif_domicile',
      null,
      null,
      { emission: 'Saisissez la date d’émission du document, par exemple la date de la facture ou de l’attestation' },
    ],
    ['piece_identite', null, null, { validite: 'Saisissez la date d’expiration de la pièce d’identité' }],
    [
      'piece_identite',
      null,
      '2026-06-14',
      { validite: 'Ce document a expiré le 14 juin 2026 : ajoutez un document en cours de validité' },
    ],
    ['rib', '2026-06-16', null, { emission: 'La date d’émission doit être aujourd’hui ou dans le passé' }],
    ['rib', '1899-12-31', null, { emission: 'La date d’émission doit être après le 1er janvier 1900' }],
    ['rib', '2026-02-30', null, { emission: 'La date d’émission doit être une date réelle, par exemple 12 3 2026' }],
    [
      'autre',
      '2026-06-01',
      '2026-05-31',
      { validite: 'La date de fin de validité doit être après la date d’émission' },
    ],
    ['', null, null, { type: 'Choisissez le type de document' }],
    ['carte_vitale', null, null, { type: 'Choisissez le type de document' }],
  ])('%s issued %s, valid until %s: refused with %j', (type, issued, until, errors) => {
    expect(details(type, issued, until)).toEqual({ errors });
  });

  it('refuses a date typed in part', () => {
    expect(
      outcome(() =>
        parseDocumentDetails({ type: 'piece_identite', 'validite-day': '12', 'validite-year': '2030' }, today),
      ),
    ).toEqual({ errors: { validite: 'La date de fin de validité doit être une date réelle, par exemple 12 3 2030' } });
  });

  it.each([
    [null, 'valide'],
    ['2026-06-14', 'expire'],
    ['2026-06-15', 'expire_bientot'],
    ['2026-07-14', 'expire_bientot'],
    ['2026-07-15', 'valide'],
  ] as const)('a document valid until %s is %s on 15 June 2026', (until, status) => {
    expect(documentStatus(until, today)).toBe(status);
  });
});

describe.each(TEST_ENGINES)('document vault pages on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  const today = parisToday();

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    await addSecondCitizen(t.runtime.database, villebelle);
  });
  afterAll(() => t?.close());

  it('adds, lists, downloads and deletes a document; another account gets 404 on it', async () => {
    const b = await signIn(t.app, 'camille.martin@courriel.example');
    expect((await b.get('/c/villebelle/compte')).body).toContain('href="/c/villebelle/compte/justificatifs"');
    const empty = await b.get('/c/villebelle/compte/justificatifs');
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('Vous n’avez encore aucun document.');

    const form = await b.get('/c/villebelle/compte/justificatifs/ajouter');
    expect(form.body).toContain('enctype="multipart/form-data"');
    const nothing = await b.postMultipart('/c/villebelle/compte/justificatifs/ajouter', { type: 'rib' });
    expect(nothing.statusCode).toBe(422);
    expect(nothing.body).toContain('href="#fichier">Choisissez le fichier du document');

    const archive = await b.postMultipart(
      '/c/villebelle/compte/justificatifs/ajouter',
      { type: 'justificatif_domicile', ...dateFields('emission', today) },
      [{ name: 'fichier', filename: 'facture.pdf', type: 'application/pdf', content: ZIP }],
    );
    expect(archive.statusCode).toBe(422);
    expect(shownText(archive.body)).toContain('est une archive ou un programme : ce type de fichier est refusé');

    const undated = await b.postMultipart(
      '/c/villebelle/compte/justificatifs/ajouter',
      { type: 'justificatif_domicile' },
      [{ name: 'fichier', filename: 'facture.pdf', type: 'application/pdf', content: PDF }],
    );
    expect(undated.statusCode).toBe(422);
    expect(undated.body).toContain('href="#emission-day">Saisissez la date d’émission du document');
    expect(undated.body).toContain('Choisissez à nouveau le fichier');
    expect(undated.body).toContain('value="justificatif_domicile" checked');

    const added = await b.postMultipart(
      '/c/villebelle/compte/justificatifs/ajouter',
      { type: 'justificatif_domicile', ...dateFields('emission', today) },
      [{ name: 'fichier', filename: 'Facture EDF <mai>.pdf', type: 'application/pdf', content: PDF }],
    );
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe('/c/villebelle/compte/justificatifs?enregistre=ajoute');
    const list = await b.get(added.headers.location as string);
    expect(list.body).toContain('Le document a été ajouté à vos justificatifs.');
    expect(list.body).toContain('Facture EDF mai.pdf');
    expect(list.body).toContain('Justificatif de domicile');
    expect(list.body).toContain('govuk-tag--green">Valide');
    expect(list.body).toMatch(/valable jusqu’au \d{1,2}(er)? \p{L}+ \d{4}/u);
    const id = /\/compte\/justificatifs\/([0-9a-f-]{36})\/telecharger/.exec(list.body)?.[1];
    expect(id).toBeDefined();

    const download = await b.get(`/c/villebelle/compte/justificatifs/${id}/telecharger`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="Facture EDF mai.pdf"/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.rawPayload.equals(PDF)).toBe(true);
    // The bytes are in the blob store, in the account's scope, under their SHA-256.
    const pdfAddress = createHash('sha256').update(PDF).digest('hex');
    const blobCount = async () =>
      (await t.testDb.asSuperuser('SELECT 1 FROM blob WHERE scope LIKE $1 AND sha256 = $2', ['accounts/%', pdfAddress]))
        .rows.length;
    expect(await blobCount()).toBe(1);
    // Bytes altered behind Guichet's back are never served: the download fails instead.
    await t.testDb.asSuperuser(
      `UPDATE blob SET content = 'altéré'::bytea WHERE scope LIKE 'accounts/%' AND sha256 = $1`,
      [pdfAddress],
    );
    const damaged = await b.get(`/c/villebelle/compte/justificatifs/${id}/telecharger`);
    expect(damaged.statusCode).toBe(500);
    expect(damaged.body).not.toContain('altéré');

    // Another account: nothing to see, download or delete.
    const other = await signIn(t.app, 'paul.voisin@courriel.example');
    expect((await other.get('/c/villebelle/compte/justificatifs')).body).not.toContain('Facture EDF');
    expect((await other.get(`/c/villebelle/compte/justificatifs/${id}/telecharger`)).statusCode).toBe(404);
    expect((await other.get(`/c/villebelle/compte/justificatifs/${id}/supprimer`)).statusCode).toBe(404);
    await other.get('/c/villebelle/compte/justificatifs/ajouter');
    expect((await other.post(`/c/villebelle/compte/justificatifs/${id}/supprimer`, {})).statusCode).toBe(404);
    expect((await other.get('/c/villebelle/compte/justificatifs/pas-un-id/telecharger')).statusCode).toBe(404);

    const confirm = await b.get(`/c/villebelle/compte/justificatifs/${id}/supprimer`);
    expect(shownText(confirm.body)).toContain('Supprimer ce document ?');
    const deleted = await b.post(`/c/villebelle/compte/justificatifs/${id}/supprimer`, {});
    expect(deleted.headers.location).toBe('/c/villebelle/compte/justificatifs?enregistre=supprime');
    expect((await b.get('/c/villebelle/compte/justificatifs')).body).toContain('Vous n’avez encore aucun document.');
    expect((await b.get(`/c/villebelle/compte/justificatifs/${id}/telecharger`)).statusCode).toBe(404);
    // Deleting the document erases its bytes too (nothing else of the account refers to them).
    expect(await blobCount()).toBe(0);

    // Journaled without the file name; shown in the person's security history.
    const journal = await t.testDb.asSuperuser<{ action: string; data: Record<string, unknown> }>(
      `SELECT action, data FROM audit_entry WHERE action LIKE 'document_vault.%' ORDER BY seq`,
    );
    expect(journal.rows).toEqual([
      {
        action: 'document_vault.added',
        data: { kind: 'justificatif_domicile', sizeBytes: PDF.length, source: 'upload' },
      },
      { action: 'document_vault.deleted', data: { kind: 'justificatif_domicile' } },
    ]);
    expect((await b.get('/c/villebelle/compte/historique')).body).toContain('Justificatif ajouté');
  });

  it('shows which documents expire soon or have expired', async () => {
    const b = await signIn(t.app, 'camille.martin@courriel.example');
    await b.get('/c/villebelle/compte/justificatifs/ajouter');
    const soon = addCalendarDays(today, 10);
    const added = await b.postMultipart(
      '/c/villebelle/compte/justificatifs/ajouter',
      { type: 'piece_identite', ...dateFields('validite', soon) },
      [{ name: 'fichier', filename: 'cni.pdf', type: 'application/pdf', content: PDF }],
    );
    expect(added.statusCode).toBe(303);
    // Time passes for an older document: its end of validity is now behind.
    await b.postMultipart(
      '/c/villebelle/compte/justificatifs/ajouter',
      {
        type: 'attestation_caf',
        ...dateFields('emission', today),
        ...dateFields('validite', addCalendarMonths(today, 6)),
      },
      [{ name: 'fichier', filename: 'caf.pdf', type: 'application/pdf', content: PDF }],
    );
    await t.testDb.asSuperuser(
      `UPDATE supporting_document SET issued_on = $1, valid_until = $2 WHERE kind = 'attestation_caf'`,
      [addCalendarMonths(today, -8), addCalendarDays(today, -1)],
    );
    const list = await b.get('/c/villebelle/compte/justificatifs');
    expect(list.body).toContain('govuk-tag--yellow">Expire bientôt');
    expect(list.body).toContain('govuk-tag--red">Expiré');
  });
});
