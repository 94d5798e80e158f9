/**
 * The citizen side of démarches and requests, end to end on the demo: a street report with
 * prefill and a photo, its number, receipt mail and PDF; drafts that survive a failed submit;
 * uploads checked by content; requests of others answering 404; the "mode simple" mail to the
 * secretary (through a real SMTP server) and its single-use link; free-text routing.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { sanitizeFileName } from '../../platform/files/checks.js';
import { type Commune, listServices } from '../../platform/tenancy/communes.js';
import { addCalendarMonths, dueDate, parisDateOf, silenceDate } from '../../platform/time/calendar.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { odtZipBomb, pdfWithOpenActionJavaScript } from '../../test/documents.js';
import { addSecondCitizen } from '../../test/fixtures.js';
import { MINIMAL_PDF as PDF, tinyJpeg } from '../../test/sample-files.js';
import { signIn } from '../../test/sign-in.js';
import { startTestSmtp, type TestSmtp } from '../../test/smtp.js';
import { seedDemo } from '../demo/seed.js';
import { findProcedureBySlug } from '../procedures/lookups.js';
import { insertRoutingRule } from '../procedures/repo.js';
import { renderReceiptPdf } from './receipt-pdf.js';
import { findRequestById } from './repo.js';
import { routeRequest } from './routing.js';
import { rerouteRequest } from './use-cases/reroute-request.js';

const ZIP = Buffer.from(
  'UEsDBBQAAAAAAGOMfF3I8LalBwAAAAcAAAAFAAAAYS50eHRib25qb3VyUEsBAhQDFAAAAAAAY4x8XcjwtqUHAAAABwAAAAUAAAAAAAAAAAAAAIABAAAAAGEudHh0UEsFBgAAAAABAAEAMwAAACoAAAAAAA==',
  'base64',
);
/** The start of a Windows executable (DOS header "MZ" and a PE signature). */
const EXE = Buffer.concat([
  Buffer.from('MZ'),
  Buffer.alloc(58),
  Buffer.from([0x40, 0, 0, 0]),
  Buffer.from('PE\0\0'),
  Buffer.alloc(64),
]);

interface FilePart {
  name: string;
  filename: string;
  type: string;
  content: Buffer;
}

