/**
 * The contacts directory's deduplication keys (pure): the same sender written « M. Jean-Pierre
 * DUPONT » on one letter and « Dupont Jean Pierre » on the next is one contact when the e-mail
 * or the postal address also agrees. Names are compared without case, accents, punctuation,
 * civilities or word order; addresses without case, accents, punctuation, and with the usual
 * abbreviations of street types spelled out.
 */

const CIVILITIES = new Set(['m', 'mr', 'mme', 'mlle', 'monsieur', 'madame', 'mademoiselle', 'dr', 'me', 'docteur']);

const STREET_WORDS: Record<string, string> = {
  av: 'avenue',
  ave: 'avenue',
  bd: 'boulevard',
  bld: 'boulevard',
  bvd: 'boulevard',
  ch: 'chemin',
  chem: 'chemin',
  pl: 'place',
  r: 'rue',
  rte: 'route',
  imp: 'impasse',
  all: 'allee',
  st: 'saint',
  ste: 'sainte',
  fg: 'faubourg',
  fbg: 'faubourg',
};

function words(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
}

/** The name as compared: « dupont jean pierre » for « M. Jean-Pierre DUPONT ». */
export function nameKey(name: string): string {
  const kept = words(name).filter((w) => !CIVILITIES.has(w));
  return (kept.length ? kept : words(name)).sort().join(' ');
}

/** The postal address as compared: « 12 rue victor hugo 44000 nantes » for « 12, r. Victor-Hugo\n44000 NANTES ». */
export function postalKey(address: string): string {
  return words(address)
    .map((w) => STREET_WORDS[w] ?? w)
    .join(' ');
}

export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** Whether a directory entry is the sender just typed (same name, and same e-mail or same address). */
export function sameContact(
  known: { nameKey: string; email: string | null; postalKey: string | null },
  typed: { name: string; email: string | null; postalAddress: string | null },
): boolean {
  if (known.nameKey !== nameKey(typed.name)) return false;
  if (typed.email && known.email && emailKey(typed.email) === emailKey(known.email)) return true;
  if (typed.postalAddress && known.postalKey && postalKey(typed.postalAddress) === known.postalKey) return true;
  return false;
}
