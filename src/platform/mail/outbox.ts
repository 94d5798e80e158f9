/**
 * Mail outbox: a use case calls queueMail() inside its transaction; the row and the mail.send
 * job commit together, and the job sends after commit. A send that succeeded is never repeated
 * (status checked before sending; one job per outbox row through its idempotency key; the row is
 * marked sent right after the SMTP server's 250, before anything else).
 *
 * Two queues: security mails (confirmation, reset, second-factor and password notices,
 * invitations) go through `mail.send.security`, ahead of the bulk of `mail.send` (receipts,
 * status changes). Both send in parallel batches and count a send stuck for a minute as failed.
 * Caps per recipient address and hour (instance-wide, counters in table rate_limit keyed by a
 * hash of the address): the mails anyone can trigger for any address (receipt of a request,
 * reset, confirmation) are dropped beyond a few, with a log. See docs/operations/mail.md.
 */
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { recordAudit } from '../audit/journal.js';
import { commune, type MailAttachmentRef, mailOutbox } from '../db/schema.js';
import { type Tx, withTenant } from '../db/tenant.js';
import { BlobNotFoundError } from '../files/blob-store.js';
import type { JobDefinition, JobQueue } from '../jobs/queue.js';
import { parseMailAddress } from './address.js';
import { communeSender } from './sender.js';
import { type MailTemplate, renderMail } from './templates.js';
import type { MailAttachment, MailTransport } from './transport.js';

export const MAIL_SEND_JOB = 'mail.send';
export const MAIL_SECURITY_JOB = 'mail.send.security';
const MAIL_RETRY_LIMIT = 6;
/** A send running longer than this is taken for stuck (dead process) and retried. */
export const MAIL_SEND_EXPIRY_SECONDS = 60;
/** Mails sent in parallel by one worker (the SMTP transport pools 5 connections). */
const MAIL_BATCH = 10;

const attachmentRefSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string().min(1).max(255),
  mimeType: z.string().min(1).max(200),
});

const COUNT = `
  INSERT INTO rate_limit AS r (key, hits, reset_at) VALUES ($1, 1, now() + interval '1 hour')
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN r.reset_at <= now() THEN 1 ELSE r.hits + 1 END,
    reset_at = CASE WHEN r.reset_at <= now() THEN EXCLUDED.reset_at ELSE r.reset_at END
  RETURNING hits`;

/**
 * Counts a capped mail against its recipient's hourly cap, in the business transaction; false
 * when over it. One counter per template and address hash: such a use case queues one capped
 * mail, so two transactions never lock two counters in opposite orders. Mails only staff can
 * trigger (status changes, messages, bulk actions, mails to the commune) are not counted.
 */
async function underRecipientCap(tx: Tx, template: MailTemplate, to: string): Promise<boolean> {
  const cap = template.hourlyCapPerRecipient;
  if (cap === undefined) return true;
  const address = createHash('sha256').update(to.toLowerCase()).digest('hex');
  const { rows } = await tx.client.query<{ hits: number }>(COUNT, [`mail:${template.name}:${address}`]);
  return rows[0]!.hits <= cap;
}

/**
 * Renders and stores a mail in the transaction's commune; it leaves after commit. Returns the
 * outbox id, or null when the recipient's cap dropped it (nothing stored, a warning logged).
 */
