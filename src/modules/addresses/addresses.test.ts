/**
 * Issue 19 item 7: the commune's addresses from the Base Adresse Nationale, stored locally — the
 * CSV format (table-driven), the import (admin page, CLI, demo), the suggestions and the nearest
 * address, tenant isolation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';
import { normalizeSearch, parseBanCsv } from './ban-csv.js';
import { addressesImportCommand } from './cli.js';

const HEADER =
  'id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;cad_parcelles';
/** A line as the BAN writes it (Lyon 1er's format, fictional values). */
const line = (over: Partial<Record<'id' | 'numero' | 'rep' | 'voie' | 'cp' | 'lon' | 'lat', string>> = {}) =>
  [
    over.id ?? '99101_0040_00012',
    '99101_0040',
    over.numero ?? '12',
    over.rep ?? '',
    over.voie ?? 'rue des Lilas',
    over.cp ?? '99100',
    '99101',
    'Villebelle',
    '',
    '',
    '843000.12',
    '6519000.34',
    over.lon ?? '1.703557',
    over.lat ?? '46.801272',
    'entrée',
    '',
    '',
    'VILLEBELLE',
    'RUE DES LILAS',
    'commune',
    'commune',
    '1',
    '',
  ].join(';');

describe('the BAN « adresses » CSV', () => {
  it.each([
    ['a plain line', line(), { label: '12 rue des Lilas', postcode: '99100', lat: 46.801272, lon: 1.703557 }],
    ['a repetition index', line({ rep: 'bis' }), { label: '12 bis rue des Lilas', suffix: 'bis' }],
    [
      'number 0 (a street without numbers, « lieu-dit »)',
      line({ numero: '0', voie: 'Les Granges' }),
      { label: 'Les Granges' },
    ],
    [
      'a quoted street with a semicolon',
      line({ voie: '"rue du 8 mai 1945; dite « de la Paix »"' }),
      { street: 'rue du 8 mai 1945; dite « de la Paix »' },
    ],
    ['spaces inside the street name', line({ voie: 'rue   des  Lilas ' }), { label: '12 rue des Lilas' }],
  ])('reads %s', (_name, csvLine, expected) => {
    const result = parseBanCsv(`${HEADER}\n${csvLine}\n`);
    expect(result.rejected).toEqual([]);
    expect(result.addresses).toHaveLength(1);
    expect(result.addresses[0]).toMatchObject(expected);
  });

  it.each([
    ['a number with letters', line({ numero: '12b' }), 'numéro « 12b » invalide'],
    ['a number of 6 digits', line({ numero: '123456' }), 'numéro « 123456 » invalide'],
    ['a postcode of 4 digits', line({ cp: '9910' }), 'code postal « 9910 » invalide'],
    ['no street', line({ voie: '' }), 'nom de voie absent ou trop long'],
    ['a latitude out of range', line({ lat: '91' }), 'latitude invalide'],
    ['no longitude', line({ lon: '' }), 'longitude invalide'],
    ['a longitude that is not a number', line({ lon: 'est' }), 'longitude invalide'],
    ['no id', line({ id: '' }), 'identifiant (« id ») absent ou trop long'],
  ])('refuses %s, naming the line', (_name, csvLine, reason) => {
    const result = parseBanCsv(`${HEADER}\n${line({ id: 'ok' })}\n${csvLine}\n`);
    expect(result.addresses).toHaveLength(1);
    expect(result.rejected).toEqual([{ line: 3, reason }]);
  });

  it('finds columns by name, in any order, with a BOM, CRLF and extra columns', () => {
    const csv =
      '\uFEFFlat;lon;nom_commune;code_insee;code_postal;nom_voie;numero;id;id_ban_adresse\r\n46.5;1.5;Villebelle;99101;99100;allée des Tilleuls;3;x1;abc\r\n';
    expect(parseBanCsv(csv).addresses).toMatchObject([
      { label: '3 allée des Tilleuls', lat: 46.5, lon: 1.5, banId: 'x1' },
    ]);
  });

  it('refuses a duplicated id after the first', () => {
    const result = parseBanCsv(`${HEADER}\n${line()}\n${line()}\n`);
    expect(result.addresses).toHaveLength(1);
    expect(result.rejected).toEqual([{ line: 3, reason: 'identifiant « 99101_0040_00012 » déjà vu plus haut' }]);
  });

  it.each([
    ['a comma-separated file', HEADER.replaceAll(';', ',')],
    ['a BAL file (another format)', 'cle_interop;commune_insee;commune_nom;voie_nom;numero;suffixe;long;lat'],
    ['an empty file', ''],
  ])('refuses %s as a whole, in French', (_name, header) => {
    const result = parseBanCsv(`${header}\n`);
    expect(result.addresses).toEqual([]);
    expect(result.fileError).toMatch(
      /^Ce fichier n’est pas un fichier « adresses » de la Base Adresse Nationale.*il manque/,
    );
  });

  it.each([
    ['Rue de l’Église', 'rue de l eglise'],
    ['12 BIS Avenue Jean-Jaurès', '12 bis avenue jean jaures'],
    ['  Allée   des Tilleuls ', 'allee des tilleuls'],
    ['Rue de l’Œuvre', 'rue de l oeuvre'],
    ['Place Lætitia', 'place laetitia'],
  ])('normalizes « %s » for the search as « %s »', (input, expected) => {
    expect(normalizeSearch(input)).toBe(expected);
  });
});

