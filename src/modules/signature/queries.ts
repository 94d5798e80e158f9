/**
 * Read models of the parapheur for its pages and its front door: a person's queue, one folder
 * as they may see it (names resolved, private notes of others left out), the admin's settings.
 */
import { X509Certificate } from 'node:crypto';
import type { Actor } from '../../platform/authz/actor.js';
import type { AppContext } from '../../platform/context.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import type { PesSummary } from '../../platform/signature/index.js';
import { listServices, type Service } from '../../platform/tenancy/communes.js';
import { parisDateOf } from '../../platform/time/calendar.js';
import { listStaffContacts, type StaffContact } from '../identity/index.js';
import { isPes, pesSummaryOf } from './bordereaux.js';
import {
  type CircuitTemplate,
  circuitStepsSchema,
  DEFAULT_PURCHASE_ORDER_THRESHOLD_CENTS,
  delegationApplies,
} from './circuits.js';
import { FOLDER_NOT_FOUND, loadFolderView } from './folder-flow.js';
import { canReadAnnotation, canSeeFolder, type FolderView } from './policy.js';
import { renderProofSheet } from './proof-sheet.js';
import {
  findLiveCertificate,
  findReminderDays,
  findThreshold,
  listCircuitTemplates,
  listDelegations,
  listDocuments,
  listFolders,
  listFunctionHolders,
  listWaitingFor,
  type QueueRow,
} from './repo.js';
import type { Delegation, Folder, FolderDocument, FunctionHolder } from './schema.js';
import { commonName } from './signing.js';

/** « Prénom Nom » of each staff member of the commune. */
export function namesOf(staff: readonly StaffContact[]): Map<string, string> {
  return new Map(staff.map((s) => [s.accountId, `${s.givenName} ${s.familyName}`]));
}

/** Whether a folder is past its due date (Paris calendar) and still in its circuit. */
export function isLate(folder: Pick<Folder, 'dueOn' | 'status'>, now = new Date()): boolean {
  return folder.status === 'en_cours' && !!folder.dueOn && folder.dueOn < parisDateOf(now);
}

/** People who delegated to `accountId` today (any document type). */
async function todaysDelegators(tx: Tx, communeId: string, accountId: string): Promise<Delegation[]> {
  const today = parisDateOf(new Date());
  return (await listDelegations(tx, communeId)).filter(
    (d) => d.delegateId === accountId && d.startsOn <= today && d.endsOn >= today && !d.revokedAt,
  );
}

/** What waits for the person (themselves, or those whose delegation applies to the folder's type). */
export async function waitingFor(tx: Tx, communeId: string, actor: Actor): Promise<QueueRow[]> {
  const delegations = await todaysDelegators(tx, communeId, actor.accountId);
  const rows = await listWaitingFor(tx, communeId, [actor.accountId, ...delegations.map((d) => d.delegatorId)]);
  const today = parisDateOf(new Date());
  return rows
    .map((r) => ({
      ...r,
      forAccounts: r.forAccounts.filter(
        (id) =>
          id === actor.accountId ||
          delegations.some((d) => d.delegatorId === id && delegationApplies(d, today, r.folder.documentType)),
      ),
    }))
    .filter((r) => r.forAccounts.length > 0);
}

export interface QueuePage {
  waiting: QueueRow[];
  mine: Folder[];
  /** Every folder of the commune (the leadership), else empty. */
  all: Folder[];
  names: Map<string, string>;
}

export async function queuePage(
  ctx: AppContext,
  communeId: string,
  actor: Actor,
  seesAll: boolean,
): Promise<QueuePage> {
  return withTenant(ctx.database, communeId, async (tx) => ({
    waiting: await waitingFor(tx, communeId, actor),
    mine: await listFolders(tx, communeId, { createdBy: actor.accountId, limit: 50 }),
    all: seesAll ? await listFolders(tx, communeId, { limit: 200 }) : [],
    names: namesOf(await listStaffContacts(tx, communeId)),
  }));
}

/** A certificate as pages name it. */
export interface CertificateInfo {
  kind: 'imported' | 'signer';
  subject: string;
  issuer: string;
  notAfter: Date;
}

function certificateInfo(row: { kind: string; certificatePem: string; notAfter: Date }): CertificateInfo {
  const cert = new X509Certificate(row.certificatePem);
  return {
    kind: row.kind === 'imported' ? 'imported' : 'signer',
    subject: commonName(cert.subject),
    issuer: commonName(cert.issuer),
    notAfter: row.notAfter,
  };
}

/** The certificate the person signs with now: imported, else the commune's (null before the first signature). */
export async function signingCertificateOf(
  tx: Tx,
  communeId: string,
  accountId: string,
): Promise<CertificateInfo | null> {
  const own =
    (await findLiveCertificate(tx, communeId, 'imported', accountId)) ??
    (await findLiveCertificate(tx, communeId, 'signer', accountId));
  return own ? certificateInfo(own) : null;
}

export interface CertificatePage {
  imported: CertificateInfo | null;
  /** The certificate the commune's authority issued to the person (null before the first signature). */
  commune: CertificateInfo | null;
}

export async function certificatePage(ctx: AppContext, communeId: string, actor: Actor): Promise<CertificatePage> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const imported = await findLiveCertificate(tx, communeId, 'imported', actor.accountId);
    const issued = await findLiveCertificate(tx, communeId, 'signer', actor.accountId);
    return { imported: imported ? certificateInfo(imported) : null, commune: issued ? certificateInfo(issued) : null };
  });
}

