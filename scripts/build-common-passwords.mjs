#!/usr/bin/env node
// Builds src/modules/identity/data/common-passwords.txt, the local list of common or
// already-breached passwords that the password policy refuses (no network at run time).
//
// Sources (all offline, from node_modules):
//   - @zxcvbn-ts/language-common, dictionary "passwords-common" (MIT; frequency-ranked list of
//     passwords seen in public breaches, carried over from Dropbox's zxcvbn);
//   - @zxcvbn-ts/language-fr: any dictionary whose name starts with "passwords" (version 4.1.2
//     ships none: its lists are common words, first and last names, Wikipedia words);
//   - the French classics below (keyboard rows, pet names, football clubs…), each with the
//     suffixes people most often bolt on.
//
// Entries are NFC-normalised, lower-cased and de-duplicated; French classics come first, then
// the zxcvbn list in its rank order. The output is committed: re-run after upgrading zxcvbn-ts.
// Usage: node scripts/build-common-passwords.mjs          (writes the file)
//        node scripts/build-common-passwords.mjs --check  (fails if the committed file is stale)
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as common from '@zxcvbn-ts/language-common';
import * as fr from '@zxcvbn-ts/language-fr';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'src/modules/identity/data/common-passwords.txt');

// Words and patterns French users pick most often (CNIL and ANSSI awareness material,
// yearly "most used passwords in France" rankings), written without accents as typed.
const FRENCH_BASES = [
  // keyboard rows (AZERTY) and the unshifted digit row « &é"'(-è_çà »
  'azerty',
  'azertyuiop',
  'azertyui',
  'azer',
  'qsdfgh',
  'qsdfghjklm',
  'wxcvbn',
  'aqwzsx',
  'azeqsdwxc',
  'azertyqsdfgh',
  'azertyuiopqsdfghjklm',
  '&é"\'(-è_çà',
  '&é"\'(-',
  // "password" and friends
  'motdepasse',
  'mot2passe',
  'motdepass',
  'mdp',
  'monmotdepasse',
  'secret',
  'secrete',
  'confidentiel',
  'acces',
  'connexion',
  'utilisateur',
  'administrateur',
  'admin',
  'bienvenue',
  'bonjour',
  'salut',
  'coucou',
  'merci',
  'changeme',
  'changermoi',
  'achanger',
  'nouveau',
  'test',
  'essai',
  // affection, family, pets
  'jetaime',
  'jetaimetoi',
  'amour',
  'monamour',
  'mamour',
  'moncoeur',
  'toujours',
  'tresor',
  'doudou',
  'loulou',
  'chouchou',
  'chouquette',
  'choupette',
  'choupinette',
  'pupuce',
  'puce',
  'poupette',
  'bisous',
  'bisou',
  'cherie',
  'cheri',
  'bebe',
  'papa',
  'maman',
  'mamie',
  'papi',
  'famille',
  'enfants',
  'nounours',
  'minou',
  'minette',
  'chaton',
  'chat',
  'chien',
  'lapin',
  'canard',
  'titi',
  'toto',
  'tata',
  'tutu',
  'nenette',
  'biquette',
  'caramel',
  'chocolat',
  'doudoune',
  'princesse',
  'prince',
  'reine',
  'soleil',
  'etoile',
  'lune',
  'fleur',
  'papillon',
  'liberte',
  'vacances',
  'bretagne',
  'nature',
  'musique',
  'cheval',
  'tigre',
  'lion',
  'dragon',
  'pompier',
  'gendarme',
  // places and clubs
  'france',
  'paris',
  'marseille',
  'lyon',
  'lille',
  'toulouse',
  'bordeaux',
  'nantes',
  'nice',
  'rennes',
  'strasbourg',
  'montpellier',
  'allezlom',
  'olympiquedemarseille',
  'psg',
  'parissaintgermain',
  'ohlyon',
  'asse',
  'mairie',
  'commune',
  'village',
  // popular first names
  'nicolas',
  'camille',
  'olivier',
  'julien',
  'thomas',
  'maxime',
  'sebastien',
  'stephanie',
  'nathalie',
  'isabelle',
  'sylvie',
  'christophe',
  'frederic',
  'celine',
  'aurelie',
  'emilie',
  'laetitia',
  'caroline',
  'sandrine',
  'virginie',
  'marie',
  'pierre',
  'jean',
  'lea',
  'manon',
  'chloe',
  'emma',
  'lucas',
  'hugo',
  'louis',
  'jade',
  'ines',
  'mathis',
  // digits and sequences
  '123456789',
  '1234567890',
  '0123456789',
  '123123123',
  '000000000',
  '111111111',
  '987654321',
  '147258369',
  '159753',
  '741852963',
  'azerty123',
  '123azerty',
];

// Suffixes seen most often after a base word in French breach corpora.
const SUFFIXES = [
  '',
  '1',
  '12',
  '123',
  '1234',
  '12345',
  '123456',
  '01',
  '13',
  '69',
  '75',
  '!',
  '!!',
  '*',
  '.',
  '?',
  '123!',
  '2020',
  '2021',
  '2022',
  '2023',
  '2024',
  '2025',
  '2026',
];

const normalise = (entry) => String(entry).normalize('NFC').toLowerCase().trim();

function build() {
  const entries = new Set();
  const add = (entry) => {
    const value = normalise(entry);
    // At least 3 code points, no whitespace (so no entry can look like a "# " comment line).
    if ([...value].length >= 3 && !/\s/.test(value)) entries.add(value);
  };

  for (const base of FRENCH_BASES) for (const suffix of SUFFIXES) add(base + suffix);
  const french = entries.size;

  const frenchLists = Object.keys(fr.dictionary).filter((name) => name.startsWith('passwords'));
  for (const name of frenchLists) for (const entry of fr.dictionary[name]) add(entry);
  const afterFr = entries.size;

  for (const entry of common.dictionary['passwords-common']) add(entry);

  return {
    list: [...entries],
    counts: {
      french,
      frenchLists: frenchLists.join(', ') || 'aucune',
      fromFr: afterFr - french,
      fromCommon: entries.size - afterFr,
    },
  };
}

function render(list) {
  const header = [
    '# Mots de passe courants ou déjà divulgués, refusés par la politique de mots de passe.',
    '# Fichier généré par scripts/build-common-passwords.mjs : ne pas modifier à la main.',
    '# Sources : classiques français (avec suffixes courants) ; @zxcvbn-ts/language-common',
    '# « passwords-common » (MIT, https://github.com/zxcvbn-ts/zxcvbn).',
    '# Une entrée par ligne, en minuscules, normalisée NFC ; les lignes commençant par « # » et une espace',
    "# sont des commentaires (aucune entrée ne contient d'espace).",
  ];
  return `${header.join('\n')}\n${list.join('\n')}\n`;
}

async function main() {
  const { list, counts } = build();
  const text = render(list);
  if (process.argv.includes('--check')) {
    const current = await readFile(output, 'utf8').catch(() => '');
    if (current !== text) {
      console.error('build-common-passwords : common-passwords.txt est périmé, relancez le script.');
      return 1;
    }
    console.log(`build-common-passwords : à jour (${list.length} entrées).`);
    return 0;
  }
  await writeFile(output, text);
  console.log(
    `build-common-passwords : ${list.length} entrées écrites ` +
      `(classiques français ${counts.french}, listes fr « ${counts.frenchLists} » ${counts.fromFr}, ` +
      `zxcvbn passwords-common ${counts.fromCommon}).`,
  );
  return 0;
}

process.exitCode = await main();
