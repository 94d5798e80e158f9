/**
 * Adapter to a qualified provider's REST API for electronic registered letters, in the shape such
 * providers document (deposit with the letter and the recipient, status polling, proofs as PDF;
 * docs/operations/lre.md is the contract, decision 0040 says why this shape):
 *
 * - `POST /v1/envois` (JSON: `reference`, `destinataire {nom, courriel}`, `objet`,
 *   `document {nom, contenu_base64}`) → 201 `{ id, statut: "depose", depose_le, prix_centimes }`;
 * - `GET /v1/envois/<id>` → `{ id, statut, preuves: ["depot", "reception"…] }`, statut among
 *   `depose`, `notifie`, `accepte`, `refuse`, `non_reclame` (15 days without an answer);
 * - `GET /v1/envois/<id>/preuves/<kind>` → the proof (`application/pdf`);
 * - header `Authorization: Bearer <key>`; errors as `{ erreur }` with a 4xx/5xx status.
 *
 * Tests run against src/test/lre-simulator.ts, a local implementation of the same protocol.
 */
import type { LreProofKind, LreStatus } from '../schema.js';
import { type LreDeposit, type LreProvider, type LreState, LreUnavailableError } from './provider.js';

const STATUSES = new Set<LreStatus>(['depose', 'notifie', 'accepte', 'refuse', 'non_reclame']);
const PROOFS = new Set<LreProofKind>(['depot', 'reception', 'refus', 'non_reclame']);
const TIMEOUT_MS = 20_000;

export function lreApiClient(config: { url: string; token: string }): LreProvider {
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${config.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${config.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new LreUnavailableError(`provider unreachable: ${(error as Error).message}`);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw new LreUnavailableError(`provider answered ${res.status}: ${text.slice(0, 200)}`);
    }
    return res;
  }

  return {
    name: 'lre-api',
    label: 'prestataire qualifié',
    async send(letter): Promise<LreDeposit> {
      const res = await call('POST', '/v1/envois', {
        reference: letter.reference,
        destinataire: { nom: letter.recipient.name, courriel: letter.recipient.email },
        objet: letter.subject,
        document: { nom: letter.document.name, contenu_base64: letter.document.content.toString('base64') },
      });
      const json = (await res.json()) as { id?: unknown; depose_le?: unknown; prix_centimes?: unknown };
      if (typeof json.id !== 'string' || typeof json.depose_le !== 'string' || !Number.isInteger(json.prix_centimes)) {
        throw new LreUnavailableError('provider answer not as documented');
      }
      const depositProof = Buffer.from(
        await (await call('GET', `/v1/envois/${encodeURIComponent(json.id)}/preuves/depot`)).arrayBuffer(),
      );
      return {
        externalId: json.id,
        depositedAt: new Date(json.depose_le),
        costCents: json.prix_centimes as number,
        depositProof,
      };
    },
    async status(externalId): Promise<LreState> {
      const json = (await (await call('GET', `/v1/envois/${encodeURIComponent(externalId)}`)).json()) as {
        statut?: unknown;
        preuves?: unknown;
      };
      if (!STATUSES.has(json.statut as LreStatus) || !Array.isArray(json.preuves)) {
        throw new LreUnavailableError('provider status not as documented');
      }
      return {
        status: json.statut as LreStatus,
        proofs: json.preuves.filter((p): p is LreProofKind => PROOFS.has(p as LreProofKind)),
      };
    },
    async proof(externalId, kind): Promise<Buffer> {
      const res = await call('GET', `/v1/envois/${encodeURIComponent(externalId)}/preuves/${kind}`);
      return Buffer.from(await res.arrayBuffer());
    },
  };
}
