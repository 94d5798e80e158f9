import { describe, expect, it } from 'vitest';
import { createPayfipProvider, payfipOrderProblem, soapEnvelope, xmlField } from './payfip.js';

const order = {
  reference: '2026-000042',
  year: 2026,
  amountCents: 5440,
  label: 'Facture 2026-000042 Villebelle',
  email: 'camille.martin@courriel.example',
  notificationUrl: 'https://guichet.example/api/paiements/payfip/villebelle/notification',
  returnUrl: 'https://guichet.example/c/villebelle/famille/factures/x/retour',
};

describe('PayFiP orders, checked before any call', () => {
  it.each([
    [{}, null],
    [{ amountCents: 100 }, null],
    [{ amountCents: 99 }, 'M3'],
    [{ amountCents: 12.5 }, 'M3'],
    [{ amountCents: 123456789012 }, 'M5'],
    [{ reference: '12345' }, 'R3'],
    [{ reference: 'x'.repeat(31) }, 'R3'],
    [{ email: 'a@b' }, 'A2'],
    [{ label: 'x'.repeat(100) }, 'O1'],
    [{ notificationUrl: `https://x.example/${'a'.repeat(240)}` }, 'N1'],
  ])('%o → %s', (change, code) => {
    expect(payfipOrderProblem({ ...order, ...change })?.code ?? null).toBe(code);
  });

  it('refuses a client number that is not 6 digits', () => {
    expect(() =>
      createPayfipProvider({
        endpoint: 'http://127.0.0.1:1',
        paymentUrl: 'http://127.0.0.1:1',
        numcli: '12345',
        saisie: 'T',
      }),
    ).toThrow('6 chiffres');
  });
});

describe('the SOAP envelope', () => {
  it('escapes the values and reads them back', () => {
    const xml = soapEnvelope('creerPaiementSecurise', { objet: 'Cantine & garderie <décembre>' });
    expect(xml).toContain('<objet>Cantine &amp; garderie &lt;décembre&gt;</objet>');
    expect(xmlField(xml, 'objet')).toBe('Cantine & garderie <décembre>');
    expect(xmlField('<ns2:x><idOp> abc </idOp></ns2:x>', 'idOp')).toBe('abc');
    expect(xmlField('<a/>', 'idOp')).toBeNull();
  });
});
