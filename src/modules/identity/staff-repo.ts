/**
 * Queries of the commune administration: staff members and their roles, invitation tokens,
 * the security journal with its filters, the cyber-hygiene figures and the API tokens. Every
 * function runs in the commune's tenant transaction and filters by commune id itself.
 */
import { and, eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Role } from '../../platform/authz/roles.js';
import type { Tx } from '../../platform/db/tenant.js';
import { hashToken } from '../../platform/tokens.js';
import { PASSWORD_POLICY_VERSION } from './password-policy.js';
import { membership } from './schema.js';

/** Roles an administrator may give (citizens register themselves). */
export const STAFF_ROLE_LIST = ['agent', 'councillor', 'mayor', 'dgs', 'admin'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLE_LIST)[number];

export interface StaffMember {
  accountId: string;
  email: string;
  givenName: string;
  familyName: string;
  roles: StaffRole[];
  /** Services of the agent membership (empty for other roles). */
  serviceIds: string[];
  hasSecondFactor: boolean;
  hasPassword: boolean;
  lastLoginAt: Date | null;
}

interface MemberRow {
  account_id: string;
  email: string;
  given_name: string;
  family_name: string;
  role: StaffRole;
  service_ids: string[];
  has_second_factor: boolean;
  has_password: boolean;
  last_login_at: Date | null;
}

async function staffRows(tx: Tx, communeId: string, accountId?: string): Promise<StaffMember[]> {
  const { rows } = await tx.client.query<MemberRow>(
    `SELECT m.account_id, a.email, a.given_name, a.family_name, m.role, m.service_ids, a.last_login_at,
            a.password_hash IS NOT NULL AS has_password,
            (EXISTS (SELECT 1 FROM totp_factor t WHERE t.account_id = a.id AND t.confirmed_at IS NOT NULL)
              OR EXISTS (SELECT 1 FROM passkey p WHERE p.account_id = a.id)) AS has_second_factor
       FROM membership m JOIN account a ON a.id = m.account_id
      WHERE m.commune_id = $1 AND m.role <> 'citizen' AND ($2::uuid IS NULL OR m.account_id = $2::uuid)
      ORDER BY lower(a.family_name), lower(a.given_name), a.email, m.role`,
    [communeId, accountId ?? null],
  );
  const members = new Map<string, StaffMember>();
  for (const row of rows) {
    let member = members.get(row.account_id);
    if (!member) {
      member = {
        accountId: row.account_id,
        email: row.email,
        givenName: row.given_name,
        familyName: row.family_name,
        roles: [],
        serviceIds: [],
        hasSecondFactor: row.has_second_factor,
        hasPassword: row.has_password,
        lastLoginAt: row.last_login_at,
      };
      members.set(row.account_id, member);
    }
    member.roles.push(row.role);
    if (row.role === 'agent') member.serviceIds = row.service_ids;
  }
  for (const member of members.values()) {
    member.roles.sort((a, b) => STAFF_ROLE_LIST.indexOf(a) - STAFF_ROLE_LIST.indexOf(b));
  }
  return [...members.values()];
}

/** Agents, élus, DGS, mayor and administrators of the commune, by name. */
export function listStaffMembers(tx: Tx, communeId: string): Promise<StaffMember[]> {
  return staffRows(tx, communeId);
}

/** One staff member of the commune, or undefined (unknown account, citizen only, other commune). */
export async function findStaffMember(tx: Tx, communeId: string, accountId: string): Promise<StaffMember | undefined> {
  return (await staffRows(tx, communeId, accountId))[0];
}

