import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import { notFound } from '../../platform/errors.js';
import { type ApiScope, requireScope } from '../../platform/http/api-auth.js';
import type { GuichetModule } from '../../platform/module.js';
import { listServices } from '../../platform/tenancy/communes.js';
import {
  DEFAULT_WORKFLOW,
  findFormVersion,
  findProcedureBySlug,
  listProcedures,
  type Procedure,
  positionLabel,
  RENAMABLE_STATUSES,
  REQUEST_STATUSES,
  storedWorkflow,
  type Workflow,
} from '../procedures/index.js';
import { MAX_MESSAGE_LENGTH } from './deps.js';
import { listRequestEvents } from './history.js';
import { listRequestsPage } from './repo.js';
import type { CitizenRequest, RequestEvent } from './schema.js';
import { connectorChangeStatus, connectorMessage, requestOr404 } from './use-cases/connector-actions.js';

export const API_PAGE_SIZE = 50;

const errorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional(),
      requestId: z.string(),
    }),
  })
  .meta({
    example: {
      error: {
        code: 'request.not_found',
        message: 'La page ou la ressource demandée n’existe pas.',
        requestId: '0b9d6c1e-3f2a-4c55-9a7e-2d1f4e8b7c60',
      },
    },
  });
const errors = { 401: errorSchema, 403: errorSchema, 404: errorSchema, 422: errorSchema };

const procedureSummary = z
  .object({
    slug: z.string(),
    title: z.string(),
    category: z.string(),
    audience: z.enum(['anyone', 'signedIn']),
    currentVersion: z.number().int(),
    workflow: z
      .object({
        statuses: z.array(z.enum(REQUEST_STATUSES)),
        labels: z.partialRecord(z.enum(RENAMABLE_STATUSES), z.string()),
        steps: z.array(z.object({ key: z.string(), label: z.string() })),
      })
      .describe(
        'Le circuit de statuts de la démarche : statuts utilisés, noms propres à la démarche, étapes « en cours ».',
      ),
  })
  .meta({
    example: {
      slug: 'signalement-voirie',
      title: 'Signaler un problème sur la voie publique',
      category: 'Voirie',
      audience: 'anyone',
      currentVersion: 3,
      workflow: {
        statuses: ['nouvelle', 'en_cours', 'acceptee', 'refusee', 'classee'],
        labels: { acceptee: 'Réparé' },
        steps: [{ key: 'intervention', label: 'Intervention programmée' }],
      },
    },
  });

const REQUEST_EXAMPLE = {
  number: '2026-000042',
  status: 'en_cours',
  step: 'intervention',
  statusLabel: 'En cours : Intervention programmée',
  subject: 'Nid-de-poule rue des Lilas',
  service: 'services-techniques',
  procedure: 'signalement-voirie',
  channel: 'web',
  submittedAt: '2026-03-02T08:15:00.000Z',
  updatedAt: '2026-03-03T14:02:11.000Z',
  dueAt: '2026-05-02T08:15:00.000Z',
  closedAt: null,
} as const;

const requestSummary = z
  .object({
    number: z.string(),
    status: z.enum(REQUEST_STATUSES),
    /** The step inside "en cours" (a key of the démarche's workflow), or null. */
    step: z.string().nullable(),
    statusLabel: z.string(),
    subject: z.string(),
    service: z.string().nullable(),
    procedure: z.string().nullable(),
    channel: z.string(),
    submittedAt: z.string(),
    updatedAt: z.string(),
    dueAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .meta({ example: REQUEST_EXAMPLE });

const requestDetail = requestSummary
  .extend({
    formVersion: z.number().int().nullable(),
    answers: z.record(z.string(), z.unknown()),
    requester: z.object({ name: z.string(), email: z.string() }),
    silence: z.object({ kind: z.string(), date: z.string() }).nullable(),
  })
  .meta({
    example: {
      ...REQUEST_EXAMPLE,
      formVersion: 3,
      answers: { adresse: '12 rue des Lilas', description: 'Trou profond devant le numéro 12' },
      requester: { name: 'Élodie Lefèvre', email: 'elodie.lefevre@exemple.fr' },
      silence: null,
    },
  });

const messageSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['message_to_citizen', 'message_from_citizen', 'status']),
    from: z.enum(['mairie', 'usager']),
    body: z.string(),
    createdAt: z.string(),
  })
  .meta({
    example: {
      id: '01954f7a-7c1e-7b3a-9d2e-5f6a7b8c9d0e',
      kind: 'message_to_citizen',
      from: 'mairie',
      body: 'Une équipe passera jeudi matin.',
      createdAt: '2026-03-03T14:02:11.000Z',
    },
  });

