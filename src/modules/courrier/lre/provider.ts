/**
 * The electronic registered letter (LRE, domain rules §10) as the courrier sees it: a qualified
 * provider (eIDAS art. 44, CPCE L100) that takes a letter for a recipient, follows its status
 * (déposé → notifié → accepté | refusé | non réclamé after 15 days) and gives the proofs of
 * deposit, receipt, refusal or negligence. Guichet implements no LRE itself; an adapter talks to
 * the provider the instance configured, none by default (decision 0040).
 */
import type { LreProofKind, LreStatus } from '../schema.js';

export interface LreDeposit {
  externalId: string;
  depositedAt: Date;
  /** What the provider bills for this sending, in cents (the savings model of pilotage). */
  costCents: number;
  /** The proof of deposit (PDF) the provider issues at once. */
  depositProof: Buffer;
}

export interface LreState {
  status: LreStatus;
  /** Proofs available now, by kind. */
  proofs: LreProofKind[];
}

export interface LreProvider {
  /** Stable name stored with each sending (e.g. `lre-api`). */
  name: string;
  /** French name shown in the history. */
  label: string;
  send(letter: {
    reference: string;
    recipient: { name: string; email: string };
    subject: string;
    document: { name: string; content: Buffer };
  }): Promise<LreDeposit>;
  status(externalId: string): Promise<LreState>;
  proof(externalId: string, kind: LreProofKind): Promise<Buffer>;
}

export class LreUnavailableError extends Error {}
