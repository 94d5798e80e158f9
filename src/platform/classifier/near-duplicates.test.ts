import { describe, expect, it } from 'vitest';
import { competenceExamples } from './competences.js';
import { jaccard, nearDuplicates, termSet } from './near-duplicates.js';

describe('near-duplicate detection', () => {
  it.each([
    // a, b, near-duplicates at 0.8?
    ['Mon lampadaire est éteint', 'mon lampadaire est eteint !!', true],
    ['Poubelles pas ramassées rue des Lilas', 'poubelle pas ramassee rue des lilas svp', true],
    ['acte de naissance pour mon fils', 'Acte de naissance de mon fils, SVP', true],
    ['Le lampadaire devant chez moi est éteint', 'Le lampadaire devant l’école clignote la nuit', false],
    ['acte de naissance', 'acte de décès', false],
  ] as const)('« %s » / « %s » → %s', (a, b, expected) => {
    expect(nearDuplicates([a, b]).length > 0).toBe(expected);
  });

  it('finds every pair above the threshold, as a brute-force comparison does', () => {
    const texts = competenceExamples()
      .slice(0, 400)
      .map((e) => e.text);
    const variants = [...texts, ...texts.slice(0, 40).map((t) => `${t} merci`)];
    const sets = variants.map(termSet);
    const brute: string[] = [];
    for (let i = 0; i < variants.length; i++)
      for (let j = i + 1; j < variants.length; j++)
        if (sets[i]!.length > 0 && sets[j]!.length > 0 && jaccard(sets[i]!, sets[j]!) > 0.8) brute.push(`${i}-${j}`);
    const found = nearDuplicates(variants).map((d) => `${Math.min(d.a, d.b)}-${Math.max(d.a, d.b)}`);
    expect(found.sort()).toEqual(brute.sort());
    expect(found.length).toBeGreaterThanOrEqual(40);
  });
});

describe('the training files', () => {
  it('hold no near-duplicate messages, within a file or across files (term-set Jaccard > 0.8)', () => {
    const examples = competenceExamples();
    const pairs = nearDuplicates(examples.map((e) => e.text)).map(
      (d) =>
        `${examples[d.a]!.serviceSlug}: « ${examples[d.a]!.text} » ~ ${examples[d.b]!.serviceSlug}: « ${examples[d.b]!.text} » (${d.jaccard.toFixed(2)})`,
    );
    expect(pairs).toEqual([]);
  });

  it('hold no message without any meaningful word', () => {
    const empty = competenceExamples().filter((e) => termSet(e.text).length === 0);
    expect(empty.map((e) => `${e.serviceSlug}: ${e.text}`)).toEqual([]);
  });
});
