/**
 * Bulk intake (decision 0057): the accueil uploads the morning's post scanned as ONE PDF, a blank
 * sheet between two letters; the stack is split at its blank pages (split.ts) and each letter is
 * registered as its own incoming mail — its own chrono, its pages as its scan, its OCR job (so its
 * text is read, searched, and the classifier proposes its service) — all in one transaction: a
 * stack is registered whole or not at all. What the letters share is typed once (arrival date,
 * type, how it arrived, priority, service); the sender is « Expéditeur à identifier » and the
 * subject says which letter of the stack it is, unless a common subject is given.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { listActiveServices } from '../../../platform/tenancy/communes.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { formatDate } from '../../../platform/views/format.js';
import { OcrUnavailableError } from '../ocr.js';
import { canRegister } from '../policy.js';
import type { Mail } from '../schema.js';
import { BundleError, MAX_BUNDLE_PAGES, splitBundle } from '../split.js';
import { auditCourrier, type Caller, fieldError, NOT_ALLOWED, parseInput } from './common.js';
import { insertIncoming, registerSchema, type Scan } from './register-mail.js';

export const UNKNOWN_SENDER = 'Expéditeur à identifier';

const shape = registerSchema.shape;
export const bundleSchema = z.object({
  arrivee: shape.arrivee,
  type: shape.type,
  categorie: shape.categorie,
  priorite: shape.priorite,
  service: shape.service,
  objet: z
    .string()
    .optional()
    .transform((v) => (v ?? '').replace(/\s+/g, ' ').trim())
    .pipe(z.string().max(250, 'L’objet commun doit faire au plus 250 caractères.')),
});

export async function registerBundle(
  ctx: AppContext,
  caller: Caller,
  input: unknown,
  file: Scan | null,
  now = new Date(),
): Promise<Mail[]> {
  if (!canRegister(caller.actor)) throw NOT_ALLOWED();
  const values = parseInput(bundleSchema, input, 'courrier.invalid');
  if (values.arrivee > parisDateOf(now))
    throw fieldError('arrivee', 'La date d’arrivée ne peut pas être dans le futur.');
  if (!file) throw fieldError('lot', 'Choisissez le fichier PDF du lot de courriers.');
  // Split before the transaction: poppler runs for seconds, no connection is held meanwhile.
  let letters: Awaited<ReturnType<typeof splitBundle>>;
  try {
    letters = await splitBundle(file.content);
  } catch (error) {
    if (error instanceof OcrUnavailableError) {
      throw new AppError('courrier.split_unavailable', 'poppler missing', 503, {
        userMessage: 'Le découpage automatique n’est pas installé sur ce serveur (paquet Debian poppler-utils).',
        fields: { lot: 'Le découpage automatique n’est pas installé sur ce serveur (paquet Debian poppler-utils).' },
      });
    }
    if (error instanceof BundleError && error.message.startsWith('too many pages')) {
      throw fieldError(
        'lot',
        `Déposez au plus ${MAX_BUNDLE_PAGES} pages à la fois : découpez le lot en plusieurs fichiers.`,
      );
    }
    throw fieldError('lot', 'Ce PDF n’a pas pu être découpé : fichier abîmé ou protégé par un mot de passe.');
  }
  if (letters.length === 0) throw fieldError('lot', 'Ce lot ne contient que des pages blanches.');
  const { communeId } = caller;
  const label = `lot du ${formatDate(values.arrivee)}`;
  return withTenant(ctx.database, communeId, async (tx) => {
    const service = (await listActiveServices(tx, communeId)).find((s) => s.id === values.service);
    if (!service) throw fieldError('service', 'Choisissez le service en charge parmi ceux de la commune.');
    const mails: Mail[] = [];
    for (const [i, letter] of letters.entries()) {
      const n = `${i + 1} sur ${letters.length}`;
      const pages =
        letter.pages.length === 1
          ? `page ${letter.pages[0]}`
          : `pages ${letter.pages[0]} à ${letter.pages[letter.pages.length - 1]}`;
      const mail = await insertIncoming(
        ctx,
        tx,
        caller,
        {
          arrivee: values.arrivee,
          expediteur_type: 'personne',
          expediteur_nom: UNKNOWN_SENDER,
          expediteur_courriel: null,
          expediteur_adresse: null,
          objet: values.objet ? `${values.objet} (${n})` : `Courrier ${n} du ${label}`,
          type: values.type,
          categorie: values.categorie,
          priorite: values.priorite,
          confidentiel: false,
          copies: [],
          lecteurs: [],
        },
        service,
        [
          {
            name: `lot-${values.arrivee}-courrier-${i + 1}.pdf`,
            mimeType: 'application/pdf',
            content: letter.content,
            sizeBytes: letter.content.length,
            sha256: createHash('sha256').update(letter.content).digest('hex'),
          },
        ],
        now,
        `Courrier ${n} du ${label} (« ${file.name} », ${pages}).`,
      );
      mails.push(mail);
    }
    await auditCourrier(
      tx,
      caller,
      'courrier.bundle_registered',
      { type: 'courrier_mail', id: mails[0]!.id },
      { file: file.name, letters: mails.map((m) => m.chrono) },
    );
    return mails;
  });
}
