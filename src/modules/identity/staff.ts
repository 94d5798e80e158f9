/**
 * Use cases of the commune administration: invite a member, accept an invitation, change or
 * remove a member's roles, export the security journal, create and revoke API tokens. Each runs
 * in one tenant transaction with its audit entry (and its mail, when there is one).
 */

import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../../platform/audit/journal.js';
import type { Actor } from '../../platform/authz/actor.js';
import { ROLE_LABELS } from '../../platform/authz/roles.js';
import type { AppContext } from '../../platform/context.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import { API_SCOPES, hashApiToken, newApiToken } from '../../platform/http/api-auth.js';
import { clientInfo } from '../../platform/http/client-info.js';
import { isUuid } from '../../platform/ids.js';
import { mailAddressSchema } from '../../platform/mail/address.js';
import { queueMail } from '../../platform/mail/outbox.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { parseDay } from '../../platform/views/format.js';
import { stringValue } from '../../platform/views/page-kit.js';
import { csvDocument } from '../../platform/views/spreadsheet.js';
import { SECURITY_EVENT_LABELS } from './history.js';
import { IDENTITY_MAILS } from './mail-templates.js';
import { checkPassword, PASSWORD_POLICY_VERSION } from './password-policy.js';
import { hashPassword } from './passwords.js';
import {
  addMembership,
  createEmailToken,
  findAccountByEmail,
  findAccountById,
  insertAccount,
  markEmailVerified,
  setPassword,
} from './repo.js';
import { type AuthMethod, createSession, revokeAllSessions } from './sessions.js';
import { IDENTITY_SETTINGS } from './settings.js';
import {
  ACTION_FAMILIES,
  type ActionFamily,
  accountIdByEmail,
  consumeInvitation,
  countAdmins,
  existingServiceIds,
  exportJournal,
  findLiveInvitation,
  findStaffMember,
  insertApiToken,
  type JournalEntry,
  type JournalFilter,
  revokeApiToken,
  STAFF_ROLE_LIST,
  type StaffRole,
  setStaffRoles,
} from './staff-repo.js';

/** Body field that may hold one value or several (checkboxes). */
function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' && value !== '' ? [value] : [];
}

function invalid(fields: Record<string, string>): AppError {
  return new AppError('input.invalid', 'invalid form', 422, { fields });
}

function link(ctx: AppContext, commune: Commune, path: string): string {
  return `${ctx.config.publicUrl}/c/${commune.slug}${path}`;
}

const emailSchema = z
  .string()
  .trim()
  .min(1, 'Saisissez l’adresse électronique de la personne.')
  .max(254, 'L’adresse électronique est trop longue.')
  .pipe(mailAddressSchema({ example: 'prenom.nom@mairie.fr' }));

// — Invitations —

export interface InvitationInput {
  email: string;
  givenName: string;
  familyName: string;
  role: string;
  services: string[];
}

export function invitationValues(body: Record<string, unknown>): InvitationInput {
  return {
    email: stringValue(body.email),
    givenName: stringValue(body.givenName),
    familyName: stringValue(body.familyName),
    role: stringValue(body.role),
    services: list(body.services),
  };
}

/**
 * Invites a person as agent, élu, DGS, mayor or administrator: creates the account if needed
 * (without a password), adds the membership, and mails a single-use link to choose a password
 * (or, for an account that already has one, a message saying where to sign in).
 */
