/**
 * The SMS a requester receives when the status of a request changes, if the commune switched it
 * on and the instance has an SMS provider. It goes to the phone number the requester gave in the
 * request — the first answered field of type « téléphone » or prefilled with the phone — and
 * only to a mobile. When the démarche has a yes/no question with the id `consentementSms`, the
 * requester must have answered yes; démarches without such a question count the phone number
 * given as the requester's consent to be contacted at it.
 */
import type { Tx } from '../../../platform/db/tenant.js';
import type { JobQueue } from '../../../platform/jobs/queue.js';
import { queueSms } from '../../../platform/sms/outbox.js';
import { mobileE164 } from '../../../platform/sms/phone.js';
import type { SmsProvider } from '../../../platform/sms/provider.js';
import { allFields, type FormDefinition, isRepeatableGroup } from '../../forms/index.js';
import { findFormVersion } from '../../procedures/index.js';
import type { CitizenRequest } from '../schema.js';
import type { PlaceholderValues } from './catalog.js';
import { composeNotification, isSmsOnStatusChange } from './service.js';

/** Longest SMS sent (four parts): an administrator's text full of long values is cut, never refused. */
const MAX_SENT_LENGTH = 600;

/** Id of the optional yes/no question "Acceptez-vous de recevoir des SMS…". */
export const SMS_CONSENT_FIELD_ID = 'consentementSms';

/** The E.164 mobile number the requester gave in a request, if SMS may go to it. */
export async function smsRecipient(
  tx: Tx,
  request: Pick<CitizenRequest, 'communeId' | 'procedureId' | 'formVersion' | 'answers'>,
): Promise<string | null> {
  if (!request.procedureId || request.formVersion === null) return null;
  const version = await findFormVersion(tx, request.communeId, request.procedureId, request.formVersion);
  if (!version) return null;
  return recipientFromAnswers(version.definition as FormDefinition, request.answers ?? {});
}

/** The rule of smsRecipient on a definition and its answers. */
export function recipientFromAnswers(definition: FormDefinition, answers: Record<string, unknown>): string | null {
  const fields = allFields(definition);
  const consent = fields.find(({ field }) => field.id === SMS_CONSENT_FIELD_ID && field.type === 'yesno');
  if (consent && answers[SMS_CONSENT_FIELD_ID] !== true) return null;
  for (const { field, group } of fields) {
    if (group && isRepeatableGroup(group)) continue;
    if (field.type !== 'phone' && field.prefill !== 'phone') continue;
    const answer = answers[field.id];
    if (typeof answer !== 'string' || answer.trim() === '') continue;
    const number = mobileE164(answer);
    if (number) return number;
  }
  return null;
}

/**
 * Queues the status-change SMS in the business transaction when the commune wants it, a provider
 * can send it and the requester gave a mobile number. Returns whether an SMS was queued.
 */
export async function queueStatusSms(
  tx: Tx,
  deps: { queue: JobQueue; smsProvider?: SmsProvider },
  input: { request: CitizenRequest; values: PlaceholderValues },
): Promise<boolean> {
  if (!deps.smsProvider?.canSend) return false;
  if (!(await isSmsOnStatusChange(tx))) return false;
  const to = await smsRecipient(tx, input.request);
  if (!to) return false;
  const { text } = await composeNotification(tx, 'sms.status_changed', input.values);
  const body = text.length > MAX_SENT_LENGTH ? `${text.slice(0, MAX_SENT_LENGTH - 1)}…` : text;
  await queueSms(tx, deps.queue, { to, body, template: 'sms.status_changed' });
  return true;
}
