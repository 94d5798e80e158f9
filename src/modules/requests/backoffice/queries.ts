/**
 * Read side of the agents' back-office: the inbox (filters, sort, pages, counts per status), one
 * request with its history and files, the agents of a service. Every query filters by the commune
 * AND by the services the actor may see (an agent: their services; mayor, DGS, admin: all), and
 * the callers check each row again with canSeeService: a request outside the actor's reach is
 * answered 404 like one that does not exist.
 */
import type { Actor } from '../../../platform/authz/actor.js';
import { canSeeService } from '../../../platform/authz/actor.js';
import { isCounterNumber } from '../../../platform/db/counters.js';
import type { Tx } from '../../../platform/db/tenant.js';
import {
  CLOSED_STATUSES,
  positionLabel,
  REQUEST_STATUSES,
  type RequestStatus,
  storedWorkflow,
  type Workflow,
} from '../../procedures/index.js';
import { canUseInbox, visibleServiceScope } from '../policy.js';
import { findStoredFile, listRequestEvents } from '../repo.js';
import type { RequestEvent, StoredFile } from '../schema.js';

export const CHANNEL_LABELS: Record<string, string> = {
  portail: 'En ligne',
  guichet: 'Au guichet',
  courriel: 'Par courriel',
  api: 'Par l’API',
};

export const ROUTED_BY_LABELS: Record<string, string> = {
  procedure: 'Service de la démarche',
  rule: 'Règle d’orientation de la démarche',
  classifier: 'Orientation automatique (classifieur)',
  triage: 'Accueil, pour tri (orientation automatique trop incertaine)',
  agent: 'Choisi par un agent (réorientation ou dépôt au guichet)',
};

export const INBOX_PAGE_SIZE = 25;
/** Most rows in one export; beyond, narrow the filters. */
export const EXPORT_MAX_ROWS = 50_000;

/** True when the actor sees every service of the commune (mayor, DGS, admin). */
export function seesAllServices(actor: Actor): boolean {
  return visibleServiceScope(actor) === 'all';
}

export { visibleServiceScope };

/** The actor has an inbox at all (an élu alone has none). */
export function hasInbox(actor: Actor): boolean {
  return canUseInbox(actor);
}

export type InboxSort = 'recent' | 'ancien' | 'echeance' | 'numero';

export interface InboxFilter {
  /** Undefined: every status. */
  statuses?: RequestStatus[];
  /** A procedure id, or 'none' for requests without démarche (free text). */
  procedure?: string;
  serviceId?: string;
  from?: Date;
  until?: Date;
  assignee?: { kind: 'me' } | { kind: 'none' } | { kind: 'account'; id: string };
  lateOnly?: boolean;
}

export interface InboxRow {
  id: string;
  number: string;
  subject: string;
  status: RequestStatus;
  /** The step inside "en cours", if the démarche has steps. */
  step: string | null;
  /** The démarche's status workflow (the default one without démarche). */
  workflow: Workflow;
  /** The status as agents read it, in the démarche's words ("En cours — Instruction technique"). */
  statusLabel: string;
  serviceId: string;
  serviceName: string;
  procedureTitle: string | null;
  requesterName: string;
  requesterEmail: string;
  assigneeId: string | null;
  assigneeName: string | null;
  channel: string;
  submittedAt: Date;
  dueAt: Date;
  closedAt: Date | null;
  late: boolean;
}

const LATE_SQL = `(r.due_at < now() AND r.status NOT IN ('acceptee', 'refusee', 'classee'))`;

const ROW_SELECT = `
  SELECT r.id, r.number, r.subject, r.status, r.step, p.workflow, r.service_id, s.name AS service_name, p.title AS procedure_title,
         r.requester_name, r.requester_email, r.assignee_id,
         NULLIF(trim(coalesce(a.given_name, '') || ' ' || coalesce(a.family_name, '')), '') AS assignee_name,
         r.channel, r.submitted_at, r.due_at, r.closed_at, ${LATE_SQL} AS late
    FROM citizen_request r
    JOIN service s ON s.id = r.service_id AND s.commune_id = r.commune_id
    LEFT JOIN procedure p ON p.id = r.procedure_id AND p.commune_id = r.commune_id
    LEFT JOIN account a ON a.id = r.assignee_id`;