export async function inviteMember(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  input: InvitationInput,
  request: FastifyRequest,
): Promise<{ email: string; role: StaffRole; newAccount: boolean }> {
  const fields: Record<string, string> = {};
  const email = emailSchema.safeParse(input.email);
  if (!email.success) fields.email = email.error.issues[0]?.message ?? 'Adresse invalide.';
  const givenName = input.givenName.trim();
  const familyName = input.familyName.trim();
  if (givenName.length > 200) fields.givenName = 'Le prénom est trop long.';
  if (familyName.length > 200) fields.familyName = 'Le nom est trop long.';
  const role = STAFF_ROLE_LIST.find((r) => r === input.role);
  if (!role) fields.role = 'Choisissez le rôle de la personne.';
  const requested = [...new Set(input.services)].filter(isUuid);

  return withTenant(ctx.database, commune.id, async (tx) => {
    const serviceIds = await existingServiceIds(tx, commune.id, requested);
    if (role === 'agent' && serviceIds.length === 0) fields.services = 'Cochez au moins un service pour un agent.';
    const existing = email.success ? await findAccountByEmail(tx, email.data) : undefined;
    if (!existing && email.success) {
      if (!givenName) fields.givenName = 'Saisissez le prénom de la personne.';
      if (!familyName) fields.familyName = 'Saisissez le nom de la personne.';
    }
    if (existing && existing.id === actor.accountId) {
      fields.email = 'Pour modifier vos propres rôles, ouvrez votre fiche depuis la liste des membres.';
    } else if (existing && role) {
      const member = await findStaffMember(tx, commune.id, existing.id);
      if (member?.roles.includes(role)) {
        fields.email = `Cette personne est déjà ${ROLE_LABELS[role]} de la commune. Modifiez ses rôles depuis la liste des membres.`;
      }
      if (existing.disabledAt) fields.email = 'Le compte de cette personne est désactivé.';
    }
    if (Object.keys(fields).length > 0 || !role || !email.success) throw invalid(fields);

    const account =
      existing ??
      (await insertAccount(tx, {
        email: email.data,
        givenName,
        familyName,
        isOperator: false,
      }));
    await addMembership(tx, commune.id, account.id, role, {
      serviceIds: role === 'agent' ? serviceIds : [],
      invitedBy: actor.accountId,
    });
    // New privileges, new session: an existing account signs in again to use its new role.
    const sessionsClosed = existing ? await revokeAllSessions(tx, account.id) : 0;
    const inviterName = actor.displayName;
    if (account.passwordHash) {
      await queueMail(tx, ctx.queue, {
        to: account.email,
        template: IDENTITY_MAILS.staffRoleGranted,
        variables: {
          communeName: commune.name,
          inviterName,
          roleLabel: ROLE_LABELS[role],
          signInLink: link(ctx, commune, '/connexion'),
        },
      });
    } else {
      const token = await createEmailToken(tx, 'invitation', account.id, IDENTITY_SETTINGS.invitationDays * 24 * 60);
      await queueMail(tx, ctx.queue, {
        to: account.email,
        template: IDENTITY_MAILS.staffInvitation,
        variables: {
          communeName: commune.name,
          inviterName,
          roleLabel: ROLE_LABELS[role],
          link: link(ctx, commune, `/invitation?jeton=${token}`),
          validDays: IDENTITY_SETTINGS.invitationDays,
        },
      });
    }
    await recordAudit(tx, {
      action: 'membership.invited',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'account',
      targetId: account.id,
      data: {
        role,
        serviceIds: role === 'agent' ? serviceIds : [],
        newAccount: !existing,
        sessionsClosed,
        ...clientInfo(request),
      },
      requestId: request.id,
    });
    return { email: account.email, role, newAccount: !existing };
  });
}

export interface InvitationView {
  email: string;
  givenName: string;
  familyName: string;
  roles: StaffRole[];
}

/** What the invitation page shows, or undefined for a used, expired or foreign link. */
export async function invitationView(ctx: AppContext, commune: Commune, token: string) {
  if (!token || token.length > 100) return undefined;
  return withTenant(ctx.database, commune.id, async (tx): Promise<InvitationView | undefined> => {
    const accountId = await findLiveInvitation(tx, commune.id, token);
    const account = accountId ? await findAccountById(tx, accountId) : undefined;
    if (!account || account.disabledAt) return undefined;
    const member = await findStaffMember(tx, commune.id, account.id);
    return {
      email: account.email,
      givenName: account.givenName,
      familyName: account.familyName,
      roles: member?.roles ?? [],
    };
  });
}

