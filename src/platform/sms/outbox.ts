/**
 * SMS outbox, like the mail outbox: a use case calls queueSms() inside its transaction; the row
 * and the sms.send job commit together (or not at all) and the job sends after commit, with
 * retries and backoff. A row already sent is never sent again; a permanent refusal (unknown
 * number) or the `none` provider ends the row as failed without retrying. Phone numbers stay in
 * the row: the job's payload and every logged or stored error message carry none.
 */
import { and, eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { recordAudit } from '../audit/journal.js';
import { type Tx, withTenant } from '../db/tenant.js';
import type { JobDefinition, JobQueue } from '../jobs/queue.js';
import { maskPhoneNumbers } from './phone.js';
import { type SmsProvider, SmsSendError } from './provider.js';
import { smsOutbox } from './schema.js';

export const SMS_SEND_JOB = 'sms.send';
const SMS_RETRY_LIMIT = 6;
export const MAX_SMS_BODY_LENGTH = 1000;

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/);

/** Stores an SMS in the transaction's commune and enqueues its job; it leaves after commit. */
export async function queueSms(
  tx: Tx,
  queue: JobQueue,
  sms: { to: string; body: string; template: string },
): Promise<string> {
  if (!tx.communeId) throw new Error('queueSms needs a tenant transaction');
  const body = sms.body.trim();
  if (body.length === 0 || body.length > MAX_SMS_BODY_LENGTH) throw new Error('SMS body empty or too long');
  const id = uuidv7();
  await tx.db.insert(smsOutbox).values({
    id,
    communeId: tx.communeId,
    template: sms.template,
    toNumber: e164.parse(sms.to),
    body,
    status: 'pending',
    attempts: 0,
  });
  await queue.enqueue(tx, SMS_SEND_JOB, { communeId: tx.communeId, outboxId: id }, { idempotencyKey: `sms:${id}` });
  return id;
}

function errorText(error: unknown): string {
  return maskPhoneNumbers(String((error as Error)?.message ?? error)).slice(0, 500);
}

/** The sms.send job: sends one outbox row outside any transaction, then records the result. */
export function smsSendJob(provider: SmsProvider): JobDefinition {
  const schema = z.object({ communeId: z.uuid(), outboxId: z.uuid() });
  return {
    name: SMS_SEND_JOB,
    schema,
    retryLimit: SMS_RETRY_LIMIT,
    retryDelaySeconds: 30,
    async run({ communeId, outboxId }, { database, retryCount, logger }) {
      const row = await withTenant(database, communeId, async (tx) => {
        const rows = await tx.db
          .select()
          .from(smsOutbox)
          .where(and(eq(smsOutbox.communeId, communeId), eq(smsOutbox.id, outboxId)));
        return rows[0];
      });
      if (row?.status !== 'pending') return;
      const where = and(eq(smsOutbox.communeId, communeId), eq(smsOutbox.id, outboxId));
      let providerMessageId: string | null;
      try {
        ({ providerMessageId } = await provider.send({ id: row.id, to: row.toNumber, body: row.body }));
      } catch (error) {
        const permanent = error instanceof SmsSendError && error.permanent;
        const isLastAttempt = permanent || retryCount >= SMS_RETRY_LIMIT;
        const message = errorText(error);
        await withTenant(database, communeId, (tx) =>
          tx.db
            .update(smsOutbox)
            .set({
              attempts: sql`${smsOutbox.attempts} + 1`,
              lastError: message,
              provider: provider.name,
              status: isLastAttempt ? 'failed' : 'pending',
            })
            .where(where),
        );
        logger.warn({ outboxId, provider: provider.name, error: message, permanent }, 'SMS non envoyé');
        // A permanent refusal is final: no retry, no dead letter.
        if (permanent) return;
        throw new Error(`SMS non envoyé : ${message}`);
      }
      await withTenant(database, communeId, async (tx) => {
        await tx.db
          .update(smsOutbox)
          .set({
            status: 'sent',
            sentAt: new Date(),
            attempts: sql`${smsOutbox.attempts} + 1`,
            lastError: null,
            provider: provider.name,
            providerMessageId,
          })
          .where(where);
        await recordAudit(tx, {
          action: 'sms.sent',
          actorType: 'system',
          targetType: 'sms',
          targetId: outboxId,
          data: { template: row.template, provider: provider.name },
        });
      });
    },
  };
}