export async function countAdmins(tx: Tx, communeId: string): Promise<number> {
  const { rows } = await tx.client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM membership WHERE commune_id = $1 AND role = 'admin'`,
    [communeId],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Sets the staff roles of an account in the commune: removes the memberships of roles not in
 * `roles`, adds the missing ones, and sets the agent's services. A citizen membership stays.
 */
export async function setStaffRoles(
  tx: Tx,
  communeId: string,
  accountId: string,
  roles: readonly StaffRole[],
  serviceIds: readonly string[],
  invitedBy: string,
): Promise<void> {
  const keep = [...roles];
  await tx.client.query(
    `DELETE FROM membership
      WHERE commune_id = $1 AND account_id = $2 AND role <> 'citizen' AND NOT (role = ANY($3::text[]))`,
    [communeId, accountId, keep],
  );
  for (const role of keep) {
    await tx.db
      .insert(membership)
      .values({
        id: uuidv7(),
        communeId,
        accountId,
        role,
        serviceIds: role === 'agent' ? [...serviceIds] : [],
        invitedBy,
      })
      .onConflictDoNothing();
  }
  if (keep.includes('agent')) {
    await tx.db
      .update(membership)
      .set({ serviceIds: [...serviceIds] })
      .where(
        and(eq(membership.communeId, communeId), eq(membership.accountId, accountId), eq(membership.role, 'agent')),
      );
  }
}

/** Service ids of the commune among `ids` (drops unknown ones and those of other communes). */
export async function existingServiceIds(tx: Tx, communeId: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await tx.client.query<{ id: string }>(
    'SELECT id FROM service WHERE commune_id = $1 AND id = ANY($2::uuid[]) ORDER BY name',
    [communeId, ids],
  );
  return rows.map((r) => r.id);
}

// — Invitations —

/** The account of a live invitation of this commune, without consuming it. */
export async function findLiveInvitation(tx: Tx, communeId: string, token: string): Promise<string | undefined> {
  const { rows } = await tx.client.query<{ account_id: string }>(
    `SELECT account_id FROM email_token
      WHERE token_hash = $1 AND purpose = 'invitation' AND commune_id = $2 AND used_at IS NULL AND expires_at > now()`,
    [hashToken(token), communeId],
  );
  return rows[0]?.account_id;
}

/** Consumes a live invitation of this commune; returns its account id. */
export async function consumeInvitation(tx: Tx, communeId: string, token: string): Promise<string | undefined> {
  const { rows } = await tx.client.query<{ account_id: string }>(
    `UPDATE email_token SET used_at = now()
      WHERE token_hash = $1 AND purpose = 'invitation' AND commune_id = $2 AND used_at IS NULL AND expires_at > now()
      RETURNING account_id`,
    [hashToken(token), communeId],
  );
  return rows[0]?.account_id;
}

// — Security journal —

/** Action families of the journal filter: a pattern the action matches, and one it must not. */
export const ACTION_FAMILIES = {
  connexions: {
    label: 'Connexions et déconnexions',
    match: '^auth\\.(sign_in|sign_out|session|step_up)',
    exclude: '(_failed|locked)$',
  },
  echecs: { label: 'Échecs et blocages', match: '(_failed|_locked|\\.locked|_refused|_rejected)$', exclude: null },
  facteurs: {
    label: 'Mot de passe et seconds facteurs',
    match: '^auth\\.(password|mfa|totp|passkey|recovery)',
    exclude: null,
  },
  roles: { label: 'Rôles et invitations', match: '^membership\\.', exclude: null },
  exports: { label: 'Exports de données', match: '(exported|\\.export)$', exclude: null },
  justificatifs: {
    label: 'Justificatifs des usagers (ajouts, suppressions)',
    match: '^document_vault\\.',
    exclude: null,
  },
  administration: {
    label: 'Administration (jetons d’API, commune, services)',
    match: '^(api_token|commune|service|settings|admin)\\.',
    exclude: null,
  },
} as const;
export type ActionFamily = keyof typeof ACTION_FAMILIES;

export interface JournalFilter {
  family?: ActionFamily;
  /** Entries where this account is the actor or the target. */
  accountId?: string;
  /** Inclusive bounds, as instants. */
  from?: Date;
  until?: Date;
}

export interface JournalEntry {
  seq: number;
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetEmail: string | null;
  data: Record<string, unknown>;
}

function journalWhere(communeId: string, filter: JournalFilter): { sql: string; values: unknown[] } {
  const values: unknown[] = [communeId];
  const clauses = ['e.commune_id = $1'];
  if (filter.family) {
    const family = ACTION_FAMILIES[filter.family];
    values.push(family.match);
    clauses.push(`e.action ~ $${values.length}`);
    if (family.exclude) {
      values.push(family.exclude);
      clauses.push(`e.action !~ $${values.length}`);
    }
  }
  if (filter.accountId) {
    values.push(filter.accountId);
    clauses.push(`(e.actor_id = $${values.length} OR e.target_id = $${values.length})`);
  }
  if (filter.from) {
    values.push(filter.from);
    clauses.push(`e.occurred_at >= $${values.length}`);
  }
  if (filter.until) {
    values.push(filter.until);
    clauses.push(`e.occurred_at <= $${values.length}`);
  }
  return { sql: clauses.join(' AND '), values };
}

interface JournalRow {
  seq: string;
  occurred_at: Date;
  actor_type: string;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_email: string | null;
  data: Record<string, unknown>;
}

const JOURNAL_SELECT = `
  SELECT e.seq, e.occurred_at, e.actor_type, e.actor_id, actor.email AS actor_email, e.action, e.target_type,
         e.target_id, target.email AS target_email, e.data
    FROM audit_entry e
    LEFT JOIN account actor ON actor.id::text = e.actor_id
    LEFT JOIN account target ON e.target_type = 'account' AND target.id::text = e.target_id`;

function toEntry(row: JournalRow): JournalEntry {
  return {
    seq: Number(row.seq),
    occurredAt: row.occurred_at,
    actorType: row.actor_type,
    actorId: row.actor_id,
    actorEmail: row.actor_email,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    targetEmail: row.target_email,
    data: row.data ?? {},
  };
}

/** One page of the journal, newest first, with the number of matching entries. */
export async function searchJournal(
  tx: Tx,
  communeId: string,
  filter: JournalFilter,
  page: { limit: number; offset: number },
): Promise<{ total: number; entries: JournalEntry[] }> {
  const where = journalWhere(communeId, filter);
  const count = await tx.client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM audit_entry e WHERE ${where.sql}`,
    where.values,
  );
  const { rows } = await tx.client.query<JournalRow>(
    `${JOURNAL_SELECT} WHERE ${where.sql} ORDER BY e.seq DESC LIMIT $${where.values.length + 1} OFFSET $${where.values.length + 2}`,
    [...where.values, page.limit, page.offset],
  );
  return { total: count.rows[0]?.n ?? 0, entries: rows.map(toEntry) };
}