export function invitationExpired(): AppError {
  return new AppError('invitation.invalid', 'invitation token invalid', 410, {
    userMessage: 'Ce lien d’invitation a expiré ou a déjà servi. Demandez une nouvelle invitation à la mairie.',
  });
}

/**
 * Sets the invitee's password (staff rules), confirms the address (the link proved it) and
 * starts the grace period after which a second factor is mandatory.
 */
export async function acceptInvitation(
  ctx: AppContext,
  commune: Commune,
  token: string,
  body: Record<string, unknown>,
  request: FastifyRequest,
): Promise<void> {
  const view = await invitationView(ctx, commune, token);
  if (!view) throw invitationExpired();
  const password = stringValue(body.password);
  const confirmation = stringValue(body.confirmation);
  if (!password) throw invalid({ password: 'Choisissez un mot de passe.' });
  const verdict = checkPassword(password, {
    audience: 'staff',
    email: view.email,
    givenName: view.givenName,
    familyName: view.familyName,
    communeName: commune.name,
  });
  if (!verdict.ok) throw invalid({ password: verdict.problems.join(' ') });
  if (password !== confirmation) throw invalid({ confirmation: 'Les deux mots de passe ne sont pas identiques.' });
  const hash = await hashPassword(password);
  await withTenant(ctx.database, commune.id, async (tx) => {
    const accountId = await consumeInvitation(tx, commune.id, token);
    if (!accountId) throw invitationExpired();
    await setPassword(tx, accountId, hash, PASSWORD_POLICY_VERSION);
    await markEmailVerified(tx, accountId);
    await tx.client.query('UPDATE account SET mfa_required_from = now() + make_interval(days => $2) WHERE id = $1', [
      accountId,
      IDENTITY_SETTINGS.mfaGraceDays,
    ]);
    const closed = await revokeAllSessions(tx, accountId);
    await recordAudit(tx, {
      action: 'membership.invitation_accepted',
      actorType: 'agent',
      actorId: accountId,
      targetType: 'account',
      targetId: accountId,
      data: { ...clientInfo(request), sessionsClosed: closed },
      requestId: request.id,
    });
  });
}

// — Roles —

export interface RolesInput {
  action: string;
  roles: string[];
  services: string[];
}

export function rolesValues(body: Record<string, unknown>): RolesInput {
  return { action: stringValue(body.action), roles: list(body.roles), services: list(body.services) };
}

export type RolesOutcome =
  | { kind: 'unchanged' }
  | { kind: 'changed' | 'removed'; sessionsClosed: number; newSessionToken?: string; stillAdmin: boolean };

/** A new session for the acting admin after a change of their own privileges (same second-factor state). */
async function rotateOwnSession(tx: Tx, actor: Actor, request: FastifyRequest): Promise<string> {
  const { rows } = await tx.client.query<{ auth_method: AuthMethod; expires_at: Date }>(
    'SELECT auth_method, expires_at FROM session WHERE id = $1 AND account_id = $2',
    [actor.sessionId, actor.accountId],
  );
  const created = await createSession(tx, actor.accountId, rows[0]?.auth_method ?? 'password', request, {
    mfaVerified: actor.mfaVerified,
  });
  if (rows[0]) {
    await tx.client.query('UPDATE session SET expires_at = $2 WHERE id = $1', [created.session.id, rows[0].expires_at]);
  }
  return created.token;
}

/**
 * Changes the roles of a member (`action=enregistrer`) or removes their access to the commune
 * (`action=retirer`). Their sessions are closed: new privileges, new session. The commune
 * always keeps at least one administrator.
 */
