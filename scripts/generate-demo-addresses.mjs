#!/usr/bin/env node
// Generates the demo communes' address files, in the Base Adresse Nationale's « adresses » CSV
// format (the one `guichet adresses importer` and the admin page read), for their FICTIONAL
// streets: src/modules/demo/data/adresses-<slug>.csv. No real address is used: the streets are
// those the demo's texts name, laid out on a made-up plan (straight streets, even numbers on one
// side, odd on the other, ~12 m apart) around a made-up centre. Postcodes are read from the demo
// communes' addresses in src/modules/demo/seed.ts, so the files follow them.
// Usage: node scripts/generate-demo-addresses.mjs [--check]
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const seed = await readFile(join(root, 'src/modules/demo/seed.ts'), 'utf8');

const HEADER =
  'id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;cad_parcelles';

// Each street: its name, where it starts (metres east and north of the centre), its heading in
// degrees (0 = east, 90 = north), how many numbers, and numbers that have a « bis ».
const COMMUNES = [
  {
    slug: 'villebelle',
    name: 'Villebelle',
    insee: '99101',
    centre: { lat: 46.8012, lon: 1.7034 },
    streets: [
      ['place de la Mairie', 0, 0, 0, 8, []],
      ['rue des Lilas', -400, 60, 0, 40, [12]],
      ['avenue Jean Jaurès', 0, -600, 90, 60, [3]],
      ['rue des Acacias', -300, -150, 0, 30, []],
      ['chemin des Vignes', 200, 300, 30, 24, []],
      ['avenue des Platanes', -500, -400, 45, 40, []],
      ['chemin du Moulin', 500, -300, 120, 20, [7]],
      ['rue de la Gare', 100, 150, -30, 30, []],
      ['rue Victor Hugo', -150, 200, 90, 24, []],
      ['allée des Tilleuls', 300, -100, 0, 14, []],
      ['impasse des Rosiers', -250, 350, 0, 8, []],
      ['boulevard de la République', -700, 0, 0, 50, []],
    ],
  },
  {
    slug: 'saint-aubin-les-pres',
    name: 'Saint-Aubin-les-Prés',
    insee: '99201',
    centre: { lat: 46.9123, lon: 1.9511 },
    streets: [
      ['rue de l’Église', -100, 0, 0, 16, []],
      ['place du Village', 0, 20, 0, 6, []],
      ['route de la Forêt', 0, 40, 80, 24, []],
      ['chemin des Prés', 50, -50, -20, 12, []],
      ['impasse du Lavoir', -80, 60, 100, 6, []],
    ],
  },
];

function postcodeOf(name) {
  const match = new RegExp(`address: '[^']*\\b(\\d{5}) ${name.replace(/[-’]/g, '.')}'`).exec(seed);
  if (!match) throw new Error(`code postal de ${name} introuvable dans src/modules/demo/seed.ts`);
  return match[1];
}

/** « avenue Jean Jaurès » → « AVENUE JEAN JAURES » (the norm's upper case without accents). */
function afnor(text) {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’']/g, ' ')
    .toUpperCase();
}

const metresPerDegreeLat = 111_320;

function render(commune) {
  const postcode = postcodeOf(commune.name);
  const lines = [HEADER];
  const perLon = metresPerDegreeLat * Math.cos((commune.centre.lat * Math.PI) / 180);
  commune.streets.forEach(([street, east, north, heading, count, bis], s) => {
    const fantoir = String((s + 1) * 10).padStart(4, '0');
    const angle = (heading * Math.PI) / 180;
    const numbers = [];
    for (let n = 1; n <= count; n++) {
      numbers.push([n, '']);
      if (bis.includes(n)) numbers.push([n, 'bis']);
    }
    for (const [n, rep] of numbers) {
      // Odd numbers on the left, even on the right, 12 m apart along the street, 8 m off its axis.
      const along = Math.ceil(n / 2) * 12 + (rep ? 4 : 0);
      const side = n % 2 === 1 ? 8 : -8;
      const x = east + along * Math.cos(angle) - side * Math.sin(angle);
      const y = north + along * Math.sin(angle) + side * Math.cos(angle);
      const lat = (commune.centre.lat + y / metresPerDegreeLat).toFixed(6);
      const lon = (commune.centre.lon + x / perLon).toFixed(6);
      const id = `${commune.insee}_${fantoir}_${String(n).padStart(5, '0')}${rep ? `_${rep}` : ''}`;
      lines.push(
        [
          id,
          `${commune.insee}_${fantoir}`,
          n,
          rep,
          street,
          postcode,
          commune.insee,
          commune.name,
          '',
          '',
          '',
          '',
          lon,
          lat,
          'entrée',
          '',
          '',
          afnor(commune.name),
          afnor(street),
          'commune',
          'commune',
          '1',
          '',
        ].join(';'),
      );
    }
  });
  return `${lines.join('\n')}\n`;
}

let stale = 0;
for (const commune of COMMUNES) {
  const file = join(root, 'src/modules/demo/data', `adresses-${commune.slug}.csv`);
  const text = render(commune);
  if (process.argv.includes('--check')) {
    const current = await readFile(file, 'utf8').catch(() => '');
    if (current !== text) {
      console.error(`generate-demo-addresses : ${file} est périmé, relancez le script.`);
      stale += 1;
    }
    continue;
  }
  await writeFile(file, text);
  console.log(`generate-demo-addresses : ${text.split('\n').length - 2} adresses → ${file}`);
}
process.exit(stale > 0 ? 1 : 0);
