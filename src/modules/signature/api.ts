/**
 * The parapheur's REST API (/api/v1/parapheur), for the commune's software — a finance package
 * pushes a bordereau or a purchase order and gets it back signed: create a folder from an
 * uploaded PDF — or, for a bordereau de mandats / de titres, its PES V2 Aller XML, each
 * bordereau then signed in XAdES — with its type and metadata (multipart), read where it is
 * (status, steps, the bordereaux), and download the main document (signed once the circuit is
 * terminé). The end of a circuit reaches
 * the software as a signed webhook (`signature.circuit.completed` / `signature.circuit.refused`,
 * webhooks module). A token sees only the folders pushed through the API, never those the agents
 * created on the pages. Scopes: parapheur:read, parapheur:write.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import { AppError, notFound } from '../../platform/errors.js';
import { uploadedFiles, validateUpload } from '../../platform/files/checks.js';
import { requireScope } from '../../platform/http/api-auth.js';
import { isUuid } from '../../platform/ids.js';
import { listServices } from '../../platform/tenancy/communes.js';
import { isPes, PES_MIME_TYPE, pesSummaryOf } from './bordereaux.js';
import { DOCUMENT_TYPES, FUNCTION_TITLES } from './circuits.js';
import { findFolder, listDocuments, listSteps } from './repo.js';
import type { Folder, FolderDocument, Step } from './schema.js';
import { createFolder, type IncomingDocument, OFFICE_TYPES } from './use-cases/create-folder.js';

const AUTH =
  'Authentification : en-tête « Authorization: Bearer gch_… » (jeton créé par un administrateur). Un jeton ne voit que les dossiers déposés par l’API.';

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
    requestId: z.string(),
  }),
});
const errors = { 401: errorSchema, 403: errorSchema, 404: errorSchema, 422: errorSchema };

const stepSchema = z.object({
  position: z.number().int().describe('Rang de l’étape, à partir de 0'),
  kind: z.enum(['visa', 'signature']),
  mode: z.enum(['all', 'any']).describe('all : chacun doit agir (ET) ; any : le premier décide (OU)'),
  actors: z.array(z.string()).describe('Fonctions ou personnes attendues, en clair'),
  status: z.enum(['a_venir', 'en_cours', 'fait']),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
});

const bordereauSchema = z.object({
  id: z.string().describe('Attribut Id du bordereau, que sa signature référence'),
  domain: z.enum(['depense', 'recette', 'autre']),
  number: z.string().nullable().describe('IdBord'),
  year: z.string().nullable().describe('Exer'),
  type: z.string().nullable().describe('TypBord'),
  pieces: z.number().int().describe('Nombre d’éléments Piece'),
  amountCents: z.number().int().nullable().describe('MtBordHt en centimes'),
  signed: z.boolean(),
});

const FOLDER_EXAMPLE = {
  id: '01954f7a-7c1e-7b3a-9d2e-5f6a7b8c9d0e',
  number: '2026-000042',
  title: 'Bordereau de mandats n° 118',
  documentType: 'bordereau_mandats',
  status: 'en_cours',
  circuit: 'Bordereau de mandats',
  reference: 'FIN-2026-118',
  amountCents: 1_250_000,
  createdAt: '2026-03-02T08:15:00.000Z',
  closedAt: null,
  document: {
    name: 'PESALR2_21640001400011_261201_0118.xml',
    mimeType: 'application/xml',
    sha256: 'e3b0c442…',
    signed: false,
  },
  bordereaux: [
    {
      id: 'BORD_2026_0000118',
      domain: 'depense',
      number: '0000118',
      year: '2026',
      type: '01',
      pieces: 14,
      amountCents: 1_250_000,
      signed: false,
    },
  ],
  steps: [
    {
      position: 0,
      kind: 'signature',
      mode: 'all',
      actors: ['Adjoint aux finances'],
      status: 'en_cours',
      startedAt: '2026-03-02T08:15:00.000Z',
      completedAt: null,
    },
  ],
} as const;

const folderSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    title: z.string(),
    documentType: z.enum(DOCUMENT_TYPES),
    status: z.enum(['en_cours', 'termine', 'refuse']),
    circuit: z.string(),
    reference: z.string().nullable().describe('La référence donnée par le logiciel au dépôt'),
    amountCents: z.number().int().nullable(),
    createdAt: z.string(),
    closedAt: z.string().nullable(),
    document: z.object({
      name: z.string(),
      mimeType: z.enum(['application/pdf', 'application/xml']).describe('PDF, ou flux PES V2 (XML) pour un bordereau'),
      sha256: z.string().describe('Empreinte SHA-256 de la version actuelle (signée une fois le circuit terminé)'),
      signed: z.boolean(),
    }),
    bordereaux: z
      .array(bordereauSchema)
      .nullable()
      .describe('Les bordereaux du flux PES V2 déposé (null pour un PDF) ; « signed » : signature XAdES présente'),
    steps: z.array(stepSchema),
  })
  .meta({ example: FOLDER_EXAMPLE });

const folderParams = z.object({
  dossier: z.string().max(40).describe('Identifiant du dossier').meta({ example: FOLDER_EXAMPLE.id }),
});

const REFERENCE_PREFIX = 'api:';

function folderOut(folder: Folder, principal: FolderDocument, steps: Step[], content: Buffer) {
  return {
    id: folder.id,
    number: folder.number,
    title: folder.title,
    documentType: folder.documentType,
    status: folder.status,
    circuit: folder.circuitName,
    reference: folder.sourceReference?.startsWith(REFERENCE_PREFIX)
      ? folder.sourceReference.slice(REFERENCE_PREFIX.length) || null
      : null,
    amountCents: folder.amountCents,
    createdAt: folder.createdAt.toISOString(),
    closedAt: folder.closedAt?.toISOString() ?? null,
    document: {
      name: principal.name,
      mimeType: isPes(principal) ? ('application/xml' as const) : ('application/pdf' as const),
      sha256: principal.currentSha256,
      signed: principal.currentSha256 !== principal.originalSha256,
    },
    bordereaux: isPes(principal)
      ? pesSummaryOf(content).bordereaux.map((b) => ({
          id: b.id,
          domain: b.domain,
          number: b.number,
          year: b.year,
          type: b.type,
          pieces: b.pieces,
          amountCents: b.amountCents,
          signed: b.signed,
        }))
      : null,
    steps: steps.map((s) => ({
      position: s.position,
      kind: s.kind,
      mode: s.mode,
      actors: s.actors.map((a) => ('function' in a ? FUNCTION_TITLES[a.function] : 'Personne désignée')),
      status: s.status,
      startedAt: s.startedAt?.toISOString() ?? null,
      completedAt: s.completedAt?.toISOString() ?? null,
    })),
  };
}

/** A folder pushed through the API, with its main document and steps; 404 for any other. */
async function apiFolder(ctx: AppContext, communeId: string, folderId: string) {
  return withTenant(ctx.database, communeId, async (tx) => {
    const folder = isUuid(folderId) ? await findFolder(tx, communeId, folderId) : undefined;
    if (folder?.source !== 'api') throw notFound('signature.folder_not_found', `no API folder ${folderId}`);
    const principal = (await listDocuments(tx, communeId, folderId)).find((d) => d.role === 'principal')!;
    const steps = await listSteps(tx, communeId, folderId);
    const content = await tx.blobs.get({ communeId }, principal.currentSha256);
    return { folder, principal, steps, content };
  });
}