export async function changeMemberRoles(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  accountId: string,
  input: RolesInput,
  request: FastifyRequest,
): Promise<RolesOutcome> {
  if (!isUuid(accountId)) throw new AppError('member.not_found', `no member ${accountId}`, 404);
  return withTenant(ctx.database, commune.id, async (tx) => {
    const member = await findStaffMember(tx, commune.id, accountId);
    if (!member) throw new AppError('member.not_found', `no member ${accountId}`, 404);
    const fields: Record<string, string> = {};
    if (input.action !== 'enregistrer' && input.action !== 'retirer') {
      throw invalid({ roles: 'Choisissez « Enregistrer les rôles » ou « Retirer l’accès à la commune ».' });
    }
    const remove = input.action === 'retirer';
    const roles = remove ? [] : STAFF_ROLE_LIST.filter((r) => input.roles.includes(r));
    const serviceIds = roles.includes('agent')
      ? await existingServiceIds(tx, commune.id, [...new Set(input.services)].filter(isUuid))
      : [];
    if (!remove && roles.length === 0) {
      fields.roles = 'Cochez au moins un rôle, ou retirez l’accès de cette personne à la commune.';
    }
    if (roles.includes('agent') && serviceIds.length === 0)
      fields.services = 'Cochez au moins un service pour un agent.';
    if (member.roles.includes('admin') && !roles.includes('admin') && (await countAdmins(tx, commune.id)) <= 1) {
      fields.roles =
        'La commune doit garder au moins un administrateur : nommez-en un autre avant de retirer ce rôle à cette personne.';
    }
    if (Object.keys(fields).length > 0) throw invalid(fields);

    const sameRoles = roles.length === member.roles.length && roles.every((r) => member.roles.includes(r));
    const sameServices =
      !roles.includes('agent') ||
      (serviceIds.length === member.serviceIds.length && serviceIds.every((s) => member.serviceIds.includes(s)));
    if (sameRoles && sameServices) return { kind: 'unchanged' };

    await setStaffRoles(tx, commune.id, accountId, roles, serviceIds, actor.accountId);
    const self = accountId === actor.accountId;
    const sessionsClosed = await revokeAllSessions(tx, accountId, self ? actor.sessionId : undefined);
    const newSessionToken = self ? await rotateOwnSession(tx, actor, request) : undefined;
    if (self) await tx.client.query('UPDATE session SET revoked_at = now() WHERE id = $1', [actor.sessionId]);
    await recordAudit(tx, {
      action: remove ? 'membership.removed' : 'membership.role_changed',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'account',
      targetId: accountId,
      data: {
        before: member.roles,
        after: roles,
        servicesBefore: member.serviceIds,
        servicesAfter: serviceIds,
        sessionsClosed,
        ...clientInfo(request),
      },
      requestId: request.id,
    });
    return {
      kind: remove ? 'removed' : 'changed',
      sessionsClosed,
      ...(newSessionToken ? { newSessionToken } : {}),
      stillAdmin: !self || roles.includes('admin'),
    };
  });
}

// — Security journal —

export interface JournalQuery {
  filter: JournalFilter;
  page: number;
  /** What was typed, to refill the filter form. */
  values: { famille: string; personne: string; du: string; au: string };
  errors: Record<string, string>;
}

/** Midnight in Paris of a calendar day, as an instant. */
function parisMidnight(year: number, month: number, day: number): Date {
  const utc = Date.UTC(year, month - 1, day);
  const offsetName =
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeZoneName: 'shortOffset' })
      .formatToParts(new Date(utc))
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT+1';
  const match = /GMT([+-])(\d{1,2})(?::(\d{2}))?/.exec(offsetName);
  const offsetMinutes = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3] ?? 0)) : 60;
  return new Date(utc - offsetMinutes * 60_000);
}

