/**
 * RGPD rights of a person over their account: a full export of what Guichet holds about them
 * (art. 15 and 20) and the erasure of their account (art. 17), within the limits the law sets
 * (art. 17(3)(b): what must be kept for a legal obligation or a public-interest task is kept).
 */
import { and, eq, isNull } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/journal.js';
import type { AppContext } from '../../platform/context.js';
import type { Database } from '../../platform/db/client.js';
import { type Tx, withInstance, withTenant } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import type { PersonalDataSection } from '../../platform/module.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { listCommunes, listServices } from '../../platform/tenancy/communes.js';
import { connectionHistory, type HistoryEvent } from './history.js';
import { findAccountById, membershipsInCommune } from './repo.js';
import { account, membership, session } from './schema.js';
import { revokeAllSessions } from './sessions.js';

export const RETENTION_NOTICE = [
  'Le journal de sécurité (connexions, changements de mot de passe, actions d’administration) est conservé un an sous une forme pseudonyme (identifiant technique et réseau tronqué), pour la sécurité du service et la preuve des actions : il n’est pas effacé avec le compte.',
  'Les démarches déposées auprès de la commune et leurs pièces relèvent des archives publiques et des durées de conservation fixées par la réglementation : elles sont conservées par la commune même après la suppression du compte.',
];

