/**
 * Registers an incoming mail: parse (zod, French messages) → the caller may register → one
 * transaction: the sender found in (or added to) the contacts directory, the next chrono of the
 * commune's incoming register, the deadline from the type, the scans in the blob store, the
 * people in copy and the readers of a confidential mail, the first line of the history, the
 * journal entry, and the OCR job when there is something to read.
 */
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { nextValue } from '../../../platform/db/counters.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { mailAddressError } from '../../../platform/mail/address.js';
import { listActiveServices, type Service } from '../../../platform/tenancy/communes.js';
import { parisDateOf, parisYearOf } from '../../../platform/time/calendar.js';
import { listStaffContacts } from '../../identity/index.js';
import { MAIL_TYPES, processingDeadline } from '../deadlines.js';
import { OCR_JOB } from '../ocr-job.js';
import { canRegister } from '../policy.js';
import { addHistory, addPersons, findOrCreateContact, insertDocument, insertMail } from '../repo.js';
import type { Mail } from '../schema.js';
import { auditCourrier, type Caller, fieldError, NOT_ALLOWED, parseInput } from './common.js';
import { refreshProposal } from './propose-service.js';

export const INCOMING_COUNTER = 'courrier-arrivee';
export const MAX_SCANS = 5;

/** « 2026-A000042 »: the incoming register's number (`D` for the outgoing register). */
export function chronoOf(letter: 'A' | 'D', year: number, value: number): string {
  return `${year}-${letter}${String(value).padStart(6, '0')}`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters removed
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
const line = (max: number, empty: string, tooLong: string) =>
  z
    .string({ error: empty })
    .transform((v) => v.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(1, empty).max(max, tooLong));
const optionalText = (max: number, tooLong: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? '').replace(/\r\n?/g, '\n').replace(CONTROL, ' ').trim())
    .pipe(z.string().max(max, tooLong))
    .transform((v) => v || null);
const ids = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter(Boolean));

export const registerSchema = z
  .object({
    arrivee: z
      .string({ error: 'Indiquez la date d’arrivée.' })
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'Indiquez la date d’arrivée sous la forme 3 12 2026.')
      .refine(
        (d) => !Number.isNaN(Date.parse(`${d}T12:00:00Z`)) && new Date(`${d}T12:00:00Z`).toISOString().startsWith(d),
        {
          message: 'Cette date d’arrivée n’existe pas.',
        },
      ),
    expediteur_type: z.enum(['personne', 'organisation'], {
      error: 'Indiquez si l’expéditeur est une personne ou un organisme.',
    }),
    expediteur_nom: line(
      200,
      'Saisissez le nom de l’expéditeur.',
      'Le nom de l’expéditeur doit faire au plus 200 caractères.',
    ),
    expediteur_courriel: z
      .string()
      .optional()
      .transform((v) => (v ?? '').trim().toLowerCase())
      .superRefine((value, ctx) => {
        const problem = value ? mailAddressError(value) : null;
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .transform((v) => v || null),
    expediteur_adresse: optionalText(500, 'L’adresse postale doit faire au plus 500 caractères.'),
    objet: line(300, 'Saisissez l’objet du courrier.', 'L’objet doit faire au plus 300 caractères.'),
    type: z.enum(MAIL_TYPES, { error: 'Choisissez le type de courrier.' }),
    categorie: z.enum(['courrier', 'recommande', 'courriel', 'depot'], {
      error: 'Choisissez comment le courrier est arrivé.',
    }),
    priorite: z.enum(['normale', 'urgente'], { error: 'Choisissez la priorité.' }),
    confidentiel: z
      .string()
      .optional()
      .transform((v) => v === 'oui'),
    service: z.string({ error: 'Choisissez le service en charge.' }).min(1, 'Choisissez le service en charge.'),
    copies: ids,
    lecteurs: ids,
  })
  .superRefine((v, ctx) => {
    if (!v.expediteur_courriel && !v.expediteur_adresse) {
      ctx.addIssue({
        code: 'custom',
        path: ['expediteur_adresse'],
        message: 'Indiquez l’adresse postale ou l’adresse électronique de l’expéditeur (pour lui répondre).',
      });
    }
    if (v.confidentiel && v.lecteurs.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['lecteurs'],
        message: 'Un courrier confidentiel n’est lu que par les personnes nommées : choisissez-en au moins une.',
      });
    }
  });

export type RegisterInput = z.input<typeof registerSchema>;
export type RegisterValues = z.output<typeof registerSchema>;

