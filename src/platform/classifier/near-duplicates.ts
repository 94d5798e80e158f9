/**
 * Near-duplicate messages in labelled data: two messages whose sets of normalised terms (the
 * classifier's own view: accents and case folded, stop words dropped, light stemming) overlap
 * with a Jaccard index above a threshold. A near-duplicate makes a held-out or cross-validated
 * figure look better than it is (the same message on both sides of a split), so the training
 * files must not contain any, within a file or across files.
 *
 * Prefix filtering keeps it fast: terms ordered rarest first, two sets can only reach the
 * threshold if they share a term among the first |A| − ⌈t·|A|⌉ + 1 of each.
 */
import { tokenize } from './tokenize.js';

export interface NearDuplicate {
  a: number;
  b: number;
  jaccard: number;
}

export function termSet(text: string): string[] {
  return [...new Set(tokenize(text).map((t) => t.term))];
}

export function jaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  const set = new Set(a);
  let shared = 0;
  for (const t of b) if (set.has(t)) shared += 1;
  return shared / (a.length + b.length - shared);
}

/** Every pair of texts (indices) whose term sets have a Jaccard index strictly above `threshold`. */
export function nearDuplicates(texts: readonly string[], threshold = 0.8): NearDuplicate[] {
  const sets = texts.map(termSet);
  const frequency = new Map<string, number>();
  for (const s of sets) for (const t of s) frequency.set(t, (frequency.get(t) ?? 0) + 1);
  const ordered = sets.map((s) =>
    s.slice().sort((x, y) => frequency.get(x)! - frequency.get(y)! || (x < y ? -1 : x > y ? 1 : 0)),
  );
  const index = new Map<string, number[]>();
  const found: NearDuplicate[] = [];
  ordered.forEach((s, i) => {
    if (s.length === 0) return;
    const prefix = s.length - Math.ceil(threshold * s.length) + 1;
    const candidates = new Set<number>();
    for (const t of s.slice(0, prefix)) for (const j of index.get(t) ?? []) candidates.add(j);
    for (const j of candidates) {
      const score = jaccard(s, ordered[j]!);
      if (score > threshold) found.push({ a: j, b: i, jaccard: score });
    }
    for (const t of s.slice(0, prefix)) {
      const list = index.get(t) ?? [];
      list.push(i);
      index.set(t, list);
    }
  });
  return found;
}
