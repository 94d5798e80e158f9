/**
 * PES V2 bordereaux in the parapheur (issue 10): a finance software pushes its PES V2 Aller file
 * through the API, the circuit's actors visa and sign it, and it comes back with one enveloped
 * XAdES signature per bordereau that xmlsec1 verifies with the commune's authority; people see a
 * summary of the bordereaux, never the XML; refusal, droit de remords, delegation and batch
 * signing work as for a PDF; bad files are refused in French and nothing of them is kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiToken, newApiToken } from '../../platform/http/api-auth.js';
import { createCommuneCa, readPesAller } from '../../platform/signature/index.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { parisDateOf } from '../../platform/time/calendar.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { type Person, secondCommune, staffMember } from '../../test/factories.js';
import { runQueuedJobs } from '../../test/jobs.js';
import { pesAllerXml, xmlsecVerify } from '../../test/pes.js';
import { signIn } from '../../test/sign-in.js';
import { type Workdir, workdir } from '../../test/signature-tools.js';

const TWO_BORDEREAUX = pesAllerXml({
  bordereaux: [
    { number: '0000042', pieces: ['1000.00', '250.00'] },
    { number: '0000043', pieces: ['480.00'] },
  ],
});

describe.each(TEST_ENGINES)('PES V2 bordereaux in the parapheur on %s', (engine) => {
  let t: TestApp;
  let town: Commune;
  let other: Commune;
  let base: string;
  let wd: Workdir;
  let writer: string;
  const people: Record<'maire' | 'adjoint' | 'dgs' | 'admin' | 'stranger', Person> = {} as never;
  const browsers = new Map<string, TestBrowser>();

  async function as(who: keyof typeof people): Promise<TestBrowser> {
    let browser = browsers.get(who);
    if (!browser) {
      const slug = who === 'stranger' ? other.slug : town.slug;
      browser = await signIn(t.app, people[who].email, { slug });
      browsers.set(who, browser);
    }
    return browser;
  }

  async function makeToken(commune: Commune, scopes: string[]): Promise<string> {
    const token = newApiToken();
    await t.testDb.asSuperuser(
      `INSERT INTO api_token (id, commune_id, name, token_hash, scopes, expires_at)
       VALUES (gen_random_uuid(), $1, 'Logiciel financier', $2, $3, now() + interval '1 day')`,
      [commune.id, hashApiToken(token), scopes],
    );
    return token;
  }

  /** The finance software's multipart POST of a PES file. */
  function push(token: string, fields: Record<string, string>, xml: string | Buffer | null, filename = 'PESALR2.xml') {
    const boundary = `----pes${Math.random().toString(16).slice(2)}`;
    const chunks: Buffer[] = [];
    for (const [name, value] of Object.entries(fields)) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    }
    if (xml !== null) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="${filename}"\r\nContent-Type: application/xml\r\n\r\n`,
        ),
        Buffer.isBuffer(xml) ? xml : Buffer.from(xml, 'utf8'),
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

  async function pushed(title: string, xml = TWO_BORDEREAUX, type = 'bordereau_mandats') {
    const res = await push(writer, { titre: title, type, reference: `FIN-${title}` }, xml);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; number: string; amountCents: number };
  }

  /** Posts an action form of the folder page as `who` would (loads the page, takes its step id). */
  async function act(who: keyof typeof people, folderId: string, action: string, fields: Record<string, string> = {}) {
    const browser = await as(who);
    const url = `${base}/${folderId}`;
    const page = await browser.get(url);
    const step = /name="etape" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const res = await browser.post(`${url}/${action}`, { etape: step, ...fields });
    expect(res.statusCode, shownText(res.body).slice(0, 400)).toBe(303);
    return res;
  }

  async function authorityPem(): Promise<string> {
    const res = await new TestBrowser(t.app).get(`/c/${town.slug}/verifier-signature/autorite.pem`);
    expect(res.statusCode).toBe(200);
    return res.body;
  }

  async function blobCount(): Promise<number> {
    const { rows } = await t.testDb.asSuperuser<{ n: number }>('SELECT count(*)::int AS n FROM blob WHERE scope = $1', [
      `communes/${town.id}`,
    ]);
    return rows[0]!.n;
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '100000' } });
    wd = await workdir();
    town = await secondCommune(t, { slug: 'val-de-bordereaux', name: 'Val-de-Bordereaux' });
    other = await secondCommune(t);
    base = `/c/${town.slug}/agent/parapheur`;
    people.maire = await staffMember(t, town, { role: 'mayor', givenName: 'Marie', familyName: 'Maire' });
    people.adjoint = await staffMember(t, town, { role: 'councillor', givenName: 'Adrien', familyName: 'Adjoint' });
    people.dgs = await staffMember(t, town, { role: 'dgs', givenName: 'Denis', familyName: 'Directeur' });
    people.admin = await staffMember(t, town, { role: 'admin', givenName: 'Alice', familyName: 'Admin' });
    people.stranger = await staffMember(t, other, { role: 'mayor', givenName: 'Simone', familyName: 'Ailleurs' });
    const admin = await as('admin');
    await admin.get(`/c/${town.slug}/admin/parapheur`);
    const saved = await admin.post(`/c/${town.slug}/admin/parapheur/fonctions`, {
      maire: people.maire.id,
      adjoint_finances: people.adjoint.id,
      dgs: people.dgs.id,
    });
    expect(saved.statusCode, shownText(saved.body).slice(0, 300)).toBe(303);
    // The commune's circuits: mandats visaed by the adjoint aux finances and signed by the maire
    // (the ordonnateur); titres signed by the maire, then visaed by the DGS before they leave.
    const circuits: [string, unknown[]][] = [
      [
        'bordereau_mandats',
        [
          { kind: 'visa', mode: 'all', actors: [{ function: 'adjoint_finances' }] },
          { kind: 'signature', mode: 'all', actors: [{ function: 'maire' }] },
        ],
      ],
      [
        'bordereau_titres',
        [
          { kind: 'signature', mode: 'all', actors: [{ function: 'maire' }] },
          { kind: 'visa', mode: 'all', actors: [{ function: 'dgs' }] },
        ],
      ],
    ];
    for (const [type, steps] of circuits) {
      await t.testDb.asSuperuser(
        `INSERT INTO signature_circuit (id, commune_id, document_type, name, steps)
         VALUES (gen_random_uuid(), $1, $2, $3, $4)`,
        [town.id, type, `Circuit des ${type}`, JSON.stringify(steps)],
      );
    }
    writer = await makeToken(town, ['parapheur:read', 'parapheur:write']);
  });

  afterAll(async () => {
    await wd?.close();
    await t?.close();
  });

  it('comes back XAdES-signed through the API: xmlsec1 verifies each bordereau with the commune’s authority', async () => {
    const admin = await as('admin');
    await admin.get(`/c/${town.slug}/admin/webhooks`);
    const subscribed = await admin.post(`/c/${town.slug}/admin/webhooks`, {
      url: 'https://finances.example/guichet',
      events: 'signature.circuit.completed',
    });
    expect(subscribed.statusCode, shownText(subscribed.body).slice(0, 300)).toBe(200);

    const created = await push(
      writer,
      { titre: 'Mandats de décembre', type: 'bordereau_mandats', reference: 'FIN-2026-42' },
      TWO_BORDEREAUX,
    );
    expect(created.statusCode, created.body).toBe(201);
    const folder = created.json();
    expect(folder).toMatchObject({
      documentType: 'bordereau_mandats',
      status: 'en_cours',
      amountCents: 173_000,
      document: { name: 'PESALR2.xml', mimeType: 'application/xml', signed: false },
      bordereaux: [
        {
          id: 'BORD_2026_0000042',
          domain: 'depense',
          number: '0000042',
          pieces: 2,
          amountCents: 125_000,
          signed: false,
        },
        {
          id: 'BORD_2026_0000043',
          domain: 'depense',
          number: '0000043',
          pieces: 1,
          amountCents: 48_000,
          signed: false,
        },
      ],
      steps: [
        { kind: 'visa', actors: ['Adjoint aux finances'], status: 'en_cours' },
        { kind: 'signature', actors: ['Maire'], status: 'a_venir' },
      ],
    });

    // The adjoint reads what he visas: the bordereaux, their pieces and totals, not the XML.
    const page = shownText((await (await as('adjoint')).get(`${base}/${folder.id}`)).body);
    expect(page).toContain('Bordereaux du flux PES (2)');
    expect(page).toMatch(
      /Bordereau n° 0000042 \(exercice 2026\) Nature Mandats, type 01 Pièces 2 Montant HT 1\s250,00\s€ Signature À signer/,
    );
    expect(page).toMatch(
      /Bordereau n° 0000043 \(exercice 2026\) Nature Mandats, type 01 Pièces 1 Montant HT 480,00\s€ Signature À signer/,
    );
    expect(page).toMatch(/Total des bordereaux : 1\s730,00\s€ HT/);
    expect(page).toContain('flux PES V2 au format XML');
    expect(page).not.toContain('<Bordereau');
    await act('adjoint', folder.id, 'viser');
    const toSign = shownText((await (await as('maire')).get(`${base}/${folder.id}`)).body);
    expect(toSign).toMatch(
      /Vous signez chacun des 2 bordereaux du flux PES ci-dessus, pour un total de 1\s730,00\s€ HT/,
    );
    await act('maire', folder.id, 'signer');

    const status = await get(writer, `/api/v1/parapheur/dossiers/${folder.id}`);
    expect(status.json()).toMatchObject({
      status: 'termine',
      document: { signed: true, mimeType: 'application/xml' },
      bordereaux: [{ signed: true }, { signed: true }],
    });
    const download = await get(writer, `/api/v1/parapheur/dossiers/${folder.id}/document`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toMatch(/^application\/xml/);
    expect(download.headers['content-disposition']).toContain(`dossier-${folder.number}.xml`);
    expect(download.headers['digest-sha256']).toBe(status.json().document.sha256);
    const signed = download.rawPayload;

    const ca = await authorityPem();
    for (const id of ['BORD_2026_0000042', 'BORD_2026_0000043']) {
      const verdict = await xmlsecVerify(wd, signed, id, ca);
      expect(verdict.code, verdict.out).toBe(0);
      expect(verdict.out).toContain('SignedInfo References (ok/all): 2/2');
    }
    // Another authority does not vouch for it.
    const stranger = await createCommuneCa({ communeName: 'Autreville' });
    expect((await xmlsecVerify(wd, signed, 'BORD_2026_0000042', stranger.certificatePem)).code).not.toBe(0);
    // The signed file is still the same PES: it parses, amounts and pieces untouched, signer named.
    const text = signed.toString('utf8');
    const summary = readPesAller(text);
    expect(summary.bordereaux.map((b) => [b.id, b.amountCents, b.pieces, b.signed])).toEqual([
      ['BORD_2026_0000042', 125_000, 2, true],
      ['BORD_2026_0000043', 48_000, 1, true],
    ]);
    expect(text.match(/<xades:SigningTime>/g)).toHaveLength(2);
    expect(text.match(/<xades:CertDigest>/g)).toHaveLength(2);
    // Changing an amount breaks that bordereau's signature, not the other's.
    const tampered = text.replace('<MtBordHt V="480.00"/>', '<MtBordHt V="4800.00"/>');
    expect(tampered).not.toBe(text);
    expect((await xmlsecVerify(wd, tampered, 'BORD_2026_0000043', ca)).code).not.toBe(0);
    expect((await xmlsecVerify(wd, tampered, 'BORD_2026_0000042', ca)).code).toBe(0);

    // The folder page and the proof sheet show the signed version.
    const after = await (await as('maire')).get(`${base}/${folder.id}`);
    expect(shownText(after.body)).toMatch(
      /Bordereau n° 0000043 \(exercice 2026\) Nature Mandats, type 01 Pièces 1 Montant HT 480,00\s€ Signature Signé \(XAdES\)/,
    );
    const href = /href="([^"]+\/documents\/[^"]+)"/.exec(after.body)![1]!;
    const fromPage = await (await as('maire')).get(href);
    expect(fromPage.headers['content-disposition']).toContain('PESALR2-signe.xml');
    expect(fromPage.rawPayload.equals(signed)).toBe(true);
    const sheet = await (await as('maire')).get(`${base}/${folder.id}/fiche-de-preuve.pdf`);
    expect(sheet.statusCode).toBe(200);
    expect(sheet.headers['content-type']).toBe('application/pdf');

    // The webhook fires as for a PDF.
    expect(await runQueuedJobs(t, 'event.webhooks.signature.circuit.completed')).toBeGreaterThanOrEqual(1);
    const deliveries = await t.testDb.asSuperuser<{ payload: { data: Record<string, unknown> } }>(
      `SELECT payload FROM webhook_delivery WHERE commune_id = $1 AND event = 'signature.circuit.completed'`,
      [town.id],
    );
    expect(deliveries.rows.filter((r) => r.payload.data.folder === folder.id).map((r) => r.payload.data)).toEqual([
      expect.objectContaining({ documentType: 'bordereau_mandats', source: 'api', reference: 'FIN-2026-42' }),
    ]);

    // Another commune: its token, its staff, its pages see nothing (404).
    const otherToken = await makeToken(other, ['parapheur:read']);
    expect((await get(otherToken, `/api/v1/parapheur/dossiers/${folder.id}`)).statusCode).toBe(404);
    expect((await get(otherToken, `/api/v1/parapheur/dossiers/${folder.id}/document`)).statusCode).toBe(404);
    const elsewhere = await as('stranger');
    for (const path of ['', '/fiche-de-preuve.pdf', href.slice(href.indexOf('/documents/'))]) {
      expect((await elsewhere.get(`/c/${other.slug}/agent/parapheur/${folder.id}${path}`)).statusCode).toBe(404);
    }
    await elsewhere.get(`/c/${other.slug}/agent/parapheur/nouveau`);
    const step = await elsewhere.post(`/c/${other.slug}/agent/parapheur/${folder.id}/signer`, { etape: folder.id });
    expect(step.statusCode).toBe(404);
  });

  it('refuses a bad file with a clear French 422 and keeps nothing of it', async () => {
    const before = await blobCount();
    const cases: [string, string, string][] = [
      ['bordereau_mandats', '<?xml version="1.0"?><n:PES_Aller><Bordereau', 'Ce fichier n’est pas un XML bien formé.'],
      [
        'bordereau_mandats',
        '<?xml version="1.0"?><Facture><Bordereau Id="B1"/></Facture>',
        'Ce fichier XML n’est pas un flux PES Aller (élément racine PES_Aller attendu).',
      ],
      [
        'bordereau_mandats',
        '<?xml version="1.0"?><PES_Aller><EnTetePES/></PES_Aller>',
        'Ce flux PES ne contient aucun bordereau à signer.',
      ],
      [
        'bordereau_mandats',
        '<?xml version="1.0"?><PES_Aller><PES_DepenseAller><Bordereau/></PES_DepenseAller></PES_Aller>',
        'Le bordereau n° 1 n’a pas d’attribut Id : il ne peut pas être signé.',
      ],
      [
        'bordereau_titres',
        TWO_BORDEREAUX,
        'Le bordereau BORD_2026_0000042 n’est pas un bordereau de titres (bloc PES_RecetteAller attendu) : déposez-le comme bordereau de mandats.',
      ],
      [
        'contrat',
        TWO_BORDEREAUX,
        'Un fichier XML ne peut être déposé que pour un bordereau de mandats ou de titres (flux PES V2) ; pour un autre type, joignez un PDF.',
      ],
    ];
    for (const [type, xml, message] of cases) {
      const res = await push(writer, { titre: 'Flux refusé', type }, xml);
      expect(res.statusCode, `${type}: ${xml.slice(0, 60)}`).toBe(422);
      expect(res.json().error.message).toBe(message);
      expect(res.json().error.fields.document).toBe(message);
    }
    // A file that is not XML at all is named by its format.
    const notXml = await push(writer, { titre: 'Flux refusé', type: 'bordereau_mandats' }, 'Exer;IdBord\n2026;42');
    expect(notXml.statusCode).toBe(422);
    expect(notXml.json().error.message).toContain('n’est pas au bon format');
    expect(notXml.json().error.message).toContain('XML PES V2');
    expect(await blobCount()).toBe(before);
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM signature_folder WHERE commune_id = $1 AND title = 'Flux refusé'`,
      [town.id],
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('takes a PES file without its XML declaration, with a byte-order mark', async () => {
    const bare = `\uFEFF${TWO_BORDEREAUX.replace(/^<\?xml[^>]*>\n/, '')}`;
    const res = await push(writer, { titre: 'Flux sans déclaration', type: 'bordereau_mandats' }, bare);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().bordereaux).toHaveLength(2);
  });

  it('takes titres too, and a bordereau deposited on the page by an agent', async () => {
    const titres = await pushed(
      'Titres de cantine',
      pesAllerXml({ domain: 'recette', bordereaux: [{ number: '0000007', pieces: ['12.50', '30.00'] }] }),
      'bordereau_titres',
    );
    expect(titres.amountCents).toBe(4_250);
    const maire = await as('maire');
    const text = shownText((await maire.get(`${base}/${titres.id}`)).body);
    expect(text).toMatch(
      /Bordereau n° 0000007 \(exercice 2026\) Nature Titres, type 01 Pièces 2 Montant HT 42,50\s€ Signature À signer/,
    );
    const dgs = await as('dgs');
    await dgs.get(`${base}/nouveau`);
    const res = await dgs.postMultipart(`${base}/nouveau`, { titre: 'Mandats saisis', type: 'bordereau_mandats' }, [
      { name: 'document', filename: 'pes.xml', type: 'application/xml', content: Buffer.from(TWO_BORDEREAUX) },
    ]);
    expect(res.statusCode, shownText(res.body).slice(0, 400)).toBe(303);
    expect(shownText((await dgs.get(String(res.headers.location))).body)).toContain('Bordereaux du flux PES (2)');
    const bad = await dgs.postMultipart(`${base}/nouveau`, { titre: 'Contrat', type: 'contrat' }, [
      { name: 'document', filename: 'pes.xml', type: 'application/xml', content: Buffer.from(TWO_BORDEREAUX) },
    ]);
    expect(bad.statusCode).toBe(422);
    expect(shownText(bad.body)).toContain(
      'Un fichier XML ne peut être déposé que pour un bordereau de mandats ou de titres',
    );
  });

  it('a signature taken back gives back the unsigned file; a refusal closes the folder', async () => {
    const xml = pesAllerXml({ domain: 'recette', bordereaux: [{ number: '0000008', pieces: ['75.00'] }] });
    const folder = await pushed('Titres à reprendre', xml, 'bordereau_titres');
    await act('maire', folder.id, 'signer');
    expect((await get(writer, `/api/v1/parapheur/dossiers/${folder.id}`)).json().bordereaux[0].signed).toBe(true);
    // Nobody acted after her yet: the maire takes her signature back.
    await act('maire', folder.id, 'remords');
    const status = (await get(writer, `/api/v1/parapheur/dossiers/${folder.id}`)).json();
    expect(status).toMatchObject({ status: 'en_cours', document: { signed: false }, bordereaux: [{ signed: false }] });
    const download = await get(writer, `/api/v1/parapheur/dossiers/${folder.id}/document`);
    expect(download.rawPayload.toString('utf8')).toBe(xml);
    await act('maire', folder.id, 'refuser', { motif: 'Le titre 1 est en double.' });
    expect((await get(writer, `/api/v1/parapheur/dossiers/${folder.id}`)).json().status).toBe('refuse');
  });

  it('the maire’s delegate signs every bordereau « pour le maire », and batch signing signs many files', async () => {
    const today = parisDateOf(new Date()).split('-');
    const maire = await as('maire');
    await maire.get(`${base}/delegations`);
    const delegated = await maire.post(`${base}/delegations`, {
      delegant: people.maire.id,
      delegataire: people.dgs.id,
      'debut-day': today[2]!,
      'debut-month': today[1]!,
      'debut-year': today[0]!,
      'fin-day': today[2]!,
      'fin-month': today[1]!,
      'fin-year': today[0]!,
      types: 'bordereau_mandats',
    });
    expect(delegated.statusCode, shownText(delegated.body).slice(0, 300)).toBe(303);
    const byDelegate = await pushed('Mandats signés par délégation');
    await act('adjoint', byDelegate.id, 'viser');
    const page = shownText((await (await as('dgs')).get(`${base}/${byDelegate.id}`)).body);
    expect(page).toContain('Vous agissez par délégation, pour Marie Maire.');
    await act('dgs', byDelegate.id, 'signer');
    const signed = (await get(writer, `/api/v1/parapheur/dossiers/${byDelegate.id}/document`)).rawPayload;
    const ca = await authorityPem();
    expect((await xmlsecVerify(wd, signed, 'BORD_2026_0000042', ca)).code).toBe(0);
    expect(signed.toString('utf8')).toContain(
      '<xades:ClaimedRole>Pour le maire, absent, par délégation, Denis Directeur</xades:ClaimedRole>',
    );
    const revoke = /action="([^"]+\/retirer)"/.exec((await maire.get(`${base}/delegations`)).body)![1]!;
    expect((await maire.post(revoke, {})).statusCode).toBe(303);

    // Batch: three files of bordereaux waiting for the maire, signed after one confirmation.
    const ids: string[] = [];
    for (const n of ['0000101', '0000102', '0000103']) {
      const f = await pushed(`Mandats ${n}`, pesAllerXml({ bordereaux: [{ number: n, pieces: ['99.99'] }] }));
      await act('adjoint', f.id, 'viser');
      ids.push(f.id);
    }
    const confirm = await maire.get(`${base}/lot?${ids.map((id) => `dossier=${id}`).join('&')}`);
    expect(shownText(confirm.body)).toContain('Vous allez signer ces 3 documents');
    const res = await maire.post(`${base}/lot`, {
      dossier: [...confirm.body.matchAll(/name="dossier" value="([^"]+)"/g)].map((m) => m[1]!),
      etape: [...confirm.body.matchAll(/name="etape" value="([^"]+)"/g)].map((m) => m[1]!),
    });
    expect(shownText(res.body)).toContain('Signature par lot : 3 documents signés');
    for (const [i, id] of ids.entries()) {
      const xml = (await get(writer, `/api/v1/parapheur/dossiers/${id}/document`)).rawPayload;
      const verdict = await xmlsecVerify(wd, xml, `BORD_2026_000010${i + 1}`, ca);
      expect(verdict.code, verdict.out).toBe(0);
    }
  });
});
