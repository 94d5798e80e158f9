/**
 * Creates a folder: its metadata, its main document (a PDF, or for a bordereau the PES V2 Aller
 * XML, checked by bordereaux.ts) and annexes (bytes in the blob store), the
 * circuit chosen from its type and amount (with the commune's threshold), and starts the first
 * step. Called by the parapheur's pages (an agent), by other modules through `startCircuit`, and
 * by connectors through the API.
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { AppContext } from '../../../platform/context.js';
import { nextNumber } from '../../../platform/db/counters.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { parseEuros } from '../../../platform/money.js';
import { ConversionError, convertToPdf } from '../../../platform/pdf/index.js';
import { listActiveServices } from '../../../platform/tenancy/communes.js';
import { checkPesDeposit, isPes } from '../bordereaux.js';
import {
  type CircuitTemplate,
  circuitStepsSchema,
  DEFAULT_PURCHASE_ORDER_THRESHOLD_CENTS,
  DOCUMENT_TYPES,
  selectCircuit,
} from '../circuits.js';
import { assertResolvable, startStep } from '../folder-flow.js';
import { canCreateFolder } from '../policy.js';
import {
  findThreshold,
  insertAction,
  insertDocument,
  insertFolder,
  insertSteps,
  listCircuitTemplates,
  listFunctionHolders,
  listSteps,
} from '../repo.js';
import type { Folder } from '../schema.js';
import { parseInput } from './common.js';

const optionalText = (max: number, tooLong: string) =>
  z
    .string()
    .trim()
    .max(max, tooLong)
    .optional()
    .transform((v) => (v ? v : null));

/** The folder's metadata as a form or the API gives it (amount in euros, as written). */
export const folderInputSchema = z
  .object({
    titre: z
      .string({ error: 'Donnez un intitulé au dossier.' })
      .trim()
      .min(1, 'Donnez un intitulé au dossier.')
      .max(200, 'L’intitulé ne doit pas dépasser 200 caractères.'),
    type: z.enum(DOCUMENT_TYPES, { error: 'Choisissez le type de document.' }),
    montant: z
      .string()
      .trim()
      .max(30, 'Le montant est trop long.')
      .optional()
      .transform((v, ctx) => {
        if (!v) return null;
        const cents = parseEuros(v);
        if (cents === undefined) {
          ctx.addIssue({ code: 'custom', message: 'Saisissez un montant en euros, par exemple 12 500,00.' });
          return z.NEVER;
        }
        return cents;
      }),
    service: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v ? v : null))
      .pipe(z.string().uuid('Choisissez un service de la liste.').nullable()),
    ligne: optionalText(60, 'La ligne budgétaire ne doit pas dépasser 60 caractères.'),
    tiers: optionalText(200, 'Le tiers ne doit pas dépasser 200 caractères.'),
    /** YYYY-MM-DD (the page turns its day/month/year fields into it). */
    echeance: z
      .string()
      .optional()
      .transform((v) => (v ? v : null))
      .pipe(
        z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/, 'Saisissez une date d’échéance réelle, par exemple 15 1 2027.')
          .nullable(),
      ),
  })
  .superRefine((v, ctx) => {
    if (v.type === 'bon_de_commande' && v.montant === null) {
      ctx.addIssue({ code: 'custom', path: ['montant'], message: 'Saisissez le montant du bon de commande.' });
    }
  });
export type FolderInput = z.input<typeof folderInputSchema>;

export interface IncomingDocument {
  name: string;
  mimeType: string;
  content: Buffer;
}

/** Who asks for the folder: an agent on the pages, another module, or a connector (API token). */
export interface FolderRequest {
  communeId: string;
  requestId: string | null;
  /** The signed-in person (null for a connector, or a module acting without one). */
  by: Actor | null;
  origin: 'agent' | 'module' | 'api';
  /** The module's or connector's reference for the document (e.g. a courrier's number). */
  reference?: string | null;
  /** Journal's actor id when there is no person (the API token's id). */
  actorId?: string | null;
}

/** Circuit template of the commune for each type that has one (the code's default otherwise). */
export async function communeCircuits(ctx: AppContext, communeId: string): Promise<Map<string, CircuitTemplate>> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const rows = await listCircuitTemplates(tx, communeId);
    return new Map(rows.map((r) => [r.documentType, { name: r.name, steps: circuitStepsSchema.parse(r.steps) }]));
  });
}

/** Office documents the parapheur turns into PDF (LibreOffice headless) before signing. */
export const OFFICE_TYPES = [
  'application/vnd.oasis.opendocument.text',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
] as const;

