/**
 * A LOCAL SIMULATOR of PayFiP (« PayFiP Régie web-service », DGFiP) for the tests and the demo —
 * not PayFiP. It answers the two SOAP operations the way integrators document them (domain rules
 * §4.2): `creerPaiementSecurise` (checks numcli, montant ≥ 100 cents, refdet, mel; returns an
 * idOp) and `recupererDetailPaiementSecurise` (faults P1 unknown idOp, P5 still in progress; else
 * resultrans, numauto, dattrans, heurtrans…). Its payment page (`/tpa/paiementws.web?idop=`)
 * lets the payer pay (P), be refused (R) or give up (A); an idOp older than 15 minutes is refused
 * (P4). When a payment ends it calls `urlnotif` server to server with `idop`, then sends the
 * browser back to `urlredirect`.
 *
 * Demo: `npx tsx src/test/payfip-simulator.ts` (port 4010 unless PORT), then start Guichet with
 * the GUICHET_PAYFIP_* variables it prints.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { xmlField } from '../platform/payments/payfip.js';

export interface SimulatedOperation {
  idOp: string;
  fields: Record<string, string>;
  createdAt: number;
  resultrans: string | null;
  numauto: string | null;
  dattrans: string | null;
  heurtrans: string | null;
  /** What the detail answers as montant (normally the order's). */
  reportedMontant: string;
}

export interface PayfipSimulator {
  endpoint: string;
  paymentUrl: string;
  env: Record<string, string>;
  numcli: string;
  operations: Map<string, SimulatedOperation>;
  /** Ends an operation as the payer would (P paid by card, V by direct debit, R refused, A abandoned). */
  settle(idOp: string, resultrans: 'P' | 'V' | 'R' | 'A' | 'Z'): void;
  /** Calls the operation's urlnotif as PayFiP does; resolves to the HTTP status Guichet answered. */
  notify(idOp: string): Promise<number>;
  /** Makes the simulator report another amount than ordered (to test mismatches). */
  reportAmount(idOp: string, montant: string): void;
  /**
   * How notifications reach Guichet (by default an HTTP POST to urlnotif; tests that run the app
   * with `inject` deliver it there).
   */
  deliverWith(deliver: (url: string, body: string) => Promise<number>): void;
  /** Makes the operation look `minutes` older. */
  age(idOp: string, minutes: number): void;
  close(): Promise<void>;
}

const NUMCLI = '012345';
const MAX_AGE_MS = 15 * 60_000;

function fault(code: string, descriptif: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
    `<soap:Fault><faultcode>soap:Server</faultcode><faultstring>${descriptif}</faultstring><detail><ns2:FonctionnelleErreur xmlns:ns2="http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService"><code>${code}</code><descriptif>${descriptif}</descriptif><libelle>${descriptif}</libelle><severite>2</severite></ns2:FonctionnelleErreur></detail></soap:Fault>` +
    '</soap:Body></soap:Envelope>'
  );
}

