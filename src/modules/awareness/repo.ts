/**
 * The awareness module's queries (migrations/0046, 0052 and 0053 are the source of truth). Every function runs in
 * a tenant transaction of the commune and names the commune in its WHERE clause as well (RLS is
 * the second barrier).
 */
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../../platform/db/tenant.js';

export type EventKind = 'ouvert' | 'clique' | 'soumis' | 'signale';

// — The staff notice —

export interface NoticeRow {
  body: string;
  publishedAt: Date;
}

export async function findNotice(tx: Tx, communeId: string): Promise<NoticeRow | undefined> {
  const { rows } = await tx.client.query<{ body: string; published_at: Date }>(
    'SELECT body, published_at FROM awareness_notice WHERE commune_id = $1',
    [communeId],
  );
  return rows[0] ? { body: rows[0].body, publishedAt: rows[0].published_at } : undefined;
}

export async function upsertNotice(tx: Tx, communeId: string, body: string, accountId: string): Promise<void> {
  await tx.client.query(
    `INSERT INTO awareness_notice (commune_id, body, published_by) VALUES ($1, $2, $3)
     ON CONFLICT (commune_id) DO UPDATE SET body = EXCLUDED.body, published_by = EXCLUDED.published_by, published_at = now()`,
    [communeId, body, accountId],
  );
}

// — Campaigns and recipients —

export interface CampaignRow {
  id: string;
  name: string;
  scenario: string;
  targetServiceIds: string[];
  targetRoles: string[];
  targetAccountIds: string[];
  windowHours: number;
  startsAt: Date;
  createdAt: Date;
}

interface CampaignDbRow {
  id: string;
  name: string;
  scenario: string;
  target_service_ids: string[];
  target_roles: string[];
  target_account_ids: string[];
  window_hours: number;
  starts_at: Date;
  created_at: Date;
}

function campaignOf(r: CampaignDbRow): CampaignRow {
  return {
    id: r.id,
    name: r.name,
    scenario: r.scenario,
    targetServiceIds: r.target_service_ids,
    targetRoles: r.target_roles,
    targetAccountIds: r.target_account_ids,
    windowHours: r.window_hours,
    startsAt: r.starts_at,
    createdAt: r.created_at,
  };
}

export async function insertCampaign(
  tx: Tx,
  c: Omit<CampaignRow, 'id' | 'createdAt'> & { communeId: string; createdBy: string },
): Promise<string> {
  const id = uuidv7();
  await tx.client.query(
    `INSERT INTO awareness_campaign (id, commune_id, name, scenario, target_service_ids, target_roles, target_account_ids, window_hours, starts_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      id,
      c.communeId,
      c.name,
      c.scenario,
      c.targetServiceIds,
      c.targetRoles,
      c.targetAccountIds,
      c.windowHours,
      c.startsAt,
      c.createdBy,
    ],
  );
  return id;
}

export async function findCampaign(tx: Tx, communeId: string, id: string): Promise<CampaignRow | undefined> {
  const { rows } = await tx.client.query<CampaignDbRow>(
    'SELECT * FROM awareness_campaign WHERE commune_id = $1 AND id = $2',
    [communeId, id],
  );
  return rows[0] ? campaignOf(rows[0]) : undefined;
}

export async function listCampaigns(tx: Tx, communeId: string): Promise<CampaignRow[]> {
  const { rows } = await tx.client.query<CampaignDbRow>(
    'SELECT * FROM awareness_campaign WHERE commune_id = $1 ORDER BY created_at DESC LIMIT 200',
    [communeId],
  );
  return rows.map(campaignOf);
}

export async function insertRecipient(
  tx: Tx,
  r: { communeId: string; campaignId: string; accountId: string; serviceIds: string[]; sendAt: Date },
): Promise<string> {
  const id = uuidv7();
  await tx.client.query(
    `INSERT INTO awareness_recipient (id, commune_id, campaign_id, account_id, service_ids, send_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, r.communeId, r.campaignId, r.accountId, r.serviceIds, r.sendAt],
  );
  return id;
}

export interface RecipientRow {
  id: string;
  campaignId: string;
  accountId: string;
  tokenHash: string | null;
  scenario: string;
}

export async function findRecipient(tx: Tx, communeId: string, id: string): Promise<RecipientRow | undefined> {
  const { rows } = await tx.client.query<{
    id: string;
    campaign_id: string;
    account_id: string;
    token_hash: string | null;
    scenario: string;
  }>(
    `SELECT r.id, r.campaign_id, r.account_id, r.token_hash, c.scenario
       FROM awareness_recipient r JOIN awareness_campaign c ON c.commune_id = r.commune_id AND c.id = r.campaign_id
      WHERE r.commune_id = $1 AND r.id = $2`,
    [communeId, id],
  );
  const r = rows[0];
  return r
    ? { id: r.id, campaignId: r.campaign_id, accountId: r.account_id, tokenHash: r.token_hash, scenario: r.scenario }
    : undefined;
}

