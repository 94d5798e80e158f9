/**
 * The commune's @ctes settings (decision 0055): the emitter of its ACTES envelopes — département,
 * arrondissement, SIREN, nature of the collectivity —, the date of the classification (nomenclature
 * des matières) its prefecture gave it, and the address the acknowledgements are sent back to.
 * Set by the commune's administrators; read when a délibération's transmission package is prepared.
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import { hasRole } from '../../../platform/authz/actor.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { mailAddressSchema } from '../../../platform/mail/address.js';
import { COLLECTIVITY_NATURES } from '../actes.js';
import { saveActesSettings } from '../repo.js';
import type { SettingRow } from '../schema.js';
import { type CouncilCaller, parseOrRefuse } from './common.js';

/** SIREN: 9 digits with a Luhn key (as the SIRET's first nine). */
export function isSiren(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let digit = Number(value[8 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const isRealDate = (v: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
};

/** « 34 » → « 034 », « 2a » → « 02A »: the three characters of ACTES. */
export function actesDepartement(value: string): string {
  const v = value.replace(/\s/g, '').toUpperCase();
  return /^(\d{2}|2[AB])$/.test(v) ? `0${v}` : v;
}

export const actesSettingsSchema = z.object({
  departement: z
    .string()
    .transform(actesDepartement)
    .pipe(
      z
        .string()
        .min(1, 'Saisissez le code du département.')
        .regex(
          /^(\d{3}|02[AB])$/,
          'Le code du département compte trois caractères, par exemple 034 pour l’Hérault, 974 pour La Réunion ou 02A pour la Corse-du-Sud.',
        ),
    ),
  arrondissement: z
    .string()
    .trim()
    .min(1, 'Saisissez le numéro de l’arrondissement de la commune.')
    .regex(/^\d$/, 'Le numéro d’arrondissement est un seul chiffre, par exemple 1 pour celui de la préfecture.'),
  siren: z
    .string()
    .transform((v) => v.replace(/\s/g, ''))
    .pipe(
      z
        .string()
        .min(1, 'Saisissez le SIREN de la commune.')
        .regex(/^\d{9}$/, 'Le SIREN compte 9 chiffres, par exemple 218 601 946.')
        .refine(
          isSiren,
          'Ce numéro n’est pas un SIREN : vérifiez les chiffres sur l’avis de situation au répertoire Sirene.',
        ),
    ),
  nature: z.string().refine((v) => v in COLLECTIVITY_NATURES, 'Choisissez la nature de la collectivité.'),
  classificationDate: z
    .string()
    .refine(
      isRealDate,
      'Saisissez la date de la classification des actes transmise par la préfecture, par exemple 15 6 2022.',
    ),
  returnEmail: mailAddressSchema({
    emptyMessage: 'Saisissez l’adresse qui recevra les accusés de réception de la préfecture.',
    example: 'secretariat@mairie.fr',
  }),
});

export type ActesSettingsInput = Partial<Record<keyof z.infer<typeof actesSettingsSchema>, string>>;

export async function setActesSettings(
  database: Database,
  caller: CouncilCaller,
  input: ActesSettingsInput,
): Promise<void> {
  const actor = caller.actor;
  if (!hasRole(actor, 'admin') || !actor) throw notFound('council.forbidden', 'not an administrator');
  const v = parseOrRefuse(
    actesSettingsSchema,
    { departement: '', arrondissement: '', siren: '', nature: '', classificationDate: '', returnEmail: '', ...input },
    'council.actes_settings_invalid',
  );
  const communeId = caller.commune.id;
  await withTenant(database, communeId, async (tx) => {
    await saveActesSettings(tx, communeId, v, actor.accountId);
    await recordAudit(tx, {
      action: 'council.actes_settings_changed',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'commune',
      targetId: communeId,
      data: v,
      requestId: caller.httpRequestId ?? null,
    });
  });
}

export interface ActesSettings {
  departement: string;
  arrondissement: string;
  siren: string;
  nature: string;
  classificationDate: string;
  returnEmail: string;
}

/** The French names of the settings a package still needs (empty when it can be prepared). */
export function missingActesSettings(row: SettingRow | undefined): string[] {
  const missing: string[] = [];
  if (!row?.actesDepartement) missing.push('le code du département');
  if (!row?.actesArrondissement) missing.push('l’arrondissement');
  if (!row?.actesSiren) missing.push('le SIREN de la commune');
  if (!row?.actesNature) missing.push('la nature de la collectivité');
  if (!row?.actesClassificationDate) missing.push('la date de la classification des actes');
  if (!row?.actesReturnEmail) missing.push('l’adresse de retour des accusés de réception');
  return missing;
}