/** Every matching entry, newest first, up to `max` (for the CSV export). */
export async function exportJournal(tx: Tx, communeId: string, filter: JournalFilter, max: number) {
  const where = journalWhere(communeId, filter);
  const { rows } = await tx.client.query<JournalRow>(
    `${JOURNAL_SELECT} WHERE ${where.sql} ORDER BY e.seq DESC LIMIT $${where.values.length + 1}`,
    [...where.values, max],
  );
  return rows.map(toEntry);
}

/** The account id of an address, if any (accounts are instance-wide). */
export async function accountIdByEmail(tx: Tx, email: string): Promise<string | undefined> {
  const { rows } = await tx.client.query<{ id: string }>('SELECT id FROM account WHERE email = $1', [
    email.trim().toLowerCase(),
  ]);
  return rows[0]?.id;
}

// — Cyber-hygiene —

export interface CyberFigures {
  staff: number;
  withSecondFactor: number;
  withPasskey: number;
  inactive90Days: number;
  oldPasswordPolicy: number;
  pendingInvitations: number;
  lockouts30Days: number;
  lockedAccounts30Days: number;
  /** Staff without a second factor, by name (to remind them). */
  withoutSecondFactor: Array<{ name: string; email: string }>;
}

/** The cyber-hygiene figures of the commune's staff, computed by SQL. */
export async function cyberFigures(tx: Tx, communeId: string): Promise<CyberFigures> {
  const staff = `SELECT DISTINCT a.* FROM membership m JOIN account a ON a.id = m.account_id
                  WHERE m.commune_id = $1 AND m.role <> 'citizen'`;
  const { rows } = await tx.client.query<Omit<CyberFigures, 'withoutSecondFactor'>>(
    `WITH staff AS (${staff}),
          factors AS (
            SELECT s.id,
                   EXISTS (SELECT 1 FROM passkey p WHERE p.account_id = s.id) AS passkey,
                   EXISTS (SELECT 1 FROM totp_factor t WHERE t.account_id = s.id AND t.confirmed_at IS NOT NULL) AS totp
              FROM staff s)
     SELECT (SELECT count(*)::int FROM staff) AS "staff",
            (SELECT count(*)::int FROM factors WHERE passkey OR totp) AS "withSecondFactor",
            (SELECT count(*)::int FROM factors WHERE passkey) AS "withPasskey",
            (SELECT count(*)::int FROM staff
              WHERE coalesce(last_login_at, created_at) < now() - interval '90 days') AS "inactive90Days",
            (SELECT count(*)::int FROM staff WHERE password_hash IS NOT NULL
               AND (password_policy_version IS NULL OR password_policy_version < $2)) AS "oldPasswordPolicy",
            (SELECT count(*)::int FROM staff WHERE password_hash IS NULL) AS "pendingInvitations",
            (SELECT count(*)::int FROM audit_entry WHERE commune_id = $1 AND action IN ('auth.locked', 'auth.mfa_locked')
               AND occurred_at > now() - interval '30 days') AS "lockouts30Days",
            (SELECT count(DISTINCT actor_id)::int FROM audit_entry WHERE commune_id = $1 AND action IN ('auth.locked', 'auth.mfa_locked')
               AND occurred_at > now() - interval '30 days') AS "lockedAccounts30Days"`,
    [communeId, PASSWORD_POLICY_VERSION],
  );
  const missing = await tx.client.query<{ given_name: string; family_name: string; email: string }>(
    `WITH staff AS (${staff})
     SELECT given_name, family_name, email FROM staff s
      WHERE password_hash IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM passkey p WHERE p.account_id = s.id)
        AND NOT EXISTS (SELECT 1 FROM totp_factor t WHERE t.account_id = s.id AND t.confirmed_at IS NOT NULL)
      ORDER BY lower(family_name), lower(given_name), email`,
    [communeId],
  );
  return {
    ...rows[0]!,
    withoutSecondFactor: missing.rows.map((r) => ({
      name: `${r.given_name} ${r.family_name}`.trim() || r.email,
      email: r.email,
    })),
  };
}