export interface Scan {
  name: string;
  mimeType: string;
  content: Buffer;
  sizeBytes: number;
  sha256: string;
}

export async function registerMail(
  ctx: AppContext,
  caller: Caller,
  input: unknown,
  scans: readonly Scan[],
  now = new Date(),
): Promise<Mail> {
  if (!canRegister(caller.actor)) throw NOT_ALLOWED();
  const values = parseInput(registerSchema, input, 'courrier.invalid');
  if (values.arrivee > parisDateOf(now))
    throw fieldError('arrivee', 'La date d’arrivée ne peut pas être dans le futur.');
  if (scans.length > MAX_SCANS) throw fieldError('documents', `Joignez au plus ${MAX_SCANS} fichiers.`);
  const { communeId } = caller;
  return withTenant(ctx.database, communeId, async (tx) => {
    const services = await listActiveServices(tx, communeId);
    const service = services.find((s) => s.id === values.service);
    if (!service) throw fieldError('service', 'Choisissez le service en charge parmi ceux de la commune.');
    const staff = new Set((await listStaffContacts(tx, communeId)).map((s) => s.accountId));
    for (const field of ['copies', 'lecteurs'] as const) {
      if (values[field].some((id) => !staff.has(id))) {
        throw fieldError(field, 'Choisissez des personnes parmi les agents et élus de la commune.');
      }
    }
    return insertIncoming(ctx, tx, caller, values, service, scans, now);
  });
}

/**
 * Registers one incoming mail in the caller's transaction (the form above; each letter of a
 * bulk intake): contact, chrono, deadline, scans, people, history, journal, OCR job.
 */
export async function insertIncoming(
  ctx: AppContext,
  tx: Tx,
  caller: Caller,
  values: Omit<RegisterValues, 'service'>,
  service: Service,
  scans: readonly Scan[],
  now: Date,
  origin?: string,
): Promise<Mail> {
  const { communeId } = caller;
  const { contact, created } = await findOrCreateContact(tx, communeId, {
    kind: values.expediteur_type,
    name: values.expediteur_nom,
    email: values.expediteur_courriel,
    postalAddress: values.expediteur_adresse,
  });
  const chrono = chronoOf('A', parisYearOf(now), await nextValue(tx, INCOMING_COUNTER, now));
  const mail = await insertMail(tx, {
    id: uuidv7(),
    communeId,
    chrono,
    arrivedOn: values.arrivee,
    registeredAt: now,
    registeredBy: caller.actor.accountId,
    contactId: contact.id,
    subject: values.objet,
    mailType: values.type,
    category: values.categorie,
    priority: values.priorite,
    confidential: values.confidentiel,
    serviceId: service.id,
    status: 'a_traiter',
    dueOn: processingDeadline(values.arrivee, values.type, values.priorite),
    ocrStatus: scans.length > 0 ? 'en_attente' : 'aucun',
    ocrPagesDone: 0,
    ocrPagesTotal: 0,
  });
  for (const scan of scans) {
    const sha256 = await tx.blobs.put({ communeId }, scan.content);
    await insertDocument(tx, {
      communeId,
      mailId: mail.id,
      name: scan.name,
      mimeType: scan.mimeType,
      sizeBytes: scan.sizeBytes,
      sha256,
    });
  }
  await addPersons(tx, communeId, mail.id, [
    ...values.copies.map((accountId) => ({ accountId, role: 'copie' as const })),
    ...(values.confidentiel ? values.lecteurs.map((accountId) => ({ accountId, role: 'lecteur' as const })) : []),
  ]);
  await addHistory(tx, communeId, mail.id, {
    actorId: caller.actor.accountId,
    kind: 'enregistre',
    at: now,
    text: `Courrier enregistré sous le numéro ${chrono}, confié au service ${service.name}${
      created ? '' : ` (expéditeur déjà connu : ${contact.name})`
    }.${origin ? ` ${origin}` : ''}`,
  });
  await refreshProposal(tx, communeId, mail.id);
  await auditCourrier(
    tx,
    caller,
    'courrier.mail_registered',
    { type: 'courrier_mail', id: mail.id },
    {
      chrono,
      service: service.id,
      confidential: values.confidentiel,
      scans: scans.length,
    },
  );
  if (scans.length > 0)
    await ctx.queue.enqueue(tx, OCR_JOB, { communeId, mailId: mail.id }, { idempotencyKey: `ocr:${mail.id}` });
  return mail;
}
