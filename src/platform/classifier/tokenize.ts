/**
 * French text normalisation for the request classifier: words are lower-cased, stripped of
 * accents and ligatures, cut at apostrophes (so elisions l'/d'/qu'/j' fall away as stop words),
 * SMS abbreviations are expanded, stop words removed and a light suffix stripper folds plural,
 * feminine and common derivational endings ("écoles", "école", "Ecole" → "ecol").
 *
 * Every token keeps its position in the original text, so the classifier can explain a decision
 * with the citizen's own words ("acte de naissance", not "acte naiss").
 */

/** A kept word: its normalised form (the feature) and where it is in the original text. */
export interface Token {
  /** Normalised and stemmed form, e.g. "naiss". */
  term: string;
  /** The word as written, e.g. "naissance". */
  surface: string;
  /** Offsets in the original text: text.slice(start, end) === surface. */
  start: number;
  end: number;
  /** Index of the sentence (split at . ! ? ; and line breaks): bigrams never cross one. */
  sentence: number;
}

/** A feature of a text (a unigram or a bigram of terms) and the original words behind it. */
export interface Feature {
  /** "naiss" for a unigram, "acte naiss" for a bigram (terms never contain spaces). */
  key: string;
  /** Readable original form: "naissance", "acte de naissance". */
  surface: string;
  /** Indices into the token list that this feature covers (one or two). */
  tokens: number[];
}

export interface FeatureOptions {
  /** Add bigrams of consecutive kept words in the same sentence (default true). */
  bigrams?: boolean;
  /** Add character n-grams of this length inside each kept word's stem (0 = none, the default): robust to typos. */
  charGrams?: number;
  /**
   * Add character n-grams of every length in [min, max] of each kept word as written, accent-
   * and case-folded, not stemmed, between word-boundary marks ("<lampa", "adair", "aire>"):
   * robust to typos, missing accents and SMS spellings that stemming does not fold.
   */
  wordGrams?: readonly [number, number];
}

/** Longer texts are cut: classification time stays bounded whatever a form receives. */
export const MAX_TEXT_LENGTH = 5000;

/** Lower case, no accents, no ligatures, compatibility forms folded ("m²" → "m2"). */
export function normalizeWord(word: string): string {
  return word
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss');
}

/**
 * Common French stop words (articles, pronouns, prepositions, auxiliaries, greetings and
 * politeness formulas), in normalised form. They say nothing about the service a request is for.
 * Single letters are dropped anyway (elided l', d', j', s'…).
 */
const STOP_WORDS = new Set(
  `a ai aie aient aies ait as au aucun aucune aupres aura aurai auraient aurais aurait auras aux avaient avais avait
  avant avec avez aviez avions avoir avons ayant bah beaucoup bien bon bonne bonjour bonsoir ca car ce ceci cela celle celles
  celui cependant certain certaine certains ces cet cette ceux chaque chez ci combien comme comment concernant
  cordialement contre dans de depuis des deja desormais deux doit doivent donc dont du elle elles en encore entre
  es est et etaient etais etait etant ete etes etre eu eux faire fais fait faites faut fois hui ici il ils j je jusqu
  jusque la le les leur leurs lors lorsqu lorsque lui ma madame mais me meme memes merci mes messieurs mademoiselle
  moi mon monsieur ne ni non nos notre nous on ont ou oui par parce pas peu peut peuvent peux plus plutot pour pourquoi
  pourrais pourrait pourriez pouvez pouvons puis puisqu puisque qu quand que quel quelle quelles quels qui quoi
  remercie remerciant sa salut salutations sans se sera serai seraient serais serait seront ses si sien sienne
  soit sommes son sont souhaite souhaiterais souhaiterait souhaitons suis sur svp stp ta te tes toi ton toujours tous tout
  toute toutes tres tu un une unes uns vais veuillez veut veux voila voici vont vos votre voudrais voudrait voudrions
  voulons vous vu y aujourd cordialement ok oui aussi alors ainsi bref enfin voir savoir dire besoin aimerais aimerait
  voudrai possible normal quelqu quelque chose`.split(/\s+/),
);

/** SMS spellings and abbreviations, in normalised form → their written words (each still filtered). */
const SMS: Record<string, string> = {
  bjr: 'bonjour',
  bsr: 'bonsoir',
  slt: 'salut',
  cc: 'salut',
  pr: 'pour',
  ds: 'dans',
  ki: 'qui',
  koi: 'quoi',
  kan: 'quand',
  qd: 'quand',
  pk: 'pourquoi',
  pq: 'pourquoi',
  pcq: 'parce',
  bcp: 'beaucoup',
  tjs: 'toujours',
  tjrs: 'toujours',
  mtn: 'maintenant',
  rdv: 'rendez',
  pb: 'probleme',
  pbm: 'probleme',
  jveux: 'veux',
  jvoudrais: 'voudrais',
  jsuis: 'suis',
  jsais: 'sais',
  chui: 'suis',
  g: 'ai',
  c: 'est',
  jai: 'ai',
  ya: 'y',
  dc: 'donc',
  tt: 'tout',
  tte: 'toute',
  vs: 'vous',
  nn: 'non',
  dsl: 'desole',
  mr: 'monsieur',
  mme: 'madame',
};

