import { describe, expect, it } from 'vitest';
import { type GridForm, parseBrackets, parseGridForm, parseRatePercent } from './grid-form.js';
import { readSimulation, type SimulationQuery } from './simulation.js';

const form = (overrides: Partial<GridForm> = {}): GridForm => ({
  model: 'brackets',
  brackets: '0 à 622 : 1,00\n623 à 1 000 : 3,30\n1001 - 1500 : 3,40\n1 501 et plus : 3,50',
  rate: '',
  floor: '',
  ceiling: '',
  nonResident: '',
  missingQf: 'highest',
  siblingReduction: '',
  costPerUser: '8,00',
  oneEuroCanteen: 'oui',
  validFromDay: '1',
  validFromMonth: '9',
  validFromYear: '2026',
  source: 'Délibération n° 2026-041 du 12 juin 2026',
  ...overrides,
});

describe('a grid typed by an administrator', () => {
  it('reads brackets as people write them', () => {
    expect(parseBrackets('0 à 622 : 1,00\n\n623–1\u202f000 : 3,3\nà partir de 1001 : 3,40 €')).toEqual({
      brackets: [
        { fromQf: 0, toQf: 622, priceCents: 100 },
        { fromQf: 623, toQf: 1000, priceCents: 330 },
        { fromQf: 1001, toQf: null, priceCents: 340 },
      ],
    });
  });

  it.each([
    ['', 'Saisissez les tranches'],
    ['0 à 622 : 1,00\nbeaucoup : 3', 'Ligne 2 :'],
    ['0 à 622 : un euro', 'Ligne 1 :'],
  ])('names the line it cannot read in %j', (text, message) => {
    const parsed = parseBrackets(text);
    expect('error' in parsed && parsed.error).toContain(message);
  });

  it.each([
    ['0,36', 3600],
    ['0.36 %', 3600],
    ['1', 10_000],
    ['0,365', 3650],
  ])('reads the effort rate « %s » as %i millionths', (text, ppm) => {
    expect(parseRatePercent(text)).toBe(ppm);
  });

  it.each(['', '-1', 'un', '0,12345', '150'])('refuses the rate « %s »', (text) => {
    expect(parseRatePercent(text)).toBeUndefined();
  });

  it('reads a whole brackets form, then an effort-rate form', () => {
    const brackets = parseGridForm(form());
    expect(brackets).toMatchObject({
      ok: true,
      grid: { validFrom: '2026-09-01', source: 'Délibération n° 2026-041 du 12 juin 2026' },
    });
    const effort = parseGridForm(
      form({
        model: 'effort',
        brackets: '',
        rate: '0,36',
        floor: '2,60',
        ceiling: '4,50',
        oneEuroCanteen: '',
        nonResident: '5,20',
        missingQf: 'non-resident',
      }),
    );
    expect(effort.ok && effort.grid.rules).toEqual({
      model: { kind: 'effort', ratePpm: 3600, floorCents: 260, ceilingCents: 450 },
      nonResidentPriceCents: 520,
      missingQf: 'non-resident',
      siblingReductionPercent: 0,
      costPerUserCents: 800,
      oneEuroCanteen: false,
    });
  });

  it.each([
    ['no model', { model: '' }, 'model'],
    ['a date that does not exist', { validFromDay: '31', validFromMonth: '2' }, 'validFrom'],
    ['no délibération', { source: '  ' }, 'source'],
    ['a price above the cost per user', { costPerUser: '3,00' }, 'brackets'],
    ['a reduction in words', { siblingReduction: 'dix' }, 'siblingReduction'],
    ['the non-resident price when none is set', { missingQf: 'non-resident' }, 'missingQf'],
    ['an amount in words', { nonResident: 'cinq euros' }, 'nonResident'],
    [
      'the 1 € bracket above QF 1 000',
      { brackets: '0 à 1100 : 1\n1101 à 1500 : 3,40\n1501 et plus : 3,50' },
      'oneEuroCanteen',
    ],
  ])('refuses %s, on its field, in French', (_name, overrides, field) => {
    const parsed = parseGridForm(form(overrides));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors[field]).toMatch(/^[A-ZÀ-Ü]/);
  });
});

describe('the simulator’s question', () => {
  const query = (overrides: Partial<SimulationQuery>): SimulationQuery => ({
    qfConnu: '',
    qf: '',
    couple: '',
    enfants: '',
    enfantsAeeh: '',
    revenus: '',
    prestations: '',
    residence: 'oui',
    ...overrides,
  });

  it('takes a known QF as it is', () => {
    expect(readSimulation(query({ qfConnu: 'oui', qf: '1 047' }))).toEqual({
      ok: true,
      simulation: { qf: 1047, quotient: null, resident: true },
    });
  });

  it('computes the QF of example E1 from the household', () => {
    const read = readSimulation(
      query({
        qfConnu: 'non',
        couple: 'oui',
        enfants: '2',
        enfantsAeeh: '',
        revenus: '36 000',
        prestations: '142',
        residence: 'non',
      }),
    );
    expect(read.ok && read.simulation).toMatchObject({
      qf: 1047,
      resident: false,
      quotient: { halfParts: 6, exactCents: 104_733 },
    });
  });

  it.each([
    ['nothing', query({ residence: '' }), ['qfConnu', 'residence']],
    ['a QF in words', query({ qfConnu: 'oui', qf: 'mille' }), ['qf']],
    [
      'more AEEH children than children',
      query({ qfConnu: 'non', couple: 'oui', enfants: '1', enfantsAeeh: '2', revenus: '1000' }),
      ['enfantsAeeh'],
    ],
    ['16 children', query({ qfConnu: 'non', couple: 'non', enfants: '16', revenus: '1000' }), ['enfants']],
    ['negative resources', query({ qfConnu: 'non', couple: 'non', enfants: '1', revenus: '-5' }), ['revenus']],
  ])('refuses %s with French messages on the fields', (_name, q, fields) => {
    const read = readSimulation(q);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(Object.keys(read.errors).sort()).toEqual([...fields].sort());
  });
});
