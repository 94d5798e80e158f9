/**
 * Front door of the profile ("dites-le-nous une fois"): the prefill of démarches from the
 * citizen's profile, and the vault's documents offered on file questions.
 */
import type { Tx } from '../../platform/db/tenant.js';
import type { AddressAnswer } from '../forms/index.js';
import { getContactDetails } from './profile.js';
import { insertHouseholdMember, listHouseholdMembers, upsertProfileRow } from './repo.js';

export { profilePrefill } from './profile.js';
export {
  listDocuments,
  readDocument,
  usableDocuments,
  VAULT_ACCEPTED_TYPES,
  VAULT_MAX_BYTES,
  validityText,
} from './vault.js';

export interface HouseholdChild {
  id: string;
  givenName: string;
  familyName: string;
  birthDate: string;
}

/**
 * The children of a citizen's household, as the citizen entered them once in their profile
 * (« dites-le-nous une fois »): the family portal enrols them without asking again.
 */
export async function householdChildren(tx: Tx, accountId: string): Promise<HouseholdChild[]> {
  const members = await listHouseholdMembers(tx, accountId);
  return members
    .filter((m) => m.relation === 'enfant')
    .map((m) => ({ id: m.id, givenName: m.givenName, familyName: m.familyName, birthDate: m.birthDate }));
}

/** Adds a child to a citizen's household, as the citizen would in their profile (the demo's families). */
export async function seedHouseholdChild(
  tx: Tx,
  accountId: string,
  child: { givenName: string; familyName: string; birthDate: string },
): Promise<HouseholdChild> {
  const member = await insertHouseholdMember(tx, accountId, { ...child, relation: 'enfant' });
  return { id: member.id, givenName: member.givenName, familyName: member.familyName, birthDate: member.birthDate };
}

/** Records a citizen's postal address, as the citizen would in their profile (the demo's families). */
export async function seedPostalAddress(tx: Tx, accountId: string, address: AddressAnswer): Promise<void> {
  const { phone } = await getContactDetails(tx, accountId);
  await upsertProfileRow(tx, accountId, {
    phone,
    addressLine1: address.line1,
    addressLine2: address.line2 ?? null,
    addressPostcode: address.postcode,
    addressCity: address.city,
  });
}

/**
 * The postal addresses citizens gave in their profile, for these accounts (a rôle names every
 * paying guardian with their address): accounts without a complete address are left out. Each
 * profile row is read under its own account's scope (RLS), in the caller's transaction.
 */
export async function postalAddresses(tx: Tx, accountIds: readonly string[]): Promise<Map<string, AddressAnswer>> {
  const found = new Map<string, AddressAnswer>();
  for (const id of new Set(accountIds)) {
    const { address } = await getContactDetails(tx, id);
    if (address) found.set(id, address);
  }
  return found;
}
