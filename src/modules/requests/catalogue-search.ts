/**
 * The démarches catalogue's search: every word typed must be found in a démarche's title,
 * category or summary — directly, or through the everyday words people use for what the
 * démarches name (« lampadaire » for « éclairage », « trou » for « chaussée »…). Small French
 * words (« de », « la »…) do not count. The table below is data: add a line, not code.
 */

/**
 * Everyday words or expressions (folded: lower case, no accents, singular) and what they mean in
 * the démarches' texts.
 */
export const EVERYDAY_WORDS: ReadonlyArray<{ words: readonly string[]; means: readonly string[] }> = [
  {
    words: ['lampadaire', 'reverbere', 'lampe', 'lumiere', 'ampoule', 'eclairage', 'noir'],
    means: ['eclairage', 'voie publique'],
  },
  {
    words: ['nid de poule', 'nids de poule'],
    means: ['nid-de-poule', 'voie publique'],
  },
  {
    words: ['trou', 'crevasse', 'fissure', 'bosse', 'goudron', 'bitume', 'route', 'chaussee'],
    means: ['chaussee', 'nid-de-poule', 'voie publique'],
  },
  {
    words: ['tag', 'graffiti', 'graff', 'proprete', 'sale', 'salete'],
    means: ['proprete', 'depot sauvage', 'voie publique'],
  },
  {
    words: ['poubelle', 'ordure', 'dechet', 'detritus', 'encombrant', 'decharge', 'gravat', 'crotte'],
    means: ['proprete', 'depot sauvage'],
  },
  { words: ['panneau', 'signalisation', 'feu', 'stop'], means: ['panneau', 'voie publique'] },
  {
    words: ['trottoir', 'rue', 'voirie', 'caniveau', 'egout', 'avaloir'],
    means: ['trottoir', 'voie publique', 'voirie'],
  },
  { words: ['vote', 'voter', 'electeur', 'election', 'electoral', 'scrutin'], means: ['liste electorale', 'voter'] },
  { words: ['naissance', 'ne', 'nee', 'bebe'], means: ['naissance'] },
  { words: ['deces', 'decede', 'mort'], means: ['deces'] },
  { words: ['fete', 'anniversaire', 'soiree', 'louer', 'location'], means: ['salle', 'fete'] },
  {
    words: ['travaux', 'chantier', 'demenagement', 'benne', 'echafaudage'],
    means: ['chantier', 'benne', 'echafaudage'],
  },
  {
    words: ['question', 'renseignement', 'information', 'message', 'ecrire', 'joindre'],
    means: ['question', 'contacter'],
  },
];

/** Words that carry no meaning in a search. */
const SMALL_WORDS = new Set(
  'a au aux avec ce ces d dans de des du en est et il j je l la le les ma mes mon ne ou par pas pour qu que qui sa se ses son sur un une y'.split(
    ' ',
  ),
);

/** Lower case without accents (œ → oe, æ → ae). */
export function foldForSearch(text: string): string {
  return text
    .replace(/œ/gi, 'oe')
    .replace(/æ/gi, 'ae')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** « lampadaires » → « lampadaire », « travaux » stays (listed as it is). */
function singular(word: string): string {
  return word.length > 3 && /[sx]$/.test(word) ? word.slice(0, -1) : word;
}

const MEANINGS = new Map<string, readonly string[]>();
for (const entry of EVERYDAY_WORDS) {
  for (const word of entry.words) MEANINGS.set(word, [...(MEANINGS.get(word) ?? []), ...entry.means]);
}

const PHRASES = [...MEANINGS.keys()].filter((w) => w.includes(' ')).sort((a, b) => b.length - a.length);

/** For each meaningful word of the query, what may stand for it in a démarche's text. */
export function searchTerms(query: string): string[][] {
  let folded = ` ${foldForSearch(query)
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)
    .join(' ')} `;
  // Expressions first (« nid de poule »): one term, not three words.
  const terms: string[][] = [];
  for (const phrase of PHRASES) {
    if (folded.includes(` ${phrase} `)) {
      terms.push([phrase, ...MEANINGS.get(phrase)!]);
      folded = folded.replace(` ${phrase} `, ' ');
    }
  }
  const all = folded.split(' ').filter((w) => w.length > 0);
  const meaningful = all.filter((w) => !SMALL_WORDS.has(w));
  const words = terms.length > 0 || meaningful.length > 0 ? meaningful : all;
  return [...terms, ...words.map((word) => [word, ...(MEANINGS.get(word) ?? MEANINGS.get(singular(word)) ?? [])])];
}

/** Whether a démarche's text (title, category, summary) answers the query. */
export function matchesCatalogue(query: string, text: string): boolean {
  const haystack = foldForSearch(text);
  return searchTerms(query).every((alternatives) => alternatives.some((term) => haystack.includes(term)));
}