export async function findRecipientByTokenHash(
  tx: Tx,
  communeId: string,
  tokenHash: string,
): Promise<RecipientRow | undefined> {
  const { rows } = await tx.client.query<{ id: string }>(
    'SELECT id FROM awareness_recipient WHERE commune_id = $1 AND token_hash = $2',
    [communeId, tokenHash],
  );
  return rows[0] ? findRecipient(tx, communeId, rows[0].id) : undefined;
}

export async function setRecipientSent(
  tx: Tx,
  communeId: string,
  id: string,
  tokenHash: string,
  outboxId: string | null,
): Promise<void> {
  await tx.client.query(
    'UPDATE awareness_recipient SET token_hash = $3, outbox_id = $4 WHERE commune_id = $1 AND id = $2',
    [communeId, id, tokenHash, outboxId],
  );
}

/** Records the first occurrence of an event; false when it had already been recorded. */
export async function recordEvent(tx: Tx, communeId: string, recipientId: string, kind: EventKind): Promise<boolean> {
  const { rowCount } = await tx.client.query(
    `INSERT INTO awareness_event (recipient_id, commune_id, kind) VALUES ($1, $2, $3)
     ON CONFLICT (recipient_id, kind) DO NOTHING`,
    [recipientId, communeId, kind],
  );
  return (rowCount ?? 0) > 0;
}

// — Results —

export interface Counts {
  targeted: number;
  /** Messages queued (their link secret made): the denominator of the rates. */
  sent: number;
  delivered: number;
  /** The opening image loaded, or the link followed (whoever clicked opened the message, images blocked or not). */
  opened: number;
  clicked: number;
  submitted: number;
  reported: number;
}

const COUNT_COLUMNS = `
  count(*)::int AS targeted,
  count(*) FILTER (WHERE r.token_hash IS NOT NULL)::int AS sent,
  count(*) FILTER (WHERE o.status = 'sent')::int AS delivered,
  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM awareness_event e WHERE e.recipient_id = r.id AND e.kind IN ('ouvert', 'clique', 'soumis')))::int AS opened,
  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM awareness_event e WHERE e.recipient_id = r.id AND e.kind = 'clique'))::int AS clicked,
  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM awareness_event e WHERE e.recipient_id = r.id AND e.kind = 'soumis'))::int AS submitted,
  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM awareness_event e WHERE e.recipient_id = r.id AND e.kind = 'signale'))::int AS reported`;

/** The counts of one campaign, whole and per service (a person of two services counts in both). */
export async function campaignCounts(
  tx: Tx,
  communeId: string,
  campaignId: string,
): Promise<{ total: Counts; perService: Array<Counts & { serviceId: string }> }> {
  const { rows } = await tx.client.query<Counts>(
    `SELECT ${COUNT_COLUMNS}
       FROM awareness_recipient r LEFT JOIN mail_outbox o ON o.commune_id = r.commune_id AND o.id = r.outbox_id
      WHERE r.commune_id = $1 AND r.campaign_id = $2`,
    [communeId, campaignId],
  );
  const per = await tx.client.query<Counts & { service_id: string }>(
    `SELECT s.service_id, ${COUNT_COLUMNS}
       FROM awareness_recipient r
       CROSS JOIN LATERAL unnest(r.service_ids) AS s(service_id)
       LEFT JOIN mail_outbox o ON o.commune_id = r.commune_id AND o.id = r.outbox_id
      WHERE r.commune_id = $1 AND r.campaign_id = $2
      GROUP BY s.service_id`,
    [communeId, campaignId],
  );
  return {
    total: rows[0]!,
    perService: per.rows.map(({ service_id, ...c }) => ({ ...c, serviceId: service_id })),
  };
}

/** The counts of every campaign of the commune together (the figures). */
export async function communeCounts(tx: Tx, communeId: string, sinceDays = 365): Promise<Counts> {
  const { rows } = await tx.client.query<Counts>(
    `SELECT ${COUNT_COLUMNS}
       FROM awareness_recipient r LEFT JOIN mail_outbox o ON o.commune_id = r.commune_id AND o.id = r.outbox_id
      WHERE r.commune_id = $1 AND r.send_at > now() - make_interval(days => $2)`,
    [communeId, sinceDays],
  );
  return rows[0]!;
}

