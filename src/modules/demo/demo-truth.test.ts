/**
 * The demo tells the truth about itself (issue 19): its communes' own addresses pass the
 * postcode rule citizens are held to, and the ready démarches promise what the law says.
 */
import { describe, expect, it } from 'vitest';
import { FORM_LIBRARY, isPostcode } from '../forms/index.js';
import { DEMO_COMMUNES } from './seed.js';

describe('the demo communes’ own data', () => {
  it.each(DEMO_COMMUNES.map((c) => [c.name, c.address ?? '']))(
    '%s has a postcode the app accepts',
    (_name, address) => {
      const postcode = /\b(\d{5})\b/.exec(address)?.[1];
      expect(postcode, address).toBeDefined();
      expect(isPostcode(postcode!)).toBe(true);
    },
  );
});

describe('the ready démarches’ legal statements', () => {
  it('every démarche names the texts it rests on', () => {
    for (const form of FORM_LIBRARY) {
      expect(form.definition.legalBasis, form.slug).toMatch(/(article|articles) (L\.|R\.|\d)/);
    }
  });

  it('the electoral roll promises the five days of code électoral L. 18, not thirty', () => {
    const roll = FORM_LIBRARY.find((f) => f.slug === 'inscription-liste-electorale')!;
    expect(roll.processingDays).toBe(5);
    expect(roll.definition.legalBasis).toContain('L.\u00a018');
    expect(roll.definition.legalBasis).toContain('cinq jours');
  });

  it('the road report names no service a commune may not have', () => {
    const report = FORM_LIBRARY.find((f) => f.slug === 'signalement-voirie')!;
    expect(JSON.stringify(report.definition)).not.toContain('services techniques');
  });
});