const numberParams = z.object({
  numero: z.string().max(40).describe('Numéro de la demande (AAAA-NNNNNN)').meta({ example: '2026-000042' }),
});

const AUTH_DESCRIPTION =
  'Authentification : en-tête « Authorization: Bearer gch_… » (jeton créé par un administrateur).';

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

interface Names {
  services: Map<string, string>;
  procedures: Map<string, { slug: string; workflow: Workflow }>;
}

async function loadNames(tx: Tx, communeId: string): Promise<Names> {
  const services = await listServices(tx, communeId);
  const procedures = await listProcedures(tx, communeId, { includeUnpublished: true });
  return {
    services: new Map(services.map((s) => [s.id, s.slug])),
    procedures: new Map(procedures.map((p) => [p.id, { slug: p.slug, workflow: storedWorkflow(p.workflow) }])),
  };
}

function summaryOf(r: CitizenRequest, names: Names) {
  const procedure = r.procedureId ? names.procedures.get(r.procedureId) : undefined;
  return {
    number: r.number,
    status: r.status,
    step: r.step,
    statusLabel: positionLabel(procedure?.workflow ?? DEFAULT_WORKFLOW, r, 'citizen'),
    subject: r.subject,
    service: names.services.get(r.serviceId) ?? null,
    procedure: procedure?.slug ?? null,
    channel: r.channel,
    submittedAt: r.submittedAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    dueAt: r.dueAt.toISOString(),
    closedAt: iso(r.closedAt),
  };
}

function detailOf(r: CitizenRequest, names: Names) {
  return {
    ...summaryOf(r, names),
    formVersion: r.formVersion,
    answers: r.answers,
    requester: { name: r.requesterName, email: r.requesterEmail },
    silence: r.silenceKind && r.silenceDate ? { kind: r.silenceKind, date: String(r.silenceDate) } : null,
  };
}

/** Events a citizen sees that carry text: messages both ways and status changes with a message. */
function messagesOf(events: RequestEvent[]) {
  return events
    .filter(
      (e) =>
        !e.isInternal &&
        e.body &&
        (e.kind === 'message_to_citizen' || e.kind === 'message_from_citizen' || e.kind === 'status'),
    )
    .map((e) => ({
      id: e.id,
      kind: e.kind as 'message_to_citizen' | 'message_from_citizen' | 'status',
      from: e.authorRole === 'citizen' ? ('usager' as const) : ('mairie' as const),
      body: e.body ?? '',
      createdAt: e.createdAt.toISOString(),
    }));
}

