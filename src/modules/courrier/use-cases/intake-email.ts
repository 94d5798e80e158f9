/**
 * Mail arriving as e-mail (decision 0045): an .eml file dropped in the commune's folder
 * (GUICHET_COURRIER_DROP_DIR/<slug>/) or uploaded by an agent, or a message of the commune's
 * inbound mailbox read over IMAP. Each becomes an incoming mail in one transaction: the sender
 * from the contacts directory (deduplicated on the address), the subject, the arrival date of
 * the message, the text (searchable), the attachments as the mail's documents (checked like any
 * upload; a PDF without a text layer and images are read by the OCR job), the raw message kept,
 * the classifier's proposal, the history and the journal. A Message-ID already registered in the
 * commune is not registered again. A file that is no e-mail gives a French reason: recorded for
 * the administrators (and, for a dropped file, the file moved to `erreurs/` with the reason next
 * to it), never a crash.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { AppContext } from '../../../platform/context.js';
import { nextValue } from '../../../platform/db/counters.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { validateUpload } from '../../../platform/files/checks.js';
import { listActiveServices } from '../../../platform/tenancy/communes.js';
import { parisDateOf, parisYearOf } from '../../../platform/time/calendar.js';
import { processingDeadline } from '../deadlines.js';
import { EmailRejected, parseEmail } from '../email.js';
import { pdfTextLayer } from '../ocr.js';
import { OCR_JOB } from '../ocr-job.js';
import { canRegister } from '../policy.js';
import {
  addHistory,
  findMailByMessageId,
  findOrCreateContactByEmail,
  insertDocument,
  insertIntakeError,
  insertMail,
} from '../repo.js';
import type { IntakeSource, Mail } from '../schema.js';
import { auditCourrier, type Caller, fieldError, NOT_ALLOWED } from './common.js';
import { refreshProposal } from './propose-service.js';
import { chronoOf, INCOMING_COUNTER } from './register-mail.js';

/** What an attachment may be to be kept with the mail (by its content, as for uploads). */
export const ATTACHMENT_TYPES = [
  'application/pdf',
  'image/jpeg',
  'image/png',
  'image/tiff',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];

const SOURCE_TEXT: Record<IntakeSource, string> = {
  depot: 'déposé dans le dossier des courriels',
  imap: 'relevé dans la boîte aux lettres de la commune',
  televersement: 'importé depuis un fichier .eml',
};

export type IntakeOutcome =
  | { outcome: 'registered'; mail: Mail }
  | { outcome: 'duplicate'; mail: Mail }
  | { outcome: 'rejected'; reason: string };

interface KeptAttachment {
  name: string;
  mimeType: string;
  content: Buffer;
  sizeBytes: number;
  needsOcr: boolean;
  text: string;
}

/** The service an e-mail goes to: the accueil when the commune has one, else its first service. */
function intakeService<T extends { slug: string }>(services: T[]): T | undefined {
  return services.find((s) => s.slug === 'accueil') ?? services[0];
}

async function keepAttachments(
  attachments: Awaited<ReturnType<typeof parseEmail>>['attachments'],
): Promise<{ kept: KeptAttachment[]; refused: string[] }> {
  const kept: KeptAttachment[] = [];
  const refused: string[] = [];
  for (const a of attachments) {
    try {
      const file = await validateUpload(
        {
          field: 'piece_jointe',
          filename: a.name,
          declaredType: a.declaredType,
          content: a.content,
          isTruncated: false,
        },
        { accept: ATTACHMENT_TYPES },
      );
      const text = file.mimeType === 'application/pdf' ? await pdfTextLayer(file.content) : '';
      kept.push({
        name: file.name,
        mimeType: file.mimeType,
        content: file.content,
        sizeBytes: file.sizeBytes,
        needsOcr: file.mimeType.startsWith('image/') || (file.mimeType === 'application/pdf' && text.length < 20),
        text,
      });
    } catch (error) {
      refused.push(error instanceof AppError ? (error.userMessage ?? error.message) : `« ${a.name} » illisible.`);
    }
  }
  return { kept, refused };
}

function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return true;
  }
  return false;
}

/**
 * Registers one e-mail in the commune's incoming register. `caller` is the agent who uploaded it
 * (null for the intake job). Rejected files are recorded for the administrators, except uploads
 * (the agent sees the reason on the form).
 */
