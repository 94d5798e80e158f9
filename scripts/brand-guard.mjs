#!/usr/bin/env node
// Brand guard: GOV.UK-restricted marks (GDS Transport, crown, crest, logotype,
// GOV.UK icons, "Crown copyright") and the State's DSFR must never reach what
// Guichet serves. Run on the compiled CSS by build-assets.mjs and on rendered
// HTML by the tests. Usage: node scripts/brand-guard.mjs FILE...
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

/** Patterns that must not appear in served CSS or HTML, with a label. */
const RESTRICTED_MARKS = [
  ['GDS Transport', /GDS[\s_-]*Transport/i],
  ['govuk-crest', /govuk-crest/i],
  ['govuk-logo', /govuk-logo/i],
  ['__logotype', /__logotype/i],
  ['__crown', /__crown/i],
  ['Crown copyright', /Crown\s+copyright/i],
  ['/assets/fonts', /\/assets\/fonts/i],
  ['/assets/images', /\/assets\/images/i],
  ['govuk-icon', /govuk-icon/i],
  ['govuk-opengraph', /govuk-opengraph/i],
  ['dsfr', /dsfr/i],
  ['Marianne', /Marianne/],
];

/**
 * Returns one line per restricted mark found in `text` ("label (×count)"),
 * or an empty array when the text is clean.
 * @param {string} text
 * @returns {string[]}
 */
export function findRestrictedBrandMarks(text) {
  const found = [];
  for (const [label, pattern] of RESTRICTED_MARKS) {
    const count = text.match(new RegExp(pattern.source, `${pattern.flags}g`))?.length ?? 0;
    if (count > 0) found.push(`${label} (×${count})`);
  }
  return found;
}

async function main(paths) {
  if (paths.length === 0) {
    console.error('Usage : node scripts/brand-guard.mjs FICHIER...');
    return 2;
  }
  let failed = false;
  for (const path of paths) {
    const matches = findRestrictedBrandMarks(await readFile(path, 'utf8'));
    if (matches.length > 0) {
      failed = true;
      console.error(`${path}: marques réservées trouvées : ${matches.join(', ')}`);
    }
  }
  if (!failed) console.log(`brand-guard : ${paths.length} fichier(s) vérifié(s), aucune marque réservée.`);
  return failed ? 1 : 0;
}

if (process.argv[1] && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url) {
  process.exitCode = await main(process.argv.slice(2));
}
