/**
 * PayFiP (DGFiP, « PayFiP Régie web-service ») as its integrators document it (domain rules §4.2;
 * the official « guide de mise en œuvre » is the reference to confirm every length and code):
 *
 * 1. `creerPaiementSecurise(arg0{exer, mel, montant, numcli, objet, refdet, saisie, urlnotif,
 *    urlredirect})` over SOAP returns an `idOp`;
 * 2. the payer's browser goes to `…/tpa/paiementws.web?idop=<idOp>` and pays by card or single
 *    direct debit;
 * 3. PayFiP calls `urlnotif` server to server with the `idop`; the server then asks
 *    `recupererDetailPaiementSecurise(arg0{idOp})` for {resultrans, numauto, dattrans, heurtrans,
 *    montant, refdet, numcli…} and trusts only that answer (the same call is the polling fallback).
 *
 * resultrans: P (paid by card) and V (paid by direct debit) are paid; A abandoned; R and Z
 * refused; fault P5 means « still in progress ». `montant` is in cents, 1 € minimum (M3). The
 * parameters are checked here before any call. Saisie: T test, X activation, W production.
 */
import { type PaymentDetail, PaymentError, type PaymentOrder, type PaymentProvider } from './provider.js';

export const PAYFIP_NAMESPACE =
  'http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService';
export const PAYFIP_DEFAULT_ENDPOINT = 'https://www.tipi.budget.gouv.fr/tpa/services/securite';
export const PAYFIP_DEFAULT_PAYMENT_URL = 'https://www.payfip.gouv.fr/tpa/paiementws.web';

export type PayfipSaisie = 'T' | 'X' | 'W';

export interface PayfipOptions {
  /** The SOAP service's address. */
  endpoint: string;
  /** The payment page the browser is sent to (`?idop=` is added). */
  paymentUrl: string;
  /** The commune's 6-digit client number. */
  numcli: string;
  saisie: PayfipSaisie;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

function escapeXml(value: string): string {
  return value.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );
}

function unescapeXml(value: string): string {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The text of the first `<name>` element (any prefix), or null. */
export function xmlField(xml: string, name: string): string | null {
  const match = new RegExp(`<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:[\\w-]+:)?${name}>`).exec(xml);
  return match ? unescapeXml(match[1]!.trim()) : null;
}

export function soapEnvelope(operation: string, fields: Record<string, string>): string {
  const args = Object.entries(fields)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:pai="${PAYFIP_NAMESPACE}">` +
    `<soapenv:Body><pai:${operation}><arg0>${args}</arg0></pai:${operation}></soapenv:Body></soapenv:Envelope>`
  );
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The order's problems under PayFiP's formats, checked before any call (code, French message). */
export function payfipOrderProblem(order: PaymentOrder): PaymentError | null {
  const bad = (code: string, message: string) => new PaymentError(code, message);
  if (!Number.isSafeInteger(order.amountCents) || order.amountCents < 100)
    return bad('M3', 'PayFiP n’accepte pas un paiement de moins de 1 €.');
  if (String(order.amountCents).length > 11) return bad('M5', 'Le montant dépasse la limite de PayFiP.');
  if (!/^[A-Za-z0-9-]{6,30}$/.test(order.reference))
    return bad('R3', 'La référence de la dette doit compter de 6 à 30 lettres ou chiffres.');
  if (!/^\d{4}$/.test(String(order.year))) return bad('E1', 'L’exercice doit être une année sur 4 chiffres.');
  if (order.email.length < 6 || order.email.length > 80 || !EMAIL.test(order.email))
    return bad('A2', 'L’adresse électronique du payeur est invalide.');
  if (order.label.length === 0 || order.label.length >= 100)
    return bad('O1', 'L’objet doit faire moins de 100 caractères.');
  if (order.notificationUrl.length >= 250) return bad('N1', 'L’adresse de notification est trop longue.');
  if (order.returnUrl.length >= 250) return bad('D1', 'L’adresse de retour est trop longue.');
  return null;
}

const OUTCOMES: Record<string, PaymentDetail['outcome']> = {
  P: 'paid',
  V: 'paid',
  A: 'abandoned',
  R: 'refused',
  Z: 'refused',
};

export function createPayfipProvider(options: PayfipOptions): PaymentProvider {
  if (!/^\d{6}$/.test(options.numcli)) throw new PaymentError('T1', 'Le numéro client PayFiP compte 6 chiffres.');
  const doFetch = options.fetch ?? fetch;

  async function call(operation: string, fields: Record<string, string>): Promise<string> {
    let response: Response;
    try {
      response = await doFetch(options.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '' },
        body: soapEnvelope(operation, fields),
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new PaymentError('network', `PayFiP ne répond pas (${(error as Error).name}).`);
    }
    const text = await response.text();
    if (/<(?:[\w-]+:)?Fault[\s>]/.test(text)) {
      const code = xmlField(text, 'code') ?? 'fault';
      throw new PaymentError(code, xmlField(text, 'descriptif') ?? xmlField(text, 'faultstring') ?? 'Erreur PayFiP');
    }
    if (!response.ok) throw new PaymentError(`http_${response.status}`, 'Réponse inattendue de PayFiP.');
    return text;
  }

  return {
    name: 'payfip',
    async start(order) {
      const problem = payfipOrderProblem(order);
      if (problem) throw problem;
      const xml = await call('creerPaiementSecurise', {
        exer: String(order.year),
        mel: order.email,
        montant: String(order.amountCents),
        numcli: options.numcli,
        objet: order.label,
        refdet: order.reference,
        saisie: options.saisie,
        urlnotif: order.notificationUrl,
        urlredirect: order.returnUrl,
      });
      const idOp = xmlField(xml, 'idOp');
      if (!idOp) throw new PaymentError('no_idop', 'PayFiP n’a pas donné d’identifiant d’opération.');
      return { operationId: idOp, redirectUrl: `${options.paymentUrl}?idop=${encodeURIComponent(idOp)}` };
    },
    async detail(operationId) {
      let xml: string;
      try {
        xml = await call('recupererDetailPaiementSecurise', { idOp: operationId });
      } catch (error) {
        if (error instanceof PaymentError && error.code === 'P5') {
          return {
            operationId,
            outcome: 'pending',
            resultCode: null,
            reference: '',
            amountCents: 0,
            authorisation: null,
            transactionAt: null,
          };
        }
        throw error;
      }
      if (xmlField(xml, 'numcli') !== options.numcli)
        throw new PaymentError('T2', 'Opération d’un autre client PayFiP.');
      const resultrans = xmlField(xml, 'resultrans');
      const montant = xmlField(xml, 'montant') ?? '';
      const dattrans = xmlField(xml, 'dattrans');
      const heurtrans = xmlField(xml, 'heurtrans');
      return {
        operationId: xmlField(xml, 'idOp') ?? operationId,
        outcome: (resultrans && OUTCOMES[resultrans]) || 'pending',
        resultCode: resultrans,
        reference: xmlField(xml, 'refdet') ?? '',
        amountCents: /^\d{1,11}$/.test(montant) ? Number(montant) : -1,
        authorisation: xmlField(xml, 'numauto') || null,
        transactionAt: dattrans ? `${dattrans}${heurtrans ? ` ${heurtrans}` : ''}` : null,
      };
    },
  };
}