export async function registerEmail(
  ctx: AppContext,
  communeId: string,
  raw: Buffer,
  origin: { source: IntakeSource; fileName: string; caller?: Caller | null },
  now = new Date(),
): Promise<IntakeOutcome> {
  let email: Awaited<ReturnType<typeof parseEmail>>;
  try {
    email = await parseEmail(raw);
  } catch (error) {
    if (!(error instanceof EmailRejected)) throw error;
    if (origin.source !== 'televersement') {
      await withTenant(ctx.database, communeId, async (tx) => {
        await insertIntakeError(tx, {
          communeId,
          source: origin.source,
          fileName: origin.fileName,
          reason: error.reason,
          at: now,
        });
        await auditCourrier(
          tx,
          null,
          'courrier.email_rejected',
          { type: 'courrier_intake', id: null },
          {
            source: origin.source,
            file: origin.fileName.slice(0, 300),
            reason: error.reason,
          },
        );
      });
    }
    return { outcome: 'rejected', reason: error.reason };
  }
  const known = await withTenant(ctx.database, communeId, (tx) => findMailByMessageId(tx, communeId, email.messageId));
  if (known) return { outcome: 'duplicate', mail: known };
  const { kept, refused } = await keepAttachments(email.attachments);
  try {
    const mail = await withTenant(ctx.database, communeId, (tx) =>
      insertEmail(ctx, tx, communeId, email, raw, kept, refused, origin, now),
    );
    return { outcome: 'registered', mail };
  } catch (error) {
    // The same message registered at the same moment by another worker (or another upload).
    if (!isUniqueViolation(error)) throw error;
    const mail = await withTenant(ctx.database, communeId, (tx) => findMailByMessageId(tx, communeId, email.messageId));
    if (!mail) throw error;
    return { outcome: 'duplicate', mail };
  }
}

async function insertEmail(
  ctx: AppContext,
  tx: Tx,
  communeId: string,
  email: Awaited<ReturnType<typeof parseEmail>>,
  raw: Buffer,
  kept: KeptAttachment[],
  refused: string[],
  origin: { source: IntakeSource; fileName: string; caller?: Caller | null },
  now: Date,
): Promise<Mail> {
  const service = intakeService(await listActiveServices(tx, communeId));
  if (!service) {
    throw new AppError('courrier.no_service', 'commune without service', 409, {
      userMessage: 'La commune n’a encore aucun service : créez-en un pour enregistrer le courrier.',
    });
  }
  const { contact, created } = await findOrCreateContactByEmail(tx, communeId, {
    name: email.fromName,
    email: email.fromEmail,
  });
  const today = parisDateOf(now);
  // The message's own date, unless it claims to come from the future (a wrong clock).
  const arrivedOn = email.date && email.date <= now ? parisDateOf(email.date) : today;
  const chrono = chronoOf('A', parisYearOf(now), await nextValue(tx, INCOMING_COUNTER, now));
  const attachmentText = kept
    .filter((k) => k.text)
    .map((k) => `— ${k.name} —\n${k.text}`)
    .join('\n\n');
  const needsOcr = kept.some((k) => k.needsOcr);
  const mail = await insertMail(tx, {
    id: uuidv7(),
    communeId,
    chrono,
    arrivedOn,
    registeredAt: now,
    registeredBy: origin.caller?.actor.accountId ?? null,
    contactId: contact.id,
    subject: email.subject,
    mailType: 'demande',
    category: 'courriel',
    priority: 'normale',
    confidential: false,
    serviceId: service.id,
    status: 'a_traiter',
    dueOn: processingDeadline(arrivedOn, 'demande', 'normale'),
    ocrStatus: needsOcr ? 'en_attente' : 'aucun',
    ocrPagesDone: 0,
    ocrPagesTotal: 0,
    messageId: email.messageId,
    bodyText: [email.text, attachmentText].filter(Boolean).join('\n\n').slice(0, 200_000) || null,
  });
  const blobs = { communeId };
  const original = await tx.blobs.put(blobs, raw);
  await insertDocument(tx, {
    communeId,
    mailId: mail.id,
    name: 'message.eml',
    mimeType: 'message/rfc822',
    sizeBytes: raw.length,
    sha256: original,
    needsOcr: false,
  });
  for (const k of kept) {
    await insertDocument(tx, {
      communeId,
      mailId: mail.id,
      name: k.name,
      mimeType: k.mimeType,
      sizeBytes: k.sizeBytes,
      sha256: await tx.blobs.put(blobs, k.content),
      needsOcr: k.needsOcr,
    });
  }
  await addHistory(tx, communeId, mail.id, {
    actorId: origin.caller?.actor.accountId ?? null,
    kind: 'enregistre',
    at: now,
    text: `Courriel ${SOURCE_TEXT[origin.source]}, enregistré sous le numéro ${chrono} et confié au service ${service.name}${
      created ? '' : ` (expéditeur déjà connu : ${contact.name})`
    }${kept.length ? ` ; ${kept.length} pièce${kept.length > 1 ? 's' : ''} jointe${kept.length > 1 ? 's' : ''} classée${kept.length > 1 ? 's' : ''} avec le courrier` : ''}.`,
  });
  for (const reason of refused) {
    await addHistory(tx, communeId, mail.id, {
      actorId: null,
      kind: 'piece_refusee',
      at: now,
      text: `Pièce jointe non conservée : ${reason}`.slice(0, 1000),
    });
  }
  await refreshProposal(tx, communeId, mail.id);
  await auditCourrier(
    tx,
    origin.caller ?? null,
    'courrier.mail_registered',
    { type: 'courrier_mail', id: mail.id },
    {
      chrono,
      service: service.id,
      confidential: false,
      source: origin.source,
      attachments: kept.length,
      refused: refused.length,
    },
  );
  if (needsOcr)
    await ctx.queue.enqueue(tx, OCR_JOB, { communeId, mailId: mail.id }, { idempotencyKey: `ocr:${mail.id}` });
  return mail;
}

