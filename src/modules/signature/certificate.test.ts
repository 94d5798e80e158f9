/**
 * « Mon certificat de signature » (issue 10): a signer imports his own PKCS#12 after a recent
 * authentication; bad files are refused in French and nothing is kept; the key is sealed at rest;
 * his PAdES and XAdES signatures then use it and verify with the issuer's chain (pdfsig with the
 * issuer's CA in the NSS database, xmlsec1 with it); he removes it and signs with the commune's
 * certificate again. Each step is journaled; another commune sees nothing of it.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CertificateAuthority, createCommuneCa, issueSigningCertificate } from '../../platform/signature/index.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, type TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { onePagePdf } from '../../test/documents.js';
import { type Person, secondCommune, staffMember } from '../../test/factories.js';
import { pesAllerXml, xmlsecVerify } from '../../test/pes.js';
import { signIn } from '../../test/sign-in.js';
import { pdfsig, tool, type Workdir, workdir } from '../../test/signature-tools.js';

describe.each(TEST_ENGINES)('imported signing certificates on %s', (engine) => {
  let t: TestApp;
  let town: Commune;
  let other: Commune;
  let base: string;
  let page: string;
  let wd: Workdir;
  let issuer: CertificateAuthority;
  const people: Record<'maire' | 'stranger', Person> = {} as never;
  const browsers = new Map<string, TestBrowser>();

  async function as(who: keyof typeof people): Promise<TestBrowser> {
    let browser = browsers.get(who);
    if (!browser) {
      browser = await signIn(t.app, people[who].email, { slug: who === 'stranger' ? other.slug : town.slug });
      browsers.set(who, browser);
    }
    return browser;
  }

  /** A PKCS#12 made by openssl from a key and certificate (and the issuer's certificate). */
  async function p12(keyPem: string, certPem: string, password = 'Secret-2026'): Promise<Buffer> {
    const n = Math.random().toString(16).slice(2);
    const key = await wd.file(`k-${n}.pem`, keyPem);
    const cert = await wd.file(`c-${n}.pem`, certPem);
    const ca = await wd.file(`ca-${n}.pem`, issuer.certificatePem);
    const out = `${key}.p12`;
    const r = await tool('openssl', [
      'pkcs12',
      '-export',
      '-inkey',
      key,
      '-in',
      cert,
      '-certfile',
      ca,
      '-out',
      out,
      '-passout',
      `pass:${password}`,
    ]);
    expect(r.code, r.out).toBe(0);
    return readFile(out);
  }

  async function upload(file: Buffer | null, password: string) {
    const maire = await as('maire');
    await maire.get(page);
    return maire.postMultipart(
      page,
      { motDePasse: password },
      file ? [{ name: 'certificat', filename: 'moi.p12', type: 'application/x-pkcs12', content: file }] : [],
    );
  }

  async function importedRows(): Promise<number> {
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM signature_certificate WHERE commune_id = $1 AND kind = 'imported' AND revoked_at IS NULL`,
      [town.id],
    );
    return rows[0]!.n;
  }

  async function journal(action: string) {
    const { rows } = await t.testDb.asSuperuser<{ data: Record<string, unknown> }>(
      'SELECT data FROM audit_entry WHERE commune_id = $1 AND action = $2 ORDER BY occurred_at',
      [town.id, action],
    );
    return rows.map((r) => r.data);
  }

  /** A folder created on the page and signed by the maire; the signed document's bytes. */
  async function signed(type: 'autre' | 'bordereau_mandats', title: string, content: Buffer, filename: string) {
    const maire = await as('maire');
    await maire.get(`${base}/nouveau`);
    const created = await maire.postMultipart(`${base}/nouveau`, { titre: title, type }, [
      { name: 'document', filename, type: 'application/octet-stream', content },
    ]);
    expect(created.statusCode, shownText(created.body).slice(0, 300)).toBe(303);
    const folder = String(created.headers.location);
    const view = await maire.get(folder);
    const sentence = shownText(view.body);
    const step = /name="etape" value="([^"]+)"/.exec(view.body)![1]!;
    const res = await maire.post(`${folder}/signer`, { etape: step });
    expect(res.statusCode, shownText(res.body).slice(0, 300)).toBe(303);
    const href = /href="([^"]+\/documents\/[^"]+)"/.exec((await maire.get(folder)).body)![1]!;
    return { sentence, bytes: (await maire.get(href)).rawPayload };
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '100000' } });
    wd = await workdir();
    issuer = await createCommuneCa({ communeName: 'Prestataire de confiance' });
    town = await secondCommune(t, { slug: 'val-de-certificat', name: 'Val-de-Certificat' });
    other = await secondCommune(t);
    base = `/c/${town.slug}/agent/parapheur`;
    page = `${base}/certificat`;
    people.maire = await staffMember(t, town, { role: 'mayor', givenName: 'Marie', familyName: 'Maire' });
    people.stranger = await staffMember(t, other, { role: 'mayor', givenName: 'Simone', familyName: 'Ailleurs' });
    const admin = await staffMember(t, town, { role: 'admin', givenName: 'Alice', familyName: 'Admin' });
    const adminBrowser = await signIn(t.app, admin.email, { slug: town.slug });
    await adminBrowser.get(`/c/${town.slug}/admin/parapheur`);
    const saved = await adminBrowser.post(`/c/${town.slug}/admin/parapheur/fonctions`, {
      maire: people.maire.id,
      adjoint_finances: people.maire.id,
      dgs: '',
    });
    expect(saved.statusCode, shownText(saved.body).slice(0, 300)).toBe(303);
  });

  afterAll(async () => {
    await wd?.close();
    await t?.close();
  });

  it('says which certificate is used, and asks for a recent authentication before an import', async () => {
    const maire = await as('maire');
    const text = shownText((await maire.get(page)).body);
    expect(text).toContain('Vous signez avec un certificat délivré par l’autorité de certification de la commune');
    expect(text).toContain('Il vous sera délivré lors de votre première signature.');
    await t.testDb.asSuperuser(
      `UPDATE session SET reauthenticated_at = now() - interval '1 hour' WHERE account_id = $1 AND revoked_at IS NULL`,
      [people.maire.id],
    );
    expect(shownText((await maire.get(page)).body)).toContain(
      'Avant d’importer ou de retirer un certificat, vous confirmerez votre identité.',
    );
    const stale = await upload(Buffer.from('x'), 'x');
    expect(stale.statusCode).toBe(303);
    expect(stale.headers.location).toBe(`/c/${town.slug}/compte/confirmer-identite?retour=${encodeURIComponent(page)}`);
    await t.testDb.asSuperuser(
      `UPDATE session SET reauthenticated_at = now() WHERE account_id = $1 AND revoked_at IS NULL`,
      [people.maire.id],
    );
    // Another commune's staff does not see this commune's page.
    expect((await (await as('stranger')).get(page)).statusCode).toBe(404);
  });

  it('refuses what it cannot use with a French 422 and keeps nothing', async () => {
    const good = await issueSigningCertificate(issuer, {
      fullName: 'Marie Maire',
      email: 'maire@val.test',
      communeName: 'Prestataire',
    });
    const expired = await issueSigningCertificate(issuer, {
      fullName: 'Marie Maire',
      email: 'maire@val.test',
      communeName: 'Prestataire',
      now: new Date(Date.now() - 400 * 86_400_000),
      validDays: 30,
    });
    // A certificate for encryption only (no digitalSignature, no nonRepudiation).
    const n = Math.random().toString(16).slice(2);
    const key = `${wd.dir}/enc-${n}.key`;
    const cert = `${wd.dir}/enc-${n}.pem`;
    const made = await tool('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '30',
      '-subj',
      '/CN=Chiffrement seulement',
      '-addext',
      'keyUsage=critical,keyEncipherment',
    ]);
    expect(made.code, made.out).toBe(0);
    const encryptionOnly = await p12(await readFile(key, 'utf8'), await readFile(cert, 'utf8'));
    const cases: [string, Buffer | null, string, string, string][] = [
      ['no file', null, 'Secret-2026', 'certificat', 'Choisissez le fichier de votre certificat (.p12 ou .pfx).'],
      [
        'not a PKCS#12',
        Buffer.from('Ceci est une lettre, pas un certificat.'),
        'Secret-2026',
        'certificat',
        'Ce fichier n’est pas un certificat au format PKCS#12 (.p12 ou .pfx).',
      ],
      [
        'no password',
        await p12(good.privateKeyPem, good.certificatePem),
        '',
        'motDePasse',
        'Saisissez le mot de passe du certificat.',
      ],
      [
        'wrong password',
        await p12(good.privateKeyPem, good.certificatePem),
        'mauvais',
        'motDePasse',
        'Le mot de passe du certificat est incorrect.',
      ],
      [
        'expired',
        await p12(expired.privateKeyPem, expired.certificatePem),
        'Secret-2026',
        'certificat',
        'Ce certificat a expiré le',
      ],
      [
        'no signing key usage',
        encryptionOnly,
        'Secret-2026',
        'certificat',
        'Le certificat de ce fichier ne permet pas de signer (usage de clé incompatible).',
      ],
    ];
    for (const [label, file, password, field, message] of cases) {
      const res = await upload(file, password);
      expect(res.statusCode, label).toBe(422);
      const text = shownText(res.body);
      expect(text, label).toContain('Il y a un problème');
      expect(text, label).toContain(message);
      expect(res.body, label).toContain(`href="#${field}"`);
      expect(res.body, label).not.toContain(password === '' ? 'value="x"' : `value="${password}"`);
    }
    expect(await importedRows()).toBe(0);
    expect(await journal('signature.certificate_imported')).toEqual([]);
  });

  it('signs PDFs and bordereaux with the imported certificate, verified with its issuer; back to the commune’s after removal', async () => {
    const mine = await issueSigningCertificate(issuer, {
      fullName: 'Marie Maire (certificat RGS)',
      email: 'maire@val.test',
      communeName: 'Prestataire',
    });
    const res = await upload(await p12(mine.privateKeyPem, mine.certificatePem), 'Secret-2026');
    expect(res.statusCode, shownText(res.body).slice(0, 400)).toBe(303);
    const maire = await as('maire');
    const text = shownText((await maire.get(String(res.headers.location))).body);
    expect(text).toContain('Votre certificat est importé : vos prochaines signatures l’utiliseront.');
    expect(text).toContain('Au nom de Marie Maire (certificat RGS)');
    expect(text).toContain('Délivré par Autorité de certification interne — Prestataire de confiance');
    expect(text).toContain('se vérifient avec la chaîne de confiance de son émetteur');
    // The key is sealed at rest, like the authority's.
    const { rows } = await t.testDb.asSuperuser<{ sealed: string; chain: string }>(
      `SELECT sealed_private_key AS sealed, chain_pem AS chain FROM signature_certificate
        WHERE commune_id = $1 AND kind = 'imported' AND revoked_at IS NULL`,
      [town.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sealed).toMatch(/^gk1\./);
    expect(rows[0]!.sealed).not.toContain('PRIVATE KEY');
    expect(rows[0]!.chain).toContain('BEGIN CERTIFICATE');
    expect(await journal('signature.certificate_imported')).toEqual([
      expect.objectContaining({
        subject: 'Marie Maire (certificat RGS)',
        issuer: 'Autorité de certification interne — Prestataire de confiance',
      }),
    ]);

    // A PDF: pdfsig trusts it with the issuer's CA, not without it.
    const pdf = await signed('autre', 'Arrêté signé avec mon certificat', await onePagePdf('Arrêté'), 'arrete.pdf');
    expect(pdf.sentence).toContain(
      'avec votre certificat importé au nom de Marie Maire (certificat RGS), délivré par Autorité de certification interne — Prestataire de confiance',
    );
    const file = await wd.file('importe.pdf', pdf.bytes);
    const trusted = await pdfsig(file, await wd.nss([issuer.certificatePem]));
    expect(trusted.map((v) => [v.valid, v.trusted])).toEqual([[true, true]]);
    expect(trusted[0]!.out).toContain('Marie Maire (certificat RGS)');
    const untrusted = await pdfsig(file, await wd.nss([]));
    expect(untrusted.map((v) => [v.valid, v.trusted])).toEqual([[true, false]]);
    // A PES bordereau: xmlsec1 verifies it with the issuer's CA.
    const xml = pesAllerXml({ bordereaux: [{ number: '0000501', pieces: ['10.00'] }] });
    const pes = await signed('bordereau_mandats', 'Mandats signés avec mon certificat', Buffer.from(xml), 'pes.xml');
    const verdict = await xmlsecVerify(wd, pes.bytes, 'BORD_2026_0000501', issuer.certificatePem);
    expect(verdict.code, verdict.out).toBe(0);

    // Removed: the next signature is the commune's again.
    const page1 = await maire.get(page);
    expect(shownText(page1.body)).toContain('Retirer ce certificat et signer avec celui de la commune');
    const removed = await maire.post(`${page}/retirer`, {});
    expect(removed.statusCode).toBe(303);
    expect(shownText((await maire.get(String(removed.headers.location))).body)).toContain(
      'Votre certificat importé est retiré : vous signez de nouveau avec le certificat de la commune.',
    );
    expect(await importedRows()).toBe(0);
    expect(await journal('signature.certificate_removed')).toHaveLength(1);
    const again = await signed('autre', 'Arrêté signé par la commune', await onePagePdf('Arrêté 2'), 'arrete.pdf');
    expect(again.sentence).toContain('avec votre certificat délivré par l’autorité de certification de la commune');
    const file2 = await wd.file('commune.pdf', again.bytes);
    expect((await pdfsig(file2, await wd.nss([issuer.certificatePem]))).map((v) => v.trusted)).toEqual([false]);
    // Removing twice says so.
    await maire.get(page);
    const twice = await maire.post(`${page}/retirer`, {});
    expect(twice.statusCode).toBe(409);
    expect(shownText(twice.body)).toContain('Vous n’avez pas de certificat importé');
  });
});