/** Irregular forms the suffix stripper would not fold together. */
const IRREGULAR: Record<string, string> = {
  travaux: 'travail',
  yeux: 'oeil',
  cieux: 'ciel',
};

/** Endings removed once, longest first, when at least three letters remain. */
const SUFFIXES = [
  'issements',
  'issement',
  'ements',
  'ement',
  'ations',
  'ation',
  'atrices',
  'atrice',
  'ateurs',
  'ateur',
  'ances',
  'ance',
  'ences',
  'ence',
  'ments',
  'ment',
  'euses',
  'euse',
  'ismes',
  'isme',
  'istes',
  'iste',
  'iques',
  'ique',
  'ables',
  'able',
  'ibles',
  'ible',
  'ions',
  'ion',
  'ives',
  'ive',
  'eux',
  'ees',
  'ee',
  'ant',
  'ent',
  'ais',
  'ait',
  'er',
  'ez',
  'if',
  'es',
  'e',
].sort((a, b) => b.length - a.length);

/**
 * A light French stemmer on a normalised word: plural (s, x, -aux → -al, -eaux → -eau), then one
 * derivational or inflectional ending. Deliberately minimal and predictable: it only has to map
 * the forms a citizen is likely to write for the same idea onto one feature.
 */
export function stem(word: string): string {
  const irregular = IRREGULAR[word];
  if (irregular) return irregular;
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('eaux')) w = w.slice(0, -1);
  else if (w.endsWith('aux') && w.length > 4) w = `${w.slice(0, -3)}al`;
  else if ((w.endsWith('s') && !w.endsWith('ss')) || w.endsWith('x')) w = w.slice(0, -1);
  for (const suffix of SUFFIXES) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  return w;
}

const WORD = /[\p{L}\p{N}\u00B2\u00B3]+/gu;
const SENTENCE_BREAK = /[.!?;\n\r]/;

/**
 * The kept words of a text, in order: normalised, SMS forms expanded, stop words and numbers
 * dropped, stemmed. Never throws; an empty or meaningless text gives an empty list.
 */
export function tokenize(text: string): Token[] {
  const source = text.length > MAX_TEXT_LENGTH ? text.slice(0, MAX_TEXT_LENGTH) : text;
  const tokens: Token[] = [];
  let sentence = 0;
  let last = 0;
  for (const match of source.matchAll(WORD)) {
    const start = match.index;
    const surface = match[0];
    if (SENTENCE_BREAK.test(source.slice(last, start))) sentence += 1;
    last = start + surface.length;
    for (const term of terms(surface)) tokens.push({ term, surface, start, end: last, sentence });
  }
  return tokens;
}

/** The terms of one written word (usually one, none for a stop word or a number). */
function terms(surface: string): string[] {
  let word = normalizeWord(surface);
  // "8m2", "3eme", "15h": a quantity glued to a unit — keep the unit.
  word = word.replace(/^\d+(?=[a-z])/, '');
  const expanded = SMS[word] ?? word;
  const out: string[] = [];
  for (const part of expanded.split(' ')) {
    if (part.length < 2 || /^\d+$/.test(part) || STOP_WORDS.has(part)) continue;
    out.push(stem(part));
  }
  return out;
}

/** Unigrams, and bigrams of consecutive kept words of the same sentence, with their original words. */
export function extractFeatures(text: string, options: FeatureOptions = {}): Feature[] {
  const source = text.length > MAX_TEXT_LENGTH ? text.slice(0, MAX_TEXT_LENGTH) : text;
  const tokens = tokenize(source);
  const features: Feature[] = tokens.map((t, i) => ({ key: t.term, surface: t.surface, tokens: [i] }));
  if (options.bigrams ?? true) {
    for (let i = 0; i + 1 < tokens.length; i++) {
      const a = tokens[i]!;
      const b = tokens[i + 1]!;
      if (a.sentence !== b.sentence || a.start === b.start) continue;
      features.push({ key: `${a.term} ${b.term}`, surface: bigramSurface(source, a, b), tokens: [i, i + 1] });
    }
  }
  const n = options.charGrams ?? 0;
  if (n > 0) {
    tokens.forEach((t, i) => {
      const padded = `<${t.term}>`;
      if (padded.length <= n) return;
      for (let j = 0; j + n <= padded.length; j++)
        features.push({ key: `#${padded.slice(j, j + n)}`, surface: t.surface, tokens: [i] });
    });
  }
  if (options.wordGrams) {
    const [min, max] = options.wordGrams;
    let previousStart = -1;
    tokens.forEach((t, i) => {
      if (t.start === previousStart) return; // an SMS form expanded into several terms: one written word
      previousStart = t.start;
      const padded = `<${normalizeWord(t.surface)}>`;
      for (let n = min; n <= max; n++) {
        if (padded.length <= n) break;
        for (let j = 0; j + n <= padded.length; j++)
          features.push({ key: `~${padded.slice(j, j + n)}`, surface: t.surface, tokens: [i] });
      }
    });
  }
  return features;
}

/** "acte de naissance" when the words are close in the text, "acte … naissance" otherwise. */
function bigramSurface(text: string, a: Token, b: Token): string {
  const span = text.slice(a.start, b.end);
  return span.length <= 40 ? span.replace(/\s+/g, ' ') : `${a.surface} … ${b.surface}`;
}