export interface FolderPage {
  view: FolderView;
  /** The certificate the person would sign with (null: one of the commune will be issued). */
  certificate: CertificateInfo | null;
  documents: FolderDocument[];
  /** The bordereaux of a PES V2 main document, as it is now (null for a PDF). */
  bordereaux: PesSummary | null;
  names: Map<string, string>;
  staff: StaffContact[];
  services: Service[];
}

/** One folder as `actor` may see it; 404 when it does not exist here or is not theirs to see. */
export async function folderPage(
  ctx: AppContext,
  communeId: string,
  actor: Actor,
  folderId: string,
): Promise<FolderPage> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const view = await loadFolderView(tx, communeId, folderId, actor);
    if (!view || !canSeeFolder(actor, view)) throw FOLDER_NOT_FOUND();
    view.actions = view.actions.filter((a) => a.kind !== 'annotation' || canReadAnnotation(actor, a));
    const staff = await listStaffContacts(tx, communeId);
    const documents = await listDocuments(tx, communeId, folderId);
    return {
      view,
      certificate: await signingCertificateOf(tx, communeId, actor.accountId),
      documents,
      bordereaux: await bordereauxOf(tx, communeId, documents),
      names: namesOf(staff),
      staff,
      services: await listServices(tx, communeId),
    };
  });
}

/** The bytes of a folder's document (its latest version), for someone who may see the folder. */
export async function folderDocument(
  ctx: AppContext,
  communeId: string,
  actor: Actor,
  folderId: string,
  documentId: string,
): Promise<{ name: string; mimeType: string; content: Buffer }> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const view = await loadFolderView(tx, communeId, folderId, actor);
    if (!view || !canSeeFolder(actor, view)) throw FOLDER_NOT_FOUND();
    const doc = (await listDocuments(tx, communeId, folderId)).find((d) => d.id === documentId);
    if (!doc) throw FOLDER_NOT_FOUND();
    const signed = doc.currentSha256 !== doc.originalSha256;
    return {
      name: signed ? doc.name.replace(/(\.[a-z]+)?$/i, (ext) => `-signe${ext}`) : doc.name,
      mimeType: doc.mimeType,
      content: await tx.blobs.get({ communeId }, doc.currentSha256),
    };
  });
}

export interface SettingsPage {
  holders: FunctionHolder[];
  thresholdCents: number;
  /** Days before a reminder (null: the default). */
  reminderAfterDays: number | null;
  circuits: Map<string, CircuitTemplate>;
  delegations: Delegation[];
  staff: StaffContact[];
  names: Map<string, string>;
  services: Service[];
}

export async function settingsPage(ctx: AppContext, communeId: string): Promise<SettingsPage> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const staff = await listStaffContacts(tx, communeId);
    const circuits = await listCircuitTemplates(tx, communeId);
    return {
      holders: await listFunctionHolders(tx, communeId),
      thresholdCents: (await findThreshold(tx, communeId)) ?? DEFAULT_PURCHASE_ORDER_THRESHOLD_CENTS,
      reminderAfterDays: await findReminderDays(tx, communeId),
      circuits: new Map(
        circuits.map((c) => [c.documentType, { name: c.name, steps: circuitStepsSchema.parse(c.steps) }]),
      ),
      delegations: await listDelegations(tx, communeId),
      staff,
      names: namesOf(staff),
      services: await listServices(tx, communeId),
    };
  });
}

/** The summary of the main document's bordereaux when it is a PES V2 file (its latest version). */
async function bordereauxOf(tx: Tx, communeId: string, documents: FolderDocument[]): Promise<PesSummary | null> {
  const principal = documents.find((d) => d.role === 'principal');
  if (!principal || !isPes(principal)) return null;
  return pesSummaryOf(await tx.blobs.get({ communeId }, principal.currentSha256));
}

/** The agent tile's line: how many folders wait for the person. */
export async function countWaiting(tx: Tx, communeId: string, actor: Actor): Promise<number> {
  return (await waitingFor(tx, communeId, actor)).length;
}

/** The proof sheet (PDF) of a folder, for someone who may see the folder. */
export async function folderProofSheet(
  ctx: AppContext,
  commune: { id: string; name: string; slug: string },
  actor: Actor,
  folderId: string,
): Promise<{ name: string; mimeType: string; content: Buffer }> {
  const data = await withTenant(ctx.database, commune.id, async (tx) => {
    const view = await loadFolderView(tx, commune.id, folderId, actor);
    if (!view || !canSeeFolder(actor, view)) throw FOLDER_NOT_FOUND();
    const principal = (await listDocuments(tx, commune.id, folderId)).find((d) => d.role === 'principal')!;
    return {
      view,
      principal,
      names: namesOf(await listStaffContacts(tx, commune.id)),
      bordereaux: await bordereauxOf(tx, commune.id, [principal]),
    };
  });
  const content = await renderProofSheet({
    communeName: commune.name,
    folder: data.view.folder,
    principal: data.principal,
    actions: data.view.actions,
    names: data.names,
    bordereaux: data.bordereaux,
    verifyUrl: `${ctx.config.publicUrl}/c/${commune.slug}/verifier-signature`,
    now: new Date(),
  });
  return { name: `fiche-de-preuve-${data.view.folder.number}.pdf`, mimeType: 'application/pdf', content };
}

/** The folders waiting for the person's signature (theirs or by delegation): what a batch may sign. */
export async function signatureQueue(ctx: AppContext, communeId: string, actor: Actor): Promise<QueueRow[]> {
  return withTenant(ctx.database, communeId, async (tx) =>
    (await waitingFor(tx, communeId, actor)).filter((r) => r.step.kind === 'signature'),
  );
}