interface RawRow {
  id: string;
  number: string;
  subject: string;
  status: RequestStatus;
  step: string | null;
  workflow: unknown;
  service_id: string;
  service_name: string;
  procedure_title: string | null;
  requester_name: string;
  requester_email: string;
  assignee_id: string | null;
  assignee_name: string | null;
  channel: string;
  submitted_at: Date;
  due_at: Date;
  closed_at: Date | null;
  late: boolean;
}

function toRow(r: RawRow): InboxRow {
  const workflow = storedWorkflow(r.workflow);
  return {
    id: r.id,
    number: r.number,
    subject: r.subject,
    status: r.status,
    step: r.step,
    workflow,
    statusLabel: positionLabel(workflow, { status: r.status, step: r.step }, 'agent'),
    serviceId: r.service_id,
    serviceName: r.service_name,
    procedureTitle: r.procedure_title,
    requesterName: r.requester_name,
    requesterEmail: r.requester_email,
    assigneeId: r.assignee_id,
    assigneeName: r.assignee_name,
    channel: r.channel,
    submittedAt: r.submitted_at,
    dueAt: r.due_at,
    closedAt: r.closed_at,
    late: r.late,
  };
}

/** WHERE clause of the inbox: commune, the actor's services, then the filters. */
function whereClause(
  communeId: string,
  actor: Actor,
  filter: InboxFilter,
  options: { withStatus: boolean },
): { sql: string; values: unknown[] } {
  const values: unknown[] = [communeId];
  const conditions = ['r.commune_id = $1'];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const scope = visibleServiceScope(actor);
  if (scope !== 'all') conditions.push(`r.service_id = ANY(${param(scope)}::uuid[])`);
  if (options.withStatus && filter.statuses) conditions.push(`r.status = ANY(${param(filter.statuses)}::text[])`);
  if (filter.procedure === 'none') conditions.push('r.procedure_id IS NULL');
  else if (filter.procedure) conditions.push(`r.procedure_id = ${param(filter.procedure)}::uuid`);
  if (filter.serviceId) conditions.push(`r.service_id = ${param(filter.serviceId)}::uuid`);
  if (filter.from) conditions.push(`r.submitted_at >= ${param(filter.from)}`);
  if (filter.until) conditions.push(`r.submitted_at <= ${param(filter.until)}`);
  if (filter.assignee?.kind === 'me') conditions.push(`r.assignee_id = ${param(actor.accountId)}::uuid`);
  if (filter.assignee?.kind === 'none') conditions.push('r.assignee_id IS NULL');
  if (filter.assignee?.kind === 'account') conditions.push(`r.assignee_id = ${param(filter.assignee.id)}::uuid`);
  if (filter.lateOnly) conditions.push(LATE_SQL);
  return { sql: conditions.join(' AND '), values };
}

const ORDER_BY: Record<InboxSort, string> = {
  recent: 'r.submitted_at DESC, r.id DESC',
  ancien: 'r.submitted_at ASC, r.id ASC',
  echeance: `${LATE_SQL} DESC, r.due_at ASC, r.id ASC`,
  numero: 'r.number ASC, r.id ASC',
};

export interface InboxResult {
  rows: InboxRow[];
  /** Rows matching every filter (for the pages). */
  total: number;
  /** Rows per status matching every filter but the status one. */
  counts: Record<RequestStatus, number>;
}

/** One page of the inbox, with the counts per status. */
export async function searchInbox(
  tx: Tx,
  communeId: string,
  actor: Actor,
  filter: InboxFilter,
  options: { sort: InboxSort; limit: number; offset: number },
): Promise<InboxResult> {
  const counts = Object.fromEntries(REQUEST_STATUSES.map((s) => [s, 0])) as Record<RequestStatus, number>;
  if (!hasInbox(actor)) return { rows: [], total: 0, counts };
  const all = whereClause(communeId, actor, filter, { withStatus: false });
  const byStatus = await tx.client.query<{ status: RequestStatus; n: string }>(
    `SELECT r.status, count(*) AS n FROM citizen_request r WHERE ${all.sql} GROUP BY r.status`,
    all.values,
  );
  for (const row of byStatus.rows) counts[row.status] = Number(row.n);
  const wanted: readonly RequestStatus[] = filter.statuses ?? REQUEST_STATUSES;
  const total = wanted.reduce((sum: number, s) => sum + counts[s], 0);
  const where = whereClause(communeId, actor, filter, { withStatus: true });
  const page = await tx.client.query<RawRow>(
    `${ROW_SELECT} WHERE ${where.sql} ORDER BY ${ORDER_BY[options.sort]}
      LIMIT ${Math.max(0, Math.floor(options.limit))} OFFSET ${Math.max(0, Math.floor(options.offset))}`,
    where.values,
  );
  return { rows: page.rows.map(toRow).filter((r) => canSeeService(actor, r.serviceId)), total, counts };
}