async function moveInto(file: string, folder: string): Promise<string> {
  await fs.mkdir(folder, { recursive: true });
  let target = path.join(folder, path.basename(file));
  try {
    await fs.access(target);
    target = path.join(folder, `${Date.now()}-${path.basename(file)}`);
  } catch {
    // free
  }
  await fs.rename(file, target);
  return target;
}

/**
 * The commune's drop folder: every `*.eml` at its top (write `.tmp` then rename, so that a file
 * being written is never read) is registered, then moved to `traites/` — or to `erreurs/` with a
 * `.raison.txt` beside it, the reason also listed for the administrators.
 */
export async function processDropFolder(
  ctx: AppContext,
  commune: { id: string; slug: string },
  dropDir: string,
  now = new Date(),
): Promise<{ registered: number; duplicates: number; rejected: number }> {
  const dir = path.join(dropDir, commune.slug);
  const counts = { registered: 0, duplicates: 0, rejected: 0 };
  let names: string[];
  try {
    names = (await fs.readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.eml'))
      .map((e) => e.name)
      .sort();
  } catch {
    return counts;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    const raw = await fs.readFile(file).catch(() => null);
    if (!raw) continue;
    const result = await registerEmail(ctx, commune.id, raw, { source: 'depot', fileName: name }, now);
    if (result.outcome === 'rejected') {
      counts.rejected++;
      const moved = await moveInto(file, path.join(dir, 'erreurs'));
      await fs.writeFile(`${moved}.raison.txt`, `${result.reason}\n`);
    } else {
      counts[result.outcome === 'registered' ? 'registered' : 'duplicates']++;
      await moveInto(file, path.join(dir, 'traites'));
    }
  }
  return counts;
}

/** An agent imports an .eml file: registered, or the mail it already is; a bad file is a 422 with the reason. */
export async function importEmail(
  ctx: AppContext,
  caller: Caller,
  file: { name: string; content: Buffer } | null,
): Promise<IntakeOutcome & { outcome: 'registered' | 'duplicate' }> {
  if (!canRegister(caller.actor)) throw NOT_ALLOWED();
  if (!file || file.content.length === 0) throw fieldError('courriel', 'Choisissez le fichier .eml du courriel.');
  const result = await registerEmail(ctx, caller.communeId, file.content, {
    source: 'televersement',
    fileName: file.name,
    caller,
  });
  if (result.outcome === 'rejected') throw fieldError('courriel', `Ce fichier n’est pas enregistré : ${result.reason}`);
  return result;
}
