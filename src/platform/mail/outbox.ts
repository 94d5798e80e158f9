/**
 * Mail outbox: a use case calls queueMail() inside its transaction; the row and the mail.send
 * job commit together, and the job sends after commit. A send that succeeded is never repeated
 * (status checked before sending; one job per outbox row through its idempotency key).
 */
import { and, eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { recordAudit } from '../audit/journal.js';
import { type MailAttachmentRef, mailOutbox } from '../db/schema.js';
import { type Tx, withTenant } from '../db/tenant.js';
import { BlobNotFoundError } from '../files/blob-store.js';
import type { JobDefinition, JobQueue } from '../jobs/queue.js';
import { type MailTemplateName, type MailVariables, renderMail } from './templates.js';
import type { MailAttachment, MailTransport } from './transport.js';

export const MAIL_SEND_JOB = 'mail.send';
const MAIL_RETRY_LIMIT = 6;

const emailSchema = z.email();
const attachmentRefSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string().min(1).max(255),
  mimeType: z.string().min(1).max(200),
});

/** Renders and stores a mail in the transaction's commune; it leaves after commit. */
export async function queueMail<N extends MailTemplateName>(
  tx: Tx,
  queue: JobQueue,
  mail: {
    to: string;
    template: N;
    variables: MailVariables<N>;
    /** Blobs of the transaction's commune, attached when the mail leaves (no copy). */
    attachments?: readonly MailAttachmentRef[];
    /** Where replies go (e.g. the citizen, for a mail to the commune's secretary). */
    replyTo?: string;
  },
): Promise<string> {
  if (!tx.communeId) throw new Error('queueMail needs a tenant transaction');
  const to = emailSchema.parse(mail.to);
  const rendered = renderMail(mail.template, mail.variables);
  const id = uuidv7();
  await tx.db.insert(mailOutbox).values({
    id,
    communeId: tx.communeId,
    template: mail.template,
    toAddress: to,
    subject: rendered.subject,
    textBody: rendered.text,
    htmlBody: rendered.html,
    status: 'pending',
    attempts: 0,
    attachments: (mail.attachments ?? []).map((a) => attachmentRefSchema.parse(a)),
    replyTo: mail.replyTo === undefined ? null : emailSchema.parse(mail.replyTo),
  });
  await queue.enqueue(tx, MAIL_SEND_JOB, { communeId: tx.communeId, outboxId: id }, { idempotencyKey: `mail:${id}` });
  return id;
}

/** The mail.send job: sends one outbox row, outside any transaction, then records the result. */
export function mailSendJob(transport: MailTransport, from: string, hostname: string): JobDefinition {
  const schema = z.object({ communeId: z.uuid(), outboxId: z.uuid() });
  return {
    name: MAIL_SEND_JOB,
    schema,
    retryLimit: MAIL_RETRY_LIMIT,
    retryDelaySeconds: 20,
    async run({ communeId, outboxId }, { database, retryCount }) {
      const loaded = await withTenant(database, communeId, async (tx) => {
        const rows = await tx.db
          .select()
          .from(mailOutbox)
          .where(and(eq(mailOutbox.communeId, communeId), eq(mailOutbox.id, outboxId)));
        const row = rows[0];
        if (!row || row.status === 'sent') return undefined;
        return { row, attachments: await loadAttachments(tx, row.attachments) };
      });
      if (!loaded) return;
      const { row, attachments } = loaded;
      try {
        await transport.send({
          from,
          to: row.toAddress,
          subject: row.subject,
          text: row.textBody,
          html: row.htmlBody,
          messageId: `<${row.id}@${hostname}>`,
          ...(row.replyTo ? { replyTo: row.replyTo } : {}),
          ...(attachments.length > 0 ? { attachments } : {}),
        });
      } catch (error) {
        const isLastAttempt = retryCount >= MAIL_RETRY_LIMIT;
        await withTenant(database, communeId, (tx) =>
          tx.db
            .update(mailOutbox)
            .set({
              attempts: sql`${mailOutbox.attempts} + 1`,
              lastError: String((error as Error).message).slice(0, 500),
              status: isLastAttempt ? 'failed' : 'pending',
            })
            .where(and(eq(mailOutbox.communeId, communeId), eq(mailOutbox.id, outboxId))),
        );
        throw error;
      }
      await withTenant(database, communeId, async (tx) => {
        await tx.db
          .update(mailOutbox)
          .set({ status: 'sent', sentAt: new Date(), attempts: sql`${mailOutbox.attempts} + 1`, lastError: null })
          .where(and(eq(mailOutbox.communeId, communeId), eq(mailOutbox.id, outboxId)));
        await recordAudit(tx, {
          action: 'mail.sent',
          actorType: 'system',
          targetType: 'mail',
          targetId: outboxId,
          data: { template: row.template },
        });
      });
    },
  };
}

/**
 * Reads the attachments of a mail from the blob store, in the mail's commune. A blob that no
 * longer exists is skipped rather than blocking the mail; a damaged one fails the attempt.
 */
async function loadAttachments(tx: Tx, refs: readonly MailAttachmentRef[]): Promise<MailAttachment[]> {
  const attachments: MailAttachment[] = [];
  for (const ref of refs) {
    try {
      const content = await tx.blobs.get({ communeId: tx.communeId! }, ref.sha256);
      attachments.push({ filename: ref.name, contentType: ref.mimeType, content });
    } catch (error) {
      if (!(error instanceof BlobNotFoundError)) throw error;
    }
  }
  return attachments;
}