async function asPdf(doc: IncomingDocument, field: string): Promise<IncomingDocument> {
  if (!(OFFICE_TYPES as readonly string[]).includes(doc.mimeType)) return doc;
  try {
    const pdf = await convertToPdf(doc.content, doc.name);
    return { name: `${doc.name.replace(/\.[^.]*$/, '')}.pdf`, mimeType: 'application/pdf', content: Buffer.from(pdf) };
  } catch (error) {
    if (error instanceof ConversionError) {
      throw new AppError(`signature.${error.code}`, error.message, 422, {
        userMessage: error.frenchMessage,
        fields: { [field]: error.frenchMessage },
      });
    }
    throw error;
  }
}

/** Creates the folder and starts its circuit; returns it. */
export async function createFolder(
  ctx: AppContext,
  caller: FolderRequest,
  input: FolderInput,
  incoming: readonly IncomingDocument[],
): Promise<Folder> {
  const values = parseInput(folderInputSchema, input);
  if (caller.origin === 'agent' && !canCreateFolder(caller.by)) {
    throw new AppError('not_found', 'cannot create folders', 404);
  }
  const documents = await Promise.all(incoming.map((d, i) => asPdf(d, i === 0 ? 'document' : 'annexes')));
  const principal = documents[0];
  if (principal?.mimeType !== 'application/pdf' && !(principal && isPes(principal))) {
    const message = 'Joignez le document à faire signer, au format PDF.';
    throw new AppError('signature.document_missing', 'no main PDF', 422, {
      userMessage: message,
      fields: { document: message },
    });
  }
  const { communeId } = caller;
  return withTenant(ctx.database, communeId, async (tx) => {
    if (values.service && !(await listActiveServices(tx, communeId)).some((s) => s.id === values.service)) {
      throw new AppError('input.invalid', 'unknown service', 422, {
        fields: { service: 'Choisissez un service de la liste.' },
      });
    }
    const templates = await listCircuitTemplates(tx, communeId);
    const own = templates.find((t) => t.documentType === values.type);
    const threshold = (await findThreshold(tx, communeId)) ?? DEFAULT_PURCHASE_ORDER_THRESHOLD_CENTS;
    const chosen = selectCircuit(
      { documentType: values.type, amountCents: values.montant },
      own ? { name: own.name, steps: circuitStepsSchema.parse(own.steps) } : undefined,
      threshold,
    );
    assertResolvable(chosen.steps, await listFunctionHolders(tx, communeId), values.service);
    // A PES V2 file is checked before anything is kept; its total is the folder's amount.
    const pes = isPes(principal) ? checkPesDeposit(values.type, principal.content, chosen) : null;
    const amountCents = values.montant ?? pes?.totalCents ?? null;

    const folder = await insertFolder(tx, {
      communeId,
      number: await nextNumber(tx, 'parapheur'),
      title: values.titre,
      documentType: values.type,
      amountCents,
      serviceId: values.service,
      budgetLine: values.ligne,
      thirdParty: values.tiers,
      status: 'en_cours',
      circuitName: chosen.name,
      currentStep: 0,
      dueOn: values.echeance,
      source: caller.origin,
      sourceReference: caller.reference ?? null,
      createdBy: caller.by?.accountId ?? null,
    });
    let principalSha = '';
    for (const [position, doc] of documents.entries()) {
      const sha256 = await tx.blobs.put({ communeId }, doc.content);
      if (position === 0) principalSha = sha256;
      await insertDocument(tx, {
        communeId,
        folderId: folder.id,
        role: position === 0 ? 'principal' : 'annexe',
        position,
        name: doc.name,
        mimeType: doc.mimeType,
        originalSha256: sha256,
        currentSha256: sha256,
        sizeBytes: doc.content.length,
      });
    }
    await insertSteps(tx, communeId, folder.id, chosen.steps);
    await insertAction(tx, {
      communeId,
      folderId: folder.id,
      kind: 'creation',
      accountId: caller.by?.accountId ?? null,
      comment: chosen.reasons.join(' ') || null,
      documentSha256: principalSha,
    });
    await startStep(tx, folder, await listSteps(tx, communeId, folder.id), 0);
    await recordAudit(tx, {
      action: 'signature.folder_created',
      actorType: caller.origin === 'api' ? 'api' : caller.by ? 'agent' : 'system',
      actorId: caller.by?.accountId ?? caller.actorId ?? null,
      targetType: 'signature_folder',
      targetId: folder.id,
      data: {
        number: folder.number,
        documentType: folder.documentType,
        amountCents: folder.amountCents,
        circuit: chosen.name,
        steps: chosen.steps.length,
        documents: documents.length,
        sha256: principalSha,
        source: caller.origin,
      },
      requestId: caller.requestId,
    });
    return folder;
  });
}
