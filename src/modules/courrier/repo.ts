/**
 * The courrier's queries; every function takes the commune (RLS applies too). Private to the
 * module: other modules use index.ts.
 */
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lte } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../../platform/db/tenant.js';
import { emailKey, nameKey, postalKey, sameContact } from './contacts.js';
import {
  type Absence,
  type Avis,
  absence,
  avis,
  type CommuneTemplate,
  type Contact,
  contact,
  document,
  type HistoryEntry,
  history,
  type IntakeError,
  type IntakeSource,
  intakeError,
  type LreProof,
  type LreSend,
  lreProof,
  lreSend,
  type Mail,
  type Mailbox,
  type MailDocument,
  mail,
  mailbox,
  mailPerson,
  type Outgoing,
  outgoing,
  type PersonRole,
  template,
} from './schema.js';

export interface TypedContact {
  kind: 'personne' | 'organisation';
  name: string;
  email: string | null;
  postalAddress: string | null;
}

/** The directory's entry for this sender (same name and same e-mail or address), else a new one. */
export async function findOrCreateContact(
  tx: Tx,
  communeId: string,
  typed: TypedContact,
): Promise<{ contact: Contact; created: boolean }> {
  const key = nameKey(typed.name);
  const candidates = await tx.db
    .select()
    .from(contact)
    .where(and(eq(contact.communeId, communeId), eq(contact.nameKey, key)))
    .orderBy(asc(contact.createdAt));
  const found = candidates.find((c) => sameContact(c, typed));
  if (found) {
    // What the new letter adds (an e-mail, an address) completes the entry.
    const patch: Partial<Contact> = {};
    if (!found.email && typed.email) patch.email = emailKey(typed.email);
    if (!found.postalAddress && typed.postalAddress) {
      patch.postalAddress = typed.postalAddress;
      patch.postalKey = postalKey(typed.postalAddress);
    }
    if (Object.keys(patch).length === 0) return { contact: found, created: false };
    const [updated] = await tx.db
      .update(contact)
      .set(patch)
      .where(and(eq(contact.communeId, communeId), eq(contact.id, found.id)))
      .returning();
    return { contact: updated!, created: false };
  }
  const [created] = await tx.db
    .insert(contact)
    .values({
      id: uuidv7(),
      communeId,
      kind: typed.kind,
      name: typed.name,
      nameKey: key,
      email: typed.email ? emailKey(typed.email) : null,
      postalAddress: typed.postalAddress,
      postalKey: typed.postalAddress ? postalKey(typed.postalAddress) : null,
    })
    .returning();
  return { contact: created!, created: true };
}

/**
 * The sender of an e-mail: the directory's entry with this address whatever the name it was typed
 * with (an address is one person or organisation), else a new entry named from the message.
 */
export async function findOrCreateContactByEmail(
  tx: Tx,
  communeId: string,
  typed: { name: string; email: string },
): Promise<{ contact: Contact; created: boolean }> {
  const email = emailKey(typed.email);
  const [found] = await tx.db
    .select()
    .from(contact)
    .where(and(eq(contact.communeId, communeId), eq(contact.email, email)))
    .orderBy(asc(contact.createdAt))
    .limit(1);
  if (found) return { contact: found, created: false };
  const [created] = await tx.db
    .insert(contact)
    .values({
      id: uuidv7(),
      communeId,
      kind: 'personne',
      name: typed.name,
      nameKey: nameKey(typed.name) || email,
      email,
      postalAddress: null,
      postalKey: null,
    })
    .returning();
  return { contact: created!, created: true };
}

export async function findMailByMessageId(tx: Tx, communeId: string, messageId: string): Promise<Mail | undefined> {
  const [row] = await tx.db
    .select()
    .from(mail)
    .where(and(eq(mail.communeId, communeId), eq(mail.messageId, messageId)));
  return row;
}

export async function findContact(tx: Tx, communeId: string, id: string): Promise<Contact | undefined> {
  const [row] = await tx.db
    .select()
    .from(contact)
    .where(and(eq(contact.communeId, communeId), eq(contact.id, id)));
  return row;
}

export async function countContacts(tx: Tx, communeId: string): Promise<number> {
  const { rows } = await tx.client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM courrier_contact WHERE commune_id = $1',
    [communeId],
  );
  return rows[0]?.n ?? 0;
}

