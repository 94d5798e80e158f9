/**
 * The events the parapheur emits when a folder leaves its circuit (typed through the platform's
 * `DomainEvents`). Other modules (courrier, council) learn that their document came back signed
 * — or refused — from these, never from the parapheur's tables: the payload carries the
 * reference they gave to `startCircuit`.
 */

export interface CircuitClosedPayload {
  folderId: string;
  number: string;
  documentType: string;
  /** Who asked for the circuit: agent, module (with its reference) or api. */
  source: 'agent' | 'module' | 'api';
  sourceReference: string | null;
}

declare module '../../platform/events/index.js' {
  interface DomainEvents {
    'signature.circuit.completed': CircuitClosedPayload;
    'signature.circuit.refused': CircuitClosedPayload & { reason: string };
  }
}