function answer(operation: string, fields: Record<string, string>): string {
  const body = Object.entries(fields)
    .map(([k, v]) => `<${k}>${v}</${k}>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
    `<ns2:${operation}Response xmlns:ns2="http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService"><return>${body}</return></ns2:${operation}Response>` +
    '</soap:Body></soap:Envelope>'
  );
}

const read = (req: http.IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = '';
    req.on('data', (c) => {
      data += c;
    });
    req.on('end', () => resolve(data));
  });

const escapeHtml = (s: string) =>
  s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

export async function startPayfipSimulator(port = 0): Promise<PayfipSimulator> {
  const operations = new Map<string, SimulatedOperation>();

  function settle(idOp: string, resultrans: string) {
    const op = operations.get(idOp);
    if (!op) throw new Error(`unknown idOp ${idOp}`);
    const now = new Date();
    const pad = (n: number) => String(n).padStart(2, '0');
    op.resultrans = resultrans;
    op.numauto = resultrans === 'P' || resultrans === 'V' ? String(100000 + Math.floor(Math.random() * 899999)) : '';
    op.dattrans = `${pad(now.getDate())}${pad(now.getMonth() + 1)}${now.getFullYear()}`;
    op.heurtrans = `${pad(now.getHours())}${pad(now.getMinutes())}`;
  }

  let deliver = async (url: string, body: string): Promise<number> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    await response.text();
    return response.status;
  };

  async function notify(idOp: string): Promise<number> {
    const op = operations.get(idOp);
    if (!op) throw new Error(`unknown idOp ${idOp}`);
    return deliver(op.fields.urlnotif!, new URLSearchParams({ idop: idOp }).toString());
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://simulateur');
    if (req.method === 'POST' && url.pathname === '/tpa/services/securite') {
      const xml = await read(req);
      const send = (body: string, status = 200) => {
        res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' }).end(body);
      };
      if (xml.includes('creerPaiementSecurise')) {
        const fields: Record<string, string> = {};
        for (const k of ['exer', 'mel', 'montant', 'numcli', 'objet', 'refdet', 'saisie', 'urlnotif', 'urlredirect'])
          fields[k] = xmlField(xml, k) ?? '';
        if (!/^\d{6}$/.test(fields.numcli!)) return send(fault('T1', 'Numéro de client invalide'), 500);
        if (fields.numcli !== NUMCLI) return send(fault('T2', 'Client inconnu'), 500);
        if (!['T', 'X', 'W'].includes(fields.saisie!)) return send(fault('S1', 'Mode de saisie invalide'), 500);
        if (!/^\d{1,11}$/.test(fields.montant!)) return send(fault('M1', 'Montant invalide'), 500);
        if (Number(fields.montant) < 100) return send(fault('M3', 'Montant inférieur au minimum'), 500);
        if (!/^[A-Za-z0-9-]{6,30}$/.test(fields.refdet!)) return send(fault('R3', 'Référence invalide'), 500);
        if (!fields.mel!.includes('@')) return send(fault('A2', 'Adresse électronique invalide'), 500);
        if (!/^https?:\/\//.test(fields.urlnotif!)) return send(fault('N1', 'URL de notification invalide'), 500);
        if (!/^https?:\/\//.test(fields.urlredirect!)) return send(fault('D1', 'URL de redirection invalide'), 500);
        const idOp = randomBytes(16).toString('hex');
        operations.set(idOp, {
          idOp,
          fields,
          createdAt: Date.now(),
          resultrans: null,
          numauto: null,
          dattrans: null,
          heurtrans: null,
          reportedMontant: fields.montant!,
        });
        return send(answer('creerPaiementSecurise', { idOp }));
      }
      if (xml.includes('recupererDetailPaiementSecurise')) {
        const op = operations.get(xmlField(xml, 'idOp') ?? '');
        if (!op) return send(fault('P1', 'IdOp incorrect'), 500);
        if (!op.resultrans) return send(fault('P5', 'Résultat de la transaction non connu'), 500);
        return send(
          answer('recupererDetailPaiementSecurise', {
            dattrans: op.dattrans!,
            exer: op.fields.exer!,
            heurtrans: op.heurtrans!,
            idOp: op.idOp,
            mel: op.fields.mel!,
            montant: op.reportedMontant,
            numauto: op.numauto ?? '',
            numcli: op.fields.numcli!,
            objet: op.fields.objet!,
            refdet: op.fields.refdet!,
            resultrans: op.resultrans,
            saisie: op.fields.saisie!,
          }),
        );
      }
      return send(fault('S0', 'Opération inconnue'), 500);
    }
    if (url.pathname === '/tpa/paiementws.web') {
      const html = (body: string, status = 200) => {
        res
          .writeHead(status, { 'content-type': 'text/html; charset=utf-8' })
          .end(
            `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Simulateur PayFiP</title></head><body style="font-family:sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem"><p><strong>Simulateur local de PayFiP</strong> : aucun paiement réel.</p>${body}</body></html>`,
          );
      };
      if (req.method === 'GET') {
        const op = operations.get(url.searchParams.get('idop') ?? '');
        if (!op) return html('<h1>Opération inconnue (P1)</h1>', 404);
        if (Date.now() - op.createdAt > MAX_AGE_MS) return html('<h1>Opération expirée (P4)</h1>', 410);
        if (op.resultrans) return html('<h1>Opération déjà utilisée (P3)</h1>', 409);
        const amount = (Number(op.fields.montant) / 100).toFixed(2).replace('.', ',');
        const button = (v: string, l: string) => `<button name="choix" value="${v}">${l}</button> `;
        return html(
          `<h1>Payer ${amount} €</h1><p>${escapeHtml(op.fields.objet!)} — référence ${escapeHtml(op.fields.refdet!)}</p>` +
            `<form method="post"><input type="hidden" name="idop" value="${op.idOp}">${button('P', 'Payer par carte')}${button('V', 'Payer par prélèvement')}${button('R', 'Simuler un refus')}${button('A', 'Abandonner')}</form>`,
        );
      }
      if (req.method === 'POST') {
        const form = new URLSearchParams(await read(req));
        const op = operations.get(form.get('idop') ?? '');
        const choice = form.get('choix') ?? '';
        if (!op || op.resultrans || !['P', 'V', 'R', 'A'].includes(choice))
          return html('<h1>Opération refusée</h1>', 400);
        settle(op.idOp, choice);
        await notify(op.idOp).catch(() => 0);
        res.writeHead(303, { location: op.fields.urlredirect! }).end();
        return;
      }
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${bound}/tpa/services/securite`;
  const paymentUrl = `http://127.0.0.1:${bound}/tpa/paiementws.web`;
  return {
    endpoint,
    paymentUrl,
    numcli: NUMCLI,
    env: { GUICHET_PAYFIP_ENDPOINT: endpoint, GUICHET_PAYFIP_PAYMENT_URL: paymentUrl },
    operations,
    settle,
    notify,
    deliverWith(fn) {
      deliver = fn;
    },
    reportAmount(idOp, montant) {
      operations.get(idOp)!.reportedMontant = montant;
    },
    age(idOp, minutes) {
      operations.get(idOp)!.createdAt -= minutes * 60_000;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const simulator = await startPayfipSimulator(Number(process.env.PORT ?? 4010));
  console.log('Simulateur local de PayFiP (aucun paiement réel). Numéro client :', simulator.numcli);
  for (const [k, v] of Object.entries(simulator.env)) console.log(`${k}=${v}`);
}