export function registerRequestsApi(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const scoped = (request: FastifyRequest, scope: ApiScope) => requireScope(request, scope);

  app.get(
    '/api/v1/demarches',
    {
      config: { policy: 'apiToken' },
      schema: {
        summary: 'Démarches publiées de la commune du jeton',
        description: `${AUTH_DESCRIPTION} Portée : procedures:read.`,
        tags: ['démarches'],
        querystring: z.object({}).strict(),
        response: { 200: z.object({ demarches: z.array(procedureSummary) }), ...errors },
      },
    },
    async (request) => {
      const { commune } = scoped(request, 'procedures:read');
      const procedures = await withTenant(ctx.database, commune.id, (tx) => listProcedures(tx, commune.id));
      return { demarches: procedures.map(procedureOut) };
    },
  );

  app.get(
    '/api/v1/demarches/:slug',
    {
      config: { policy: 'apiToken' },
      schema: {
        summary: 'Une démarche publiée et la définition de son formulaire actuel',
        description: `${AUTH_DESCRIPTION} Portée : procedures:read.`,
        tags: ['démarches'],
        params: z.object({
          slug: z.string().max(100).describe('Identifiant de la démarche').meta({ example: 'signalement-voirie' }),
        }),
        querystring: z.object({}).strict(),
        response: {
          200: procedureSummary
            .extend({ definition: z.unknown().describe('La définition du formulaire (version actuelle)') })
            .meta({
              example: {
                slug: 'signalement-voirie',
                title: 'Signaler un problème sur la voie publique',
                category: 'Voirie',
                audience: 'anyone',
                currentVersion: 3,
                workflow: {
                  statuses: ['nouvelle', 'en_cours', 'acceptee', 'refusee', 'classee'],
                  labels: {},
                  steps: [],
                },
                definition: {
                  pages: [
                    {
                      id: 'probleme',
                      title: 'Le problème',
                      fields: [{ id: 'adresse', type: 'text', label: 'Adresse' }],
                    },
                  ],
                },
              },
            }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { commune } = scoped(request, 'procedures:read');
      return withTenant(ctx.database, commune.id, async (tx) => {
        const procedure = await findProcedureBySlug(tx, commune.id, request.params.slug);
        if (!procedure?.isPublished) throw notFound('procedure.not_found', `unknown procedure ${request.params.slug}`);
        const version = await findFormVersion(tx, commune.id, procedure.id, procedure.currentVersion);
        return { ...procedureOut(procedure), definition: version?.definition ?? null };
      });
    },
  );

  app.get(
    '/api/v1/demandes',
    {
      config: { policy: 'apiToken' },
      schema: {
        summary: 'Demandes de la commune, les plus récemment modifiées d’abord',
        description: `${AUTH_DESCRIPTION} Portée : requests:read. Pages de ${API_PAGE_SIZE} demandes.`,
        tags: ['demandes'],
        querystring: z
          .object({
            statut: z.enum(REQUEST_STATUSES).optional().describe('Ne garder que les demandes de ce statut'),
            depuis: z.iso
              .datetime({ offset: true })
              .or(z.iso.date())
              .optional()
              .describe('Demandes modifiées à partir de cette date (ISO 8601)'),
            page: z.coerce.number().int().min(1).max(100_000).default(1).describe('Numéro de page, à partir de 1'),
          })
          .strict(),
        response: {
          200: z.object({
            demandes: z.array(requestSummary),
            page: z.number().int(),
            pageSize: z.number().int(),
            total: z.number().int(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { commune } = scoped(request, 'requests:read');
      const { statut, depuis, page } = request.query;
      return withTenant(ctx.database, commune.id, async (tx) => {
        const { total, rows } = await listRequestsPage(tx, commune.id, {
          ...(statut ? { status: statut } : {}),
          ...(depuis ? { updatedSince: new Date(depuis) } : {}),
          limit: API_PAGE_SIZE,
          offset: (page - 1) * API_PAGE_SIZE,
        });
        const names = await loadNames(tx, commune.id);
        return {
          demandes: rows.map((r) => summaryOf(r, names)),
          page,
          pageSize: API_PAGE_SIZE,
          total,
        };
      });
    },
  );

  app.get(
    '/api/v1/demandes/:numero',
    {
      config: { policy: 'apiToken' },
      schema: {
        summary: 'Une demande : réponses, statut, service, dates (jamais les notes internes)',
        description: `${AUTH_DESCRIPTION} Portée : requests:read.`,
        tags: ['demandes'],
        params: numberParams,
        querystring: z.object({}).strict(),
        response: { 200: requestDetail, ...errors },
      },
    },
    async (request) => {
      const { commune } = scoped(request, 'requests:read');
      return withTenant(ctx.database, commune.id, async (tx) => {
        const found = await requestOr404(tx, commune.id, request.params.numero);
        return detailOf(found, await loadNames(tx, commune.id));
      });
    },
  );

  app.get(
    '/api/v1/demandes/:numero/messages',
    {
      config: { policy: 'apiToken' },
      schema: {
        summary: 'Les messages d’une demande visibles par l’usager, du plus ancien au plus récent',
        description: `${AUTH_DESCRIPTION} Portée : requests:read.`,
        tags: ['demandes'],
        params: numberParams,
        querystring: z.object({}).strict(),
        response: { 200: z.object({ messages: z.array(messageSchema) }), ...errors },
      },
    },
    async (request) => {
      const { commune } = scoped(request, 'requests:read');
      return withTenant(ctx.database, commune.id, async (tx) => {
        const found = await requestOr404(tx, commune.id, request.params.numero);
        const events = await listRequestEvents(tx, found.id, { includeInternal: false });
        return { messages: messagesOf(events) };
      });
    },
  );

  app.post(
    '/api/v1/demandes/:numero/messages',
    {
      config: { policy: 'apiToken' },
      schema: {
        summary: 'Écrire à l’usager (le message apparaît dans « Mes demandes » et lui est envoyé par courriel)',
        description: `${AUTH_DESCRIPTION} Portée : requests:write. L’auteur affiché est le connecteur (nom du jeton).`,
        tags: ['demandes'],
        params: numberParams,
        querystring: z.object({}).strict(),
        body: z
          .object({
            message: z.string().min(1).max(MAX_MESSAGE_LENGTH).describe('Le texte envoyé à l’usager'),
            attendreReponse: z.boolean().optional().describe('Passer la demande « en attente de l’usager »'),
          })
          .strict()
          .meta({ example: { message: 'Une équipe passera jeudi matin.', attendreReponse: false } }),
        response: { 201: messageSchema, ...errors },
      },
    },
    async (request, reply) => {
      const event = await connectorMessage(ctx, scoped(request, 'requests:write'), request.params.numero, {
        message: request.body.message,
        awaitReply: request.body.attendreReponse ?? false,
        httpRequestId: request.id,
      });
      reply.code(201);
      return messagesOf([event])[0]!;
    },
  );

  app.post(
    '/api/v1/demandes/:numero/statut',
    {
      config: { policy: 'apiToken' },
      schema: {
        summary: 'Changer le statut d’une demande, avec un message facultatif à l’usager',
        description: `${AUTH_DESCRIPTION} Portée : requests:write.`,
        tags: ['demandes'],
        params: numberParams,
        querystring: z.object({}).strict(),
        body: z
          .object({
            statut: z.enum(REQUEST_STATUSES).describe('Le nouveau statut'),
            /** A step of the démarche's workflow (with statut "en_cours"). */
            etape: z
              .string()
              .min(1)
              .max(60)
              .optional()
              .describe('Une étape du circuit de la démarche (avec le statut « en_cours »)'),
            message: z.string().max(MAX_MESSAGE_LENGTH).optional().describe('Message facultatif à l’usager'),
          })
          .strict()
          .meta({ example: { statut: 'acceptee', message: 'Réparation effectuée.' } }),
        response: { 200: requestDetail, ...errors },
      },
    },
    async (request) => {
      const principal = scoped(request, 'requests:write');
      return connectorChangeStatus(
        ctx,
        principal,
        request.params.numero,
        {
          status: request.body.statut,
          step: request.body.etape ?? null,
          message: request.body.message ?? null,
          httpRequestId: request.id,
        },
        async (tx, updated) => detailOf(updated, await loadNames(tx, principal.commune.id)),
      );
    },
  );
}

function procedureOut(p: Procedure) {
  return {
    slug: p.slug,
    title: p.title,
    category: p.category,
    audience: p.audience,
    currentVersion: p.currentVersion,
    workflow: storedWorkflow(p.workflow),
  };
}

/** The REST API of démarches and requests. */
export const requestsApiModule: GuichetModule = {
  name: 'requests-api',
  registerRoutes(app, ctx) {
    registerRequestsApi(app, ctx);
  },
};
