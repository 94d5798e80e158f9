/**
 * « Contacter la mairie »: a free-text request (subject, message, name, e-mail) parsed from the
 * form, then filed like any démarche's request — routed by the commune's classifier, or to the
 * accueil for triage when unsure; numbered, receipted and tracked. Parsing comes apart from
 * sending so that the page checks the spam ladder in between: a form refused for a typo does not
 * count against an anonymous sender.
 */
import { z } from 'zod';
import type { Actor } from '../../../platform/authz/actor.js';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { mailAddressError } from '../../../platform/mail/address.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { parseInput } from '../../../platform/validation.js';
import { MAX_MESSAGE_LENGTH, requestDeps } from '../deps.js';
import { firstFormValue } from './common.js';
import { type SubmittedRequest, submitRequest } from './submit-request.js';

export const MAX_SUBJECT_LENGTH = 150;
const MAX_NAME_LENGTH = 200;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters removed
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

/** One line of text: runs of spaces folded, control characters dropped (as the form engine does). */
const line = firstFormValue.transform((v) => v.replace(/\s+/g, ' ').replace(CONTROL, '').trim());

const contactSchema = z.object({
  subject: line.pipe(
    z
      .string()
      .min(1, 'Saisissez l’objet de votre demande.')
      .max(MAX_SUBJECT_LENGTH, `L’objet doit faire au plus ${MAX_SUBJECT_LENGTH} caractères.`),
  ),
  message: firstFormValue
    .transform((v) => v.replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(CONTROL, '').trim())
    .pipe(
      z
        .string()
        .min(1, 'Saisissez votre message.')
        .max(MAX_MESSAGE_LENGTH, `Votre message doit faire au plus ${MAX_MESSAGE_LENGTH} caractères.`),
    ),
  name: line.pipe(
    z
      .string()
      .min(1, 'Saisissez votre nom.')
      .max(MAX_NAME_LENGTH, `Votre nom doit faire au plus ${MAX_NAME_LENGTH} caractères.`),
  ),
  // The rule the mail layer applies, so that an address accepted here is one the receipt reaches.
  email: line
    .transform((v) => v.toLowerCase())
    .superRefine((value, ctx) => {
      const problem = mailAddressError(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
});

export type ContactMessage = z.infer<typeof contactSchema>;

/** The form's values, or a 422 with a French message at each wrong field. */
export function parseContactMessage(body: unknown): ContactMessage {
  return parseInput(contactSchema, body, 'contact.invalid');
}

export async function sendContactMessage(
  ctx: AppContext,
  caller: { commune: Commune; actor: Actor | null; httpRequestId: string },
  message: ContactMessage,
): Promise<SubmittedRequest> {
  const { commune, actor } = caller;
  return withTenant(ctx.database, commune.id, (tx) =>
    submitRequest(tx, requestDeps(ctx), {
      commune,
      procedure: null,
      formVersion: null,
      subject: message.subject,
      answers: { message: message.message },
      summary: [
        { label: 'Objet', value: message.subject },
        { label: 'Message', value: message.message },
      ],
      freeText: `${message.subject}\n${message.message}`,
      requester: { accountId: actor?.accountId ?? null, name: message.name, email: message.email },
      actor: { type: 'citizen', accountId: actor?.accountId ?? null },
      httpRequestId: caller.httpRequestId,
    }),
  );
}
