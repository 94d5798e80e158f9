/**
 * The commune settings an administrator edits (decision 0023): identity (name, address, opening
 * hours, contact), the theme colour, the legal mentions (LCEN art. 6-III: editor, publication
 * director, host) and the address the commune's mails come from. zod parse → transaction →
 * audit (the fields changed, not their values: they are public anyway, on the site).
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { mailAddressError } from '../../../platform/mail/address.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { fieldErrorsOf } from '../../../platform/validation.js';
import { type CommuneChanges, updateCommuneRow } from '../repo.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** `label` starts the error messages (« Le nom de la commune ne doit pas… »). */
function text(label: string, max: number, options: { required?: string; multiline?: boolean } = {}) {
  return z
    .string()
    .transform((v) => v.replace(/\r\n/g, '\n').trim())
    .superRefine((v, ctx) => {
      if (options.required && v === '') ctx.addIssue({ code: 'custom', message: options.required });
      else if (v.length > max)
        ctx.addIssue({ code: 'custom', message: `${label} ne doit pas dépasser ${max} caractères.` });
      else if (CONTROL.test(v) || (!options.multiline && v.includes('\n')))
        ctx.addIssue({ code: 'custom', message: `${label} contient des caractères non autorisés.` });
    })
    .transform((v) => (v === '' ? null : v));
}

function mail(label: string) {
  return z
    .string()
    .transform((v) => v.trim())
    .superRefine((v, ctx) => {
      if (v === '') return;
      const error = mailAddressError(v, 'mairie@exemple.fr');
      if (error)
        ctx.addIssue({ code: 'custom', message: `${label} : ${error.charAt(0).toLowerCase()}${error.slice(1)}` });
    })
    .transform((v) => (v === '' ? null : v));
}

export const communeSettingsSchema = z.object({
  name: text('Le nom de la commune', 200, { required: 'Saisissez le nom de la commune.' }).transform((v) => v ?? ''),
  address: text('L’adresse de la mairie', 300),
  openingHours: text('Les horaires d’ouverture', 300, { multiline: true }),
  phone: text('Le numéro de téléphone', 30).refine((v) => v === null || /^\+?[0-9 .()-]{6,30}$/.test(v), {
    message: 'Saisissez un numéro de téléphone, comme 01 23 45 67 89.',
  }),
  email: mail('L’adresse de contact'),
  brandColour: z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => /^#[0-9a-f]{6}$/.test(v), { message: 'Saisissez une couleur au format #rrvvbb, comme #1d70b8.' }),
  legalEditor: text('L’éditeur du site', 500, { multiline: true }),
  legalDirector: text('Le nom du directeur ou de la directrice de la publication', 200),
  legalHost: text('L’hébergeur', 500, { multiline: true }),
  mailFromAddress: mail('L’adresse d’expédition'),
});

export type CommuneSettingsInput = Record<keyof z.input<typeof communeSettingsSchema>, string>;

export async function updateCommuneSettings(
  database: Database,
  commune: Commune,
  input: CommuneSettingsInput,
  actor: { accountId: string; httpRequestId?: string },
): Promise<Commune> {
  const parsed = communeSettingsSchema.safeParse(input);
  if (!parsed.success) {
    const fields = fieldErrorsOf(parsed.error);
    throw new AppError('commune.settings_invalid', 'invalid commune settings', 422, { fields });
  }
  const changes: CommuneChanges = parsed.data;
  return withTenant(database, commune.id, async (tx) => {
    const updated = await updateCommuneRow(tx, commune.id, changes);
    const changed = (Object.keys(changes) as Array<keyof CommuneChanges>).filter((k) => commune[k] !== updated[k]);
    await recordAudit(tx, {
      action: 'commune.settings_changed',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'commune',
      targetId: commune.id,
      data: { fields: changed },
      requestId: actor.httpRequestId ?? null,
    });
    return updated;
  });
}