/** Posts a multipart form like a browser (CSRF token of the last page), keeping cookies. */
async function postMultipart(
  t: TestApp,
  b: TestBrowser,
  url: string,
  fields: Record<string, string>,
  files: FilePart[],
  remoteAddress: string,
): Promise<LightMyRequestResponse> {
  const boundary = `----guichet${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries({ _csrf: b.csrf(), ...fields })) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  const res = await t.app.inject({
    method: 'POST',
    url,
    payload: Buffer.concat(chunks),
    remoteAddress,
    headers: {
      cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
  });
  const set = res.headers['set-cookie'];
  for (const line of Array.isArray(set) ? set : set ? [set] : []) {
    const [pair] = line.split(';');
    const [name, ...value] = pair!.split('=');
    b.cookies.set(name!.trim(), value.join('='));
  }
  if (String(res.headers['content-type'] ?? '').includes('text/html')) b.lastPage = res.body;
  return res;
}

/** The hidden list of inputs shown by a form page (sent back as a browser would). */
function shownFields(html: string): Record<string, string> {
  const value = /name="champs-affiches" value="([^"]*)"/.exec(html)?.[1];
  return value === undefined ? {} : { 'champs-affiches': value };
}

function pdfText(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-pdf-'));
  try {
    const file = path.join(dir, 'recu.pdf');
    fs.writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('legal dates on Europe/Paris calendar days', () => {
  it('counts from the Paris date of receipt, in days or from date to date in months', () => {
    // 23:30 UTC on 31 March is already 1 April in Paris (summer time).
    const late = new Date('2026-03-31T23:30:00Z');
    expect(parisDateOf(late)).toBe('2026-04-01');
    expect(silenceDate(late, { days: 60, months: 2 })).toBe('2026-06-01');
    expect(silenceDate(late, { days: 60 })).toBe('2026-05-31');
    expect(addCalendarMonths('2026-12-31', 2)).toBe('2027-02-28');
    // The processing deadline is the end of the Paris day (22:59:59 UTC in winter).
    expect(dueDate(new Date('2026-01-10T10:00:00Z'), 30).toISOString()).toBe('2026-02-09T22:59:59.999Z');
  });

  it('writes the silence rule and its computed date on the receipt', async () => {
    const submittedAt = new Date('2026-03-31T23:30:00Z');
    const pdf = await renderReceiptPdf({
      commune: { name: 'Villebelle', address: '1 place de la Mairie', email: null, phone: null },
      number: '2026-000042',
      submittedAt,
      procedureTitle: 'Occuper le domaine public',
      serviceName: 'Urbanisme',
      requester: { name: 'Camille Martin', email: 'camille.martin@courriel.example' },
      summary: [{ label: 'Objet', value: 'Benne devant le 3 rue des Lilas – 2 jours\u202f; œuvre d’art 🎨' }],
      silence: { kind: 'rejet', date: silenceDate(submittedAt, { days: 60, months: 2 }), basis: 'CRPA, art. L. 231-4' },
      dueAt: dueDate(submittedAt, 30),
    });
    const text = pdfText(pdf).replace(/\s+/g, ' ');
    expect(text).toContain('Demande n° 2026-000042');
    expect(text).toContain('Reçue le : 1er avril 2026 à 1 h 30');
    expect(text).toContain('réputée rejetée');
    expect(text).toContain('au plus tard le 1er juin 2026');
    expect(text).toContain('Fondement : CRPA, art. L. 231-4.');
    expect(text).toContain('Benne devant le 3 rue des Lilas – 2 jours ; oeuvre d’art ?');
  });

  it('keeps uploaded file names readable and harmless', () => {
    expect(sanitizeFileName('../../etc/passwd', 'jpg')).toBe('passwd.jpg');
    expect(sanitizeFileName('C:\\Users\\moi\\Photo du trou\u202e.exe', 'jpg')).toBe('Photo du trou.jpg');
    expect(sanitizeFileName('', 'pdf')).toBe('fichier.pdf');
  });
});

describe.each(TEST_ENGINES)('citizen démarches and requests on %s', (engine) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let villebelle: Commune;
  let saintAubin: Commune;
  let address = 10;
  const nextAddress = () => `203.0.${address++}.9`;

  async function query<T>(commune: Commune, sql: string, values: unknown[] = []): Promise<T[]> {
    return withTenant(t.runtime.database, commune.id, async (tx) => (await tx.client.query(sql, values)).rows as T[]);
  }

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp(engine, {
      env: { SMTP_URL: smtp.url, GUICHET_RATE_LIMIT_PER_MINUTE: '10000' },
      queueRole: 'worker',
    });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    saintAubin = (await t.runtime.communes.bySlug('saint-aubin-les-pres'))!;
    await addSecondCitizen(t.runtime.database, villebelle);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('lists the démarches by category and finds them without accents', async () => {
    const b = new TestBrowser(t.app, { remoteAddress: nextAddress() });
    const all = await b.get('/c/villebelle/demarches');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('Voirie et cadre de vie');
    expect(all.body).toContain('Signaler un problème sur la voie publique');
    const found = await b.get('/c/villebelle/demarches?q=ECLAIRAGE');
    expect(found.body).toContain('Signaler un problème sur la voie publique');
    expect(found.body).not.toContain('Réserver');
    const none = await b.get('/c/villebelle/demarches?q=piscine%20olympique');
    expect(none.body).toContain('Aucune démarche ne correspond');
    const start = await b.get('/c/villebelle/demarches/signalement-voirie');
    expect(start.statusCode).toBe(200);
    expect(start.body).toContain('Ce dont vous avez besoin');
    expect(start.body).toContain('Commencer');
    const withSilence = await b.get('/c/villebelle/demarches/occupation-domaine-public');
    expect(withSilence.body).toContain('Silence vaut rejet');
  });

  it('files a street report with prefill and a photo: number, receipt mail and PDF, tracking', async () => {
    const b = await signIn(t.app, 'camille.martin@courriel.example');
    const remoteAddress = b.remoteAddress!;
    const base = '/c/villebelle/demarches/signalement-voirie';
    const begin = await b.get(`${base}/commencer`);
    expect(begin.headers.location).toBe(`${base}/probleme`);

    const step = async (page: string, form: Record<string, string>) => {
      const shown = await b.get(`${base}/${page}`);
      expect(shown.statusCode).toBe(200);
      return b.post(`${base}/${page}`, { ...shownFields(shown.body), ...form, action: 'continuer' });
    };
    expect((await step('probleme', { typeProbleme: 'eclairage' })).headers.location).toBe(`${base}/danger`);
    expect((await step('danger', { dangerImmediat: 'non' })).headers.location).toBe(`${base}/lieu`);
    const lieu = await step('lieu', {
      'adresseProbleme-line1': '12 rue des Lilas',
      'adresseProbleme-postcode': '44100',
      'adresseProbleme-city': 'Villebelle',
    });
    expect(lieu.headers.location).toBe(`${base}/description`);

    const description = await b.get(`${base}/description`);
    expect(description.body).toContain('enctype="multipart/form-data"');
    const uploaded = await postMultipart(
      t,
      b,
      `${base}/description`,
      {
        ...shownFields(description.body),
        description: 'Le lampadaire ne s’allume plus depuis lundi.',
        action: 'continuer',
      },
      [{ name: 'photo', filename: 'lampadaire éteint.jpg', type: 'image/jpeg', content: tinyJpeg() }],
      remoteAddress,
    );
    expect(uploaded.statusCode).toBe(303);
    expect(uploaded.headers.location).toBe(`${base}/suivi`);
    expect((await step('suivi', { etreInforme: 'oui' })).headers.location).toBe(`${base}/coordonnees`);

    // Prefilled from the account ("dites-le-nous une fois").
    const contact = await b.get(`${base}/coordonnees`);
    expect(contact.body).toContain('value="Martin"');
    expect(contact.body).toContain('value="camille.martin@courriel.example"');
    const toReview = await b.post(`${base}/coordonnees`, {
      ...shownFields(contact.body),
      nom: 'Martin',
      email: 'camille.martin@courriel.example',
      telephone: '',
      action: 'continuer',
    });
    expect(toReview.headers.location).toBe(`${base}/verifier`);

    const review = await b.get(`${base}/verifier`);
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain('Vérifiez vos réponses');
    expect(review.body).toContain('Modifier');
    expect(review.body).toContain('lampadaire éteint.jpg');
    const sent = await b.post(`${base}/envoyer`, {});
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/c/villebelle/demande-envoyee');
    const confirmation = await b.get('/c/villebelle/demande-envoyee');
    const number = /<strong>(\d{4}-\d{6})<\/strong>/.exec(confirmation.body)?.[1];
    expect(number).toBeDefined();
    expect(confirmation.body).toContain('govuk-panel--confirmation');

    // Stored, routed to the démarche's service, with the photo attached and the draft gone.
    const [row] = await query<{ id: string; slug: string; status: string; routed_by: string; files: number }>(
      villebelle,
      `SELECT r.id, s.slug, r.status, r.routed_by,
              (SELECT count(*)::int FROM stored_file f WHERE f.request_id = r.id AND f.id <> r.receipt_file_id) AS files
         FROM citizen_request r JOIN service s ON s.id = r.service_id WHERE r.number = $1`,
      [number],
    );
    expect(row).toMatchObject({ slug: 'services-techniques', status: 'nouvelle', routed_by: 'procedure', files: 1 });
    expect(
      await query(
        villebelle,
        'SELECT 1 FROM draft WHERE procedure_id = (SELECT procedure_id FROM citizen_request WHERE id = $1)',
        [row!.id],
      ),
    ).toHaveLength(0);

    // Receipt mail with the number and the PDF attached; an audit entry.
    const [mail] = await query<{ subject: string; text_body: string; attachments: unknown[]; reply_to: string | null }>(
      villebelle,
      `SELECT subject, text_body, attachments, reply_to FROM mail_outbox WHERE template = 'requestReceipt' AND subject LIKE $1`,
      [`%${number}%`],
    );
    expect(mail?.subject).toContain(`Demande n° ${number} bien reçue`);
    // The footer tells the truth about replying: a Reply-To reaches the commune, else « ne pas répondre ».
    expect(mail?.text_body).toContain(
      mail?.reply_to ? 'si vous y répondez, votre réponse parvient au service' : 'merci de ne pas y répondre',
    );
    expect(mail?.text_body).toContain(`/c/villebelle/demandes/${number}/accuse-de-reception.pdf`);
    expect(mail?.attachments).toHaveLength(1);
    expect(
      await query(villebelle, `SELECT 1 FROM audit_entry WHERE action = 'request.submitted' AND target_id = $1`, [
        row!.id,
      ]),
    ).toHaveLength(1);

    // The PDF receipt: a download, never sniffed, with the number in its text.
    const pdf = await b.get(`/c/villebelle/demandes/${number}/accuse-de-reception.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toMatch(/^attachment;/);
    expect(pdf.headers['x-content-type-options']).toBe('nosniff');
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain(`Demande n° ${number}`);
    expect(text).toContain('Accusé de réception');
    expect(text).toContain('Signaler un problème sur la voie publique');
    expect(text).toContain('Le lampadaire ne s’allume plus depuis lundi.');

    // "Mes demandes", the timeline and the photo, served as an attachment.
    const list = await b.get('/c/villebelle/demandes');
    expect(list.body).toContain(number!);
    const detail = await b.get(`/c/villebelle/demandes/${number}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('Demande envoyée');
    expect(detail.body).toContain('Services techniques');
    const photoLink = /href="(\/c\/villebelle\/demandes\/[^"]+\/documents\/[^"]+)"/.exec(detail.body)?.[1];
    const photo = await b.get(photoLink!);
    expect(photo.headers['content-type']).toBe('image/jpeg');
    expect(photo.headers['content-disposition']).toContain('attachment');
    expect(photo.rawPayload.equals(tinyJpeg())).toBe(true);

    // An agent's internal note never shows; the agent asks a question, the citizen answers.
    await withTenant(t.runtime.database, villebelle.id, async (tx) => {
      await tx.client.query(
        `INSERT INTO request_event (id, commune_id, request_id, kind, author_role, is_internal, body)
         VALUES (gen_random_uuid(), $1, $2, 'internal_note', 'agent', true, 'Note interne : voir avec Enedis')`,
        [villebelle.id, row!.id],
      );
      await tx.client.query(`UPDATE citizen_request SET status = 'attente_usager' WHERE id = $1`, [row!.id]);
    });
    const waiting = await b.get(`/c/villebelle/demandes/${number}`);
    expect(waiting.body).not.toContain('voir avec Enedis');
    const replied = await postMultipart(
      t,
      b,
      `/c/villebelle/demandes/${number}/repondre`,
      { message: 'Le lampadaire est le deuxième après le carrefour.' },
      [],
      remoteAddress,
    );
    expect(replied.statusCode).toBe(303);
    const after = await b.get(replied.headers.location as string);
    expect(after.body).toContain('Le lampadaire est le deuxième après le carrefour.');
    const [status] = await query<{ status: string }>(villebelle, 'SELECT status FROM citizen_request WHERE id = $1', [
      row!.id,
    ]);
    expect(status?.status).toBe('en_cours');

    // Another citizen gets 404 on my request, its receipt and its files.
    const other = await signIn(t.app, 'paul.voisin@courriel.example');
    expect((await other.get(`/c/villebelle/demandes/${number}`)).statusCode).toBe(404);
    expect((await other.get(`/c/villebelle/demandes/${number}/accuse-de-reception.pdf`)).statusCode).toBe(404);
    expect((await other.get(photoLink!)).statusCode).toBe(404);
    // And so does an agent (requests are read in the back-office, not here).
    const agent = await signIn(t.app, 'agent.etat-civil@villebelle.example');
    expect((await agent.get(`/c/villebelle/demandes/${number}`)).statusCode).toBe(404);
  });

  it('erases the bytes of a draft’s files when the draft is started again', async () => {
    const b = await signIn(t.app, 'camille.martin@courriel.example');
    const remoteAddress = b.remoteAddress!;
    const base = '/c/villebelle/demarches/signalement-voirie';
    await b.get(`${base}/probleme`);
    await b.post(`${base}/recommencer`, {});
    const first = await b.get(`${base}/probleme`);
    await b.post(`${base}/probleme`, { ...shownFields(first.body), typeProbleme: 'chaussee', action: 'continuer' });
    const photo = Buffer.concat([tinyJpeg(), Buffer.from('brouillon abandonné')]);
    const address = createHash('sha256').update(photo).digest('hex');
    const description = await b.get(`${base}/description`);
    const uploaded = await postMultipart(
      t,
      b,
      `${base}/description`,
      { ...shownFields(description.body), description: 'Trou.', action: 'continuer' },
      [{ name: 'photo', filename: 'abandon.jpg', type: 'image/jpeg', content: photo }],
      remoteAddress,
    );
    expect(uploaded.statusCode).toBe(303);
    const blobs = () =>
      query(villebelle, 'SELECT 1 FROM blob WHERE scope = $1 AND sha256 = $2', [`communes/${villebelle.id}`, address]);
    expect(await blobs()).toHaveLength(1);
    await b.get(`${base}/verifier`);
    await b.post(`${base}/recommencer`, {});
    expect(await query(villebelle, 'SELECT 1 FROM stored_file WHERE sha256 = $1', [address])).toHaveLength(0);
    expect(await blobs()).toHaveLength(0);
  });

  it('keeps the draft through a failed submit and a closed tab', async () => {
    const b = await signIn(t.app, 'camille.martin@courriel.example');
    const base = '/c/villebelle/demarches/signalement-voirie';
    await b.get(`${base}/probleme`);
    await b.post(`${base}/recommencer`, {});
    const first = await b.get(`${base}/probleme`);
    await b.post(`${base}/probleme`, { ...shownFields(first.body), typeProbleme: 'proprete', action: 'continuer' });
    // Submitting now fails with the missing answers listed, in French, and loses nothing.
    await b.get(`${base}/verifier`);
    const failed = await b.post(`${base}/envoyer`, {});
    expect(failed.statusCode).toBe(422);
    expect(failed.body).toContain('Votre demande est incomplète');
    expect(shownText(failed.body)).toContain('Complétez « Le problème présente-t-il un danger immédiat');
    // A new session (the tab was closed) resumes at the saved page with the answers.
    const again = await signIn(t.app, 'camille.martin@courriel.example');
    const resume = await again.get(`${base}/commencer`);
    expect(resume.headers.location).toBe(`${base}/probleme`);
    const page = await again.get(`${base}/probleme`);
    expect(page.body).toMatch(/value="proprete"\s+checked/);

    // Anonymous visitors keep theirs with a cookie; "Enregistrer et continuer plus tard" says so.
    const anonymous = new TestBrowser(t.app, { remoteAddress: nextAddress() });
    const anonPage = await anonymous.get(`${base}/probleme`);
    const saved = await anonymous.post(`${base}/probleme`, {
      ...shownFields(anonPage.body),
      typeProbleme: 'trottoir',
      action: 'brouillon',
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('Votre démarche est enregistrée');
    expect((await anonymous.get(`${base}/probleme`)).body).toMatch(/value="trottoir"\s+checked/);
    const stranger = new TestBrowser(t.app, { remoteAddress: nextAddress() });
    expect((await stranger.get(`${base}/probleme`)).body).not.toMatch(/value="trottoir"\s+checked/);
  });

  it('refuses an ODT zip bomb and a PDF running JavaScript, in French, and stores neither (issue 8)', async () => {
    const b = await signIn(t.app, 'camille.martin@courriel.example');
    const remoteAddress = b.remoteAddress!;
    const base = '/c/villebelle/demarches/contact';
    const upload = async (file: Omit<FilePart, 'name'>) => {
      await b.get(`${base}/commencer`);
      const page = await b.get(`${base}/message`);
      return postMultipart(
        t,
        b,
        `${base}/message`,
        { ...shownFields(page.body), objet: 'Plan', message: 'Ci-joint le plan.', action: 'continuer' },
        [{ name: 'pieceJointe', ...file }],
        remoteAddress,
      );
    };
    const bomb = odtZipBomb();
    expect(bomb.length).toBeLessThan(10_000);
    const odt = await upload({ filename: 'plan.odt', type: 'application/vnd.oasis.opendocument.text', content: bomb });
    expect(odt.statusCode).toBe(422);
    expect(shownText(odt.body)).toContain(
      'Le fichier « plan.odt » est refusé : il se décompresse en un volume anormalement grand',
    );
    const pdf = await upload({ filename: 'plan.pdf', type: 'application/pdf', content: pdfWithOpenActionJavaScript() });
    expect(pdf.statusCode).toBe(422);
    expect(shownText(pdf.body)).toContain('Le fichier « plan.pdf » est refusé : il contient du code JavaScript');
    expect(await query(villebelle, `SELECT 1 FROM stored_file WHERE name IN ('plan.odt', 'plan.pdf')`)).toHaveLength(0);
  });

  it('checks uploads by content: archives and programs refused, size and type limits, in French', async () => {
    const b = await signIn(t.app, 'camille.martin@courriel.example');
    const remoteAddress = b.remoteAddress!;
    const base = '/c/villebelle/demarches/signalement-voirie';
    const upload = async (file: Omit<FilePart, 'name'>) => {
      const page = await b.get(`${base}/description`);
      return postMultipart(
        t,
        b,
        `${base}/description`,
        { ...shownFields(page.body), description: 'Trou profond.', action: 'continuer' },
        [{ name: 'photo', ...file }],
        remoteAddress,
      );
    };
    const exe = await upload({ filename: 'photo.jpg', type: 'image/jpeg', content: EXE });
    expect(exe.statusCode).toBe(422);
    expect(shownText(exe.body)).toContain('est une archive ou un programme : ce type de fichier est refusé');
    const zip = await upload({ filename: 'photos.jpeg', type: 'image/jpeg', content: ZIP });
    expect(zip.statusCode).toBe(422);
    expect(zip.body).toContain('est une archive ou un programme');
    const wrongType = await upload({ filename: 'plan.pdf', type: 'application/pdf', content: PDF });
    expect(wrongType.statusCode).toBe(422);
    expect(shownText(wrongType.body)).toContain(
      'n’est pas au bon format : joignez un fichier au format JPEG, PNG, WebP ou HEIC',
    );
    const big = Buffer.concat([tinyJpeg(), Buffer.alloc(10 * 1024 * 1024)]);
    const tooBig = await upload({ filename: 'enorme.jpg', type: 'image/jpeg', content: big });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.body).toContain('dépasse la taille maximale de 10 Mo');
    // The form is shown again with the answer kept, and the text saved in the draft.
    expect(tooBig.body).toContain('Trou profond.');
    // Nothing was stored.
    expect(
      await query(
        villebelle,
        `SELECT 1 FROM stored_file WHERE name IN ('photo.jpg', 'photos.jpeg', 'plan.pdf', 'enorme.jpg')`,
      ),
    ).toHaveLength(0);
    // Too many files at once: 413, in French.
    const page = await b.get(`${base}/description`);
    const many = await postMultipart(
      t,
      b,
      `${base}/description`,
      { ...shownFields(page.body), description: 'x', action: 'continuer' },
      Array.from({ length: 6 }, (_, i) => ({
        name: 'photo',
        filename: `p${i}.jpg`,
        type: 'image/jpeg',
        content: tinyJpeg(),
      })),
      remoteAddress,
    );
    expect(many.statusCode).toBe(413);
    expect(many.body).toContain('Vous pouvez joindre au plus 5 fichiers à la fois.');
  });

  it('routes a free-text request with the classifier, or to the accueil when unsure', async () => {
    const b = await signIn(t.app, 'camille.martin@courriel.example');
    const form = await b.get('/c/villebelle/contacter-la-mairie');
    expect(form.body).toContain('value="camille.martin@courriel.example"');
    const sent = await b.post('/c/villebelle/contacter-la-mairie', {
      subject: 'Inscription à la cantine',
      message:
        'Bonjour, je voudrais inscrire ma fille à la cantine et à la garderie du mercredi à l’école des Tilleuls.',
      name: 'Camille Martin',
      email: 'camille.martin@courriel.example',
    });
    expect(sent.statusCode).toBe(303);
    const number = /<strong>(\d{4}-\d{6})<\/strong>/.exec((await b.get('/c/villebelle/demande-envoyee')).body)?.[1];
    const [routed] = await query<{
      slug: string;
      routed_by: string;
      routing_confidence: number;
      routing_explanation: string[];
    }>(
      villebelle,
      `SELECT s.slug, r.routed_by, r.routing_confidence, r.routing_explanation
         FROM citizen_request r JOIN service s ON s.id = r.service_id WHERE r.number = $1`,
      [number],
    );
    expect(routed).toMatchObject({ slug: 'enfance-scolaire', routed_by: 'classifier' });
    expect(routed!.routing_confidence).toBeGreaterThanOrEqual(0.6);
    expect(routed!.routing_explanation.join(' ').toLowerCase()).toMatch(/cantine|garderie|école/);

    const anonymous = new TestBrowser(t.app, { remoteAddress: nextAddress() });
    await anonymous.get('/c/villebelle/contacter-la-mairie');
    const unsure = await anonymous.post('/c/villebelle/contacter-la-mairie', {
      subject: 'Question',
      // Two close competences of two services (action sociale → accueil, a bill to correct → finances).
      message: 'Je conteste la facture de cantine et je demande aussi une aide du CCAS pour le loyer.',
      name: 'Jeanne Roux',
      email: 'jeanne.roux@courriel.example',
    });
    expect(unsure.statusCode).toBe(303);
    const [triaged] = await query<{ slug: string; routed_by: string }>(
      villebelle,
      `SELECT s.slug, r.routed_by FROM citizen_request r JOIN service s ON s.id = r.service_id
        WHERE r.requester_email = 'jeanne.roux@courriel.example'`,
    );
    expect(triaged).toEqual({ slug: 'accueil', routed_by: 'triage' });

    // Field errors in French, what was typed is kept.
    const invalid = await anonymous.post('/c/villebelle/contacter-la-mairie', {
      subject: '',
      message: 'Texte gardé',
      name: 'J',
      email: 'pas-une-adresse',
    });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('Saisissez l’objet de votre demande.');
    expect(invalid.body).toContain('Saisissez une adresse électronique valide');
    expect(invalid.body).toContain('Texte gardé');
  });

  it('routes by the démarche’s rules, learns from re-routing, and keeps signed-in démarches closed', async () => {
    const routed = await withTenant(t.runtime.database, villebelle.id, async (tx) => {
      const services = await listServices(tx, villebelle.id);
      const bySlug = (slug: string) => services.find((s) => s.slug === slug)!;
      const procedure = (await findProcedureBySlug(tx, villebelle.id, 'signalement-voirie'))!;
      await insertRoutingRule(tx, {
        communeId: villebelle.id,
        procedureId: procedure.id,
        position: 1,
        fieldId: 'typeProbleme',
        equals: 'vegetation',
        serviceId: bySlug('urbanisme').id,
      });
      const byRule = await routeRequest(tx, { procedure, answers: { typeProbleme: 'vegetation' } });
      const byDefault = await routeRequest(tx, { procedure, answers: { typeProbleme: 'chaussee' } });
      // An agent moves a free-text request: the commune's classifier gets the example.
      const { rows: contact } = await tx.client.query<{ id: string }>(
        `SELECT id FROM citizen_request WHERE requester_email = 'jeanne.roux@courriel.example'`,
      );
      const request = (await findRequestById(tx, villebelle.id, contact[0]!.id))!;
      await rerouteRequest(tx, { request, service: bySlug('finances'), actor: { type: 'agent', accountId: null } });
      const { rows } = await tx.client.query(
        `SELECT text, service_slug FROM routing_example WHERE source = 'rerouting'`,
      );
      return { byRule, byDefault, urbanisme: bySlug('urbanisme').id, examples: rows };
    });
    expect(routed.byRule).toMatchObject({ routedBy: 'rule', serviceId: routed.urbanisme });
    expect(routed.byDefault.routedBy).toBe('procedure');
    expect(routed.examples).toEqual([
      {
        text: 'Question\nJe conteste la facture de cantine et je demande aussi une aide du CCAS pour le loyer.',
        service_slug: 'finances',
      },
    ]);

    const anonymous = new TestBrowser(t.app, { remoteAddress: nextAddress() });
    const closed = await anonymous.get('/c/villebelle/demarches/inscription-liste-electorale/commencer');
    expect(closed.statusCode).toBe(303);
    expect(closed.headers.location).toBe(
      `/c/villebelle/connexion?retour=${encodeURIComponent('/c/villebelle/demarches/inscription-liste-electorale/commencer')}`,
    );
  });

  it('states each démarche’s legal basis and promises only what the law and the form allow', async () => {
    const b = new TestBrowser(t.app, { remoteAddress: nextAddress() });
    const roll = await b.get('/c/villebelle/demarches/inscription-liste-electorale');
    expect(roll.body).toContain('Base légale');
    expect(roll.body).toContain('L.\u00a018 (le maire statue dans un délai de cinq jours');
    expect(roll.body).toContain('La mairie s’engage à y répondre sous 5 jours.');
    // The road report does not require an e-mail: no promise of a mail to someone who gave none.
    const report = await b.get('/c/villebelle/demarches/signalement-voirie');
    expect(report.body).toContain('une adresse électronique si vous souhaitez recevoir l’accusé de réception');
    expect(report.body).not.toContain('services techniques');
  });

  /** Files a road report in Saint-Aubin (mode simple) as a visitor: the request's number. */
  async function fileSaintAubinReport(
    text = 'Nid-de-poule devant la ferme.',
    email = 'jeanne.roux@courriel.example',
  ): Promise<string> {
    const remoteAddress = nextAddress();
    const b = new TestBrowser(t.app, { remoteAddress });
    const base = '/c/saint-aubin-les-pres/demarches/signalement-voirie';
    const step = async (page: string, form: Record<string, string>) => {
      const shown = await b.get(`${base}/${page}`);
      return b.post(`${base}/${page}`, { ...shownFields(shown.body), ...form, action: 'continuer' });
    };
    await step('probleme', { typeProbleme: 'chaussee' });
    await step('danger', { dangerImmediat: 'non' });
    await step('lieu', {
      'adresseProbleme-line1': '3 chemin des Prés',
      'adresseProbleme-postcode': '44200',
      'adresseProbleme-city': 'Saint-Aubin-les-Prés',
    });
    const description = await b.get(`${base}/description`);
    const uploaded = await postMultipart(
      t,
      b,
      `${base}/description`,
      { ...shownFields(description.body), description: text, action: 'continuer' },
      [{ name: 'photo', filename: 'trou.jpg', type: 'image/jpeg', content: tinyJpeg() }],
      remoteAddress,
    );
    expect(uploaded.statusCode).toBe(303);
    await step('suivi', { etreInforme: 'oui' });
    await step('coordonnees', { nom: 'Roux', email, telephone: '' });
    await b.get(`${base}/verifier`);
    expect((await b.post(`${base}/envoyer`, {})).statusCode).toBe(303);
    const number = /<strong>(\d{4}-\d{6})<\/strong>/.exec(
      (await b.get('/c/saint-aubin-les-pres/demande-envoyee')).body,
    )?.[1];
    expect(number).toBeDefined();
    return number!;
  }

  /** The secretary's mail for a request, through the real SMTP server, and its single-use link. */
  async function secretaryMail(number: string) {
    const deadline = Date.now() + 20_000;
    let mail = smtp.received.find((m) => m.subject?.startsWith(`Nouvelle demande n° ${number}`));
    while (!mail && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      mail = smtp.received.find((m) => m.subject?.startsWith(`Nouvelle demande n° ${number}`));
    }
    expect(mail).toBeDefined();
    const link = /(\/c\/saint-aubin-les-pres\/demandes\/traitement\/[A-Za-z0-9_-]+)/.exec(mail!.text ?? '')?.[1];
    expect(link).toBeDefined();
    return { mail: mail!, link: link! };
  }

  it('in "mode simple", mails the secretary the receipt and the attachments, with a single-use link', async () => {
    const number = await fileSaintAubinReport();

    // The secretary's mail, through a real SMTP server: receipt + photo, replies go to the citizen.
    const deadline = Date.now() + 20_000;
    let mail = smtp.received.find(
      (m) => m.subject === `Nouvelle demande n° ${number} : Signaler un problème sur la voie publique`,
    );
    while (!mail && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      mail = smtp.received.find((m) => m.subject?.startsWith(`Nouvelle demande n° ${number}`));
    }
    expect(mail).toBeDefined();
    const to = mail!.to && !Array.isArray(mail!.to) ? mail!.to.text : '';
    expect(to).toBe('mairie@saint-aubin-les-pres.example');
    expect(mail!.replyTo?.text).toBe('jeanne.roux@courriel.example');
    expect(mail!.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      [`accuse-de-reception-${number}.pdf`, 'application/pdf'],
      ['trou.jpg', 'image/jpeg'],
    ]);
    expect(pdfText(mail!.attachments[0]!.content)).toContain(`Demande n° ${number}`);
    expect(mail!.text).toContain('Nid-de-poule devant la ferme.');
    const link = /(\/c\/saint-aubin-les-pres\/demandes\/traitement\/[A-Za-z0-9_-]+)/.exec(mail!.text ?? '')?.[1];
    expect(link).toBeDefined();

    // The link shows a form (a mail scanner following it changes nothing), then a confirmation
    // page (still nothing saved), then acts once.
    const secretary = new TestBrowser(t.app, { remoteAddress: nextAddress() });
    const shown = await secretary.get(link!);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain(`Traiter la demande n° ${number}`);
    const asked = await secretary.post(link!, { status: 'acceptee', message: 'Le trou sera rebouché jeudi.' });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('Confirmez-vous');
    const [pending] = await query<{ status: string }>(
      saintAubin,
      'SELECT status FROM citizen_request WHERE number = $1',
      [number],
    );
    expect(pending?.status).toBe('nouvelle');
    const done = await secretary.post(link!, {
      status: 'acceptee',
      message: 'Le trou sera rebouché jeudi.',
      confirmation: 'oui',
    });
    expect(done.statusCode).toBe(200);
    // In the words of the démarche's workflow (a road report is "intervention réalisée").
    expect(done.body).toContain('intervention réalisée');
    const [row] = await query<{ status: string; closed_at: Date | null }>(
      saintAubin,
      'SELECT status, closed_at FROM citizen_request WHERE number = $1',
      [number],
    );
    expect(row?.status).toBe('acceptee');
    expect(row?.closed_at).not.toBeNull();
    const [statusMail] = await query<{ text_body: string }>(
      saintAubin,
      `SELECT text_body FROM mail_outbox WHERE template = 'requestStatusChanged' AND to_address = 'jeanne.roux@courriel.example'`,
    );
    expect(statusMail?.text_body).toContain('Le trou sera rebouché jeudi.');
    const reused = await secretary.get(link!);
    expect(reused.statusCode).toBe(410);
    expect(reused.body).toContain('Lien expiré ou déjà utilisé');
  });

  it('in "mode simple", a refusal needs a reason and a confirmation; the mail carries both and the appeal routes', async () => {
    // The démarche's default workflow (the demo's road report has no refusal: « classé sans suite »).
    await query(saintAubin, `UPDATE procedure SET workflow = NULL WHERE slug = 'signalement-voirie'`);
    const number = await fileSaintAubinReport('Branches tombées sur le chemin.', 'paul.morel@courriel.example');
    const { mail, link } = await secretaryMail(number);
    // The commune's own mails: its name as sender, not « Guichet ».
    expect(mail.from?.value[0]?.name).toBe('Saint-Aubin-les-Prés');
    const secretary = new TestBrowser(t.app, { remoteAddress: nextAddress() });
    const statusOf = async () =>
      (await query<{ status: string }>(saintAubin, 'SELECT status FROM citizen_request WHERE number = $1', [number]))[0]
        ?.status;

    // One tap with no reason: refused, nothing saved, the form again with a French message.
    await secretary.get(link);
    const noReason = await secretary.post(link, { status: 'refusee', message: '  ' });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.body).toContain('Expliquez à l’usager le motif du refus.');
    expect(await statusOf()).toBe('nouvelle');
    // Even a forged confirmation without a reason is refused by the use case itself.
    const forged = await secretary.post(link, { status: 'refusee', message: '', confirmation: 'oui' });
    expect(forged.statusCode).toBe(422);
    expect(await statusOf()).toBe('nouvelle');

    // With a reason: a confirmation page first (nothing saved yet, a way back), then the refusal.
    const reason = 'Ce chemin est privé : adressez-vous à son propriétaire.';
    const asked = await secretary.post(link, { status: 'refusee', message: reason });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('Confirmez-vous le refus de cette demande');
    expect(asked.body).toContain('Revenir sans rien enregistrer');
    expect(await statusOf()).toBe('nouvelle');
    const back = await secretary.get(link);
    expect(back.statusCode).toBe(200);
    // The confirmation page carries the choice in hidden fields.
    expect(asked.body).toContain('name="confirmation" value="oui"');
    expect(asked.body).toContain('name="status" value="refusee"');
    const done = await secretary.post(link, { status: 'refusee', message: reason, confirmation: 'oui' });
    expect(done.statusCode).toBe(200);
    expect(await statusOf()).toBe('refusee');

    const [statusMail] = await query<{ text_body: string }>(
      saintAubin,
      `SELECT text_body FROM mail_outbox WHERE template = 'requestStatusChanged' AND to_address = 'paul.morel@courriel.example'`,
    );
    const text = (statusMail?.text_body ?? '').replace(/[ \n]+/g, ' ');
    expect(text).toContain(`Motif du refus\u00a0: «\u00a0${reason}\u00a0»`);
    expect(text).toContain('recours gracieux auprès du maire de Saint-Aubin-les-Prés');
    expect(text).toContain('tribunal administratif');
    expect(text).toContain('deux mois');
    expect(text).toContain('article R.\u00a0421-1');
  });
});