export async function insertMail(tx: Tx, values: typeof mail.$inferInsert): Promise<Mail> {
  const [row] = await tx.db.insert(mail).values(values).returning();
  return row!;
}

export async function findMail(tx: Tx, communeId: string, id: string): Promise<Mail | undefined> {
  const [row] = await tx.db
    .select()
    .from(mail)
    .where(and(eq(mail.communeId, communeId), eq(mail.id, id)));
  return row;
}

/** Locks the mail's row for a change (two agents redirecting at once). */
export async function lockMail(tx: Tx, communeId: string, id: string): Promise<Mail | undefined> {
  const [row] = await tx.db
    .select()
    .from(mail)
    .where(and(eq(mail.communeId, communeId), eq(mail.id, id)))
    .for('update');
  return row;
}

export async function updateMail(tx: Tx, communeId: string, id: string, patch: Partial<Mail>): Promise<void> {
  await tx.db
    .update(mail)
    .set(patch)
    .where(and(eq(mail.communeId, communeId), eq(mail.id, id)));
}

export async function insertDocument(tx: Tx, values: Omit<typeof document.$inferInsert, 'id'>): Promise<MailDocument> {
  const [row] = await tx.db
    .insert(document)
    .values({ id: uuidv7(), ...values })
    .returning();
  return row!;
}

export function listDocuments(tx: Tx, communeId: string, mailId: string): Promise<MailDocument[]> {
  return tx.db
    .select()
    .from(document)
    .where(and(eq(document.communeId, communeId), eq(document.mailId, mailId)))
    .orderBy(asc(document.createdAt), asc(document.id));
}

export async function addPersons(
  tx: Tx,
  communeId: string,
  mailId: string,
  people: ReadonlyArray<{ accountId: string; role: PersonRole }>,
): Promise<void> {
  if (people.length === 0) return;
  await tx.db
    .insert(mailPerson)
    .values(people.map((p) => ({ communeId, mailId, ...p })))
    .onConflictDoNothing();
}

export function listPersons(
  tx: Tx,
  communeId: string,
  mailId: string,
): Promise<Array<{ accountId: string; role: PersonRole }>> {
  return tx.db
    .select({ accountId: mailPerson.accountId, role: mailPerson.role })
    .from(mailPerson)
    .where(and(eq(mailPerson.communeId, communeId), eq(mailPerson.mailId, mailId)));
}

export async function addHistory(
  tx: Tx,
  communeId: string,
  mailId: string,
  entry: { actorId: string | null; kind: string; text: string; at?: Date },
): Promise<void> {
  await tx.db.insert(history).values({ id: uuidv7(), communeId, mailId, ...entry });
}

export function listHistory(tx: Tx, communeId: string, mailId: string): Promise<HistoryEntry[]> {
  return tx.db
    .select()
    .from(history)
    .where(and(eq(history.communeId, communeId), eq(history.mailId, mailId)))
    .orderBy(asc(history.at), asc(history.id));
}

/** Who is asking for the register: their account, services, and whether they see every service. */
export interface Viewer {
  accountId: string;
  serviceIds: readonly string[];
  allServices: boolean;
}

export interface RegisterFilters {
  serviceId?: string | null;
  status?: 'a_traiter' | 'en_cours' | 'clos' | 'ouverts' | null;
  late?: boolean;
  /** Only the mails confided to the viewer (their own basket). */
  mine?: boolean;
  /** Words searched in the chrono, subject, sender and text read by OCR. */
  query?: string | null;
  /** Paris date of today, for the late flag. */
  today: string;
  limit?: number;
}

export interface RegisterRow {
  id: string;
  chrono: string;
  arrived_on: string;
  subject: string;
  mail_type: string;
  priority: string;
  confidential: boolean;
  service_id: string;
  status: string;
  due_on: string | null;
  contact_name: string;
  assigned_to: string | null;
  category: string;
  registered_at: Date;
  closed_at: Date | null;
  contact_email: string | null;
}

/**
 * The mails the viewer may see, newest first. A confidential mail only to its registrar, its
 * assignee and the people named on it; others to the same, and to the agents of the service in
 * charge and the leadership.
 */
