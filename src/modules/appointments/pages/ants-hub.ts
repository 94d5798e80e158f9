/**
 * /api/ants/{getManagedMeetingPoints,availableTimeSlots,searchApplicationIds}: what the ANTS
 * national search calls (ants-hub.ts), only when GUICHET_ANTS_HUB_TOKEN is set, and only with that
 * token in X-HUB-RDV-AUTH-TOKEN (401 otherwise, as the hub expects). JSON in and out; query
 * parameters are checked and a bad one is a 422 with a message, never a 500.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { AppError } from '../../../platform/errors.js';
import { sameSecret } from '../../../platform/tokens.js';
import { ANTS_NUMBER } from '../ants.js';
import {
  availableTimeSlots,
  managedMeetingPoints,
  searchApplicationIds,
  UnknownMeetingPointError,
} from '../ants-hub.js';

const ROUTE = { schema: { hide: true }, config: { policy: 'infrastructure' as const } };

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date attendue au format AAAA-MM-JJ')
  .refine((v) => {
    const day = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(v);
  }, 'date invalide');
/** A parameter the hub repeats (`a=1&a=2`), or sends once, or as a comma-separated list. */
const list = (item: z.ZodType<string, string>) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(/[,;\s]+/)).filter(Boolean))
    .pipe(z.array(item).min(1, 'au moins une valeur').max(100, 'cent valeurs au plus'));

const slotsQuery = z.object({
  meeting_point_ids: list(z.string().max(64)),
  start_date: isoDate,
  end_date: isoDate,
  reason: z.enum(['CNI', 'PASSPORT', 'CNI-PASSPORT']).default('CNI'),
  documents_number: z.coerce.number().int().min(1).max(10).default(1),
});
const searchQuery = z.object({
  application_ids: list(
    z
      .string()
      .transform((v) => v.toUpperCase())
      .pipe(z.string().regex(ANTS_NUMBER, 'numéro de pré-demande de 10 caractères')),
  ),
});

function parseQuery<T extends z.ZodType>(schema: T, request: FastifyRequest): z.infer<T> {
  const parsed = schema.safeParse(request.query);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) fields[issue.path.join('.') || 'requête'] ??= issue.message;
  throw new AppError('ants.invalid_query', 'invalid ANTS hub query', 422, {
    userMessage: 'Paramètres invalides.',
    fields,
  });
}

export function registerAntsHub(app: FastifyInstance, ctx: AppContext): void {
  const token = ctx.config.antsHubToken;
  if (!token) return;
  const route = {
    ...ROUTE,
    onRequest: async (request: FastifyRequest) => {
      const given = request.headers['x-hub-rdv-auth-token'];
      if (typeof given !== 'string' || !sameSecret(given, token)) {
        throw new AppError('ants.unauthorized', 'X-HUB-RDV-AUTH-TOKEN header invalid', 401, {
          userMessage: 'X-HUB-RDV-AUTH-TOKEN header invalid',
        });
      }
    },
  };
  app.get('/api/ants/getManagedMeetingPoints', route, async () => managedMeetingPoints(ctx));
  app.get('/api/ants/availableTimeSlots', route, async (request) => {
    const q = parseQuery(slotsQuery, request);
    try {
      return await availableTimeSlots(ctx, {
        meetingPointIds: q.meeting_point_ids,
        startDate: q.start_date,
        endDate: q.end_date,
        documentsNumber: q.documents_number,
        now: new Date(),
      });
    } catch (error) {
      if (error instanceof UnknownMeetingPointError) {
        throw new AppError('ants.unknown_meeting_point', error.message, 404, { userMessage: error.message });
      }
      throw error;
    }
  });
  app.get('/api/ants/searchApplicationIds', route, async (request) => {
    const q = parseQuery(searchQuery, request);
    return searchApplicationIds(ctx, q.application_ids, new Date());
  });
}
