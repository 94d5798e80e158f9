/**
 * The savings and ROI model (issue 16 §3), table-driven with worked examples: each lever's saving
 * is activity × the difference of the unit costs; agent hours in FTE over 1 607 h (décret
 * n° 2000-815, art. 1er); the investment apart from the running cost; the payback period.
 */
import { describe, expect, it } from 'vitest';
import {
  ASSUMPTIONS,
  checkAssumption,
  defaultAssumptions,
  leverSavings,
  parseAmount,
  paybackSchedule,
} from './savings.js';

describe('lever savings', () => {
  it.each([
    {
      name: 'defaults: 1 000 LRE × (4,50 − 2) €; 1 607 online requests × 12 min = 321,4 h = 0,2 FTE',
      change: {},
      activity: { electronicLetters: 1000, onlineRequests: 1607, electronicConvocations: null },
      lre: 2500,
      requests: 321.4 * 30,
      hours: 321.4,
      fte: 0.2,
      council: 8 * 23 * 11.5,
      estimated: true,
    },
    {
      name: 'a dearer paper letter (5 €) and a cheaper LRE (1 €): 4 € a letter',
      change: { 'lre.paper_cost': 5, 'lre.electronic_cost': 1 },
      activity: { electronicLetters: 250, onlineRequests: 0, electronicConvocations: null },
      lre: 1000,
      requests: 0,
      hours: 0,
      fte: 0,
      council: 8 * 23 * 11.5,
      estimated: true,
    },
    {
      name: 'an LRE dearer than paper: a negative saving, shown as such',
      change: { 'lre.paper_cost': 1, 'lre.electronic_cost': 3, 'council.sessions': 0 },
      activity: { electronicLetters: 10, onlineRequests: 60, electronicConvocations: null },
      lre: -20,
      requests: 60 * 12 * 0.5,
      hours: 12,
      fte: 12 / 1607,
      council: 0,
      estimated: true,
    },
    {
      name: 'no module publishes the activity: no saving (not zero)',
      change: {},
      activity: { electronicLetters: null, onlineRequests: null, electronicConvocations: null },
      lre: null,
      requests: null,
      hours: null,
      fte: null,
      council: 8 * 23 * 11.5,
      estimated: true,
    },
    {
      name: 'the council sent 150 convocations by e-mail: those, not sessions × members',
      change: { 'council.sessions': 12 },
      activity: { electronicLetters: 0, onlineRequests: 0, electronicConvocations: 150 },
      lre: 0,
      requests: 0,
      hours: 0,
      fte: 0,
      council: 150 * 11.5,
      estimated: false,
    },
    {
      name: 'every convocation went by post: no council saving',
      change: {},
      activity: { electronicLetters: 0, onlineRequests: 0, electronicConvocations: 0 },
      lre: 0,
      requests: 0,
      hours: 0,
      fte: 0,
      council: 0,
      estimated: false,
    },
  ])('$name', ({ change, activity, lre, requests, hours, fte, council, estimated }) => {
    const [l, r, c] = leverSavings({ ...defaultAssumptions(), ...change }, activity);
    const near = (value: number | null | undefined, expected: number | null) =>
      expected === null ? expect(value).toBeNull() : expect(value).toBeCloseTo(expected, 6);
    near(l!.euros, lre);
    near(r!.euros, requests);
    near(r!.hours, hours);
    near(r!.fte, fte);
    near(c!.euros, council);
    expect(c!.estimated).toBe(estimated);
  });
});

describe('payback over several years, investment and operating sections apart', () => {
  it.each([
    { investment: 15000, savings: 10000, operating: 4000, payback: 2.5, cumulative: [-9000, -3000, 3000, 9000, 15000] },
    {
      investment: 12000,
      savings: 4000,
      operating: 4000,
      payback: null,
      cumulative: [-12000, -12000, -12000, -12000, -12000],
    },
    { investment: 0, savings: 5000, operating: 1000, payback: 0, cumulative: [4000, 8000, 12000, 16000, 20000] },
    {
      investment: 6000,
      savings: 1000,
      operating: 3000,
      payback: null,
      cumulative: [-8000, -10000, -12000, -14000, -16000],
    },
  ])('invest $investment, save $savings a year, run at $operating a year → payback $payback', (c) => {
    const { lines, paybackYears } = paybackSchedule(c.investment, c.savings, c.operating, 5);
    expect(paybackYears === null ? null : Number(paybackYears.toFixed(6))).toBe(c.payback);
    expect(lines.map((l) => l.cumulative)).toEqual(c.cumulative);
    expect(lines.map((l) => l.investment)).toEqual([c.investment, 0, 0, 0, 0]);
    expect(lines.every((l) => l.operatingCost === c.operating && l.savings === c.savings)).toBe(true);
  });
});

describe('assumptions typed by the DGS', () => {
  it.each([
    ['4,50', 4.5],
    ['4.5', 4.5],
    ['15 000', 15000],
    ['15\u202f000,00', 15000],
    ['3 €', 3],
    ['-2', null],
    ['quatre', null],
    ['1e3', null],
    ['', null],
  ])('parseAmount(%j) → %s', (text, value) => {
    expect(parseAmount(text)).toBe(value);
  });

  const paper = ASSUMPTIONS.find((a) => a.key === 'lre.paper_cost')!;
  const sessions = ASSUMPTIONS.find((a) => a.key === 'council.sessions')!;
  it.each([
    [paper, '4,80', { value: 4.8 }],
    [paper, '', { error: 'Indiquez une valeur pour « Lettre recommandée papier avec avis de réception ».' }],
    [
      paper,
      'cher',
      { error: '« Lettre recommandée papier avec avis de réception » doit être un nombre positif, par exemple 4,5.' },
    ],
    [
      paper,
      '150',
      { error: '« Lettre recommandée papier avec avis de réception » doit être compris entre 0 et 100 €.' },
    ],
    [sessions, '8,5', { error: '« Séances du conseil municipal par an » doit être un nombre entier.' }],
    [sessions, '12', { value: 12 }],
  ])('assumption case %#', (def, text, expected) => {
    expect(checkAssumption(def, text)).toEqual(expected);
  });

  it('every default is within its bounds and has a source', () => {
    for (const a of ASSUMPTIONS) {
      expect(checkAssumption(a, String(a.defaultValue).replace('.', ','))).toEqual({ value: a.defaultValue });
      expect(a.source.length).toBeGreaterThan(10);
    }
  });
});
