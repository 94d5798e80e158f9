/**
 * The citizen's profile, given once and reused ("dites-le-nous une fois"): phone and postal
 * address (prefilled into démarches) and the members of the household. Validation with French
 * field messages, shared by the pages and the tests; use cases work inside the caller's
 * transaction, for the signed-in account only.
 */
import { z } from 'zod';
import type { Tx } from '../../platform/db/tenant.js';
import { AppError, notFound } from '../../platform/errors.js';
import { fieldErrorsOf } from '../../platform/validation.js';
import {
  type AddressAnswer,
  dateFromParts,
  isPostcode,
  normalizePhone,
  type PrefillKey,
  parisToday,
} from '../forms/index.js';
import {
  deleteHouseholdMemberRow,
  findHouseholdMember,
  findProfileRow,
  insertHouseholdMember,
  listHouseholdMembers,
  updateHouseholdMemberRow,
  upsertProfileRow,
} from './repo.js';
import { HOUSEHOLD_RELATIONS, type HouseholdMember, type HouseholdRelation } from './schema.js';

/** Most people a household may list. */
export const MAX_HOUSEHOLD_MEMBERS = 20;
/** Earliest birth date accepted. */
export const EARLIEST_BIRTH_DATE = '1900-01-01';
const MAX_LINE = 200;

export const RELATION_LABELS: Record<HouseholdRelation, string> = {
  conjoint: 'Conjoint ou conjointe',
  enfant: 'Enfant',
  autre: 'Autre personne du foyer',
};

export interface ContactDetails {
  phone: string | null;
  address: AddressAnswer | null;
}

export interface HouseholdMemberInput {
  givenName: string;
  familyName: string;
  birthDate: string;
  relation: HouseholdRelation;
}