/** Every row of the filtered inbox (for the exports), up to EXPORT_MAX_ROWS. */
export async function exportInbox(
  tx: Tx,
  communeId: string,
  actor: Actor,
  filter: InboxFilter,
  sort: InboxSort,
): Promise<InboxRow[]> {
  if (!hasInbox(actor)) return [];
  const where = whereClause(communeId, actor, filter, { withStatus: true });
  const { rows } = await tx.client.query<RawRow>(
    `${ROW_SELECT} WHERE ${where.sql} ORDER BY ${ORDER_BY[sort]} LIMIT ${EXPORT_MAX_ROWS}`,
    where.values,
  );
  return rows.map(toRow).filter((r) => canSeeService(actor, r.serviceId));
}

/** New requests in the actor's services (the count on the espace agent page). */
export async function countNewRequests(tx: Tx, communeId: string, actor: Actor): Promise<number> {
  if (!hasInbox(actor)) return 0;
  const where = whereClause(communeId, actor, { statuses: ['nouvelle'] }, { withStatus: true });
  const { rows } = await tx.client.query<{ n: string }>(
    `SELECT count(*) AS n FROM citizen_request r WHERE ${where.sql}`,
    where.values,
  );
  return Number(rows[0]?.n ?? 0);
}

// — One request —

export interface RequestDetail extends InboxRow {
  communeId: string;
  procedureId: string | null;
  procedureSlug: string | null;
  formVersion: number | null;
  accountId: string | null;
  answers: Record<string, unknown>;
  serviceSlug: string;
  filedBy: string | null;
  filedByName: string | null;
  routedBy: string;
  routingConfidence: number | null;
  routingExplanation: string[] | null;
  /** The estimated competence, or the two close ones when the request went to triage. */
  routingCompetences: string[] | null;
  silenceKind: string | null;
  silenceDate: string | null;
  updatedAt: Date;
}

/**
 * The request with this number, if the actor may see it: in the commune (SQL), in one of the
 * actor's services (SQL, then checked again). `forUpdate` locks the row for a use case.
 */
export async function findRequestForActor(
  tx: Tx,
  communeId: string,
  actor: Actor,
  number: string,
  options: { forUpdate?: boolean } = {},
): Promise<RequestDetail | undefined> {
  if (number.length > 40 || !isCounterNumber(number) || !hasInbox(actor)) return undefined;
  const where = whereClause(communeId, actor, {}, { withStatus: false });
  where.values.push(number);
  const { rows } = await tx.client.query<
    RawRow & {
      commune_id: string;
      procedure_id: string | null;
      procedure_slug: string | null;
      form_version: number | null;
      account_id: string | null;
      answers: Record<string, unknown>;
      service_slug: string;
      filed_by: string | null;
      filed_by_name: string | null;
      routed_by: string;
      routing_confidence: number | null;
      routing_explanation: string[] | null;
      routing_competences: string[] | null;
      silence_kind: string | null;
      silence_date: string | null;
      updated_at: Date;
    }
  >(
    `SELECT r.id, r.number, r.subject, r.status, r.step, p.workflow, r.service_id, s.name AS service_name, s.slug AS service_slug,
            p.title AS procedure_title, p.slug AS procedure_slug,
            r.requester_name, r.requester_email, r.assignee_id,
            NULLIF(trim(coalesce(a.given_name, '') || ' ' || coalesce(a.family_name, '')), '') AS assignee_name,
            r.channel, r.submitted_at, r.due_at, r.closed_at, ${LATE_SQL} AS late,
            r.commune_id, r.procedure_id, r.form_version, r.account_id, r.answers, r.filed_by,
            NULLIF(trim(coalesce(f.given_name, '') || ' ' || coalesce(f.family_name, '')), '') AS filed_by_name,
            r.routed_by, r.routing_confidence, r.routing_explanation, r.routing_competences, r.silence_kind,
            to_char(r.silence_date, 'YYYY-MM-DD') AS silence_date, r.updated_at
       FROM citizen_request r
       JOIN service s ON s.id = r.service_id AND s.commune_id = r.commune_id
       LEFT JOIN procedure p ON p.id = r.procedure_id AND p.commune_id = r.commune_id
       LEFT JOIN account a ON a.id = r.assignee_id
       LEFT JOIN account f ON f.id = r.filed_by
      WHERE ${where.sql} AND r.number = $${where.values.length}
      ${options.forUpdate ? 'FOR UPDATE OF r' : ''}`,
    where.values,
  );
  const row = rows[0];
  if (!row || row.commune_id !== communeId || !canSeeService(actor, row.service_id)) return undefined;
  return {
    ...toRow(row),
    communeId: row.commune_id,
    procedureId: row.procedure_id,
    procedureSlug: row.procedure_slug,
    formVersion: row.form_version,
    accountId: row.account_id,
    answers: row.answers ?? {},
    serviceSlug: row.service_slug,
    filedBy: row.filed_by,
    filedByName: row.filed_by_name,
    routedBy: row.routed_by,
    routingConfidence: row.routing_confidence,
    routingExplanation: row.routing_explanation,
    routingCompetences: row.routing_competences,
    silenceKind: row.silence_kind,
    silenceDate: row.silence_date,
    updatedAt: row.updated_at,
  };
}

