/** The parapheur's domain rules, with worked examples and their boundaries. */
import { describe, expect, it } from 'vitest';
import { parseEuros } from '../../platform/money.js';
import {
  capacityLine,
  DEFAULT_CIRCUITS,
  delegationApplies,
  isStepComplete,
  type StepTemplate,
  selectCircuit,
} from './circuits.js';

/** « visa:chef_service » for each step, to read circuits at a glance. */
const shape = (steps: StepTemplate[]) =>
  steps.map((s) => `${s.kind}:${s.actors.map((a) => ('function' in a ? a.function : a.accountId)).join('+')}`);

describe('automatic choice of the circuit', () => {
  const threshold = 500_000; // 5 000,00 €
  it.each([
    // amount (cents), expected steps
    [100_000, ['visa:chef_service', 'signature:maire']],
    [499_999, ['visa:chef_service', 'signature:maire']],
    [500_000, ['visa:chef_service', 'signature:maire']], // at the threshold: not above
    [500_001, ['visa:chef_service', 'visa:dgs', 'signature:adjoint_finances', 'signature:maire']],
    [12_500_050, ['visa:chef_service', 'visa:dgs', 'signature:adjoint_finances', 'signature:maire']],
  ])('a purchase order of %i cents gets %j', (amountCents, expected) => {
    const circuit = selectCircuit({ documentType: 'bon_de_commande', amountCents }, undefined, threshold);
    expect(shape(circuit.steps)).toEqual(expected);
    expect(circuit.reasons.length > 0).toBe(amountCents > threshold);
  });

  it('says why the circuit grew, with the threshold in euros', () => {
    const circuit = selectCircuit({ documentType: 'bon_de_commande', amountCents: 900_000 }, undefined, threshold);
    expect(circuit.name).toBe('Bon de commande (au-delà du seuil)');
    expect(circuit.reasons[0]).toMatch(/seuil de 5\s000,00\s€/);
  });

  it('does not apply the purchase-order rule to other types, whatever the amount', () => {
    const contract = selectCircuit({ documentType: 'contrat', amountCents: 90_000_000 }, undefined, threshold);
    expect(shape(contract.steps)).toEqual(shape(DEFAULT_CIRCUITS.contrat.steps));
  });

  it('uses the commune’s own circuit and adds only what it lacks', () => {
    const own = {
      name: 'Bons de commande de Villebelle',
      steps: [
        { kind: 'visa', mode: 'all', actors: [{ function: 'dgs' }] },
        { kind: 'signature', mode: 'any', actors: [{ function: 'maire' }, { function: 'adjoint_finances' }] },
      ] satisfies StepTemplate[],
    };
    expect(shape(selectCircuit({ documentType: 'bon_de_commande', amountCents: 100 }, own, threshold).steps)).toEqual([
      'visa:dgs',
      'signature:maire+adjoint_finances',
    ]);
    // Above: the DGS visa and the adjoint's signature are there already — nothing added.
    expect(
      shape(selectCircuit({ documentType: 'bon_de_commande', amountCents: 600_000 }, own, threshold).steps),
    ).toEqual(['visa:dgs', 'signature:maire+adjoint_finances']);
  });

  it('never changes the template it was given', () => {
    const before = JSON.stringify(DEFAULT_CIRCUITS.bon_de_commande);
    selectCircuit({ documentType: 'bon_de_commande', amountCents: 10_000_000 }, undefined, threshold);
    expect(JSON.stringify(DEFAULT_CIRCUITS.bon_de_commande)).toBe(before);
  });
});

describe('when a step is done', () => {
  it.each([
    // mode, assignees, acted for, done
    ['all', ['a'], [], false],
    ['all', ['a'], ['a'], true],
    ['all', ['a', 'b'], ['a'], false],
    ['all', ['a', 'b'], ['b', 'a'], true],
    ['any', ['a', 'b'], [], false],
    ['any', ['a', 'b'], ['b'], true],
  ] as const)('%s of %j after %j: %s', (mode, assignees, acted, done) => {
    expect(isStepComplete(mode, assignees, acted)).toBe(done);
  });
});

describe('delegations', () => {
  const base = {
    delegatorId: 'maire',
    delegateId: 'adjointe',
    startsOn: '2027-02-01',
    endsOn: '2027-02-15',
    documentTypes: [] as const,
    revokedAt: null,
  };
  it.each([
    ['2027-01-31', 'arrete', false], // the day before
    ['2027-02-01', 'arrete', true], // first day (inclusive)
    ['2027-02-15', 'bon_de_commande', true], // last day (inclusive)
    ['2027-02-16', 'arrete', false], // the day after
  ] as const)('for every type, on %s (%s): %s', (day, type, applies) => {
    expect(delegationApplies(base, day, type)).toBe(applies);
  });

  it('for some types only', () => {
    const some = { ...base, documentTypes: ['bon_de_commande'] as const };
    expect(delegationApplies(some, '2027-02-05', 'bon_de_commande')).toBe(true);
    expect(delegationApplies(some, '2027-02-05', 'arrete')).toBe(false);
  });

  it('not once revoked', () => {
    expect(delegationApplies({ ...base, revokedAt: new Date() }, '2027-02-05', 'arrete')).toBe(false);
  });
});

describe('amounts in euros', () => {
  it.each([
    ['12 500,50', 1_250_050],
    ['12500.5', 1_250_050],
    ['1\u202f200 €', 120_000],
    ['0', 0],
    ['7,05', 705],
    ['1 000 000 EUR', 100_000_000],
  ])('« %s » is %i cents', (text, cents) => {
    expect(parseEuros(text)).toBe(cents);
  });
  it.each(['', 'douze', '-5', '1,234', '1.2.3', '12,5e3'])('« %s » is not an amount', (text) => {
    expect(parseEuros(text)).toBeUndefined();
  });
});

describe('the capacity line of a signature', () => {
  it('names the function of the signer', () => {
    expect(capacityLine({ name: 'Jeanne Martin', functionTitle: 'Maire' }, null)).toBe('Maire');
  });
  it('says « pour le maire, absent, par délégation » under a delegation', () => {
    expect(capacityLine({ name: 'Paul Durand', functionTitle: 'Adjoint aux finances' }, { functionKey: 'maire' })).toBe(
      'Pour le maire, absent, par délégation, Paul Durand',
    );
  });
});
