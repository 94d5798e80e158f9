/**
 * Front door of identity: what other modules may ask of accounts and staff. Tables, queries and
 * pages stay private; each function here is a use case or a read model.
 */
import type { Role } from '../../platform/authz/roles.js';
import type { Tx } from '../../platform/db/tenant.js';
import { PASSWORD_POLICY_VERSION } from './password-policy.js';
import {
  addMembership,
  findAccountByEmail,
  findAccountById,
  findAccountNames,
  insertAccount,
  membershipsInCommune,
} from './repo.js';
import { findApiTokenName, listStaffMembers } from './staff-repo.js';
import { encryptTotpSecret } from './totp.js';

export { hashPassword } from './passwords.js';
export { inviteMember } from './staff.js';
export { base32Secret, currentStep, totpCodeAt } from './totp.js';

/** What another module may know of a person's account: their identity and contact. */
export interface AccountContact {
  id: string;
  email: string;
  givenName: string;
  familyName: string;
  birthDate: string | null;
}

/** The contact of an account, or undefined when it does not exist. */
export async function accountContact(tx: Tx, accountId: string): Promise<AccountContact | undefined> {
  const account = await findAccountById(tx, accountId);
  if (!account) return undefined;
  return {
    id: account.id,
    email: account.email,
    givenName: account.givenName,
    familyName: account.familyName,
    birthDate: account.birthDate,
  };
}

/** The instance's operators (OPSN) who can be mailed: confirmed, active accounts flagged operator. */
export async function listOperatorContacts(tx: Tx): Promise<Array<{ email: string; givenName: string }>> {
  const { rows } = await tx.client.query<{ email: string; given_name: string }>(
    `SELECT email, given_name FROM account
      WHERE is_operator AND disabled_at IS NULL AND email_verified_at IS NOT NULL ORDER BY email`,
  );
  return rows.map((r) => ({ email: r.email, givenName: r.given_name }));
}

/**
 * The names of several accounts at once (a billing run names thousands of payers): one query,
 * accounts that do not exist are left out of the map.
 */
export async function accountNames(
  tx: Tx,
  accountIds: readonly string[],
): Promise<Map<string, { givenName: string; familyName: string }>> {
  const rows = await findAccountNames(tx, accountIds);
  return new Map(rows.map((r) => [r.id, { givenName: r.givenName, familyName: r.familyName }]));
}

/** The account that owns this address, if it is confirmed and active (to attach a request to it). */
export async function activeAccountIdByEmail(tx: Tx, email: string): Promise<string | null> {
  const account = await findAccountByEmail(tx, email);
  return account?.emailVerifiedAt && !account.disabledAt ? account.id : null;
}

export interface SeededMember {
  email: string;
  givenName: string;
  familyName: string;
  role: Role;
  serviceIds: string[];
  /** An argon2id hash of the password, already checked against the staff policy by the caller. */
  passwordHash: string;
  isOperator?: boolean;
  /** Second factor mandatory from this date (null: after the usual grace period). */
  mfaRequiredFrom?: Date | null;
  /**
   * An authenticator-app factor, already confirmed, with this secret (encrypted with the
   * application secret) — for the demo's public key and tests, never for people (decision 0029).
   */
  totp?: { secret: Uint8Array; appSecret: string };
}

/**
 * Creates (or reuses) a confirmed account and gives it a role in the transaction's commune —
 * for instances provisioned by script (the demo), never for people, who are invited.
 */
export async function seedMember(tx: Tx, person: SeededMember): Promise<void> {
  const communeId = tx.communeId;
  if (!communeId) throw new Error('seedMember needs a tenant transaction');
  const existing = await findAccountByEmail(tx, person.email);
  const account =
    existing ??
    (await insertAccount(tx, {
      email: person.email,
      givenName: person.givenName,
      familyName: person.familyName,
      passwordHash: person.passwordHash,
      passwordPolicyVersion: PASSWORD_POLICY_VERSION,
      passwordSetAt: new Date(),
      emailVerifiedAt: new Date(),
      isOperator: person.isOperator ?? false,
      mfaRequiredFrom: person.mfaRequiredFrom ?? null,
    }));
  await addMembership(tx, communeId, account.id, person.role, { serviceIds: person.serviceIds });
  if (person.totp) {
    await tx.client.query(
      `INSERT INTO totp_factor (account_id, secret_encrypted, confirmed_at) VALUES ($1, $2, now())
       ON CONFLICT (account_id) DO NOTHING`,
      [account.id, encryptTotpSecret(person.totp.appSecret, account.id, person.totp.secret)],
    );
  }
}

/** The name an administrator gave an API token (to say which connector acted), or a generic one. */
export async function apiTokenName(tx: Tx, communeId: string, tokenId: string): Promise<string> {
  return (await findApiTokenName(tx, communeId, tokenId)) ?? 'jeton d’API';
}

/** Whether the account administers the commune (inside that commune's tenant transaction). */
export async function isCommuneAdmin(tx: Tx, communeId: string, accountId: string): Promise<boolean> {
  return (await membershipsInCommune(tx, communeId, accountId)).some((m) => m.role === 'admin');
}

/** A staff member as other modules may list them (to choose a person: a signatory, a delegate…). */
export interface StaffContact {
  accountId: string;
  email: string;
  givenName: string;
  familyName: string;
  roles: Role[];
  serviceIds: string[];
}

/** The commune's staff (agents, élus, DGS, maire, administrators), by name. */
export async function listStaffContacts(tx: Tx, communeId: string): Promise<StaffContact[]> {
  return (await listStaffMembers(tx, communeId)).map((m) => ({
    accountId: m.accountId,
    email: m.email,
    givenName: m.givenName,
    familyName: m.familyName,
    roles: [...m.roles],
    serviceIds: [...m.serviceIds],
  }));
}
