/**
 * What the parapheur gives to people outside the circuit and to connected software: the public
 * verification page (anyone uploads a PDF and reads who signed it, when, at which level, whether
 * it changed since, whether the certificate is the commune's and was revoked), the CRL published
 * where the certificates say, the REST API (/api/v1/parapheur) with its webhooks, the proof sheet
 * and batch signing.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiToken, newApiToken } from '../../platform/http/api-auth.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { onePagePdf } from '../../test/documents.js';
import { type Person, secondCommune, staffMember } from '../../test/factories.js';
import { runQueuedJobs } from '../../test/jobs.js';
import { MINIMAL_PDF } from '../../test/sample-files.js';
import { signIn } from '../../test/sign-in.js';
import { tool, workdir } from '../../test/signature-tools.js';
import { signatureModule } from './module.js';
import { sendReminders } from './use-cases/send-reminders.js';

describe.each(TEST_ENGINES)('parapheur evidence and connectors on %s', (engine) => {
  let t: TestApp;
  let town: Commune;
  let other: Commune;
  let base: string;
  const people: Record<'author' | 'maire' | 'admin' | 'outsider', Person> = {} as never;
  const browsers = new Map<string, TestBrowser>();

  async function as(who: keyof typeof people): Promise<TestBrowser> {
    let browser = browsers.get(who);
    if (!browser) {
      browser = await signIn(t.app, people[who].email, { slug: town.slug });
      browsers.set(who, browser);
    }
    return browser;
  }

  /** A folder « autre document » (the maire signs it alone), created on the page; its URL. */
  async function folderToSign(title: string, content?: Buffer): Promise<string> {
    const agent = await as('author');
    await agent.get(`${base}/nouveau`);
    const res = await agent.postMultipart(`${base}/nouveau`, { titre: title, type: 'autre' }, [
      {
        name: 'document',
        filename: 'document.pdf',
        type: 'application/pdf',
        content: content ?? (await onePagePdf(title)),
      },
    ]);
    expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
    return String(res.headers.location);
  }

  async function signAsMaire(folder: string) {
    const maire = await as('maire');
    const page = await maire.get(folder);
    const step = /name="etape" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const res = await maire.post(`${folder}/signer`, { etape: step });
    expect(res.statusCode, shownText(res.body).slice(0, 400)).toBe(303);
  }

  async function signedPdf(folder: string): Promise<Buffer> {
    const author = await as('author');
    const href = /href="([^"]+\/documents\/[^"]+)"/.exec((await author.get(folder)).body)![1]!;
    return (await author.get(href)).rawPayload;
  }

  /** An anonymous visitor uploads `content` on the verification page of `commune`. */
  async function verify(commune: Commune, content: Buffer, filename = 'document.pdf') {
    const visitor = new TestBrowser(t.app);
    const url = `/c/${commune.slug}/verifier-signature`;
    const form = await visitor.get(url);
    expect(form.statusCode).toBe(200);
    return visitor.postMultipart(url, {}, [{ name: 'document', filename, type: 'application/pdf', content }]);
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '100000' } });
    town = await secondCommune(t, { slug: 'val-de-preuve', name: 'Val-de-Preuve' });
    other = await secondCommune(t);
    base = `/c/${town.slug}/agent/parapheur`;
    people.author = await staffMember(t, town, {
      role: 'agent',
      services: ['secretariat'],
      givenName: 'Anne',
      familyName: 'Auteur',
    });
    people.maire = await staffMember(t, town, { role: 'mayor', givenName: 'Marie', familyName: 'Maire' });
    people.admin = await staffMember(t, town, { role: 'admin', givenName: 'Alice', familyName: 'Admin' });
    people.outsider = await staffMember(t, town, { role: 'agent', givenName: 'Olivier', familyName: 'Dehors' });
    const admin = await as('admin');
    await admin.get(`/c/${town.slug}/admin/parapheur`);
    const saved = await admin.post(`/c/${town.slug}/admin/parapheur/fonctions`, {
      maire: people.maire.id,
      adjoint_finances: '',
      dgs: '',
    });
    expect(saved.statusCode, shownText(saved.body).slice(0, 300)).toBe(303);
  });

  afterAll(() => t?.close());

  describe('public verification', () => {
    let signed: Buffer;

    beforeAll(async () => {
      const folder = await folderToSign('Arrêté de voirie n° 12');
      await signAsMaire(folder);
      signed = await signedPdf(folder);
    });

    it('tells anyone who signed a PDF of the parapheur, when, at which level, and that it is unchanged', async () => {
      const res = await verify(town, signed, 'arrete.pdf');
      expect(res.statusCode).toBe(200);
      const text = shownText(res.body);
      expect(text).toContain('Résultat pour « arrete.pdf »');
      expect(text).toContain('Marie Maire');
      expect(text).toContain('Valide Signature valide : le document n’a pas été modifié depuis.');
      expect(text).toContain('PAdES B-B');
      expect(text).toContain('Délivré par l’autorité de certification de la commune à ce signataire.');
      expect(text).toContain('Certificat non révoqué à ce jour.');
      expect(text).toMatch(/Date de signature \d{1,2} \S+ \d{4} à \d{1,2} h \d{2} \(heure déclarée\)/);
    });

    it('says when the document was changed after signing', async () => {
      const tampered = Buffer.from(signed);
      // The page's width in the signed part: 595 becomes 596, the file stays a readable PDF.
      const at = tampered.indexOf('595', tampered.indexOf('/MediaBox'));
      expect(at).toBeGreaterThan(0);
      tampered[at + 2] = 0x36;
      const text = shownText((await verify(town, tampered)).body);
      expect(text).toContain('Non valide Signature invalide : le document a été modifié');
    });

    it('does not vouch for the signature in another commune, whose authority did not issue it', async () => {
      const text = shownText((await verify(other, signed)).body);
      expect(text).toContain('Marie Maire');
      expect(text).toContain('Non valide Signature intacte, mais son certificat n’a pas été délivré par l’autorité');
      expect(text).toContain('Inconnu de la commune');
    });

    it('says a PDF without signature has none, and refuses a file that is not a PDF with a French message', async () => {
      expect(shownText((await verify(town, await onePagePdf('Brouillon'))).body)).toContain(
        'Ce document ne porte aucune signature électronique.',
      );
      const notPdf = await verify(town, Buffer.from('ceci n’est pas un PDF'), 'faux.pdf');
      expect(notPdf.statusCode).toBe(422);
      expect(shownText(notPdf.body)).toContain('« faux.pdf » n’est pas au bon format');
      const visitor = new TestBrowser(t.app);
      await visitor.get(`/c/${town.slug}/verifier-signature`);
      const none = await visitor.postMultipart(`/c/${town.slug}/verifier-signature`, {});
      expect(none.statusCode).toBe(422);
      expect(shownText(none.body)).toContain('Choisissez le document PDF à vérifier.');
    });

    it('publishes the CRL named in the certificates, DER, and shows a revocation on the page', async () => {
      const wd = await workdir();
      try {
        const certs = await t.testDb.asSuperuser<{ certificate_pem: string; serial_hex: string; kind: string }>(
          `SELECT certificate_pem, serial_hex, kind FROM signature_certificate WHERE commune_id = $1 ORDER BY created_at`,
          [town.id],
        );
        const signer = certs.rows.find((c) => c.kind === 'signer')!;
        const ca = certs.rows.find((c) => c.kind === 'ca')!;
        const described = await tool('openssl', [
          'x509',
          '-noout',
          '-text',
          '-in',
          await wd.file('s.pem', signer.certificate_pem),
        ]);
        const crlUrl = /URI:(\S+)/.exec(described.out)![1]!;
        const path = new URL(crlUrl).pathname;
        expect(path).toBe(`/api/v1/parapheur/crl/${town.id}.crl`);
        const fetchCrl = async () => {
          const res = await t.app.inject({ url: path });
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toBe('application/pkix-crl');
          return tool('openssl', [
            'crl',
            '-inform',
            'DER',
            '-noout',
            '-text',
            '-CAfile',
            await wd.file('ca.pem', ca.certificate_pem),
            '-in',
            await wd.file(`crl-${Date.now()}.der`, res.rawPayload),
          ]);
        };
        const empty = await fetchCrl();
        expect(empty.out).toContain('verify OK');
        expect(empty.out).toContain('No Revoked Certificates');
        // The commune revokes the maire's certificate (e.g. a lost phone): listed, and said on the page.
        await t.testDb.asSuperuser(
          `UPDATE signature_certificate SET revoked_at = now() WHERE commune_id = $1 AND kind = 'signer'`,
          [town.id],
        );
        const listed = await fetchCrl();
        expect(listed.out).toContain('verify OK');
        expect(listed.out.toLowerCase()).toContain(
          `serial number: ${signer.serial_hex.replace(/^0+/, '').toUpperCase()}`.toLowerCase(),
        );
        const text = shownText((await verify(town, signed)).body);
        expect(text).toContain('Non valide Signature intacte, mais son certificat a été révoqué par la commune.');
        expect(text).toMatch(/Certificat révoqué le \d{1,2} \S+ \d{4} à/);
        await t.testDb.asSuperuser(`UPDATE signature_certificate SET revoked_at = NULL WHERE commune_id = $1`, [
          town.id,
        ]);
      } finally {
        await wd.close();
      }
      // No authority (nobody signed there yet), unknown commune, bad name: 404.
      expect((await t.app.inject({ url: `/api/v1/parapheur/crl/${other.id}.crl` })).statusCode).toBe(404);
      expect((await t.app.inject({ url: '/api/v1/parapheur/crl/pas-une-commune.crl' })).statusCode).toBe(404);
    });
  });

  describe('REST API and webhooks', () => {
    async function makeToken(commune: Commune, scopes: string[]): Promise<string> {
      const token = newApiToken();
      await t.testDb.asSuperuser(
        `INSERT INTO api_token (id, commune_id, name, token_hash, scopes, expires_at)
         VALUES (gen_random_uuid(), $1, 'Logiciel financier', $2, $3, now() + interval '1 day')`,
        [commune.id, hashApiToken(token), scopes],
      );
      return token;
    }

    /** A multipart POST with a bearer token, as a connector sends it. */
    function push(token: string, fields: Record<string, string>, files: { name: string; content: Buffer }[]) {
      const boundary = `----connecteur${Math.random().toString(16).slice(2)}`;
      const chunks: Buffer[] = [];
      for (const [name, value] of Object.entries(fields)) {
        chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
      }
      for (const file of files) {
        chunks.push(
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="bordereau.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
          ),
          file.content,
          Buffer.from('\r\n'),
        );
      }
      chunks.push(Buffer.from(`--${boundary}--\r\n`));
      return t.app.inject({
        method: 'POST',
        url: '/api/v1/parapheur/dossiers',
        payload: Buffer.concat(chunks),
        headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
    }

    const get = (token: string, url: string) => t.app.inject({ url, headers: { authorization: `Bearer ${token}` } });

    it('takes a folder from a connector, says where it is, gives back the signed PDF and signals the end by webhook', async () => {
      // The administrator subscribes the finance software to the end of circuits.
      const admin = await as('admin');
      const page = await admin.get(`/c/${town.slug}/admin/webhooks`);
      expect(shownText(page.body)).toContain('Circuit du parapheur terminé : document signé');
      const subscribed = await admin.post(`/c/${town.slug}/admin/webhooks`, {
        url: 'https://finances.example/guichet',
        events: 'signature.circuit.completed',
      });
      expect(subscribed.statusCode, shownText(subscribed.body).slice(0, 300)).toBe(200);

      const token = await makeToken(town, ['parapheur:read', 'parapheur:write']);
      const pdf = await onePagePdf('Bordereau de mandats n° 118');
      const created = await push(
        token,
        { titre: 'Bordereau de mandats n° 118', type: 'autre', montant: '12500,00', reference: 'FIN-2026-118' },
        [{ name: 'document', content: pdf }],
      );
      expect(created.statusCode, created.body).toBe(201);
      const folder = created.json();
      expect(folder).toMatchObject({
        title: 'Bordereau de mandats n° 118',
        documentType: 'autre',
        status: 'en_cours',
        reference: 'FIN-2026-118',
        amountCents: 1_250_000,
        document: { name: 'bordereau.pdf', signed: false },
        steps: [{ position: 0, kind: 'signature', actors: ['Maire'], status: 'en_cours', completedAt: null }],
      });
      // The maire finds it in the parapheur, « déposé par une application », and signs it.
      const onPage = `${base}/${folder.id}`;
      expect(shownText((await (await as('maire')).get(onPage)).body)).toContain('Application connectée');
      await signAsMaire(onPage);

      const status = await get(token, `/api/v1/parapheur/dossiers/${folder.id}`);
      expect(status.statusCode).toBe(200);
      expect(status.json()).toMatchObject({
        status: 'termine',
        document: { signed: true },
        steps: [{ status: 'fait' }],
      });
      const download = await get(token, `/api/v1/parapheur/dossiers/${folder.id}/document`);
      expect(download.statusCode).toBe(200);
      expect(download.headers['content-type']).toBe('application/pdf');
      expect(download.headers['digest-sha256']).toBe(status.json().document.sha256);
      const verified = shownText((await verify(town, download.rawPayload)).body);
      expect(verified).toContain('Valide Signature valide');
      expect(verified).toContain('Marie Maire');

      // The webhook: one delivery, with the connector's reference and no personal data.
      expect(await runQueuedJobs(t, 'event.webhooks.signature.circuit.completed')).toBeGreaterThanOrEqual(1);
      const deliveries = await t.testDb.asSuperuser<{ payload: { event: string; data: Record<string, unknown> } }>(
        `SELECT payload FROM webhook_delivery WHERE commune_id = $1 AND event = 'signature.circuit.completed'`,
        [town.id],
      );
      const mine = deliveries.rows.filter((r) => r.payload.data.folder === folder.id);
      expect(mine).toHaveLength(1);
      expect(mine[0]!.payload).toMatchObject({
        event: 'signature.circuit.completed',
        commune: town.slug,
        data: {
          folder: folder.id,
          number: folder.number,
          documentType: 'autre',
          source: 'api',
          reference: 'FIN-2026-118',
        },
      });
      expect(JSON.stringify(mine[0]!.payload)).not.toMatch(/Maire|@/);
    });

    it('refuses bad input in French, checks scopes, and shows a token nothing but its commune’s API folders', async () => {
      const writer = await makeToken(town, ['parapheur:write']);
      const pdf = await onePagePdf('Contrat');
      const noDocument = await push(writer, { titre: 'Sans pièce', type: 'contrat' }, []);
      expect(noDocument.statusCode).toBe(422);
      expect(noDocument.json().error.message).toBe('Joignez le document à faire signer (champ « document »).');
      const badType = await push(writer, { titre: 'Facture', type: 'facture' }, [{ name: 'document', content: pdf }]);
      expect(badType.statusCode).toBe(422);
      expect(badType.json().error.fields.type).toBe('Choisissez le type de document.');
      const badService = await push(writer, { titre: 'Contrat', type: 'autre', service: 'voirie' }, [
        { name: 'document', content: pdf },
      ]);
      expect(badService.statusCode).toBe(422);
      expect(badService.json().error.fields.service).toBe('Le service « voirie » n’existe pas dans la commune.');
      const notPdf = await push(writer, { titre: 'Image', type: 'autre' }, [
        { name: 'document', content: Buffer.from('pas un PDF') },
      ]);
      expect(notPdf.statusCode).toBe(422);
      expect(notPdf.json().error.message).toContain('n’est pas au bon format');
      // Scopes: a write-only token cannot read; a read-only one cannot push.
      const created = await push(writer, { titre: 'Contrat de maintenance', type: 'autre' }, [
        { name: 'document', content: pdf },
      ]);
      expect(created.statusCode).toBe(201);
      const id = created.json().id;
      const readByWriter = await get(writer, `/api/v1/parapheur/dossiers/${id}`);
      expect(readByWriter.statusCode).toBe(403);
      expect(readByWriter.json().error.message).toContain('parapheur:read');
      const reader = await makeToken(town, ['parapheur:read']);
      expect((await push(reader, { titre: 'x', type: 'autre' }, [{ name: 'document', content: pdf }])).statusCode).toBe(
        403,
      );
      expect((await get(reader, `/api/v1/parapheur/dossiers/${id}`)).statusCode).toBe(200);
      // Another commune's token, a folder an agent created on the pages, a malformed id: 404.
      const stranger = await makeToken(other, ['parapheur:read']);
      expect((await get(stranger, `/api/v1/parapheur/dossiers/${id}`)).statusCode).toBe(404);
      expect((await get(stranger, `/api/v1/parapheur/dossiers/${id}/document`)).statusCode).toBe(404);
      const byAgent = (await folderToSign('Note interne')).split('/').pop()!;
      expect((await get(reader, `/api/v1/parapheur/dossiers/${byAgent}`)).statusCode).toBe(404);
      expect((await get(reader, '/api/v1/parapheur/dossiers/pas-un-id')).statusCode).toBe(404);
      expect((await get('gch_faux', `/api/v1/parapheur/dossiers/${id}`)).statusCode).toBe(401);
    });
  });

  describe('proof sheet', () => {
    it('lists every action with its author, time, shared comment and the document’s SHA-256, never a private note', async () => {
      const folder = await folderToSign('Convention de mise à disposition');
      const author = await as('author');
      await author.get(folder);
      await author.post(`${folder}/annoter`, { note: 'Relu avec le service juridique.', visibilite: 'partagee' });
      await author.get(folder);
      await author.post(`${folder}/annoter`, { note: 'Penser à relancer Paul.', visibilite: 'privee' });
      await signAsMaire(folder);
      const page = await author.get(folder);
      const href = /href="([^"]+\/fiche-de-preuve\.pdf)"/.exec(page.body)![1]!;
      expect(shownText(page.body)).toContain('Fiche de preuve');
      const sheet = await author.get(href);
      expect(sheet.statusCode).toBe(200);
      expect(sheet.headers['content-type']).toBe('application/pdf');
      expect(sheet.headers['content-disposition']).toMatch(/^attachment; filename="fiche-de-preuve-\d{4}-\d+\.pdf"/);
      const signed = await signedPdf(folder);
      const wd = await workdir();
      try {
        const file = await wd.file('fiche.pdf', sheet.rawPayload);
        expect((await tool('qpdf', ['--check', file])).code).toBe(0);
        const { out } = await tool('pdftotext', ['-layout', file, '-']);
        const text = out.replace(/\s+/g, ' ');
        expect(text).toContain('Fiche de preuve');
        expect(text).toContain('Convention de mise à disposition');
        expect(text).toContain('État : terminé');
        expect(text).toMatch(/Dossier créé Par Anne Auteur/);
        expect(text).toMatch(/Annotation Par Anne Auteur Commentaire : Relu avec le service juridique\./);
        expect(text).not.toContain('Penser à relancer Paul');
        expect(text).toMatch(/Signature Par Marie Maire Empreinte SHA-256 du document : [0-9a-f]{64}/);
        // The document's SHA-256 after the signature is the one of the signed PDF handed out.
        const sha = createHash('sha256').update(signed).digest('hex');
        expect(text.replace(/ /g, '')).toContain(`actuel:${sha}`);
        expect(text).toContain(`/c/${town.slug}/verifier-signature`);
      } finally {
        await wd.close();
      }
      // Outside the folder, or from another commune: 404.
      const outsider = await as('outsider');
      expect((await outsider.get(href)).statusCode).toBe(404);
      const strangerAdmin = await staffMember(t, other, { role: 'admin' });
      const stranger = await signIn(t.app, strangerAdmin.email, { slug: other.slug });
      expect((await stranger.get(href.replace(town.slug, other.slug))).statusCode).toBe(404);
    });
  });

  describe('batch signing', () => {
    it('signs the ticked folders one by one after one confirmation; one that fails does not stop the others', async () => {
      const first = await folderToSign('Arrêté de circulation — marché de Noël');
      const second = await folderToSign('Arrêté de stationnement — travaux rue Haute');
      const broken = await folderToSign('Arrêté sans page', MINIMAL_PDF);
      const ids = [first, second, broken].map((f) => f.split('/').pop()!);
      const maire = await as('maire');
      const queue = shownText((await maire.get(base)).body);
      expect(queue).toContain('Signer plusieurs documents');
      expect(queue).toContain('Arrêté de stationnement — travaux rue Haute');
      // A folder signed already (not waiting any more) is left out of the confirmation.
      const done = await folderToSign('Déjà signé');
      await signAsMaire(done);
      const query = [...ids, done.split('/').pop()!].map((id) => `dossier=${id}`).join('&');
      const confirm = await maire.get(`${base}/lot?${query}`);
      expect(confirm.statusCode).toBe(200);
      const confirmText = shownText(confirm.body);
      expect(confirmText).toContain('Vous allez signer ces 3 documents');
      expect(confirmText).not.toContain('Déjà signé');
      const fields = {
        dossier: [...confirm.body.matchAll(/name="dossier" value="([^"]+)"/g)].map((m) => m[1]!),
        etape: [...confirm.body.matchAll(/name="etape" value="([^"]+)"/g)].map((m) => m[1]!),
      };
      expect(fields.dossier).toEqual(ids);

      // An old authentication: confirm one's identity first, then back to the same confirmation.
      await t.testDb.asSuperuser(
        `UPDATE session SET reauthenticated_at = now() - interval '1 hour' WHERE account_id = $1 AND revoked_at IS NULL`,
        [people.maire.id],
      );
      const stale = await maire.post(`${base}/lot`, fields);
      expect(stale.statusCode).toBe(303);
      expect(stale.headers.location).toBe(
        `/c/${town.slug}/compte/confirmer-identite?retour=${encodeURIComponent(`${base}/lot?${ids.map((id) => `dossier=${id}`).join('&')}`)}`,
      );
      await t.testDb.asSuperuser(
        `UPDATE session SET reauthenticated_at = now() WHERE account_id = $1 AND revoked_at IS NULL`,
        [people.maire.id],
      );
      await maire.get(`${base}/lot?${query}`);
      const res = await maire.post(`${base}/lot`, fields);
      expect(res.statusCode).toBe(200);
      const text = shownText(res.body);
      expect(text).toContain('Signature par lot : 2 signés, 1 non signé');
      expect(text).toMatch(
        /Arrêté de circulation — marché de Noël \(n° [\d-]+\) Signé Signé : le circuit est terminé\./,
      );
      expect(text).toMatch(/Arrêté sans page \(n° [\d-]+\) Non signé Non signé : .*PDF/);
      expect(shownText((await maire.get(first)).body)).toContain('Terminé');
      expect(shownText((await maire.get(second)).body)).toContain('Terminé');
      expect(shownText((await maire.get(broken)).body)).toMatch(/Signature : Marie Maire — en cours/);
      // Each signed PDF is valid on its own.
      expect(shownText((await verify(town, await signedPdf(second))).body)).toContain('Valide Signature valide');
      const journal = await t.testDb.asSuperuser<{ data: { signed: string[]; failed: string[] } }>(
        `SELECT data FROM audit_entry WHERE commune_id = $1 AND action = 'signature.batch_signed'`,
        [town.id],
      );
      expect(journal.rows.map((r) => r.data)).toEqual([{ signed: ids.slice(0, 2), failed: [ids[2]] }]);
      // The same form sent again signs nothing twice.
      await maire.get(`${base}/lot?${query}`);
      const again = shownText((await maire.post(`${base}/lot`, fields)).body);
      expect(again).toContain('Signature par lot : 0 signé, 3 non signés');
      expect(again).toContain('Non signé : Le dossier a changé depuis l’affichage de la page');
    });

    it('asks to tick at least one folder, and shows nothing of folders not waiting for the person', async () => {
      const maire = await as('maire');
      const none = await maire.get(`${base}/lot`);
      expect(none.statusCode).toBe(422);
      expect(shownText(none.body)).toContain('Cochez au moins un dossier qui attend votre signature.');
      await maire.get(`${base}/delegations`);
      const empty = await maire.post(`${base}/lot`, {});
      expect(empty.statusCode).toBe(422);
      expect(shownText(empty.body)).toContain('Cochez au moins un dossier à signer.');
      // Someone else's selection, posted by an agent outside the circuit: nothing signed, nothing shown.
      const folder = await folderToSign('Arrêté du maire seul');
      const id = folder.split('/').pop()!;
      const step = /name="etape" value="([^"]+)"/.exec((await maire.get(folder)).body)![1]!;
      const outsider = await as('outsider');
      await outsider.get(`${base}/delegations`);
      const res = await outsider.post(`${base}/lot`, { dossier: id, etape: step });
      expect(res.statusCode).toBe(200);
      const text = shownText(res.body);
      expect(text).toContain('Non signé : ce dossier n’est pas à votre disposition.');
      expect(text).not.toContain('Arrêté du maire seul');
      expect(shownText((await maire.get(folder)).body)).toMatch(/Signature : Marie Maire — en cours/);
    });
  });

  describe('reminders', () => {
    it('sends each signer one mail listing the folders waiting longer than the commune’s delay', async () => {
      const admin = await as('admin');
      await admin.get(`/c/${town.slug}/admin/parapheur`);
      const bad = await admin.post(`/c/${town.slug}/admin/parapheur/rappels`, { rappel: 'trois' });
      expect(bad.statusCode).toBe(422);
      expect(shownText(bad.body)).toContain('Saisissez un nombre de jours, de 0 à 60.');
      expect(bad.body).toContain('value="trois"');
      expect((await admin.post(`/c/${town.slug}/admin/parapheur/rappels`, { rappel: '4' })).statusCode).toBe(303);
      expect((await admin.get(`/c/${town.slug}/admin/parapheur?fait=rappels`)).body).toMatch(
        /name="rappel"[^>]*value="4"/,
      );

      const old = await folderToSign('Marché de fournitures — lettre de notification');
      const recent = await folderToSign('Courrier au syndicat des eaux');
      await t.testDb.asSuperuser(
        `UPDATE signature_step SET started_at = now() - interval '5 days' WHERE commune_id = $1 AND folder_id = $2`,
        [town.id, old.split('/').pop()],
      );
      await t.testDb.asSuperuser(`DELETE FROM mail_outbox WHERE commune_id = $1`, [town.id]);
      expect(await sendReminders(t.runtime)).toBe(1);
      const mails = await t.testDb.asSuperuser<{ to_address: string; subject: string; text_body: string }>(
        `SELECT to_address, subject, text_body FROM mail_outbox WHERE commune_id = $1`,
        [town.id],
      );
      expect(mails.rows).toHaveLength(1);
      const [mail] = mails.rows;
      expect(mail!.to_address).toBe(people.maire.email);
      expect(mail!.subject).toBe('Parapheur : 1 dossier attend votre décision depuis plus de 4 jours');
      expect(mail!.text_body).toContain('Marché de fournitures — lettre de notification');
      expect(mail!.text_body).toMatch(/à signer, en attente depuis 5 jours/);
      expect(mail!.text_body).not.toContain('Courrier au syndicat des eaux');
      expect(mail!.text_body).toContain(`/c/${town.slug}/agent/parapheur`);
      expect(recent).not.toBe(old);
      // 0: no reminders.
      await admin.get(`/c/${town.slug}/admin/parapheur`);
      expect((await admin.post(`/c/${town.slug}/admin/parapheur/rappels`, { rappel: '0' })).statusCode).toBe(303);
      expect(await sendReminders(t.runtime)).toBe(0);
      // The job runs every morning.
      expect(signatureModule.jobs!(t.runtime).find((j) => j.name === 'signature.reminders')?.schedule?.cron).toBe(
        '0 8 * * *',
      );
    });
  });
});
