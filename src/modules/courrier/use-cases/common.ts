/** What every use case of the courrier shares: the caller, errors, the journal, loading a mail with its access rule. */
import type { AuditAction } from '../../../platform/audit/journal.js';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { canProcessMail, canSeeMail, type MailAccess } from '../policy.js';
import { avisServiceIdsOf, findMail, listPersons, lockMail } from '../repo.js';
import type { Mail } from '../schema.js';
import '../audit.js';

export { parseInput } from '../../../platform/validation.js';

/** Who calls a use case: a staff member of the commune, and the request (for the journal). */
export interface Caller {
  communeId: string;
  actor: Actor;
  requestId: string | null;
}

export function fieldError(field: string, message: string, status = 422): AppError {
  return new AppError('input.invalid', message, status, { userMessage: message, fields: { [field]: message } });
}

export const MAIL_NOT_FOUND = () =>
  new AppError('courrier.mail_not_found', 'mail not found', 404, {
    userMessage: 'Ce courrier n’existe pas, ou vous n’y avez pas accès.',
  });

export const NOT_ALLOWED = () =>
  new AppError('courrier.not_allowed', 'not allowed to process this mail', 403, {
    userMessage:
      'Seuls le service en charge de ce courrier, son agent attributaire et la direction peuvent le traiter.',
  });

export const OUTGOING_NOT_FOUND = () =>
  new AppError('courrier.reply_not_found', 'outgoing letter not found', 404, {
    userMessage: 'Cette réponse n’existe pas, ou vous n’y avez pas accès.',
  });

export interface LoadedMail {
  mail: Mail;
  access: MailAccess;
}

/** The mail if the caller may see it; otherwise 404 (a confidential mail does not exist for others). */
export async function visibleMail(
  tx: Tx,
  caller: Caller,
  id: string,
  options: { lock?: boolean } = {},
): Promise<LoadedMail> {
  const mail = isUuid(id) ? await (options.lock ? lockMail : findMail)(tx, caller.communeId, id) : undefined;
  if (!mail) throw MAIL_NOT_FOUND();
  const access: MailAccess = {
    ...mail,
    people: await listPersons(tx, caller.communeId, mail.id),
    avisServiceIds: mail.confidential ? [] : await avisServiceIdsOf(tx, caller.communeId, mail.id),
  };
  if (!canSeeMail(caller.actor, access)) throw MAIL_NOT_FOUND();
  return { mail, access };
}

/** The mail if the caller may process it (locked for the change); 404 when unseen, 403 when only read. */
export async function processableMail(tx: Tx, caller: Caller, id: string): Promise<LoadedMail> {
  const loaded = await visibleMail(tx, caller, id, { lock: true });
  if (!canProcessMail(caller.actor, loaded.access)) throw NOT_ALLOWED();
  return loaded;
}

/** The journal entry of a use case (same transaction). */
export function auditCourrier(
  tx: Tx,
  caller: Pick<Caller, 'actor' | 'requestId'> | null,
  action: Extract<AuditAction, `courrier.${string}`>,
  target: { type: string; id: string | null },
  data: Record<string, unknown> = {},
): Promise<unknown> {
  return recordAudit(tx, {
    action,
    actorType: caller ? 'agent' : 'system',
    actorId: caller?.actor.accountId ?? null,
    targetType: target.type,
    targetId: target.id,
    data,
    requestId: caller?.requestId ?? null,
  });
}
