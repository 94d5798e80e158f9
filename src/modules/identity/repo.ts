/** Queries on accounts, memberships, second factors and e-mail tokens. */
import { and, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Role } from '../../platform/authz/roles.js';
import type { Tx } from '../../platform/db/tenant.js';
import { hashToken, newToken } from '../../platform/tokens.js';
import { type Account, account, emailToken, type Membership, membership } from './schema.js';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findAccountByEmail(tx: Tx, email: string): Promise<Account | undefined> {
  const rows = await tx.db
    .select()
    .from(account)
    .where(eq(account.email, normalizeEmail(email)))
    .limit(1);
  return rows[0];
}

export async function findAccountById(tx: Tx, id: string): Promise<Account | undefined> {
  const rows = await tx.db.select().from(account).where(eq(account.id, id)).limit(1);
  return rows[0];
}

/** Ids and names of these accounts (those that exist). */
export async function findAccountNames(
  tx: Tx,
  ids: readonly string[],
): Promise<Array<{ id: string; givenName: string; familyName: string }>> {
  if (ids.length === 0) return [];
  return tx.db
    .select({ id: account.id, givenName: account.givenName, familyName: account.familyName })
    .from(account)
    .where(inArray(account.id, [...ids]));
}

export async function insertAccount(tx: Tx, values: Omit<typeof account.$inferInsert, 'id'>): Promise<Account> {
  const rows = await tx.db
    .insert(account)
    .values({ id: uuidv7(), ...values, email: normalizeEmail(values.email) })
    .returning();
  return rows[0]!;
}

/** Memberships of an account in the transaction's commune. */
export function membershipsInCommune(tx: Tx, communeId: string, accountId: string): Promise<Membership[]> {
  return tx.db
    .select()
    .from(membership)
    .where(and(eq(membership.communeId, communeId), eq(membership.accountId, accountId)));
}

export async function addMembership(
  tx: Tx,
  communeId: string,
  accountId: string,
  role: Role,
  options: { serviceIds?: string[]; invitedBy?: string } = {},
): Promise<void> {
  await tx.db
    .insert(membership)
    .values({
      id: uuidv7(),
      communeId,
      accountId,
      role,
      serviceIds: options.serviceIds ?? [],
      invitedBy: options.invitedBy ?? null,
    })
    .onConflictDoNothing();
}

/** True when the account has a confirmed TOTP or at least one passkey. */
export async function hasSecondFactor(tx: Tx, accountId: string): Promise<boolean> {
  const { rows } = await tx.client.query<{ has: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM totp_factor WHERE account_id = $1 AND confirmed_at IS NOT NULL)
         OR EXISTS (SELECT 1 FROM passkey WHERE account_id = $1) AS has`,
    [accountId],
  );
  return rows[0]?.has ?? false;
}

/** Creates a single-use e-mail token and returns its clear value (sent by e-mail only). */
export async function createEmailToken(
  tx: Tx,
  purpose: 'verify_email' | 'reset_password' | 'invitation',
  accountId: string,
  validMinutes: number,
): Promise<string> {
  const token = newToken();
  // One live token per purpose and account: older ones stop working.
  await tx.db
    .update(emailToken)
    .set({ usedAt: new Date() })
    .where(and(eq(emailToken.accountId, accountId), eq(emailToken.purpose, purpose), isNull(emailToken.usedAt)));
  await tx.db.insert(emailToken).values({
    id: uuidv7(),
    tokenHash: hashToken(token),
    purpose,
    accountId,
    communeId: tx.communeId,
    expiresAt: new Date(Date.now() + validMinutes * 60_000),
  });
  return token;
}

/** Consumes a token: returns its account id if it was live, and marks it used. */
export async function consumeEmailToken(
  tx: Tx,
  purpose: 'verify_email' | 'reset_password' | 'invitation',
  token: string,
): Promise<string | undefined> {
  const rows = await tx.db
    .update(emailToken)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(emailToken.tokenHash, hashToken(token)),
        eq(emailToken.purpose, purpose),
        isNull(emailToken.usedAt),
        gt(emailToken.expiresAt, new Date()),
      ),
    )
    .returning({ accountId: emailToken.accountId });
  return rows[0]?.accountId;
}

/** Checks a token without consuming it (to show the form it protects). */
export async function isEmailTokenLive(tx: Tx, purpose: string, token: string): Promise<boolean> {
  const { rows } = await tx.client.query(
    `SELECT 1 FROM email_token WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()`,
    [hashToken(token), purpose],
  );
  return rows.length === 1;
}

export async function setPassword(tx: Tx, accountId: string, hash: string, policyVersion: number): Promise<void> {
  await tx.db
    .update(account)
    .set({ passwordHash: hash, passwordPolicyVersion: policyVersion, passwordSetAt: new Date() })
    .where(eq(account.id, accountId));
}

export async function markEmailVerified(tx: Tx, accountId: string): Promise<void> {
  await tx.db
    .update(account)
    .set({ emailVerifiedAt: sql`coalesce(${account.emailVerifiedAt}, now())` })
    .where(eq(account.id, accountId));
}

/** Distinct people of the commune holding a staff role, or only the citizen role's consent. */
export async function countMembers(tx: Tx, communeId: string, kind: 'staff' | 'citizens'): Promise<number> {
  const rows = await tx.db
    .select({ n: sql<number>`count(DISTINCT ${membership.accountId})::int` })
    .from(membership)
    .where(
      and(
        eq(membership.communeId, communeId),
        kind === 'staff' ? ne(membership.role, 'citizen') : eq(membership.role, 'citizen'),
      ),
    );
  return rows[0]?.n ?? 0;
}

/** Whether the account has a password (accounts created through FranceConnect may have none). */
export async function hasPassword(tx: Tx, accountId: string): Promise<boolean> {
  const rows = await tx.db
    .select({ has: sql<boolean>`${account.passwordHash} IS NOT NULL` })
    .from(account)
    .where(eq(account.id, accountId));
  return rows[0]?.has === true;
}
