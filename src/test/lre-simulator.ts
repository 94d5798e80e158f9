/**
 * A LOCAL SIMULATOR of a qualified provider of electronic registered letters for the tests — not
 * a provider. It answers the protocol of src/modules/courrier/lre/lre-api.ts: deposits
 * (`POST /v1/envois`), status (`GET /v1/envois/<id>`), proofs as small PDFs
 * (`GET /v1/envois/<id>/preuves/<kind>`), a Bearer key (401 without it). The test moves a
 * sending on (`deliver`, `refuse`, `neglect`) as the recipient would.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TextDocument } from '../platform/pdf/index.js';

type Status = 'depose' | 'notifie' | 'accepte' | 'refuse' | 'non_reclame';

export interface SimulatedLetter {
  id: string;
  reference: string;
  recipient: { nom: string; courriel: string };
  subject: string;
  document: Buffer;
  status: Status;
  proofs: string[];
}

export interface LreSimulator {
  url: string;
  env: Record<string, string>;
  letters: SimulatedLetter[];
  /** Price of one sending, in cents (excluding VAT). */
  priceCents: number;
  deliver(id: string): void;
  refuse(id: string): void;
  close(): Promise<void>;
}

const KEY = 'cle-lre-essai';

async function proofPdf(letter: SimulatedLetter, kind: string): Promise<Buffer> {
  const doc = await TextDocument.create({
    title: `Preuve ${kind}`,
    author: 'Simulateur LRE',
    date: new Date('2026-01-01T00:00:00Z'),
  });
  doc.text(`Preuve de ${kind} — envoi ${letter.id}`, { bold: true });
  doc.text(`Destinataire : ${letter.recipient.nom} <${letter.recipient.courriel}>`);
  doc.text(`Référence de l’expéditeur : ${letter.reference}`);
  return doc.finish();
}

export async function startLreSimulator(): Promise<LreSimulator> {
  const letters: SimulatedLetter[] = [];
  const state = { priceCents: 289 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${KEY}`) return reply(401, { erreur: 'clé inconnue' });
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const parts = url.pathname.split('/').filter(Boolean);
      if (req.method === 'POST' && url.pathname === '/v1/envois') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        if (!body.destinataire?.courriel || !body.document?.contenu_base64)
          return reply(422, { erreur: 'champ manquant' });
        const letter: SimulatedLetter = {
          id: `LRE-${String(letters.length + 1).padStart(6, '0')}`,
          reference: String(body.reference ?? ''),
          recipient: body.destinataire,
          subject: String(body.objet ?? ''),
          document: Buffer.from(body.document.contenu_base64, 'base64'),
          status: 'depose',
          proofs: ['depot'],
        };
        letters.push(letter);
        return reply(201, {
          id: letter.id,
          statut: letter.status,
          depose_le: new Date().toISOString(),
          prix_centimes: state.priceCents,
        });
      }
      const letter = parts[0] === 'v1' && parts[1] === 'envois' ? letters.find((l) => l.id === parts[2]) : undefined;
      if (!letter) return reply(404, { erreur: 'envoi inconnu' });
      if (req.method === 'GET' && parts.length === 3)
        return reply(200, { id: letter.id, statut: letter.status, preuves: letter.proofs });
      if (req.method === 'GET' && parts[3] === 'preuves' && parts[4] && letter.proofs.includes(parts[4])) {
        res.writeHead(200, { 'content-type': 'application/pdf' });
        return res.end(await proofPdf(letter, parts[4]));
      }
      return reply(404, { erreur: 'introuvable' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const find = (id: string) => {
    const l = letters.find((x) => x.id === id);
    if (!l) throw new Error(`no letter ${id}`);
    return l;
  };
  return {
    url,
    env: { GUICHET_LRE_API_URL: url, GUICHET_LRE_API_TOKEN: KEY },
    letters,
    get priceCents() {
      return state.priceCents;
    },
    set priceCents(v: number) {
      state.priceCents = v;
    },
    deliver(id) {
      const l = find(id);
      l.status = 'accepte';
      l.proofs.push('reception');
    },
    refuse(id) {
      const l = find(id);
      l.status = 'refuse';
      l.proofs.push('refus');
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
