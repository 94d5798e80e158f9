/** What the back office's request page shows, loaded in one tenant transaction for the agent. */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { listServices, type Service } from '../../../platform/tenancy/communes.js';
import type { FormDefinition } from '../../forms/index.js';
import { findFormVersion } from '../../procedures/index.js';
import { competenceRoutes } from '../competence-map.js';
import { listRequestFiles, type StoredFileInfo } from '../repo.js';
import { requestNotFound } from '../use-cases/common.js';
import {
  accountNames,
  findRequestForActor,
  type HistoryEntry,
  listHistory,
  listServiceAgents,
  type Person,
  type RequestDetail,
} from './queries.js';
import { PREVIEWABLE_TYPES, photoIds } from './triage.js';

export interface DetailData {
  detail: RequestDetail;
  history: HistoryEntry[];
  files: StoredFileInfo[];
  agents: Person[];
  services: Service[];
  names: Map<string, string>;
  /** The form version the request was made with (null without démarche). */
  definition: FormDefinition | null;
  /** The images the citizen answered (photos of a report), shown as thumbnails. */
  photos: StoredFileInfo[];
  /** Competence slug → name of the service that handles it in the commune's map today. */
  competenceServices: Map<string, string>;
}

export async function loadDetail(ctx: AppContext, request: FastifyRequest, number: string): Promise<DetailData> {
  const commune = request.commune!;
  const actor = request.actor!;
  const data = await withTenant(ctx.database, commune.id, async (tx) => {
    const detail = await findRequestForActor(tx, commune.id, actor, number);
    if (!detail) return undefined;
    const history = await listHistory(tx, commune.id, detail.id);
    const mentioned = history.flatMap((e) =>
      e.kind === 'assigned' ? [e.data.from, e.data.to].filter((v): v is string => typeof v === 'string') : [],
    );
    const services = await listServices(tx, commune.id);
    const routes = await competenceRoutes(tx, commune.id, services);
    return {
      detail,
      history,
      competenceServices: new Map(routes.map((r) => [r.competence.slug, r.service.name])),
      files: await listRequestFiles(tx, commune.id, detail.id, { includeInternal: true }),
      agents: await listServiceAgents(tx, commune.id, [detail.serviceId]),
      services,
      names: await accountNames(tx, [...new Set(mentioned)]),
      definition:
        detail.procedureId && detail.formVersion
          ? (((await findFormVersion(tx, commune.id, detail.procedureId, detail.formVersion))?.definition as
              | FormDefinition
              | undefined) ?? null)
          : null,
    };
  });
  if (!data) throw requestNotFound();
  const wanted = new Set(photoIds(data.definition, data.detail.answers));
  const photos = data.files.filter((f) => wanted.has(f.id) && PREVIEWABLE_TYPES.has(f.mimeType) && !f.isInternal);
  return { ...data, photos };
}
