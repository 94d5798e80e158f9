/**
 * The domain events the requests module emits (typed through the platform's `DomainEvents`).
 * Their payload carries what a subscriber needs — names, not ids of other modules' rows — so
 * that no subscriber reads this module's tables.
 */
import type { CitizenRequest } from './schema.js';

/** A request as its events describe it. */
export interface RequestEventData {
  requestId: string;
  number: string;
  status: string;
  /** The step of the démarche's workflow, while en cours (a step change is a status change). */
  step: string | null;
  /** Slugs of the service and the démarche (null: free-text request). */
  service: string | null;
  procedure: string | null;
}

declare module '../../platform/events/index.js' {
  interface DomainEvents {
    'request.created': RequestEventData & { channel: string };
    'request.status_changed': RequestEventData & { from: string; fromStep: string | null };
  }
}

/** The event data of a stored request. */
export function requestEventData(
  request: CitizenRequest,
  names: { service: string | null; procedure: string | null },
): RequestEventData {
  return {
    requestId: request.id,
    number: request.number,
    status: request.status,
    step: request.step,
    service: names.service,
    procedure: names.procedure,
  };
}