/** Reads the journal filters from the query string; bad values become French field errors. */
export async function parseJournalQuery(ctx: AppContext, commune: Commune, query: unknown): Promise<JournalQuery> {
  const q = (query ?? {}) as Record<string, unknown>;
  const values = {
    famille: stringValue(q.famille).slice(0, 40),
    personne: stringValue(q.personne).slice(0, 254),
    du: stringValue(q.du).slice(0, 20),
    au: stringValue(q.au).slice(0, 20),
  };
  const errors: Record<string, string> = {};
  const filter: JournalFilter = {};
  if (values.famille) {
    if (values.famille in ACTION_FAMILIES) filter.family = values.famille as ActionFamily;
    else errors.famille = 'Choisissez un type d’événement de la liste.';
  }
  if (values.personne.trim()) {
    const email = emailSchema.safeParse(values.personne);
    if (!email.success) errors.personne = 'Saisissez une adresse électronique valide, par exemple nom@mairie.fr.';
    else {
      const id = await withTenant(ctx.database, commune.id, (tx) => accountIdByEmail(tx, email.data));
      if (id) filter.accountId = id;
      else errors.personne = 'Aucun compte n’a cette adresse électronique.';
    }
  }
  if (values.du.trim()) {
    const day = parseDay(values.du);
    if (day) filter.from = parisMidnight(day.year, day.month, day.day);
    else errors.du = 'Saisissez une date valide, par exemple 31/01/2026.';
  }
  if (values.au.trim()) {
    const day = parseDay(values.au);
    if (day) filter.until = new Date(parisMidnight(day.year, day.month, day.day + 1).getTime() - 1);
    else errors.au = 'Saisissez une date valide, par exemple 31/01/2026.';
  }
  if (filter.from && filter.until && filter.from > filter.until) {
    errors.au = 'La date de fin doit être postérieure à la date de début.';
  }
  const page = Number.parseInt(stringValue(q.page), 10);
  return { filter, page: Number.isFinite(page) && page >= 1 && page <= 100_000 ? page : 1, values, errors };
}

/** French label of an action, or its code when none is known yet. */
export function actionLabel(action: string): string {
  return SECURITY_EVENT_LABELS[action] ?? action;
}

/** Detail fields shown in the journal and its export (a whitelist: never secrets, never raw data). */
const DETAIL_LABELS: Record<string, string> = {
  method: 'méthode',
  role: 'rôle',
  before: 'avant',
  after: 'après',
  failures: 'échecs consécutifs',
  knownAccount: 'compte existant',
  newAccount: 'nouveau compte',
  sessionsClosed: 'sessions fermées',
  name: 'nom',
  scopes: 'portées',
  expiresAt: 'expiration',
  rows: 'lignes',
  family: 'type',
  purpose: 'motif',
  via: 'par',
  template: 'modèle',
};

function detailValue(value: unknown): string {
  if (Array.isArray(value)) {
    return value
      .map((v) => (typeof v === 'string' && v in ROLE_LABELS ? ROLE_LABELS[v as StaffRole] : String(v)))
      .join(', ');
  }
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  if (typeof value === 'string' && value in ROLE_LABELS) return ROLE_LABELS[value as StaffRole];
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return '';
}

export function entryDetails(entry: JournalEntry): string {
  const parts: string[] = [];
  for (const [key, label] of Object.entries(DETAIL_LABELS)) {
    if (!(key in entry.data)) continue;
    const value = detailValue(entry.data[key]);
    if (value !== '') parts.push(`${label} : ${value}`);
  }
  return parts.join(' ; ');
}

export function entryActor(entry: JournalEntry): string {
  if (entry.actorEmail) return entry.actorEmail;
  if (entry.actorType === 'system') return 'système';
  if (entry.actorType === 'api') return 'API';
  return entry.actorId ? 'compte inconnu' : 'personne non identifiée';
}

export function entryTarget(entry: JournalEntry): string {
  if (entry.targetEmail) return entry.targetEmail;
  if (entry.targetType === 'api_token') return 'jeton d’API';
  if (entry.targetType === 'mail') return 'courriel';
  return '';
}

export function entryNetwork(entry: JournalEntry): string {
  const address = entry.data.clientAddress;
  return typeof address === 'string' ? address : '';
}

/** Most rows in one export; beyond, narrow the filters. */
export const EXPORT_MAX_ROWS = 100_000;

const csvDate = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/**
 * The filtered journal as CSV for French Excel (UTF-8 with BOM, `;` separator, CRLF). An export
 * of personal data: recorded in the journal itself, in the same transaction.
 */