export interface HistoryEntry extends RequestEvent {
  /** The author's name (agents and citizens with an account), or null. */
  authorName: string | null;
}

/** The full history of a request for agents (internal notes included), oldest first. */
export async function listHistory(tx: Tx, communeId: string, requestId: string): Promise<HistoryEntry[]> {
  const events = await listRequestEvents(tx, communeId, requestId, { includeInternal: true });
  const names = await accountNames(tx, [...new Set(events.flatMap((e) => (e.authorId ? [e.authorId] : [])))]);
  return events.map((e) => ({ ...e, authorName: (e.authorId && names.get(e.authorId)) || null }));
}

/** Display names of accounts (given and family name, else the e-mail address). */
export async function accountNames(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await tx.client.query<{ id: string; name: string }>(
    `SELECT id, coalesce(NULLIF(trim(given_name || ' ' || family_name), ''), email) AS name
       FROM account WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** One file of a request, with its content (undefined when it belongs to another request). */
export async function findRequestFile(
  tx: Tx,
  communeId: string,
  requestId: string,
  fileId: string,
): Promise<StoredFile | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(fileId)) return undefined;
  const file = await findStoredFile(tx, communeId, fileId);
  return file && file.requestId === requestId && file.communeId === communeId ? file : undefined;
}

// — People and reference lists —

export interface Person {
  id: string;
  name: string;
  email: string;
}

/** Agents attached to a service of the commune (the people a request can be assigned to). */
export async function listServiceAgents(tx: Tx, communeId: string, serviceIds: string[]): Promise<Person[]> {
  if (serviceIds.length === 0) return [];
  const { rows } = await tx.client.query<{ id: string; name: string; email: string }>(
    `SELECT DISTINCT a.id, a.email,
            coalesce(NULLIF(trim(a.given_name || ' ' || a.family_name), ''), a.email) AS name
       FROM membership m JOIN account a ON a.id = m.account_id
      WHERE m.commune_id = $1 AND m.role = 'agent' AND m.service_ids && $2::uuid[] AND a.disabled_at IS NULL
      ORDER BY name`,
    [communeId, serviceIds],
  );
  return rows;
}

/** True when the account is an agent of this service. */
export async function isAgentOfService(tx: Tx, communeId: string, accountId: string, serviceId: string) {
  const { rows } = await tx.client.query(
    `SELECT 1 FROM membership m JOIN account a ON a.id = m.account_id
      WHERE m.commune_id = $1 AND m.account_id = $2 AND m.role = 'agent' AND $3::uuid = ANY(m.service_ids)
        AND a.disabled_at IS NULL`,
    [communeId, accountId, serviceId],
  );
  return rows.length > 0;
}

/** True for a closed status. */
export function isClosed(status: RequestStatus): boolean {
  return CLOSED_STATUSES.has(status);
}

/** The numbers of the given requests among those the actor sees, in number order. */
export async function visibleRequestNumbers(tx: Tx, communeId: string, actor: Actor, ids: string[]): Promise<string[]> {
  const scope = visibleServiceScope(actor);
  const { rows } = await tx.client.query<{ number: string }>(
    `SELECT number FROM citizen_request
      WHERE commune_id = $1 AND id = ANY($2::uuid[]) ${scope === 'all' ? '' : 'AND service_id = ANY($3::uuid[])'}
      ORDER BY number`,
    scope === 'all' ? [communeId, ids] : [communeId, ids, scope],
  );
  return rows.map((r) => r.number);
}