export interface IndividualResult {
  campaignId: string;
  campaignName: string;
  scenario: string;
  accountId: string;
  sendAt: Date;
  events: EventKind[];
}

/** Individual results: of one campaign (the security officer), or of one person (their own). */
export async function individualResults(
  tx: Tx,
  communeId: string,
  by: { campaignId: string } | { accountId: string },
): Promise<IndividualResult[]> {
  const filter = 'campaignId' in by ? 'r.campaign_id = $2' : 'r.account_id = $2';
  const { rows } = await tx.client.query<{
    campaign_id: string;
    name: string;
    scenario: string;
    account_id: string;
    send_at: Date;
    events: EventKind[] | null;
  }>(
    `SELECT r.campaign_id, c.name, c.scenario, r.account_id, r.send_at,
            (SELECT array_agg(e.kind ORDER BY e.occurred_at) FROM awareness_event e WHERE e.recipient_id = r.id) AS events
       FROM awareness_recipient r JOIN awareness_campaign c ON c.commune_id = r.commune_id AND c.id = r.campaign_id
      WHERE r.commune_id = $1 AND ${filter} AND r.token_hash IS NOT NULL
      ORDER BY r.send_at DESC`,
    [communeId, 'campaignId' in by ? by.campaignId : by.accountId],
  );
  return rows.map((r) => ({
    campaignId: r.campaign_id,
    campaignName: r.name,
    scenario: r.scenario,
    accountId: r.account_id,
    sendAt: r.send_at,
    events: r.events ?? [],
  }));
}

// — Reports of real suspicious mails —

export async function insertReport(tx: Tx, communeId: string, accountId: string, content: string): Promise<string> {
  const id = uuidv7();
  await tx.client.query('INSERT INTO awareness_report (id, commune_id, account_id, content) VALUES ($1, $2, $3, $4)', [
    id,
    communeId,
    accountId,
    content,
  ]);
  return id;
}

export interface ReportRow {
  id: string;
  accountId: string;
  content: string;
  createdAt: Date;
}

export async function listOpenReports(tx: Tx, communeId: string): Promise<ReportRow[]> {
  const { rows } = await tx.client.query<{ id: string; account_id: string; content: string; created_at: Date }>(
    `SELECT id, account_id, content, created_at FROM awareness_report
      WHERE commune_id = $1 AND handled_at IS NULL ORDER BY created_at DESC LIMIT 100`,
    [communeId],
  );
  return rows.map((r) => ({ id: r.id, accountId: r.account_id, content: r.content, createdAt: r.created_at }));
}

// — Trainings —

export async function recordCompletion(
  tx: Tx,
  communeId: string,
  accountId: string,
  training: string,
  score: number,
): Promise<void> {
  await tx.client.query(
    `INSERT INTO awareness_training_completion (commune_id, account_id, training, score) VALUES ($1, $2, $3, $4)
     ON CONFLICT (commune_id, account_id, training) DO UPDATE SET score = EXCLUDED.score, completed_at = now()`,
    [communeId, accountId, training, score],
  );
}

export async function completionsOf(
  tx: Tx,
  communeId: string,
  accountId: string,
): Promise<Array<{ training: string; score: number; completedAt: Date }>> {
  const { rows } = await tx.client.query<{ training: string; score: number; completed_at: Date }>(
    'SELECT training, score, completed_at FROM awareness_training_completion WHERE commune_id = $1 AND account_id = $2',
    [communeId, accountId],
  );
  return rows.map((r) => ({ training: r.training, score: r.score, completedAt: r.completed_at }));
}

/** The completions of every person of the commune (the reminder job and the counts of people who passed all). */
export async function completionsByAccount(tx: Tx, communeId: string): Promise<Map<string, Set<string>>> {
  const { rows } = await tx.client.query<{ account_id: string; training: string }>(
    'SELECT account_id, training FROM awareness_training_completion WHERE commune_id = $1',
    [communeId],
  );
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = out.get(r.account_id) ?? new Set<string>();
    set.add(r.training);
    out.set(r.account_id, set);
  }
  return out;
}

// — Settings and reminders —

/** Whether the monthly training reminders are on (the default when nothing was set). */
export async function trainingRemindersOn(tx: Tx, communeId: string): Promise<boolean> {
  const { rows } = await tx.client.query<{ training_reminders: boolean }>(
    'SELECT training_reminders FROM awareness_settings WHERE commune_id = $1',
    [communeId],
  );
  return rows[0]?.training_reminders ?? true;
}

