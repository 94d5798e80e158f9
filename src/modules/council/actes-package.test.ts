/**
 * The @ctes package of a signed délibération, as the secretariat downloads it (decision 0055): refused
 * with the list of what is missing until an administrator gives the commune's @ctes settings (French
 * 422s on bad input), then a tar.gz whose entries are named by the ACTES convention and whose XML
 * names the commune, the act and the signed PDF it carries; the same names on a second download;
 * refused for an unsigned délibération; 404 from another commune.
 */
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { untarGz } from '../../test/archives.js';
import { shownText, type TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { runQueuedJobs } from '../../test/jobs.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';

const NS = 'http://www.interieur.gouv.fr/ACTES#v1.1-20040216';

describe.each(TEST_ENGINES)('council @ctes package on %s', (engine) => {
  let t: TestApp;
  let agent: TestBrowser;
  let seance: string;
  let seanceDate: string;
  const items: string[] = [];

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '100000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    agent = await signIn(t.app, 'agent.etat-civil@villebelle.example');
    const list = await agent.get('/c/villebelle/agent/conseil');
    seance = /href="(\/c\/villebelle\/agent\/conseil\/seances\/[0-9a-f-]{36})"/.exec(list.body)![1]!;
    const screen = await agent.get(`${seance}/en-seance`);
    const ids = [...screen.body.matchAll(/name="present" type="checkbox" value="([0-9a-f-]{36})"/g)].map((x) => x[1]!);
    expect((await agent.post(`${seance}/appel`, { present: ids })).statusCode).toBe(303);
    const page = (await agent.get(`${seance}/en-seance`)).body;
    items.push(...[...page.matchAll(/action="[^"]+\/points\/([0-9a-f-]{36})\/vote"/g)].map((x) => x[1]!));
    for (const item of items.slice(0, 2)) {
      await agent.get(`${seance}/en-seance`);
      const voted = await agent.post(`${seance}/points/${item}/vote`, { ballot: 'public', pour: '7', contre: '2' });
      expect(voted.statusCode).toBe(303);
    }
    // The first délibération signed by the maire in the parapheur.
    await agent.get(`${seance}/en-seance`);
    expect((await agent.post(`${seance}/points/${items[0]}/parapheur`, {})).statusCode).toBe(303);
    const { rows } = await t.testDb.asSuperuser<{ folder: string; date: string | Date }>(
      `SELECT v.signature_folder_id AS folder, s.seance_date AS date FROM council_vote v
         JOIN council_item i ON i.id = v.item_id JOIN council_seance s ON s.id = i.seance_id WHERE v.item_id = $1`,
      [items[0]],
    );
    const d = rows[0]!.date;
    seanceDate = typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10);
    const folder = `/c/villebelle/agent/parapheur/${rows[0]!.folder}`;
    for (const [who, action] of [
      ['dgs@villebelle.example', 'viser'],
      ['maire@villebelle.example', 'signer'],
    ] as const) {
      const browser = await signIn(t.app, who);
      const step = /name="etape" value="([^"]+)"/.exec((await browser.get(folder)).body)?.[1] ?? '';
      expect((await browser.post(`${folder}/${action}`, { etape: step })).statusCode).toBe(303);
    }
    expect(await runQueuedJobs(t, 'event.council.deliberation-signed')).toBeGreaterThanOrEqual(1);
  });
  afterAll(() => t?.close());

  const download = async (item: string) => {
    await agent.get(`${seance}/en-seance`);
    return agent.post(`${seance}/points/${item}/actes`, {});
  };

  it('refuses the package while the commune’s @ctes settings and the matière are missing, and says which', async () => {
    const refused = await download(items[0]!);
    expect(refused.statusCode).toBe(422);
    const text = shownText(refused.body);
    expect(text).toContain('ne peut pas être préparé : il manque le code du département, l’arrondissement, le SIREN');
    expect(text).toContain('la date de la classification des actes');
    expect(text).toContain('la matière de la délibération');
    expect(text).toContain('Administration › Télétransmission @ctes');
  });

  it('lets an administrator give the settings, with French messages on bad input', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    const form = await admin.get('/c/villebelle/admin/teletransmission');
    expect(form.statusCode).toBe(200);
    expect(shownText(form.body)).toContain('Télétransmission @ctes');
    const bad = await admin.post('/c/villebelle/admin/teletransmission', {
      departement: '3',
      arrondissement: '12',
      siren: '213401731',
      nature: '31',
      'classificationDate-day': '31',
      'classificationDate-month': '2',
      'classificationDate-year': '2022',
      returnEmail: 'pas-une-adresse',
    });
    expect(bad.statusCode).toBe(422);
    const text = shownText(bad.body);
    expect(text).toContain('Le code du département compte trois caractères');
    expect(text).toContain('Le numéro d’arrondissement est un seul chiffre');
    expect(text).toContain('Ce numéro n’est pas un SIREN');
    expect(text).toContain('Saisissez la date de la classification des actes');
    expect(bad.body).toContain('value="pas-une-adresse"');
    // The secretariat's agents do not set them.
    expect((await agent.get('/c/villebelle/admin/teletransmission')).statusCode).toBeGreaterThanOrEqual(403);
    const ok = await admin.post('/c/villebelle/admin/teletransmission', {
      departement: '34',
      arrondissement: '2',
      siren: '213 401 730',
      nature: '31',
      'classificationDate-day': '15',
      'classificationDate-month': '6',
      'classificationDate-year': '2022',
      returnEmail: 'secretariat@villebelle.example',
    });
    expect(ok.statusCode).toBe(303);
    const saved = await admin.get('/c/villebelle/admin/teletransmission?fait=enregistre');
    expect(shownText(saved.body)).toContain('Les paramètres de télétransmission sont enregistrés.');
    expect(saved.body).toContain('value="034"');
    expect(saved.body).toContain('value="213401730"');
  });

  it('gives the tar.gz of the signed act named by the ACTES convention, the same on a second download', async () => {
    // The matière is chosen when the délibération is published.
    await agent.get(`${seance}/en-seance`);
    expect((await agent.post(`${seance}/points/${items[0]}/publier`, { matiere: '5.2' })).statusCode).toBe(303);
    const res = await download(items[0]!);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toContain('application/gzip');
    const year = new Date().getFullYear();
    const disposition = String(res.headers['content-disposition']);
    const archive = /filename="(EACT--213401730--\d{8}-(\d+)\.tar\.gz)"/.exec(disposition);
    expect(archive, disposition).not.toBeNull();
    const entries = untarGz(res.rawPayload);
    const number = /Délibération n° (\d{4}-\d{6})/.exec(shownText((await agent.get(`${seance}/en-seance`)).body))![1]!;
    const id = `034-213401730-${seanceDate.replace(/-/g, '')}-${number.replace('-', '_')}-DE`;
    expect(entries.map((e) => e.name)).toEqual([
      archive![1]!.replace('.tar.gz', '.xml'),
      `${id}-1-1_0.xml`,
      `99_DE-${id}-1-1_1.pdf`,
    ]);
    expect(number.startsWith(String(year)) || number.startsWith(String(year - 1))).toBe(true);
    // The act is the signed PDF the secretariat downloads.
    const pdf = await agent.get(`${seance}/points/${items[0]}/deliberation.pdf`);
    expect(entries[2]!.content.equals(pdf.rawPayload)).toBe(true);
    expect(entries[2]!.content.toString('latin1')).toContain('/ByteRange');

    const parse = (i: number) =>
      new DOMParser().parseFromString(entries[i]!.content.toString('utf8'), 'text/xml').documentElement!;
    const envelope = parse(0);
    expect(envelope.localName).toBe('EnveloppeCLMISILL');
    const idcl = envelope.getElementsByTagNameNS(NS, 'IDCL')[0]!;
    expect(idcl.getAttributeNS('http://xml.insee.fr/schema', 'SIREN')).toBe('213401730');
    expect(idcl.getAttributeNS(NS, 'Departement')).toBe('034');
    expect(idcl.getAttributeNS(NS, 'Arrondissement')).toBe('2');
    expect(idcl.getAttributeNS(NS, 'Nature')).toBe('31');
    expect(envelope.getElementsByTagNameNS(NS, 'Email')[0]!.textContent).toBe('secretariat@villebelle.example');
    expect(envelope.getElementsByTagNameNS(NS, 'NomFichier')[0]!.textContent).toBe(`${id}-1-1_0.xml`);
    const acte = parse(1);
    expect(acte.localName).toBe('Acte');
    expect(acte.getAttributeNS(NS, 'Date')).toBe(seanceDate);
    expect(acte.getAttributeNS(NS, 'NumeroInterne')).toBe(number.replace('-', '_'));
    expect(acte.getAttributeNS(NS, 'CodeNatureActe')).toBe('1');
    expect(acte.getElementsByTagNameNS(NS, 'CodeMatiere1')[0]!.getAttributeNS(NS, 'CodeMatiere')).toBe('5');
    expect(acte.getElementsByTagNameNS(NS, 'CodeMatiere2')[0]!.getAttributeNS(NS, 'CodeMatiere')).toBe('2');
    expect(acte.getElementsByTagNameNS(NS, 'ClassificationDateVersion')[0]!.textContent).toBe('2022-06-15');
    expect(acte.getElementsByTagNameNS(NS, 'NomFichier')[0]!.textContent).toBe(`99_DE-${id}-1-1_1.pdf`);
    expect(acte.getElementsByTagNameNS(NS, 'Objet')[0]!.textContent).toBeTruthy();

    const again = await download(items[0]!);
    expect(again.headers['content-disposition']).toBe(disposition);
    expect(untarGz(again.rawPayload).map((e) => e.name)).toEqual(entries.map((e) => e.name));
    expect(shownText((await agent.get(`${seance}/en-seance`)).body)).toMatch(
      /Paquet @ctes préparé le .+ \(enveloppe n° \d+\)/,
    );
  });

  it('refuses an unsigned délibération, and answers 404 from another commune', async () => {
    const unsigned = await download(items[1]!);
    expect(unsigned.statusCode).toBe(422);
    expect(shownText(unsigned.body)).toMatch(/doit d’abord être signée par le maire dans le parapheur/);
    await agent.get(`${seance}/en-seance`);
    const foreign = await agent.post(
      `${seance.replace('/villebelle/', '/saint-aubin-les-pres/')}/points/${items[0]}/actes`,
      {},
    );
    expect(foreign.statusCode).toBe(404);
  });
});