export async function queueMail<S extends z.ZodType>(
  tx: Tx,
  queue: JobQueue,
  mail: {
    to: string;
    template: MailTemplate<S>;
    variables: z.infer<S>;
    /** Blobs of the transaction's commune, attached when the mail leaves (no copy). */
    attachments?: readonly MailAttachmentRef[];
    /** Where replies go (e.g. the citizen, for a mail to the commune's secretary). */
    replyTo?: string;
  },
): Promise<string | null> {
  if (!tx.communeId) throw new Error('queueMail needs a tenant transaction');
  const to = parseMailAddress(mail.to);
  if (!(await underRecipientCap(tx, mail.template, to))) {
    queue.logger.warn(
      { template: mail.template.name, communeId: tx.communeId },
      'courriel non envoyé : plafond horaire de ce modèle atteint pour ce destinataire',
    );
    return null;
  }
  const rendered = renderMail(mail.template, mail.variables, { repliesReachTheCommune: mail.replyTo !== undefined });
  const id = uuidv7();
  await tx.db.insert(mailOutbox).values({
    id,
    communeId: tx.communeId,
    template: mail.template.name,
    toAddress: to,
    subject: rendered.subject,
    textBody: rendered.text,
    htmlBody: rendered.html,
    status: 'pending',
    attempts: 0,
    attachments: (mail.attachments ?? []).map((a) => attachmentRefSchema.parse(a)),
    replyTo: mail.replyTo === undefined ? null : parseMailAddress(mail.replyTo),
  });
  await queue.enqueue(
    tx,
    mail.template.priority === 'security' ? MAIL_SECURITY_JOB : MAIL_SEND_JOB,
    { communeId: tx.communeId, outboxId: id },
    { idempotencyKey: `mail:${id}` },
  );
  return id;
}

/**
 * The mail jobs (bulk and security queues, same work): each sends one outbox row, outside any
 * transaction, then records the result.
 */
export function mailSendJobs(transport: MailTransport, from: string, hostname: string): JobDefinition[] {
  return [
    mailSendJob(MAIL_SEND_JOB, transport, from, hostname, { pollingIntervalSeconds: 1, security: false }),
    mailSendJob(MAIL_SECURITY_JOB, transport, from, hostname, { pollingIntervalSeconds: 0.5, security: true }),
  ];
}

function mailSendJob(
  name: string,
  transport: MailTransport,
  from: string,
  hostname: string,
  { pollingIntervalSeconds, security }: { pollingIntervalSeconds: number; security: boolean },
): JobDefinition {
  const schema = z.object({ communeId: z.uuid(), outboxId: z.uuid() });
  return {
    name,
    schema,
    retryLimit: MAIL_RETRY_LIMIT,
    retryDelaySeconds: 20,
    batchSize: MAIL_BATCH,
    pollingIntervalSeconds,
    expireInSeconds: MAIL_SEND_EXPIRY_SECONDS,
    async run({ communeId, outboxId }, { database, retryCount }) {
      const loaded = await withTenant(database, communeId, async (tx) => {
        const rows = await tx.db
          .select()
          .from(mailOutbox)
          .where(and(eq(mailOutbox.communeId, communeId), eq(mailOutbox.id, outboxId)));
        const row = rows[0];
        if (!row || row.status === 'sent') return undefined;
        const [sender] = await tx.db
          .select({ name: commune.name, mailFromAddress: commune.mailFromAddress })
          .from(commune)
          .where(eq(commune.id, communeId));
        return { row, sender, attachments: await loadAttachments(tx, row.attachments) };
      });
      if (!loaded) return;
      const { row, sender, attachments } = loaded;
      try {
        await transport.send(
          {
            // The commune's name and sender address (decision 0023), read at send time.
            from: communeSender(sender, from),
            to: row.toAddress,
            subject: row.subject,
            text: row.textBody,
            html: row.htmlBody,
            messageId: `<${row.id}@${hostname}>`,
            ...(row.replyTo ? { replyTo: row.replyTo } : {}),
            ...(attachments.length > 0 ? { attachments } : {}),
          },
          { security },
        );
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
      // The 250 is in: record it first, in a transaction of its own, so that a crash from here
      // on no longer sends the mail again. The audit entry follows (it may wait for the commune's
      // journal lock); a crash in between loses that entry, not the mail's state.
      await withTenant(database, communeId, (tx) =>
        tx.db
          .update(mailOutbox)
          .set({ status: 'sent', sentAt: new Date(), attempts: sql`${mailOutbox.attempts} + 1`, lastError: null })
          .where(and(eq(mailOutbox.communeId, communeId), eq(mailOutbox.id, outboxId))),
      );
      await withTenant(database, communeId, async (tx) => {
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
