/** The history of a request: events appended in the transaction, read back oldest first. */
import type { Tx } from '../../platform/db/tenant.js';
import { formatDateTime } from '../../platform/views/format.js';
import { communeOf } from './deps.js';
import { insertRequestEvent, listRequestEvents as listEvents } from './repo.js';
import type { RequestEvent } from './schema.js';

/** Appends an event to a request's history. */
export function addRequestEvent(
  tx: Tx,
  input: {
    requestId: string;
    kind: RequestEvent['kind'];
    authorId: string | null;
    authorRole: RequestEvent['authorRole'];
    isInternal?: boolean;
    body?: string | null;
    data?: Record<string, unknown>;
  },
): Promise<RequestEvent> {
  return insertRequestEvent(tx, {
    communeId: communeOf(tx),
    requestId: input.requestId,
    kind: input.kind,
    authorId: input.authorId,
    authorRole: input.authorRole,
    isInternal: input.isInternal ?? input.kind === 'internal_note',
    body: input.body ?? null,
    data: input.data ?? {},
  });
}

/** The history of a request, oldest first; internal notes only for agents. */
export function listRequestEvents(
  tx: Tx,
  requestId: string,
  options: { includeInternal: boolean },
): Promise<RequestEvent[]> {
  return listEvents(tx, communeOf(tx), requestId, options);
}

/**
 * The title of an `appointment` event of the history (a booking made, moved or cancelled for the
 * request): the same words for the citizen and the agents.
 */
export function appointmentEventTitle(data: Record<string, unknown>): string {
  const motif = typeof data.motif === 'string' && data.motif !== '' ? ` (${data.motif})` : '';
  const when = typeof data.startsAt === 'string' ? formatDateTime(data.startsAt) : '';
  switch (data.change) {
    case 'moved':
      return `Rendez-vous déplacé au ${when}${motif}`;
    case 'cancelled':
      return `Rendez-vous du ${when} annulé${motif}`;
    default:
      return `Rendez-vous pris le ${when}${motif}`;
  }
}