/** One line of text as typed: no control characters, single spaces, trimmed. */
function cleanLine(value: unknown): string {
  const text = typeof value === 'string' ? value : Array.isArray(value) ? String(value[0] ?? '') : '';
  return (
    text
      .normalize('NFC')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we remove
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

function invalid(fields: Record<string, string>): AppError {
  return new AppError('input.invalid', 'invalid form', 422, { fields });
}

const PHONE_MESSAGE = 'Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78';

const contactSchema = z
  .object({
    telephone: z.string().max(40, PHONE_MESSAGE),
    'adresse-line1': z.string().max(MAX_LINE, `Le numéro et la voie doivent comporter au plus ${MAX_LINE} caractères`),
    'adresse-line2': z.string().max(MAX_LINE, `Le complément d’adresse doit comporter au plus ${MAX_LINE} caractères`),
    'adresse-postcode': z.string().max(20, 'Le code postal doit comporter 5 chiffres, par exemple 75001'),
    'adresse-city': z.string().max(MAX_LINE, `La commune doit comporter au plus ${MAX_LINE} caractères`),
  })
  .superRefine((input, ctx) => {
    if (input.telephone !== '' && normalizePhone(input.telephone) === null) {
      ctx.addIssue({ code: 'custom', path: ['telephone'], message: PHONE_MESSAGE });
    }
    const line1 = input['adresse-line1'];
    const postcode = input['adresse-postcode'];
    const city = input['adresse-city'];
    if (line1 === '' && input['adresse-line2'] === '' && postcode === '' && city === '') return;
    // Started but incomplete: say what is missing, part by part.
    if (line1 === '')
      ctx.addIssue({ code: 'custom', path: ['adresse-line1'], message: 'Saisissez le numéro et le nom de la voie' });
    if (postcode === '')
      ctx.addIssue({ code: 'custom', path: ['adresse-postcode'], message: 'Saisissez le code postal' });
    else if (!isPostcode(postcode))
      ctx.addIssue({
        code: 'custom',
        path: ['adresse-postcode'],
        message: 'Le code postal doit comporter 5 chiffres, par exemple 75001',
      });
    if (city === '') ctx.addIssue({ code: 'custom', path: ['adresse-city'], message: 'Saisissez la commune' });
  });

/** The contact-details form, checked; throws a 422 AppError with French field messages. */
export function parseContactForm(body: Record<string, unknown>): ContactDetails {
  const input = {
    telephone: cleanLine(body.telephone),
    'adresse-line1': cleanLine(body['adresse-line1']),
    'adresse-line2': cleanLine(body['adresse-line2']),
    'adresse-postcode': cleanLine(body['adresse-postcode']).replace(/\s/g, ''),
    'adresse-city': cleanLine(body['adresse-city']),
  };
  const parsed = contactSchema.safeParse(input);
  if (!parsed.success) throw invalid(fieldErrorsOf(parsed.error));
  const v = parsed.data;
  return {
    phone: v.telephone === '' ? null : normalizePhone(v.telephone),
    address:
      v['adresse-line1'] === ''
        ? null
        : {
            line1: v['adresse-line1'],
            ...(v['adresse-line2'] !== '' ? { line2: v['adresse-line2'] } : {}),
            postcode: v['adresse-postcode'],
            city: v['adresse-city'],
          },
  };
}

const nameOf = (what: string) =>
  z.string().min(1, `Saisissez le ${what}`).max(MAX_LINE, `Le ${what} doit comporter au plus ${MAX_LINE} caractères`);

const memberSchema = z.object({
  prenom: nameOf('prénom'),
  nom: nameOf('nom'),
  lien: z.enum(HOUSEHOLD_RELATIONS, { error: 'Indiquez le lien de cette personne avec vous' }),
});

/**
 * A household member as typed (prénom, nom, date de naissance in three boxes, lien), checked
 * against `today` (Europe/Paris): the birth date must be a real date, not after today and not
 * before 1900.
 */
export function parseHouseholdMemberForm(
  body: Record<string, unknown>,
  today: string = parisToday(),
): HouseholdMemberInput {
  const fields: Record<string, string> = {};
  const parsed = memberSchema.safeParse({
    prenom: cleanLine(body.prenom),
    nom: cleanLine(body.nom),
    lien: cleanLine(body.lien),
  });
  if (!parsed.success) Object.assign(fields, fieldErrorsOf(parsed.error));
  const [day, month, year] = ['day', 'month', 'year'].map((part) => cleanLine(body[`naissance-${part}`])) as [
    string,
    string,
    string,
  ];
  const birthDate = dateFromParts(day, month, year);
  if (day === '' && month === '' && year === '') fields.naissance = 'Saisissez la date de naissance';
  else if (birthDate === null)
    fields.naissance = 'La date de naissance doit être une date réelle, par exemple 27 3 2015';
  else if (birthDate > today) fields.naissance = 'La date de naissance doit être aujourd’hui ou dans le passé';
  else if (birthDate < EARLIEST_BIRTH_DATE)
    fields.naissance = 'La date de naissance doit être après le 1er janvier 1900';
  // The order of the messages is the order of the fields on the page.
  const ordered = Object.fromEntries(
    ['prenom', 'nom', 'naissance', 'lien'].filter((k) => fields[k]).map((k) => [k, fields[k]!]),
  );
  if (!parsed.success || Object.keys(ordered).length > 0) throw invalid(ordered);
  return {
    givenName: parsed.data.prenom,
    familyName: parsed.data.nom,
    birthDate: birthDate!,
    relation: parsed.data.lien,
  };
}

// — Use cases —

export interface Profile {
  contact: ContactDetails;
  household: HouseholdMember[];
}

export async function getContactDetails(tx: Tx, accountId: string): Promise<ContactDetails> {
  const row = await findProfileRow(tx, accountId);
  if (!row) return { phone: null, address: null };
  return {
    phone: row.phone,
    address:
      row.addressLine1 && row.addressPostcode && row.addressCity
        ? {
            line1: row.addressLine1,
            ...(row.addressLine2 ? { line2: row.addressLine2 } : {}),
            postcode: row.addressPostcode,
            city: row.addressCity,
          }
        : null,
  };
}

export async function getProfile(tx: Tx, accountId: string): Promise<Profile> {
  return { contact: await getContactDetails(tx, accountId), household: await listHouseholdMembers(tx, accountId) };
}

/** Saves the phone and address typed in the form (empty fields clear them). */
export async function saveContactDetails(tx: Tx, accountId: string, body: Record<string, unknown>): Promise<void> {
  const { phone, address } = parseContactForm(body);
  await upsertProfileRow(tx, accountId, {
    phone,
    addressLine1: address?.line1 ?? null,
    addressLine2: address?.line2 ?? null,
    addressPostcode: address?.postcode ?? null,
    addressCity: address?.city ?? null,
  });
}

/** What the profile can prefill in a démarche (the account gives names, e-mail, birth date). */
export async function profilePrefill(tx: Tx, accountId: string): Promise<Partial<Record<PrefillKey, unknown>>> {
  const { phone, address } = await getContactDetails(tx, accountId);
  return { ...(phone ? { phone } : {}), ...(address ? { address } : {}) };
}

export { findHouseholdMember, listHouseholdMembers };

export async function addHouseholdMember(
  tx: Tx,
  accountId: string,
  body: Record<string, unknown>,
): Promise<HouseholdMember> {
  const input = parseHouseholdMemberForm(body);
  if ((await listHouseholdMembers(tx, accountId)).length >= MAX_HOUSEHOLD_MEMBERS) {
    throw new AppError('household.full', 'household full', 422, {
      fields: { prenom: `Vous pouvez déclarer au plus ${MAX_HOUSEHOLD_MEMBERS} personnes dans votre foyer.` },
    });
  }
  return insertHouseholdMember(tx, accountId, input);
}

export async function updateHouseholdMember(
  tx: Tx,
  accountId: string,
  memberId: string,
  body: Record<string, unknown>,
): Promise<void> {
  const input = parseHouseholdMemberForm(body);
  if (!(await updateHouseholdMemberRow(tx, accountId, memberId, input))) {
    throw notFound('household.member_not_found', 'no such member');
  }
}

export async function removeHouseholdMember(tx: Tx, accountId: string, memberId: string): Promise<void> {
  if (!(await deleteHouseholdMemberRow(tx, accountId, memberId))) {
    throw notFound('household.member_not_found', 'no such member');
  }
}
