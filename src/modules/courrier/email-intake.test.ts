/**
 * Mail arriving as e-mail, as the accueil and the administrators see it: .eml files dropped in the
 * commune's folder registered (sender deduplicated on the address, subject, date of the message,
 * searchable text, attachments kept — a PDF with a text layer searchable at once, a scanned one
 * read by OCR —, the classifier's proposal, the journal), a malformed file moved to `erreurs/`
 * with a French reason the admin sees, a Message-ID never registered twice; an .eml uploaded by an
 * agent; and a real IMAP server (Debian dovecot, private instance) whose messages are registered
 * and moved to « Traités », the password sealed at rest and never shown again.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { TextDocument } from '../../platform/pdf/index.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import type { TestBrowser } from '../../test/browser.js';
import { shownText } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { type Person, secondCommune, staffMember } from '../../test/factories.js';
import { startTestImap, type TestImap } from '../../test/imap-server.js';
import { runQueuedJobs } from '../../test/jobs.js';
import { signIn } from '../../test/sign-in.js';
import { OCR_JOB } from './ocr-job.js';
import { processDropFolder } from './use-cases/intake-email.js';
import { pollMailbox } from './use-cases/mailbox.js';

const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

async function textPdf(lines: string[]): Promise<Buffer> {
  const doc = await TextDocument.create({
    title: 'Pièce',
    author: 'Jean Dupont',
    date: new Date('2026-11-30T09:00:00Z'),
  });
  for (const line of lines) doc.text(line, { size: 14 });
  return doc.finish();
}

/** A scanner's PDF: one page holding a JPEG, no text layer (written by hand, offsets exact). */
function imageOnlyPdf(jpeg: Buffer): Buffer {
  const sof = jpeg.findIndex((b, i) => b === 0xff && (jpeg[i + 1] === 0xc0 || jpeg[i + 1] === 0xc2));
  const height = jpeg.readUInt16BE(sof + 5);
  const width = jpeg.readUInt16BE(sof + 7);
  const colours = jpeg[sof + 9] === 1 ? '/DeviceGray' : '/DeviceRGB';
  const content = `q ${width * 0.48} 0 0 ${height * 0.48} 0 0 cm /Im0 Do Q`;
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width * 0.48} ${height * 0.48}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>`,
    ),
    Buffer.concat([
      Buffer.from(
        `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace ${colours} /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length} >>\nstream\n`,
      ),
      jpeg,
      Buffer.from('\nendstream'),
    ]),
    Buffer.from(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`),
  ];
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n')];
  const offsets: number[] = [];
  let size = chunks[0]!.length;
  objects.forEach((body, i) => {
    offsets.push(size);
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    chunks.push(chunk);
    size += chunk.length;
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objects.length + 1} /Root 1 0 R >>`,
    'startxref',
    String(size),
    '%%EOF',
    '',
  ].join('\n');
  return Buffer.concat([...chunks, Buffer.from(xref)]);
}

function eml(options: {
  from?: string;
  subject?: string;
  date?: string;
  messageId?: string | null;
  text?: string;
  attachments?: Array<{ name: string; type: string; content: Buffer }>;
}): Buffer {
  const boundary = 'frontiere-guichet';
  const headers = [
    `From: ${options.from ?? 'Jean Dupont <jean.dupont@exemple.fr>'}`,
    'To: mairie@bourg-en-courriel.fr',
    `Subject: ${options.subject ?? 'Demande de renseignements'}`,
    `Date: ${options.date ?? 'Mon, 30 Nov 2026 10:15:00 +0100'}`,
    ...(options.messageId === null ? [] : [`Message-ID: <${options.messageId ?? `${Math.random()}@exemple.fr`}>`]),
    'MIME-Version: 1.0',
  ];
  const text = options.text ?? 'Bonjour,\r\nJe voudrais connaître les horaires de la mairie.\r\nJean Dupont';
  if (!options.attachments?.length) {
    return Buffer.from(
      [...headers, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', text, ''].join(
        '\r\n',
      ),
    );
  }
  const parts = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    text,
    ...options.attachments.flatMap((a) => [
      `--${boundary}`,
      `Content-Type: ${a.type}; name="${a.name}"`,
      `Content-Disposition: attachment; filename="${a.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      a.content.toString('base64').replace(/.{76}/g, '$&\r\n'),
    ]),
    `--${boundary}--`,
    '',
  ];
  return Buffer.from([...headers, `Content-Type: multipart/mixed; boundary="${boundary}"`, '', ...parts].join('\r\n'));
}