export interface PersonalDataExport {
  generatedAt: string;
  commune: { slug: string; name: string };
  account: {
    email: string;
    givenName: string;
    familyName: string;
    birthDate: string | null;
    createdAt: string;
    emailVerifiedAt: string | null;
    passwordSetAt: string | null;
    lastLoginAt: string | null;
  };
  roles: Array<{ role: string; services: string[]; since: string }>;
  sessions: Array<{
    openedAt: string;
    lastActivity: string;
    method: string;
    device: string | null;
    network: string | null;
    closedAt: string | null;
  }>;
  secondFactors: {
    totpEnabledAt: string | null;
    recoveryCodesLeft: number;
    passkeys: Array<{ name: string; createdAt: string; lastUsedAt: string | null }>;
  };
  federatedIdentities: Array<{ provider: string; linkedAt: string; lastLoginAt: string | null }>;
  securityEvents: Array<
    Pick<HistoryEvent, 'action' | 'label' | 'clientAddress' | 'userAgent'> & { occurredAt: string }
  >;
  mails: Array<{ date: string; subject: string; status: string }>;
  /** What the other modules hold about the account (`personalData` contributions), by section key. */
  [section: string]: unknown;
  retention: string[];
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Everything Guichet holds about the account, as seen from one commune. */
export async function collectPersonalData(
  tx: Tx,
  commune: Commune,
  accountId: string,
  sections: readonly PersonalDataSection[],
): Promise<PersonalDataExport> {
  const person = await findAccountById(tx, accountId);
  if (!person) throw new AppError('account.not_found', 'no account', 404);
  const services = new Map((await listServices(tx, commune.id)).map((s) => [s.id, s.name]));
  const memberships = await membershipsInCommune(tx, commune.id, accountId);
  const sessions = await tx.db.select().from(session).where(eq(session.accountId, accountId));
  const q = <T extends Record<string, unknown>>(text: string) =>
    tx.client.query<T>(text, [accountId]).then((r) => r.rows);
  const totp = await q<{ confirmed_at: Date | null }>('SELECT confirmed_at FROM totp_factor WHERE account_id = $1');
  const codes = await q<{ n: number }>(
    'SELECT count(*)::int AS n FROM recovery_code WHERE account_id = $1 AND used_at IS NULL',
  );
  const passkeys = await q<{ name: string; created_at: Date; last_used_at: Date | null }>(
    'SELECT name, created_at, last_used_at FROM passkey WHERE account_id = $1 ORDER BY created_at',
  );
  const federated = await q<{ provider: string; created_at: Date; last_login_at: Date | null }>(
    'SELECT provider, created_at, last_login_at FROM federated_identity WHERE account_id = $1',
  );
  const mails = await tx.client.query<{ created_at: Date; subject: string; status: string }>(
    'SELECT created_at, subject, status FROM mail_outbox WHERE commune_id = $1 AND to_address = $2 ORDER BY created_at',
    [commune.id, person.email],
  );
  return {
    generatedAt: new Date().toISOString(),
    commune: { slug: commune.slug, name: commune.name },
    account: {
      email: person.email,
      givenName: person.givenName,
      familyName: person.familyName,
      birthDate: person.birthDate,
      createdAt: person.createdAt.toISOString(),
      emailVerifiedAt: iso(person.emailVerifiedAt),
      passwordSetAt: iso(person.passwordSetAt),
      lastLoginAt: iso(person.lastLoginAt),
    },
    roles: memberships.map((m) => ({
      role: m.role,
      services: m.serviceIds.map((id) => services.get(id) ?? id),
      since: m.createdAt.toISOString(),
    })),
    sessions: sessions.map((s) => ({
      openedAt: s.createdAt.toISOString(),
      lastActivity: s.lastSeenAt.toISOString(),
      method: s.authMethod,
      device: s.userAgent,
      network: s.clientAddress,
      closedAt: iso(s.revokedAt),
    })),
    secondFactors: {
      totpEnabledAt: iso(totp[0]?.confirmed_at),
      recoveryCodesLeft: codes[0]?.n ?? 0,
      passkeys: passkeys.map((p) => ({
        name: p.name,
        createdAt: p.created_at.toISOString(),
        lastUsedAt: iso(p.last_used_at),
      })),
    },
    federatedIdentities: federated.map((f) => ({
      provider: f.provider,
      linkedAt: f.created_at.toISOString(),
      lastLoginAt: iso(f.last_login_at),
    })),
    securityEvents: (await connectionHistory(tx, accountId, 1000)).map((e) => ({
      occurredAt: e.occurredAt.toISOString(),
      action: e.action,
      label: e.label,
      clientAddress: e.clientAddress,
      userAgent: e.userAgent,
    })),
    mails: mails.rows.map((m) => ({ date: m.created_at.toISOString(), subject: m.subject, status: m.status })),
    ...Object.fromEntries(sections.map((section) => [section.key, section.data])),
    retention: RETENTION_NOTICE,
  };
}

/** Communes where the account has a membership, checked commune by commune (RLS stays on). */
async function communesWithMemberships(database: Database, accountId: string) {
  const communes = await withInstance(database, (tx) => listCommunes(tx));
  const found: Array<{ commune: Commune; roles: string[] }> = [];
  for (const commune of communes) {
    const roles = await withTenant(database, commune.id, async (tx) =>
      (await membershipsInCommune(tx, commune.id, accountId)).map((m) => m.role),
    );
    if (roles.length > 0) found.push({ commune, roles });
  }
  return found;
}

/** True when the account has a staff role in any commune of the instance, or is an operator. */
export async function isStaffAnywhere(database: Database, accountId: string): Promise<boolean> {
  const memberships = await communesWithMemberships(database, accountId);
  return memberships.some((m) => m.roles.some((r) => r !== 'citizen'));
}

/**
 * Erases a citizen's account: identity data are replaced, credentials, factors and sessions
 * deleted, profile, household and vault documents deleted, memberships removed in every commune. Staff accounts are removed by their commune's
 * administrator instead (their actions must stay attributable).
 */
export async function eraseCitizenAccount(ctx: AppContext, commune: Commune, accountId: string): Promise<void> {
  const person = await withTenant(ctx.database, commune.id, (tx) => findAccountById(tx, accountId));
  if (!person) throw new AppError('account.not_found', 'no account', 404);
  const memberships = await communesWithMemberships(ctx.database, accountId);
  if (person.isOperator || memberships.some((m) => m.roles.some((r) => r !== 'citizen'))) {
    throw new AppError('account.staff_erasure', 'staff account erasure refused', 409, {
      userMessage:
        'Ce compte a un rôle d’agent, d’élu ou d’administrateur : il ne peut pas être supprimé par vous-même. Demandez sa suppression à l’administrateur de la commune.',
    });
  }
  for (const m of memberships.filter((x) => x.commune.id !== commune.id)) {
    await withTenant(ctx.database, m.commune.id, (tx) =>
      tx.db.delete(membership).where(and(eq(membership.communeId, m.commune.id), eq(membership.accountId, accountId))),
    );
  }
  await withTenant(ctx.database, commune.id, async (tx) => {
    await tx.db
      .delete(membership)
      .where(and(eq(membership.communeId, commune.id), eq(membership.accountId, accountId)));
    for (const table of ['totp_factor', 'recovery_code', 'passkey', 'federated_identity', 'email_token']) {
      await tx.client.query(`DELETE FROM ${table} WHERE account_id = $1`, [accountId]);
    }
    // What the other modules hold about the account (profile, household, vault documents…).
    for (const holder of ctx.contributions.personalData) await holder.erase(tx, accountId);
    await revokeAllSessions(tx, accountId);
    await tx.db
      .update(account)
      .set({
        email: `compte-supprime-${accountId}@compte-supprime.invalid`,
        givenName: '',
        familyName: '',
        birthDate: null,
        passwordHash: null,
        passwordPolicyVersion: null,
        disabledAt: new Date(),
        deletionRequestedAt: new Date(),
      })
      .where(and(eq(account.id, accountId), isNull(account.disabledAt)));
    await recordAudit(tx, {
      action: 'account.erased',
      actorType: 'citizen',
      actorId: accountId,
      targetType: 'account',
      targetId: accountId,
      data: { communes: memberships.length },
    });
  });
}