const text = (body: unknown, key: string): string => {
  const v = (body as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'string' ? v : '';
};

/** The API routes (multipart: register in a scope with registerMultipart). */
export function registerParapheurApi(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/v1/parapheur/dossiers',
    {
      config: { policy: 'apiToken' },
      schema: {
        summary: 'Déposer un dossier dans le parapheur (document PDF ou flux PES V2, type et métadonnées)',
        description: `${AUTH} Portée : parapheur:write. Corps multipart/form-data : « document » (le PDF à signer, ou ODT/DOCX converti en PDF ; pour les types bordereau_mandats et bordereau_titres, le flux PES V2 Aller au format XML — XML bien formé, racine PES_Aller, au moins un Bordereau avec un attribut Id, aucun déjà signé — dont chaque bordereau recevra une signature XAdES enveloppée ; le montant est alors par défaut le total des MtBordHt), « annexes » (facultatif, jusqu’à 4 fichiers), « titre », « type » (${DOCUMENT_TYPES.join(', ')}), et facultatifs « montant » (euros, par exemple 12500,00 ; obligatoire pour un bon de commande), « service » (identifiant court du service), « ligne » (ligne budgétaire), « tiers », « echeance » (AAAA-MM-JJ), « reference » (votre référence, rendue dans le webhook). Le circuit est choisi par la commune selon le type et le montant.`,
        tags: ['parapheur'],
        querystring: z.object({}).strict(),
        response: { 201: folderSchema, ...errors },
      },
    },
    async (request, reply) => {
      const principal = requireScope(request, 'parapheur:write');
      const { commune } = principal;
      const body = request.body;
      const main = uploadedFiles(request, 'document');
      if (main.length !== 1) {
        const message = 'Joignez le document à faire signer (champ « document »).';
        throw new AppError('input.invalid', 'no document', 422, {
          userMessage: message,
          fields: { document: message },
        });
      }
      const documents: IncomingDocument[] = [];
      for (const [i, part] of [...main, ...uploadedFiles(request, 'annexes')].entries()) {
        const accept = ['application/pdf', ...OFFICE_TYPES, ...(i === 0 ? [PES_MIME_TYPE] : [])];
        const file = await validateUpload(part, {
          accept,
          ...(i === 0 ? { formatsText: 'PDF, ODT, DOCX, ou XML PES V2 pour un bordereau' } : {}),
        });
        documents.push({ name: file.name, mimeType: file.mimeType, content: file.content });
      }
      const reference = text(body, 'reference').trim();
      if (reference.length > 100) {
        const message = 'La référence ne doit pas dépasser 100 caractères.';
        throw new AppError('input.invalid', 'reference too long', 422, {
          userMessage: message,
          fields: { reference: message },
        });
      }
      const serviceSlug = text(body, 'service').trim();
      let serviceId = '';
      if (serviceSlug) {
        const services = await withTenant(ctx.database, commune.id, (tx) => listServices(tx, commune.id));
        serviceId = services.find((s) => s.slug === serviceSlug)?.id ?? 'inconnu';
      }
      const folder = await createFolder(
        ctx,
        {
          communeId: commune.id,
          requestId: request.id,
          by: null,
          origin: 'api',
          reference: `${REFERENCE_PREFIX}${reference}`,
          actorId: principal.tokenId,
        },
        {
          titre: text(body, 'titre'),
          type: text(body, 'type') as never,
          montant: text(body, 'montant'),
          service: serviceId,
          ligne: text(body, 'ligne'),
          tiers: text(body, 'tiers'),
          echeance: text(body, 'echeance'),
        },
        documents,
      ).catch((error: unknown) => {
        // The service is named by its slug here, not by the page's list.
        if (error instanceof AppError && error.fields?.service) {
          const message = `Le service « ${serviceSlug} » n’existe pas dans la commune.`;
          throw new AppError('input.invalid', 'unknown service', 422, {
            userMessage: message,
            fields: { ...error.fields, service: message },
          });
        }
        throw error;
      });
      const read = await apiFolder(ctx, commune.id, folder.id);
      reply.code(201);
      return folderOut(read.folder, read.principal, read.steps, read.content);
    },
  );

  app.get(
    '/api/v1/parapheur/dossiers/:dossier',
    {
      config: { policy: 'apiToken' },
      schema: {
        summary: 'Où en est un dossier déposé par l’API : statut et étapes du circuit',
        description: `${AUTH} Portée : parapheur:read.`,
        tags: ['parapheur'],
        params: folderParams,
        querystring: z.object({}).strict(),
        response: { 200: folderSchema, ...errors },
      },
    },
    async (request) => {
      const { commune } = requireScope(request, 'parapheur:read');
      const read = await apiFolder(ctx, commune.id, request.params.dossier);
      return folderOut(read.folder, read.principal, read.steps, read.content);
    },
  );

  app.get(
    '/api/v1/parapheur/dossiers/:dossier/document',
    {
      config: { policy: 'apiToken' },
      schema: {
        summary: 'Télécharger le document principal (signé une fois le circuit terminé)',
        description: `${AUTH} Portée : parapheur:read. Réponse application/pdf (PAdES), ou application/xml pour un flux PES V2 (une signature XAdES enveloppée dans chaque bordereau, vérifiable avec xmlsec1 et le certificat de l’autorité de la commune) ; l’en-tête « Digest-SHA256 » donne son empreinte.`,
        tags: ['parapheur'],
        params: folderParams,
        querystring: z.object({}).strict(),
        response: {
          200: z
            .custom<Buffer>()
            .describe(
              'Le document principal, PDF (application/pdf) ou flux PES V2 (application/xml), signé une fois le circuit terminé.',
            )
            .meta({ example: '(fichier PDF ou XML)' }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { commune } = requireScope(request, 'parapheur:read');
      const read = await apiFolder(ctx, commune.id, request.params.dossier);
      const pes = isPes(read.principal);
      return reply
        .type(pes ? 'application/xml' : 'application/pdf')
        .header('content-disposition', `attachment; filename="dossier-${read.folder.number}.${pes ? 'xml' : 'pdf'}"`)
        .header('digest-sha256', read.principal.currentSha256)
        .header('cache-control', 'private, no-store')
        .send(read.content);
    },
  );
}