export async function exportJournalCsv(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  query: JournalQuery,
  request: FastifyRequest,
): Promise<{ csv: string; rows: number }> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    const entries = await exportJournal(tx, commune.id, query.filter, EXPORT_MAX_ROWS);
    const header = ['N°', 'Date', 'Événement', 'Code', 'Auteur', 'Cible', 'Réseau', 'Détails'];
    const lines = [
      header,
      ...entries.map((e) => [
        String(e.seq),
        csvDate.format(e.occurredAt).replace(',', ''),
        actionLabel(e.action),
        e.action,
        entryActor(e),
        entryTarget(e),
        entryNetwork(e),
        entryDetails(e),
      ]),
    ];
    await recordAudit(tx, {
      action: 'audit.exported',
      actorType: 'agent',
      actorId: actor.accountId,
      data: {
        rows: entries.length,
        family: query.filter.family ?? null,
        person: query.filter.accountId ?? null,
        from: query.filter.from?.toISOString() ?? null,
        until: query.filter.until?.toISOString() ?? null,
        ...clientInfo(request),
      },
      requestId: request.id,
    });
    return { csv: csvDocument(lines), rows: entries.length };
  });
}

// — API tokens —

export const TOKEN_DURATIONS = [
  { days: 30, label: '30 jours' },
  { days: 90, label: '3 mois' },
  { days: 180, label: '6 mois' },
  { days: 365, label: '1 an (maximum)' },
] as const;

export interface TokenInput {
  name: string;
  scopes: string[];
  duration: string;
}

export function tokenValues(body: Record<string, unknown>): TokenInput {
  return { name: stringValue(body.name), scopes: list(body.scopes), duration: stringValue(body.duration) };
}

/** Creates a token; its clear value is returned once and never stored. */
export async function createApiToken(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  input: TokenInput,
  request: FastifyRequest,
): Promise<{ token: string; name: string; scopes: string[]; expiresAt: Date }> {
  const fields: Record<string, string> = {};
  const name = input.name.trim();
  if (!name) fields.name = 'Donnez un nom au jeton, par exemple le logiciel qui l’utilisera.';
  else if (name.length > 100) fields.name = 'Le nom ne doit pas dépasser 100 caractères.';
  const scopes = API_SCOPES.filter((s) => input.scopes.includes(s));
  if (scopes.length === 0 || scopes.length !== new Set(input.scopes).size) {
    fields.scopes = 'Cochez au moins une portée de la liste.';
  }
  const duration = TOKEN_DURATIONS.find((d) => String(d.days) === input.duration);
  if (!duration) fields.duration = 'Choisissez une durée de validité (1 an au maximum).';
  if (Object.keys(fields).length > 0 || !duration) throw invalid(fields);
  const token = newApiToken();
  const expiresAt = new Date(Date.now() + duration.days * 86_400_000);
  await withTenant(ctx.database, commune.id, async (tx) => {
    const id = await insertApiToken(tx, {
      communeId: commune.id,
      name,
      tokenHash: hashApiToken(token),
      scopes: [...scopes],
      expiresAt,
      createdBy: actor.accountId,
    });
    await recordAudit(tx, {
      action: 'api_token.created',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'api_token',
      targetId: id,
      data: { name, scopes: [...scopes], expiresAt: expiresAt.toISOString(), ...clientInfo(request) },
      requestId: request.id,
    });
  });
  return { token, name, scopes: [...scopes], expiresAt };
}

/** Revokes a token of the commune (idempotent); 404 for an unknown token or one of another commune. */
export async function revokeToken(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  id: string,
  request: FastifyRequest,
): Promise<string> {
  if (!isUuid(id)) throw new AppError('api_token.not_found', `no token ${id}`, 404);
  return withTenant(ctx.database, commune.id, async (tx) => {
    const result = await revokeApiToken(tx, commune.id, id);
    if (!result) throw new AppError('api_token.not_found', `no token ${id}`, 404);
    if (!result.alreadyRevoked) {
      await recordAudit(tx, {
        action: 'api_token.revoked',
        actorType: 'agent',
        actorId: actor.accountId,
        targetType: 'api_token',
        targetId: id,
        data: { name: result.name, ...clientInfo(request) },
        requestId: request.id,
      });
    }
    return result.name;
  });
}
