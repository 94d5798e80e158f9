/**
 * The events the parapheur emits when a folder leaves its circuit. Other modules (courrier,
 * council) learn that their document came back signed — or refused — from these, never from the
 * parapheur's tables. Every emit goes through `emitFolderClosed`, in the business transaction.
 */
import type { Tx } from '../../platform/db/tenant.js';

export interface CircuitClosedPayload {
  folderId: string;
  number: string;
  documentType: string;
  /** Who asked for the circuit: agent, module (with its reference) or api. */
  source: 'agent' | 'module' | 'api';
  sourceReference: string | null;
}

export interface SignatureEvents {
  'signature.circuit.completed': CircuitClosedPayload;
  'signature.circuit.refused': CircuitClosedPayload & { reason: string };
}

export type SignatureEventName = keyof SignatureEvents;

/** Emits one of the parapheur's events inside `tx` (see the platform's typed domain events). */
export type EmitSignatureEvent = <N extends SignatureEventName>(
  tx: Tx,
  name: N,
  data: SignatureEvents[N],
) => Promise<void>;
