/** Read models of the courrier's pages: the register and one mail with everything shown on its page. */
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import { isUuid } from '../../platform/ids.js';
import { listServices, type Service } from '../../platform/tenancy/communes.js';
import { parisDateOf } from '../../platform/time/calendar.js';
import { listStaffContacts, type StaffContact } from '../identity/index.js';
import { lreProviderOf } from './lre/configured.js';
import { canProcessMail, isAskedForAvis, viewerOf } from './policy.js';
import {
  type AvisRow,
  findContact,
  listAbsencesFrom,
  listAvisAskedOf,
  listAvisOfMail,
  listDocuments,
  listHistory,
  listLreProofs,
  listLreSends,
  listOutgoingOfMail,
  listOutgoingRegister,
  listRegister,
  type OutgoingRow,
  type RegisterFilters,
  type RegisterRow,
} from './repo.js';
import type {
  Avis,
  Contact,
  HistoryEntry,
  LreProof,
  LreSend,
  Mail,
  MailDocument,
  Outgoing,
  PersonRole,
} from './schema.js';
import { type Caller, MAIL_NOT_FOUND, visibleMail } from './use-cases/common.js';
import { templatesOf } from './use-cases/templates.js';

export interface RegisterPage {
  rows: RegisterRow[];
  services: Service[];
  today: string;
}

export async function registerPage(
  ctx: AppContext,
  caller: Caller,
  filters: Omit<RegisterFilters, 'today'>,
): Promise<RegisterPage> {
  const today = parisDateOf(new Date());
  return withTenant(ctx.database, caller.communeId, async (tx) => ({
    rows: await listRegister(tx, caller.communeId, viewerOf(caller.actor), { ...filters, today }),
    services: await listServices(tx, caller.communeId),
    today,
  }));
}

export function outgoingRegister(ctx: AppContext, caller: Caller): Promise<OutgoingRow[]> {
  return withTenant(ctx.database, caller.communeId, (tx) =>
    listOutgoingRegister(tx, caller.communeId, viewerOf(caller.actor)),
  );
}

export interface MailPage {
  mail: Mail;
  contact: Contact;
  documents: MailDocument[];
  people: Array<{ accountId: string; role: PersonRole; name: string }>;
  history: Array<HistoryEntry & { actorName: string | null }>;
  services: Service[];
  staff: StaffContact[];
  canProcess: boolean;
  replies: Array<Outgoing & { sends: Array<LreSend & { proofs: LreProof[] }> }>;
  today: string;
  /** An electronic registered letter provider is configured. */
  lreAvailable: boolean;
  avis: Avis[];
  /** The avis of this mail asked of the caller (by name or through a service). */
  askedAvisIds: string[];
  /** The commune's reply templates (its edited versions in place of the built-in ones, then its own). */
  templates: Array<{ key: string; label: string }>;
  /** The staff absent today, with who receives the mail confided to them (absences.ts). */
  absentToday: Array<{ accountId: string; delegateId: string; endsOn: string }>;
}

/** The avis asked of the caller (by name, or of their services on mail that is not confidential). */
export function avisAskedOf(ctx: AppContext, caller: Caller): Promise<AvisRow[]> {
  return withTenant(ctx.database, caller.communeId, (tx) =>
    listAvisAskedOf(tx, caller.communeId, viewerOf(caller.actor)),
  );
}

export function staffName(staff: readonly StaffContact[], accountId: string | null): string | null {
  if (!accountId) return null;
  const s = staff.find((p) => p.accountId === accountId);
  return s ? `${s.givenName} ${s.familyName}` : 'un ancien agent';
}