// — API tokens —

export interface ApiTokenRow {
  id: string;
  name: string;
  scopes: string[];
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  createdByEmail: string | null;
}

export async function listApiTokens(tx: Tx, communeId: string): Promise<ApiTokenRow[]> {
  const { rows } = await tx.client.query<{
    id: string;
    name: string;
    scopes: string[];
    expires_at: Date;
    revoked_at: Date | null;
    last_used_at: Date | null;
    created_at: Date;
    created_by_email: string | null;
  }>(
    `SELECT t.id, t.name, t.scopes, t.expires_at, t.revoked_at, t.last_used_at, t.created_at,
            a.email AS created_by_email
       FROM api_token t LEFT JOIN account a ON a.id = t.created_by
      WHERE t.commune_id = $1
      ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC`,
    [communeId],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    scopes: r.scopes,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
    createdAt: r.created_at,
    createdByEmail: r.created_by_email,
  }));
}

export async function insertApiToken(
  tx: Tx,
  values: { communeId: string; name: string; tokenHash: string; scopes: string[]; expiresAt: Date; createdBy: string },
): Promise<string> {
  const id = uuidv7();
  await tx.client.query(
    `INSERT INTO api_token (id, commune_id, name, token_hash, scopes, expires_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, values.communeId, values.name, values.tokenHash, values.scopes, values.expiresAt, values.createdBy],
  );
  return id;
}

/** Revokes a token of the commune; returns its name, or undefined if there is no such token. */
export async function revokeApiToken(
  tx: Tx,
  communeId: string,
  id: string,
): Promise<{ name: string; alreadyRevoked: boolean } | undefined> {
  const { rows } = await tx.client.query<{ name: string; revoked_at: Date | null }>(
    'SELECT name, revoked_at FROM api_token WHERE commune_id = $1 AND id = $2 FOR UPDATE',
    [communeId, id],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (!row.revoked_at) {
    await tx.client.query('UPDATE api_token SET revoked_at = now() WHERE commune_id = $1 AND id = $2', [communeId, id]);
  }
  return { name: row.name, alreadyRevoked: row.revoked_at !== null };
}

/** The name an administrator gave an API token (for the history of what a connector did). */
export async function findApiTokenName(tx: Tx, communeId: string, tokenId: string): Promise<string | undefined> {
  const { rows } = await tx.client.query<{ name: string }>(
    'SELECT name FROM api_token WHERE commune_id = $1 AND id = $2',
    [communeId, tokenId],
  );
  return rows[0]?.name;
}
