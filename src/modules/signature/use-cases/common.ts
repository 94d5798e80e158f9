/** What every use case of the parapheur shares: the caller, input parsing, the audit entry, events. */
import { z } from 'zod';
import type { AuditAction } from '../../../platform/audit/journal.js';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { AppContext } from '../../../platform/context.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import type { DomainEventName, DomainEvents } from '../../../platform/events/index.js';

/** Who calls a use case: a signed-in person of the commune, and the request (for the journal). */
export interface Caller {
  communeId: string;
  actor: Actor;
  requestId: string | null;
}

/** Parses a use case's input; a failure is a 422 with the first French message of each field. */
export { parseInput } from '../../../platform/validation.js';

/** A refusal the person can understand (the folder is visible to them, the action is not theirs). */
export function notAllowed(message: string): AppError {
  return new AppError('signature.not_allowed', message, 409, { userMessage: message });
}

/** The journal entry of a parapheur use case (same transaction). */
export function auditSignature(
  tx: Tx,
  caller: Caller,
  action: Extract<AuditAction, `signature.${string}`>,
  target: { type: string; id: string | null },
  data: Record<string, unknown> = {},
): Promise<unknown> {
  return recordAudit(tx, {
    action,
    actorType: 'agent',
    actorId: caller.actor.accountId,
    targetType: target.type,
    targetId: target.id,
    data,
    requestId: caller.requestId,
  });
}

/** The journal entry of an action on a folder. */
export function auditFolder(
  tx: Tx,
  caller: Caller,
  action: Extract<AuditAction, `signature.${string}`>,
  folderId: string,
  data: Record<string, unknown> = {},
): Promise<unknown> {
  return auditSignature(tx, caller, action, { type: 'signature_folder', id: folderId }, data);
}

/** The one place the parapheur emits its domain events, inside the business transaction. */
export async function emitSignatureEvent<N extends Extract<DomainEventName, `signature.${string}`>>(
  ctx: AppContext,
  tx: Tx,
  name: N,
  data: DomainEvents[N],
): Promise<void> {
  await ctx.events.emit(tx, ctx.queue, name, data);
}

/** The step the form was shown for (a hidden field): a stale page is refused by the use case. */
export const stepField = z.string({ error: 'Rechargez la page du dossier.' }).uuid('Rechargez la page du dossier.');

/** A required reason (refusal, sending back), read by the folder's author. */
export function reasonField(missing: string) {
  return z
    .string({ error: missing })
    .trim()
    .min(1, missing)
    .max(2000, 'Le motif ne doit pas dépasser 2 000 caractères.');
}