export async function mailPage(ctx: AppContext, caller: Caller, mailId: string): Promise<MailPage> {
  if (!isUuid(mailId)) throw MAIL_NOT_FOUND();
  const today = parisDateOf(new Date());
  return withTenant(ctx.database, caller.communeId, async (tx) => {
    const { mail, access } = await visibleMail(tx, caller, mailId);
    const communeId = caller.communeId;
    const staff = await listStaffContacts(tx, communeId);
    const replies = await listOutgoingOfMail(tx, communeId, mail.id);
    const avis = await listAvisOfMail(tx, communeId, mail.id);
    const sends = await listLreSends(
      tx,
      communeId,
      replies.map((r) => r.id),
    );
    const proofs = await listLreProofs(
      tx,
      communeId,
      sends.map((s) => s.id),
    );
    return {
      mail,
      contact: (await findContact(tx, communeId, mail.contactId))!,
      documents: await listDocuments(tx, communeId, mail.id),
      people: access.people.map((p) => ({ ...p, name: staffName(staff, p.accountId)! })),
      history: (await listHistory(tx, communeId, mail.id)).map((h) => ({
        ...h,
        actorName: staffName(staff, h.actorId),
      })),
      services: await listServices(tx, communeId),
      staff,
      canProcess: canProcessMail(caller.actor, access),
      replies: replies.map((r) => ({
        ...r,
        sends: sends
          .filter((s) => s.outgoingId === r.id)
          .map((s) => ({ ...s, proofs: proofs.filter((p) => p.sendId === s.id) })),
      })),
      today,
      lreAvailable: lreProviderOf(ctx) !== null,
      avis,
      askedAvisIds: avis.filter((a) => isAskedForAvis(caller.actor, a)).map((a) => a.id),
      templates: (await templatesOf(tx, communeId)).map((t) => ({ key: t.key, label: t.label })),
      absentToday: (await listAbsencesFrom(tx, communeId, today))
        .filter((a) => a.startsOn <= today)
        .map((a) => ({ accountId: a.accountId, delegateId: a.delegateId, endsOn: a.endsOn })),
    };
  });
}

/** A scan of a mail the caller may see (404 otherwise), with its bytes. */
export async function mailDocument(
  ctx: AppContext,
  caller: Caller,
  mailId: string,
  documentId: string,
): Promise<{ name: string; mimeType: string; content: Buffer }> {
  if (!isUuid(mailId) || !isUuid(documentId)) throw MAIL_NOT_FOUND();
  return withTenant(ctx.database, caller.communeId, async (tx) => {
    const { mail } = await visibleMail(tx, caller, mailId);
    const doc = (await listDocuments(tx, caller.communeId, mail.id)).find((d) => d.id === documentId);
    if (!doc) throw MAIL_NOT_FOUND();
    return {
      name: doc.name,
      mimeType: doc.mimeType,
      content: await tx.blobs.get({ communeId: caller.communeId }, doc.sha256),
    };
  });
}

/** A proof of an electronic registered letter of a reply of a mail the caller may see (404 otherwise). */
export async function lreProofFile(
  ctx: AppContext,
  caller: Caller,
  mailId: string,
  replyId: string,
  proofId: string,
): Promise<{ name: string; mimeType: string; content: Buffer }> {
  if (!isUuid(mailId) || !isUuid(replyId) || !isUuid(proofId)) throw MAIL_NOT_FOUND();
  return withTenant(ctx.database, caller.communeId, async (tx) => {
    const { mail } = await visibleMail(tx, caller, mailId);
    const reply = (await listOutgoingOfMail(tx, caller.communeId, mail.id)).find((r) => r.id === replyId);
    const sends = reply ? await listLreSends(tx, caller.communeId, [reply.id]) : [];
    const proof = (
      await listLreProofs(
        tx,
        caller.communeId,
        sends.map((s) => s.id),
      )
    ).find((p) => p.id === proofId);
    if (!proof) throw MAIL_NOT_FOUND();
    return {
      name: proof.name,
      mimeType: 'application/pdf',
      content: await tx.blobs.get({ communeId: caller.communeId }, proof.sha256),
    };
  });
}