export async function setTrainingReminders(tx: Tx, communeId: string, on: boolean, accountId: string): Promise<void> {
  await tx.client.query(
    `INSERT INTO awareness_settings (commune_id, training_reminders, updated_by) VALUES ($1, $2, $3)
     ON CONFLICT (commune_id) DO UPDATE SET training_reminders = EXCLUDED.training_reminders,
       updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [communeId, on, accountId],
  );
}

/** Takes the person's reminder of the month; false when it was already taken (nothing to send). */
export async function claimMonthlyReminder(
  tx: Tx,
  communeId: string,
  accountId: string,
  month: string,
): Promise<boolean> {
  const { rowCount } = await tx.client.query(
    `INSERT INTO awareness_training_reminder (commune_id, account_id, month) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING`,
    [communeId, accountId, month],
  );
  return (rowCount ?? 0) > 0;
}

export async function setReminderOutbox(
  tx: Tx,
  communeId: string,
  accountId: string,
  month: string,
  outboxId: string | null,
): Promise<void> {
  await tx.client.query(
    'UPDATE awareness_training_reminder SET outbox_id = $4 WHERE commune_id = $1 AND account_id = $2 AND month = $3',
    [communeId, accountId, month, outboxId],
  );
}

// — Personal data —

export async function eraseAccount(tx: Tx, accountId: string): Promise<void> {
  await tx.client.query(
    `DELETE FROM awareness_event WHERE recipient_id IN (SELECT id FROM awareness_recipient WHERE account_id = $1)`,
    [accountId],
  );
  await tx.client.query('DELETE FROM awareness_recipient WHERE account_id = $1', [accountId]);
  await tx.client.query('DELETE FROM awareness_report WHERE account_id = $1', [accountId]);
  await tx.client.query('DELETE FROM awareness_training_completion WHERE account_id = $1', [accountId]);
  await tx.client.query('DELETE FROM awareness_training_reminder WHERE account_id = $1', [accountId]);
  await tx.client.query('UPDATE awareness_settings SET updated_by = NULL WHERE updated_by = $1', [accountId]);
  // An incident is the commune's record: it stays (the account itself is anonymised, not deleted).
}

// — Security incidents —

export type PersonalData = 'oui' | 'non' | 'inconnu';

export interface IncidentRow {
  id: string;
  declaredBy: string;
  declaredAt: Date;
  what: string;
  occurredAt: Date | null;
  asset: string;
  personalData: PersonalData;
  steps: string[];
}

interface IncidentDbRow {
  id: string;
  declared_by: string;
  declared_at: Date;
  what: string;
  occurred_at: Date | null;
  asset: string;
  personal_data: PersonalData;
  steps: string[];
}

function incidentOf(r: IncidentDbRow): IncidentRow {
  return {
    id: r.id,
    declaredBy: r.declared_by,
    declaredAt: r.declared_at,
    what: r.what,
    occurredAt: r.occurred_at,
    asset: r.asset,
    personalData: r.personal_data,
    steps: r.steps,
  };
}

export async function insertIncident(
  tx: Tx,
  i: {
    communeId: string;
    declaredBy: string;
    what: string;
    occurredAt: Date | null;
    asset: string;
    personalData: PersonalData;
  },
): Promise<IncidentRow> {
  const { rows } = await tx.client.query<IncidentDbRow>(
    `INSERT INTO awareness_incident (id, commune_id, declared_by, what, occurred_at, asset, personal_data)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [uuidv7(), i.communeId, i.declaredBy, i.what, i.occurredAt, i.asset, i.personalData],
  );
  return incidentOf(rows[0]!);
}

export async function findIncident(tx: Tx, communeId: string, id: string): Promise<IncidentRow | undefined> {
  const { rows } = await tx.client.query<IncidentDbRow>(
    'SELECT * FROM awareness_incident WHERE commune_id = $1 AND id = $2',
    [communeId, id],
  );
  return rows[0] ? incidentOf(rows[0]) : undefined;
}

export async function listOpenIncidents(tx: Tx, communeId: string): Promise<IncidentRow[]> {
  const { rows } = await tx.client.query<IncidentDbRow>(
    'SELECT * FROM awareness_incident WHERE commune_id = $1 AND closed_at IS NULL ORDER BY declared_at DESC LIMIT 100',
    [communeId],
  );
  return rows.map(incidentOf);
}

/** Marks a step done (once); false when it already was. */
export async function addIncidentStep(tx: Tx, communeId: string, id: string, step: string): Promise<boolean> {
  const { rowCount } = await tx.client.query(
    `UPDATE awareness_incident SET steps = array_append(steps, $3)
      WHERE commune_id = $1 AND id = $2 AND NOT ($3 = ANY (steps))`,
    [communeId, id, step],
  );
  return (rowCount ?? 0) > 0;
}
