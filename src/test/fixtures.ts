/** Small inputs shared by integration tests: files recognised by their content, form helpers. */

import { DEMO_PASSWORD } from '../modules/demo/accounts.js';
import { hashPassword } from '../modules/identity/passwords.js';
import { addMembership, insertAccount } from '../modules/identity/repo.js';
import type { Database } from '../platform/db/client.js';
import { withTenant } from '../platform/db/tenant.js';
import { AppError } from '../platform/errors.js';
import type { Commune } from '../platform/tenancy/communes.js';

/** A minimal PDF (recognised as application/pdf by its magic bytes). */
export const SAMPLE_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);

/** A ZIP archive holding one text file: refused whatever its name. */
export const SAMPLE_ZIP = Buffer.from(
  'UEsDBBQAAAAAAGOMfF3I8LalBwAAAAcAAAAFAAAAYS50eHRib25qb3VyUEsBAhQDFAAAAAAAY4x8XcjwtqUHAAAABwAAAAUAAAAAAAAAAAAAAIABAAAAAGEudHh0UEsFBgAAAAABAAEAMwAAACoAAAAAAA==',
  'base64',
);

/** The form fields of a date typed in three boxes (`${name}-day|month|year`), none for null. */
export function dateFields(name: string, iso: string | null): Record<string, string> {
  if (iso === null) return {};
  const [year, month, day] = iso.split('-');
  return { [`${name}-day`]: String(Number(day)), [`${name}-month`]: String(Number(month)), [`${name}-year`]: year! };
}

/** The parsed value, or the French field errors of a rejected form. */
export function formOutcome<T>(parse: () => T): { ok: T } | { errors: Record<string, string> } {
  try {
    return { ok: parse() };
  } catch (error) {
    if (error instanceof AppError && error.fields) return { errors: error.fields };
    throw error;
  }
}

/** The second citizen of tests: Paul Voisin, a citizen of `commune` with the demo password. */
export const SECOND_CITIZEN = 'paul.voisin@courriel.example';

/** Adds the second citizen (someone else's requests, documents and profile: 404 for them). */
export async function addSecondCitizen(database: Database, commune: Commune): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await withTenant(database, commune.id, async (tx) => {
    const other = await insertAccount(tx, {
      email: SECOND_CITIZEN,
      givenName: 'Paul',
      familyName: 'Voisin',
      passwordHash,
      passwordPolicyVersion: 1,
      isOperator: false,
      emailVerifiedAt: new Date(),
    });
    await addMembership(tx, commune.id, other.id, 'citizen');
  });
}