describe.each(TEST_ENGINES)('mail arriving as e-mail on %s', (engine) => {
  let t: TestApp;
  let town: Commune;
  let other: Commune;
  let dropDir: string;
  const people: Record<'accueil' | 'admin' | 'ailleurs', Person> = {} as never;
  const browsers = new Map<string, TestBrowser>();
  let base: string;
  let imap: TestImap;

  async function as(who: keyof typeof people): Promise<TestBrowser> {
    let browser = browsers.get(who);
    if (!browser) {
      browser = await signIn(t.app, people[who].email, { slug: who === 'ailleurs' ? other.slug : town.slug });
      browsers.set(who, browser);
    }
    return browser;
  }

  async function search(q: string): Promise<string> {
    return shownText((await (await as('accueil')).get(`${base}?statut=tous&q=${encodeURIComponent(q)}`)).body);
  }

  beforeAll(async () => {
    dropDir = fs.mkdtempSync(path.join(os.tmpdir(), 'courrier-depot-'));
    imap = await startTestImap();
    t = await createTestApp(engine, {
      env: {
        GUICHET_RATE_LIMIT_PER_MINUTE: '100000',
        GUICHET_COURRIER_DROP_DIR: dropDir,
        GUICHET_SIGNATURE_MASTER_KEY: MASTER_KEY,
        // The test's dovecot listens on loopback: a private host, refused unless the instance allows it.
        GUICHET_COURRIER_IMAP_ALLOW_PRIVATE: 'true',
      },
    });
    town = await secondCommune(t, {
      slug: 'bourg-en-courriel',
      name: 'Bourg-en-Courriel',
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
    people.admin = await staffMember(t, town, { role: 'admin', givenName: 'Adam', familyName: 'Admin' });
    people.ailleurs = await staffMember(t, other, {
      role: 'agent',
      services: ['secretariat'],
      givenName: 'Eva',
      familyName: 'Ailleurs',
    });
  });

  afterAll(async () => {
    await t?.close();
    await imap?.close();
    fs.rmSync(dropDir, { recursive: true, force: true });
  });

  it('registers dropped .eml files with sender, subject, date, text and attachments, once', async () => {
    const folder = path.join(dropDir, town.slug);
    fs.mkdirSync(folder, { recursive: true });
    const pdf = await textPdf(['Plan de situation de la parcelle cadastrée AB 123, rue des Tilleuls.']);
    fs.writeFileSync(
      path.join(folder, '01-permis.eml'),
      eml({
        from: '"Jean Dupont" <Jean.Dupont@exemple.fr>',
        subject: 'Permis de construire pour une extension',
        date: 'Mon, 30 Nov 2026 10:15:00 +0100',
        messageId: 'permis-1@exemple.fr',
        text: 'Madame le Maire,\r\nje dépose ma demande de permis de construire pour agrandir ma maison.\r\nJean Dupont',
        attachments: [
          { name: 'plan.pdf', type: 'application/pdf', content: pdf },
          {
            name: 'outil.exe',
            type: 'application/octet-stream',
            content: Buffer.from('MZ\x90\x00\x03\x00\x00\x00programme'),
          },
        ],
      }),
    );
    fs.writeFileSync(
      path.join(folder, '02-relance.eml'),
      eml({
        from: 'J. Dupont <jean.dupont@exemple.fr>',
        subject: 'Relance de ma demande',
        messageId: 'relance@exemple.fr',
      }),
    );
    // The same message dropped twice (two copies of one e-mail): registered once.
    fs.writeFileSync(
      path.join(folder, '03-copie.eml'),
      eml({ subject: 'Permis de construire pour une extension', messageId: 'permis-1@exemple.fr' }),
    );
    fs.writeFileSync(
      path.join(folder, '04-pas-un-courriel.eml'),
      Buffer.from('%PDF-1.4 ceci est un PDF renommé\x00\x01\x02'),
    );
    fs.writeFileSync(
      path.join(folder, '05-sans-expediteur.eml'),
      Buffer.from('Subject: Sans expéditeur\r\n\r\nBonjour\r\n'),
    );
    fs.writeFileSync(path.join(folder, 'en-cours.eml.tmp'), Buffer.from('pas encore écrit'));

    const counts = await processDropFolder(t.runtime, town, dropDir);
    expect(counts).toEqual({ registered: 2, duplicates: 1, rejected: 2 });
    expect(fs.readdirSync(folder).sort()).toEqual(['en-cours.eml.tmp', 'erreurs', 'traites']);
    expect(fs.readdirSync(path.join(folder, 'traites')).sort()).toEqual([
      '01-permis.eml',
      '02-relance.eml',
      '03-copie.eml',
    ]);
    expect(fs.readFileSync(path.join(folder, 'erreurs', '04-pas-un-courriel.eml.raison.txt'), 'utf8')).toContain(
      'n’est pas un courriel',
    );
    // Dropped again: nothing new (the Message-ID is known).
    fs.copyFileSync(path.join(folder, 'traites', '01-permis.eml'), path.join(folder, '06-encore.eml'));
    expect(await processDropFolder(t.runtime, town, dropDir)).toEqual({ registered: 0, duplicates: 1, rejected: 0 });

    const register = await search('extension');
    expect(register).toContain('Permis de construire pour une extension');
    expect(register).toContain('Jean Dupont');
    expect(register).toContain('1 courrier');
    // The body and the PDF's text layer are searched.
    expect(await search('agrandir')).toContain('Permis de construire pour une extension');
    expect(await search('Tilleuls')).toContain('Permis de construire pour une extension');

    const { rows } = await t.testDb.asSuperuser<{ id: string; n: number }>(
      `SELECT m.id, (SELECT count(*)::int FROM courrier_mail m2 WHERE m2.contact_id = m.contact_id) AS n
         FROM courrier_mail m WHERE m.message_id = 'permis-1@exemple.fr'`,
    );
    expect(rows).toHaveLength(1);
    // One contact for both messages of jean.dupont@exemple.fr, whatever the name written.
    expect(rows[0]!.n).toBe(2);
    const page = shownText((await (await as('accueil')).get(`${base}/${rows[0]!.id}`)).body);
    expect(page).toContain('Arrivé le 30 novembre 2026');
    expect(page).toContain('Arrivé par Courriel');
    expect(page).toContain('jean.dupont@exemple.fr');
    expect(page).toContain('automatiquement (courriel reçu)');
    expect(page).toContain('je dépose ma demande de permis de construire');
    expect(page).toContain('Télécharger plan.pdf');
    expect(page).toContain('Télécharger message.eml');
    expect(page).toContain('Pièce jointe non conservée');
    expect(page).toContain('outil.exe');
    expect(page).toContain('Service proposé');
    expect(page).toContain('Urbanisme');
    // A PDF with a text layer needs no OCR.
    expect(page).not.toContain('Lecture du texte en attente');

    const journal = await t.testDb.asSuperuser<{ action: string; actor_type: string }>(
      `SELECT action, actor_type FROM audit_entry WHERE commune_id = $1 AND action LIKE 'courrier.%' ORDER BY seq`,
      [town.id],
    );
    expect(journal.rows.filter((r) => r.action === 'courrier.mail_registered')).toHaveLength(2);
    expect(journal.rows.filter((r) => r.action === 'courrier.email_rejected')).toHaveLength(2);
    expect(journal.rows.every((r) => r.actor_type === 'system')).toBe(true);

    // The administrators see the refused files and why.
    const admin = shownText((await (await as('admin')).get(`/c/${town.slug}/admin/courrier`)).body);
    expect(admin).toContain('04-pas-un-courriel.eml');
    expect(admin).toContain('Le fichier n’est pas un courriel au format .eml');
    expect(admin).toContain('05-sans-expediteur.eml');
    expect(admin).toContain('Le message n’indique pas d’expéditeur');
    expect(admin).toContain(`${dropDir}/${town.slug}/`);
    // Another commune sees none of it.
    const elsewhere = await (await as('ailleurs')).get(`/c/${other.slug}/agent/courrier?statut=tous&q=extension`);
    expect(shownText(elsewhere.body)).toContain('Aucun courrier ne correspond');
    const foreign = await (await as('ailleurs')).get(`/c/${other.slug}/agent/courrier/${rows[0]!.id}`);
    expect(foreign.statusCode).toBe(404);
  });

  it('reads a scanned image or a PDF without text layer with tesseract, as a scan', async () => {
    const folder = path.join(dropDir, town.slug);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courrier-scan-'));
    fs.writeFileSync(path.join(dir, 'lettre.pdf'), await textPdf(['Demande de raccordement au réseau assainissement']));
    execFileSync('pdftoppm', [
      '-r',
      '150',
      '-gray',
      '-jpeg',
      '-singlefile',
      path.join(dir, 'lettre.pdf'),
      path.join(dir, 'scan'),
    ]);
    const jpeg = fs.readFileSync(path.join(dir, 'scan.jpg'));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.writeFileSync(
      path.join(folder, 'scan.eml'),
      eml({
        subject: 'Courrier scanné',
        messageId: 'scan@exemple.fr',
        attachments: [{ name: 'scan.jpg', type: 'image/jpeg', content: jpeg }],
      }),
    );
    fs.writeFileSync(
      path.join(folder, 'scan-pdf.eml'),
      eml({
        subject: 'Lettre scannée en PDF',
        messageId: 'scan-pdf@exemple.fr',
        attachments: [{ name: 'lettre-scannee.pdf', type: 'application/pdf', content: imageOnlyPdf(jpeg) }],
      }),
    );
    expect((await processDropFolder(t.runtime, town, dropDir)).registered).toBe(2);
    // Neither has a text layer: both wait for the OCR job, then are found by a word of the letter.
    expect(await search('raccordement')).not.toContain('Courrier scanné');
    expect(await runQueuedJobs(t, OCR_JOB)).toBeGreaterThanOrEqual(2);
    const found = await search('raccordement');
    expect(found).toContain('Courrier scanné');
    expect(found).toContain('Lettre scannée en PDF');
  });

  it('registers an .eml uploaded by an agent, and refuses a bad file in French', async () => {
    const browser = await as('accueil');
    await browser.get(`${base}/courriel`);
    const file = eml({
      subject: 'Inscription à la cantine',
      messageId: 'cantine@exemple.fr',
      from: 'Léa Martin <lea@exemple.fr>',
    });
    const res = await browser.postMultipart(`${base}/courriel`, {}, [
      { name: 'courriel', filename: 'cantine.eml', type: 'message/rfc822', content: file },
    ]);
    expect(res.statusCode).toBe(303);
    const page = shownText((await browser.get(String(res.headers.location))).body);
    expect(page).toContain('Le courriel est enregistré au courrier arrivé.');
    expect(page).toContain('Inscription à la cantine');
    expect(page).toContain('par Aline Accueil');
    const again = await browser.postMultipart(`${base}/courriel`, {}, [
      { name: 'courriel', filename: 'cantine.eml', type: 'message/rfc822', content: file },
    ]);
    expect(again.statusCode).toBe(303);
    expect(shownText((await browser.get(String(again.headers.location))).body)).toContain(
      'Ce courriel était déjà enregistré',
    );
    const bad = await browser.postMultipart(`${base}/courriel`, {}, [
      {
        name: 'courriel',
        filename: 'photo.eml',
        type: 'message/rfc822',
        content: Buffer.from([0xff, 0xd8, 0xff, 0, 1, 2]),
      },
    ]);
    expect(bad.statusCode).toBe(422);
    expect(shownText(bad.body)).toContain(
      'Ce fichier n’est pas enregistré : Le fichier n’est pas un courriel au format .eml',
    );
    const none = await browser.postMultipart(`${base}/courriel`, {}, []);
    expect(none.statusCode).toBe(422);
    expect(shownText(none.body)).toContain('Choisissez le fichier .eml du courriel.');
  });

  describe('an IMAP mailbox', () => {
    it('is configured by an administrator, its password sealed, and read into the register', async () => {
      const admin = await as('admin');
      await admin.get(`/c/${town.slug}/admin/courrier`);
      const bad = await admin.post(`/c/${town.slug}/admin/courrier/boite`, {
        serveur: 'imap exemple',
        port: '99999',
        tls: 'non',
        identifiant: '',
        mot_de_passe: '',
      });
      expect(bad.statusCode).toBe(422);
      const badText = shownText(bad.body);
      expect(badText).toContain('Saisissez un nom de serveur, par exemple imap.exemple.fr.');
      expect(badText).toContain('Le port va de 1 à 65535.');
      expect(badText).toContain('Saisissez l’identifiant du compte.');
      // Nobody but an administrator.
      const agent = await as('accueil');
      expect((await agent.get(`/c/${town.slug}/admin/courrier`)).statusCode).toBe(404);

      const saved = await admin.post(`/c/${town.slug}/admin/courrier/boite`, {
        serveur: imap.host,
        port: String(imap.port),
        tls: 'non',
        identifiant: imap.user,
        mot_de_passe: imap.password,
        dossier: 'INBOX',
        dossier_traites: 'Traités',
        active: 'oui',
      });
      expect(saved.statusCode).toBe(303);
      const { rows } = await t.testDb.asSuperuser<{ sealed_password: string }>(
        'SELECT sealed_password FROM courrier_mailbox WHERE commune_id = $1',
        [town.id],
      );
      expect(rows[0]!.sealed_password).toMatch(/^gs1\./);
      expect(rows[0]!.sealed_password).not.toContain(imap.password);
      const settings = await admin.get(`/c/${town.slug}/admin/courrier`);
      expect(settings.body).not.toContain(imap.password);
      expect(shownText(settings.body)).toContain(
        `Relevée toutes les 5 minutes : ${imap.user} sur ${imap.host}:${imap.port}`,
      );

      await imap.deliver(
        eml({
          subject: 'Demande d’acte de naissance',
          messageId: 'acte@exemple.fr',
          from: 'Paul Durand <paul@exemple.fr>',
        }),
      );
      await imap.deliver(
        eml({ subject: 'Fête du village', messageId: 'fete@exemple.fr', from: 'Comité <comite@exemple.fr>' }),
      );
      await imap.deliver('Ceci n’est pas un message\r\n');
      expect(await pollMailbox(t.runtime, town.id)).toEqual({ registered: 2, duplicates: 0, rejected: 1, error: null });
      expect(await imap.subjects('INBOX')).toEqual([]);
      expect((await imap.subjects('Traités')).sort()).toEqual(['Demande d’acte de naissance', 'Fête du village']);
      expect(await imap.subjects('Erreurs')).toHaveLength(1);
      expect(await search('naissance')).toContain('Demande d’acte de naissance');

      // A message put back in the inbox (a colleague's mistake) is not registered twice.
      await imap.deliver(
        eml({
          subject: 'Demande d’acte de naissance',
          messageId: 'acte@exemple.fr',
          from: 'Paul Durand <paul@exemple.fr>',
        }),
      );
      expect(await pollMailbox(t.runtime, town.id)).toEqual({ registered: 0, duplicates: 1, rejected: 0, error: null });
      expect(shownText((await admin.get(`/c/${town.slug}/admin/courrier`)).body)).toContain('Dernière relève le');
    });

    it('keeps a French reason when the server refuses the password', async () => {
      const admin = await as('admin');
      await admin.get(`/c/${town.slug}/admin/courrier`);
      const saved = await admin.post(`/c/${town.slug}/admin/courrier/boite`, {
        serveur: imap.host,
        port: String(imap.port),
        tls: 'non',
        identifiant: imap.user,
        mot_de_passe: 'pas-le-bon',
        active: 'oui',
      });
      expect(saved.statusCode).toBe(303);
      const result = await pollMailbox(t.runtime, town.id);
      expect(result.error).toBe('Le serveur a refusé l’identifiant ou le mot de passe.');
      expect(shownText((await admin.get(`/c/${town.slug}/admin/courrier`)).body)).toContain(
        'Dernière relève en échec : Le serveur a refusé l’identifiant ou le mot de passe.',
      );
    });
  });

  it('reads no mailbox and no folder unless configured', async () => {
    const count = await withTenant(
      t.runtime.database,
      other.id,
      async (tx) =>
        (await tx.client.query<{ n: number }>('SELECT count(*)::int AS n FROM courrier_mailbox')).rows[0]!.n,
    );
    expect(count).toBe(0);
    expect(await pollMailbox(t.runtime, other.id)).toEqual({ registered: 0, duplicates: 0, rejected: 0, error: null });
  });
});