export async function listRegister(
  tx: Tx,
  communeId: string,
  viewer: Viewer,
  filters: RegisterFilters,
): Promise<RegisterRow[]> {
  const params: unknown[] = [communeId, viewer.accountId, [...viewer.serviceIds], viewer.allServices];
  const where = [
    'm.commune_id = $1',
    `(m.registered_by = $2 OR m.assigned_to = $2
      OR EXISTS (SELECT 1 FROM courrier_mail_person p WHERE p.mail_id = m.id AND p.commune_id = m.commune_id AND p.account_id = $2)
      OR (NOT m.confidential AND ($4 OR m.service_id = ANY($3::uuid[])
          OR EXISTS (SELECT 1 FROM courrier_avis a WHERE a.mail_id = m.id AND a.commune_id = m.commune_id AND a.service_id = ANY($3::uuid[])))))`,
  ];
  if (filters.serviceId) {
    params.push(filters.serviceId);
    where.push(`m.service_id = $${params.length}`);
  }
  if (filters.status === 'ouverts') where.push(`m.status <> 'clos'`);
  else if (filters.status) {
    params.push(filters.status);
    where.push(`m.status = $${params.length}`);
  }
  if (filters.mine) where.push('m.assigned_to = $2');
  if (filters.late) {
    params.push(filters.today);
    where.push(`m.status <> 'clos' AND m.due_on < $${params.length}::date`);
  }
  const words = (filters.query ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 8);
  for (const word of words) {
    params.push(`%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const p = `$${params.length}`;
    where.push(
      `(m.chrono ILIKE ${p} OR m.subject ILIKE ${p} OR c.name ILIKE ${p} OR coalesce(m.ocr_text, '') ILIKE ${p}
        OR coalesce(m.body_text, '') ILIKE ${p})`,
    );
  }
  params.push(filters.limit ?? 200);
  const { rows } = await tx.client.query<RegisterRow>(
    `SELECT m.id, m.chrono, to_char(m.arrived_on, 'YYYY-MM-DD') AS arrived_on, m.subject, m.mail_type, m.priority,
            m.confidential, m.service_id, m.status, to_char(m.due_on, 'YYYY-MM-DD') AS due_on, c.name AS contact_name,
            m.assigned_to, m.category, m.registered_at, m.closed_at, c.email AS contact_email
       FROM courrier_mail m JOIN courrier_contact c ON c.commune_id = m.commune_id AND c.id = m.contact_id
      WHERE ${where.join(' AND ')}
      ORDER BY m.registered_at DESC, m.id DESC
      LIMIT $${params.length}`,
    params,
  );
  return rows;
}

export async function insertOutgoing(tx: Tx, values: typeof outgoing.$inferInsert): Promise<Outgoing> {
  const [row] = await tx.db.insert(outgoing).values(values).returning();
  return row!;
}

export async function findOutgoing(tx: Tx, communeId: string, id: string): Promise<Outgoing | undefined> {
  const [row] = await tx.db
    .select()
    .from(outgoing)
    .where(and(eq(outgoing.communeId, communeId), eq(outgoing.id, id)));
  return row;
}

export async function findOutgoingByFolder(tx: Tx, communeId: string, folderId: string): Promise<Outgoing | undefined> {
  const [row] = await tx.db
    .select()
    .from(outgoing)
    .where(and(eq(outgoing.communeId, communeId), eq(outgoing.folderId, folderId)))
    .for('update');
  return row;
}

export function listOutgoingOfMail(tx: Tx, communeId: string, mailId: string): Promise<Outgoing[]> {
  return tx.db
    .select()
    .from(outgoing)
    .where(and(eq(outgoing.communeId, communeId), eq(outgoing.mailId, mailId)))
    .orderBy(asc(outgoing.createdAt));
}

export async function updateOutgoing(tx: Tx, communeId: string, id: string, patch: Partial<Outgoing>): Promise<void> {
  await tx.db
    .update(outgoing)
    .set(patch)
    .where(and(eq(outgoing.communeId, communeId), eq(outgoing.id, id)));
}

export interface OutgoingRow {
  id: string;
  chrono: string;
  mail_id: string | null;
  mail_chrono: string | null;
  subject: string;
  status: string;
  channel: string | null;
  created_at: Date;
  sent_at: Date | null;
  contact_name: string;
}

/** The outgoing register: the letters answering mails the viewer may see (same rule as the incoming register). */
export async function listOutgoingRegister(
  tx: Tx,
  communeId: string,
  viewer: Viewer,
  limit = 200,
): Promise<OutgoingRow[]> {
  const { rows } = await tx.client.query<OutgoingRow>(
    `SELECT o.id, o.chrono, o.mail_id, m.chrono AS mail_chrono, o.subject, o.status, o.channel, o.created_at, o.sent_at,
            c.name AS contact_name
       FROM courrier_outgoing o
       JOIN courrier_contact c ON c.commune_id = o.commune_id AND c.id = o.contact_id
       JOIN courrier_mail m ON m.commune_id = o.commune_id AND m.id = o.mail_id
      WHERE o.commune_id = $1
        AND (m.registered_by = $2 OR m.assigned_to = $2 OR o.created_by = $2
             OR EXISTS (SELECT 1 FROM courrier_mail_person p WHERE p.mail_id = m.id AND p.commune_id = m.commune_id AND p.account_id = $2)
             OR (NOT m.confidential AND ($4 OR m.service_id = ANY($3::uuid[])
                 OR EXISTS (SELECT 1 FROM courrier_avis a WHERE a.mail_id = m.id AND a.commune_id = m.commune_id AND a.service_id = ANY($3::uuid[])))))
      ORDER BY o.created_at DESC, o.id DESC
      LIMIT $5`,
    [communeId, viewer.accountId, [...viewer.serviceIds], viewer.allServices, limit],
  );
  return rows;
}

export async function insertLreSend(tx: Tx, values: Omit<typeof lreSend.$inferInsert, 'id'>): Promise<LreSend> {
  const [row] = await tx.db
    .insert(lreSend)
    .values({ id: uuidv7(), ...values })
    .returning();
  return row!;
}

export function listLreSends(tx: Tx, communeId: string, outgoingIds: readonly string[]): Promise<LreSend[]> {
  if (outgoingIds.length === 0) return Promise.resolve([]);
  return tx.db
    .select()
    .from(lreSend)
    .where(and(eq(lreSend.communeId, communeId), inArray(lreSend.outgoingId, [...outgoingIds])));
}

export async function updateLreSend(tx: Tx, communeId: string, id: string, patch: Partial<LreSend>): Promise<void> {
  await tx.db
    .update(lreSend)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(lreSend.communeId, communeId), eq(lreSend.id, id)));
}

export async function insertLreProof(tx: Tx, values: Omit<typeof lreProof.$inferInsert, 'id'>): Promise<void> {
  await tx.db
    .insert(lreProof)
    .values({ id: uuidv7(), ...values })
    .onConflictDoNothing();
}

export function listLreProofs(tx: Tx, communeId: string, sendIds: readonly string[]): Promise<LreProof[]> {
  if (sendIds.length === 0) return Promise.resolve([]);
  return tx.db
    .select()
    .from(lreProof)
    .where(and(eq(lreProof.communeId, communeId), inArray(lreProof.sendId, [...sendIds])));
}

/** Figures for pilotage (one commune). */
export async function courrierFigures(
  tx: Tx,
  communeId: string,
  today: string,
): Promise<{ received: number; open: number; late: number; lre: number; lreCostCents: number }> {
  const { rows } = await tx.client.query<{ received: number; open: number; late: number }>(
    `SELECT count(*)::int AS received,
            count(*) FILTER (WHERE status <> 'clos')::int AS open,
            count(*) FILTER (WHERE status <> 'clos' AND due_on < $2::date)::int AS late
       FROM courrier_mail WHERE commune_id = $1`,
    [communeId, today],
  );
  const lre = await tx.client.query<{ n: number; cost: number }>(
    'SELECT count(*)::int AS n, coalesce(sum(cost_cents), 0)::int AS cost FROM courrier_lre_send WHERE commune_id = $1',
    [communeId],
  );
  return {
    received: rows[0]?.received ?? 0,
    open: rows[0]?.open ?? 0,
    late: rows[0]?.late ?? 0,
    lre: lre.rows[0]?.n ?? 0,
    lreCostCents: lre.rows[0]?.cost ?? 0,
  };
}

export async function insertAvis(tx: Tx, values: Omit<typeof avis.$inferInsert, 'id'>): Promise<Avis> {
  const [row] = await tx.db
    .insert(avis)
    .values({ id: uuidv7(), ...values })
    .returning();
  return row!;
}

export function listAvisOfMail(tx: Tx, communeId: string, mailId: string): Promise<Avis[]> {
  return tx.db
    .select()
    .from(avis)
    .where(and(eq(avis.communeId, communeId), eq(avis.mailId, mailId)))
    .orderBy(asc(avis.requestedAt), asc(avis.id));
}

export async function lockAvis(tx: Tx, communeId: string, id: string): Promise<Avis | undefined> {
  const [row] = await tx.db
    .select()
    .from(avis)
    .where(and(eq(avis.communeId, communeId), eq(avis.id, id)))
    .for('update');
  return row;
}

export async function updateAvis(tx: Tx, communeId: string, id: string, patch: Partial<Avis>): Promise<void> {
  await tx.db
    .update(avis)
    .set(patch)
    .where(and(eq(avis.communeId, communeId), eq(avis.id, id)));
}

export interface AvisRow {
  id: string;
  mail_id: string;
  chrono: string;
  subject: string;
  question: string;
  due_on: string;
  service_id: string | null;
  account_id: string | null;
  answer: string | null;
  answered_at: Date | null;
  requested_by: string;
}

/**
 * The avis asked of the viewer: by name, or of one of their services on a mail that is not
 * confidential (on a confidential mail an avis names a person: only they see it).
 */
export async function listAvisAskedOf(tx: Tx, communeId: string, viewer: Viewer, limit = 200): Promise<AvisRow[]> {
  const { rows } = await tx.client.query<AvisRow>(
    `SELECT a.id, a.mail_id, m.chrono, m.subject, a.question, to_char(a.due_on, 'YYYY-MM-DD') AS due_on,
            a.service_id, a.account_id, a.answer, a.answered_at, a.requested_by
       FROM courrier_avis a JOIN courrier_mail m ON m.commune_id = a.commune_id AND m.id = a.mail_id
      WHERE a.commune_id = $1
        AND (a.account_id = $2 OR (NOT m.confidential AND a.service_id = ANY($3::uuid[])))
      ORDER BY (a.answered_at IS NULL) DESC, a.due_on, a.requested_at
      LIMIT $4`,
    [communeId, viewer.accountId, [...viewer.serviceIds], limit],
  );
  return rows;
}

export async function avisServiceIdsOf(tx: Tx, communeId: string, mailId: string): Promise<string[]> {
  const rows = await tx.db
    .select({ serviceId: avis.serviceId })
    .from(avis)
    .where(and(eq(avis.communeId, communeId), eq(avis.mailId, mailId), isNotNull(avis.serviceId)));
  return rows.map((r) => r.serviceId!);
}

export async function findMailbox(tx: Tx, communeId: string): Promise<Mailbox | undefined> {
  const [row] = await tx.db.select().from(mailbox).where(eq(mailbox.communeId, communeId));
  return row;
}

export async function saveMailbox(tx: Tx, values: typeof mailbox.$inferInsert): Promise<void> {
  const { communeId: _, ...patch } = values;
  await tx.db
    .insert(mailbox)
    .values(values)
    .onConflictDoUpdate({ target: mailbox.communeId, set: { ...patch, updatedAt: new Date() } });
}

export async function updateMailbox(tx: Tx, communeId: string, patch: Partial<Mailbox>): Promise<void> {
  await tx.db.update(mailbox).set(patch).where(eq(mailbox.communeId, communeId));
}

export async function deleteMailbox(tx: Tx, communeId: string): Promise<void> {
  await tx.db.delete(mailbox).where(eq(mailbox.communeId, communeId));
}

export async function insertIntakeError(
  tx: Tx,
  values: { communeId: string; source: IntakeSource; fileName: string; reason: string; at?: Date },
): Promise<void> {
  await tx.db.insert(intakeError).values({ id: uuidv7(), ...values, fileName: values.fileName.slice(0, 300) });
}

export function listIntakeErrors(tx: Tx, communeId: string, limit = 50): Promise<IntakeError[]> {
  return tx.db
    .select()
    .from(intakeError)
    .where(eq(intakeError.communeId, communeId))
    .orderBy(desc(intakeError.at))
    .limit(limit);
}

export function listCommuneTemplates(tx: Tx, communeId: string): Promise<CommuneTemplate[]> {
  return tx.db
    .select()
    .from(template)
    .where(eq(template.communeId, communeId))
    .orderBy(asc(template.createdAt), asc(template.id));
}

/** Creates or replaces the commune's row (its version of a built-in template, or its own template). */
export async function saveCommuneTemplate(tx: Tx, values: typeof template.$inferInsert): Promise<void> {
  const { id: _, communeId: __, createdAt: ___, ...patch } = values;
  await tx.db
    .insert(template)
    .values(values)
    .onConflictDoUpdate({ target: template.id, set: { ...patch, updatedAt: new Date() } });
}

export async function deleteCommuneTemplate(tx: Tx, communeId: string, id: string): Promise<void> {
  await tx.db.delete(template).where(and(eq(template.communeId, communeId), eq(template.id, id)));
}

// — Absences and reminders (migration 0050) —

export async function insertAbsence(tx: Tx, values: Omit<typeof absence.$inferInsert, 'id'>): Promise<Absence> {
  const [row] = await tx.db
    .insert(absence)
    .values({ id: uuidv7(), ...values })
    .returning();
  return row!;
}

export async function findAbsence(tx: Tx, communeId: string, id: string): Promise<Absence | undefined> {
  const [row] = await tx.db
    .select()
    .from(absence)
    .where(and(eq(absence.communeId, communeId), eq(absence.id, id)))
    .for('update');
  return row;
}

export async function withdrawAbsence(tx: Tx, communeId: string, id: string, at: Date): Promise<void> {
  await tx.db
    .update(absence)
    .set({ withdrawnAt: at })
    .where(and(eq(absence.communeId, communeId), eq(absence.id, id)));
}

/** The absences not withdrawn that end on `from` or later (current and upcoming), by start date. */
export function listAbsencesFrom(tx: Tx, communeId: string, from: string): Promise<Absence[]> {
  return tx.db
    .select()
    .from(absence)
    .where(and(eq(absence.communeId, communeId), isNull(absence.withdrawnAt), gte(absence.endsOn, from)))
    .orderBy(asc(absence.startsOn), asc(absence.createdAt));
}

/** The absence of the account covering the Paris date `day`, if any. */
export async function absenceOn(
  tx: Tx,
  communeId: string,
  accountId: string,
  day: string,
): Promise<Absence | undefined> {
  const [row] = await tx.db
    .select()
    .from(absence)
    .where(
      and(
        eq(absence.communeId, communeId),
        eq(absence.accountId, accountId),
        isNull(absence.withdrawnAt),
        lte(absence.startsOn, day),
        gte(absence.endsOn, day),
      ),
    )
    .orderBy(desc(absence.createdAt))
    .limit(1);
  return row;
}

export interface DueMailRow {
  id: string;
  chrono: string;
  subject: string;
  confidential: boolean;
  due_on: string;
  assigned_to: string;
}

/**
 * Claims, for the Paris day `day`, the open assigned mails due on `until` or before that were not
 * yet reminded that day: the rows returned are this run's (a concurrent run gets none of them).
 */
export async function claimDueMails(tx: Tx, communeId: string, day: string, until: string): Promise<DueMailRow[]> {
  const { rows } = await tx.client.query<DueMailRow>(
    `WITH due AS (
       SELECT m.id, m.assigned_to FROM courrier_mail m
        WHERE m.commune_id = $1 AND m.status <> 'clos' AND m.assigned_to IS NOT NULL
          AND m.due_on IS NOT NULL AND m.due_on <= $3::date
     ), claimed AS (
       INSERT INTO courrier_reminder (commune_id, mail_id, day, account_id)
       SELECT $1, due.id, $2::date, due.assigned_to FROM due
       ON CONFLICT DO NOTHING
       RETURNING mail_id
     )
     SELECT m.id, m.chrono, m.subject, m.confidential, to_char(m.due_on, 'YYYY-MM-DD') AS due_on, m.assigned_to
       FROM courrier_mail m JOIN claimed ON claimed.mail_id = m.id
      WHERE m.commune_id = $1
      ORDER BY m.due_on, m.chrono`,
    [communeId, day, until],
  );
  return rows;
}