describe.each(TEST_ENGINES)('the commune’s addresses, on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  let saintAubin: Commune;
  let address = 1;
  const browser = () => new TestBrowser(t.app, { remoteAddress: `198.51.100.${address++}` });

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    saintAubin = (await t.runtime.communes.bySlug('saint-aubin-les-pres'))!;
  });
  afterAll(() => t?.close());

  const json = async (url: string) => {
    const res = await browser().get(url);
    expect(res.statusCode, url).toBe(200);
    return JSON.parse(res.body);
  };

  it('ships the demo’s generated addresses, and suggests them from a few letters typed', async () => {
    const { addresses } = await json('/c/villebelle/adresses/suggestions?q=12%20lil');
    expect(addresses.map((a: { label: string }) => a.label)).toEqual(['12 rue des Lilas', '12 bis rue des Lilas']);
    expect(addresses[0]).toMatchObject({ postcode: '44150', city: 'Villebelle' });
    // Accents and case do not matter; words in any order.
    const jaures = await json('/c/villebelle/adresses/suggestions?q=JAURES%2033%20avenue');
    expect(jaures.addresses.map((a: { label: string }) => a.label)).toEqual(['33 avenue Jean Jaurès']);
    // One letter: nothing yet; and nothing for a street elsewhere.
    expect((await json('/c/villebelle/adresses/suggestions?q=l')).addresses).toEqual([]);
    expect((await json('/c/villebelle/adresses/suggestions?q=eglise')).addresses).toEqual([]);
    expect((await json('/c/saint-aubin-les-pres/adresses/suggestions?q=eglise')).addresses.length).toBeGreaterThan(0);
  });

  it('finds the nearest address to a position, and none when the position is far from the commune', async () => {
    const [twelve] = (await json('/c/villebelle/adresses/suggestions?q=12%20rue%20des%20lilas')).addresses;
    // 5 m north of number 12.
    const near = await json(`/c/villebelle/adresses/proche?lat=${twelve.lat + 5 / 111_320}&lon=${twelve.lon}`);
    expect(near.address).toMatchObject({ label: '12 rue des Lilas', postcode: '44150', city: 'Villebelle' });
    expect(near.address.distance).toBe(5);
    // Paris is not in Villebelle.
    const far = await json('/c/villebelle/adresses/proche?lat=48.8566&lon=2.3522');
    expect(far.address).toBeNull();
    expect(far.message).toContain('à plus de 300 mètres de toute adresse de Villebelle');
    // Villebelle's position asked of Saint-Aubin: Saint-Aubin's addresses only.
    const other = await json(`/c/saint-aubin-les-pres/adresses/proche?lat=${twelve.lat}&lon=${twelve.lon}`);
    expect(other.address).toBeNull();
  });

  it('answers bad queries with a 422, never a 500', async () => {
    for (const url of [
      '/c/villebelle/adresses/proche?lat=abc&lon=1',
      '/c/villebelle/adresses/proche?lat=95&lon=1',
      '/c/villebelle/adresses/proche',
      `/c/villebelle/adresses/suggestions?q=${'a'.repeat(300)}`,
      '/c/villebelle/adresses/suggestions?q=a&autre=1',
    ]) {
      expect((await browser().get(url)).statusCode, url).toBe(422);
    }
    // LIKE wildcards are letters like any other.
    expect((await json('/c/villebelle/adresses/suggestions?q=%25%25')).addresses).toEqual([]);
  });

  it('keeps each commune’s addresses to itself, even for a query without the commune filter (RLS)', async () => {
    const seen = await withTenant(t.runtime.database, saintAubin.id, async (tx) => {
      const { rows } = await tx.client.query<{ city: string; n: number }>(
        'SELECT city, count(*)::int AS n FROM address GROUP BY city',
      );
      return rows;
    });
    expect(seen).toEqual([{ city: 'Saint-Aubin-les-Prés', n: 64 }]);
    await expect(
      withTenant(t.runtime.database, saintAubin.id, (tx) =>
        tx.client.query(
          `INSERT INTO address (commune_id, ban_id, number, street, postcode, insee_code, city, label, search, lon, lat)
           VALUES ($1, 'x', 1, 'rue', '99100', '99101', 'Villebelle', '1 rue', '1 rue', 1, 46)`,
          [villebelle.id],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('lets the admin import a BAN file from the admin page; a bad file changes nothing', async () => {
    const admin = await signIn(t.app, 'secretariat@saint-aubin-les-pres.example', { slug: 'saint-aubin-les-pres' });
    const page = await admin.get('/c/saint-aubin-les-pres/admin/adresses');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Adresses de la commune');
    expect(page.body).toMatch(/<dd class="govuk-summary-list__value">\s*64\s*<\/dd>/);
    const upload = (content: string) =>
      admin.postMultipart('/c/saint-aubin-les-pres/admin/adresses', {}, [
        { name: 'fichier', filename: 'adresses-99201.csv', type: 'text/csv', content: Buffer.from(content) },
      ]);
    const refused = await upload('nom;prenom\nDupont;Jean\n');
    expect(refused.statusCode).toBe(422);
    expect(shownText(refused.body)).toContain(
      'Ce fichier n’est pas un fichier « adresses » de la Base Adresse Nationale',
    );
    const latin1 = await admin.postMultipart('/c/saint-aubin-les-pres/admin/adresses', {}, [
      {
        name: 'fichier',
        filename: 'a.csv',
        type: 'text/csv',
        content: Buffer.from(`${HEADER}\n${line({ voie: 'rue de l\u00e9glise' })}\n`, 'latin1'),
      },
    ]);
    expect(latin1.statusCode).toBe(422);
    expect(latin1.body).toContain('n’est pas encodé en UTF-8');
    const empty = await admin.postMultipart('/c/saint-aubin-les-pres/admin/adresses', {});
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('Choisissez le fichier des adresses à importer.');
    // Nothing changed.
    expect((await json('/c/saint-aubin-les-pres/adresses/suggestions?q=lavoir')).addresses.length).toBe(6);

    // Ten good lines and a bad one: imported, the bad line named. (More than 10 % bad: refused.)
    const good = Array.from({ length: 10 }, (_, i) =>
      line({ id: `a${i}`, voie: 'rue Neuve', numero: String(i + 1), cp: '99200' }),
    );
    const tooBad = await upload(`${HEADER}\n${good.slice(0, 3).join('\n')}\n${line({ id: 'b', numero: 'x' })}\n`);
    expect(tooBad.statusCode).toBe(422);
    expect(shownText(tooBad.body)).toContain(
      '1 lignes sur 4 sont inutilisables (par exemple la ligne 5 : numéro « x » invalide)',
    );
    const done = await upload(`${HEADER}\n${good.join('\n')}\n${line({ id: 'b', numero: 'x' })}\n`);
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('10 adresses importées');
    expect(shownText(done.body)).toContain('ligne 12 (numéro « x » invalide)');
    expect((await json('/c/saint-aubin-les-pres/adresses/suggestions?q=neuve')).addresses.length).toBe(8);
    expect((await json('/c/saint-aubin-les-pres/adresses/suggestions?q=lavoir')).addresses).toEqual([]);
    const { rows } = await t.testDb.asSuperuser<{ data: { imported: number } }>(
      "SELECT data FROM audit_entry WHERE commune_id = $1 AND action = 'addresses.imported' ORDER BY seq DESC LIMIT 1",
      [saintAubin.id],
    );
    expect(rows[0]!.data).toMatchObject({ imported: 10, rejected: 1 });
    // Another commune's admin does not reach this page (404, as for any other commune's resource).
    const other = await signIn(t.app, 'admin@villebelle.example');
    expect((await other.get('/c/saint-aubin-les-pres/admin/adresses')).statusCode).toBe(404);
  });

  it('imports from the command line; an unknown commune or an unreadable file is an error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-adresses-'));
    const out: string[] = [];
    const err: string[] = [];
    try {
      const file = path.join(dir, 'adresses.csv');
      fs.writeFileSync(file, `${HEADER}\n${line({ id: 'c1', voie: 'rue du Four', numero: '5' })}\n`);
      const ok = await addressesImportCommand(
        t.runtime,
        'villebelle',
        file,
        (l) => out.push(l),
        (l) => err.push(l),
      );
      expect([ok, out]).toEqual([0, ['1 adresses importées pour Villebelle.']]);
      expect((await json('/c/villebelle/adresses/suggestions?q=four')).addresses).toHaveLength(1);
      expect(
        await addressesImportCommand(
          t.runtime,
          'nulle-part',
          file,
          () => {},
          (l) => err.push(l),
        ),
      ).toBe(2);
      expect(err).toEqual(['Commune inconnue : nulle-part']);
      expect(
        await addressesImportCommand(
          t.runtime,
          'villebelle',
          path.join(dir, 'absent.csv'),
          () => {},
          (l) => err.push(l),
        ),
      ).toBe(1);
      expect(err[1]).toMatch(/^Impossible de lire .*absent\.csv/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
