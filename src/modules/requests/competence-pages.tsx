/**
 * Administration of the competence map (`/c/:slug/admin/orientation`, communeAdmin): for each
 * standard competence, the service that receives the messages about it, or the accueil. Until
 * the map is saved, each line shows the default taken from the services' names.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { COMPETENCES } from '../../platform/classifier/competences.js';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import { listServices } from '../../platform/tenancy/communes.js';
import { sendAdminPage } from '../../platform/views/admin-area.js';
import { Button, CsrfField, type FieldErrors, Select } from '../../platform/views/components.js';
import { type FormBody, handleForm, stringValue } from '../../platform/views/page-kit.js';
import { competenceRoutes, triageService } from './competence-map.js';
import { ACCUEIL_CHOICE, saveCompetenceMapUseCase } from './use-cases/save-competence-map.js';

export const COMPETENCE_ADMIN_PATH = 'orientation';

export function registerCompetencePages(app: FastifyInstance, ctx: AppContext): void {
  async function mapPage(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values?: FormBody; errors?: FieldErrors; status?: number } = {},
  ) {
    const commune = request.commune!;
    const { routes, services, triage } = await withTenant(ctx.database, commune.id, async (tx) => {
      const services = await listServices(tx, commune.id);
      return { routes: await competenceRoutes(tx, commune.id, services), services, triage: triageService(services) };
    });
    const errors = options.errors ?? {};
    const saved = (request.query as { enregistre?: string } | undefined)?.enregistre === '1';
    const explicit = routes.some((r) => r.explicit);
    const serviceOptions = [
      { value: ACCUEIL_CHOICE, label: `L’accueil (${triage.name}), qui oriente à la main` },
      ...services.filter((s) => s.id !== triage.id).map((s) => ({ value: s.id, label: s.name })),
    ];
    const csrf = reply.generateCsrf();
    return sendAdminPage(request, reply, {
      title: 'Orientation des messages',
      errors,
      fieldOrder: COMPETENCES.map((c) => c.slug),
      targets: Object.fromEntries(COMPETENCES.map((c) => [c.slug, `competence-${c.slug}`])),
      ...(options.status ? { status: options.status } : {}),
      ...(saved ? { notice: { kind: 'success' as const, title: 'L’orientation des messages est enregistrée.' } } : {}),
      children: (
        <>
          <h1 class="govuk-heading-l">Orientation des messages</h1>
          <p class="govuk-body">
            Les messages envoyés par « Contacter la mairie » sont classés par compétence municipale, puis transmis au
            service que vous choisissez ici. Quand le classement est incertain, ou hésite entre deux compétences
            traitées par des services différents, le message va à l’accueil, qui l’oriente ; chaque réorientation par un
            agent affine le classement de la commune.
          </p>
          {explicit ? null : (
            <p class="govuk-inset-text">
              Aucune orientation n’a encore été enregistrée : chaque compétence va au service dont le nom lui
              correspond, sinon à l’accueil. Enregistrez pour fixer vos choix.
            </p>
          )}
          <form method="post" novalidate>
            <CsrfField token={csrf} />
            {routes.map((route) => {
              const slug = route.competence.slug;
              const current =
                options.values?.[slug] !== undefined
                  ? stringValue(options.values[slug])
                  : route.service.id === triage.id
                    ? ACCUEIL_CHOICE
                    : route.service.id;
              return (
                <Select
                  key={slug}
                  id={`competence-${slug}`}
                  name={slug}
                  label={route.competence.label}
                  labelSize="s"
                  options={serviceOptions}
                  value={current}
                  error={errors[slug]}
                />
              );
            })}
            <Button>Enregistrer</Button>
          </form>
        </>
      ),
    });
  }

  app.get(`/c/:slug/admin/${COMPETENCE_ADMIN_PATH}`, { config: { policy: 'communeAdmin' } }, async (request, reply) =>
    mapPage(request, reply),
  );

  app.post(
    `/c/:slug/admin/${COMPETENCE_ADMIN_PATH}`,
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const commune = request.commune!;
      const body = (request.body ?? {}) as FormBody;
      const result = await handleForm(
        () =>
          withTenant(ctx.database, commune.id, (tx) =>
            saveCompetenceMapUseCase(tx, commune.id, {
              values: body,
              actorId: request.actor!.accountId,
              httpRequestId: request.id,
            }),
          ),
        (errors, status) => mapPage(request, reply, { values: body, errors, status }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`/c/${commune.slug}/admin/${COMPETENCE_ADMIN_PATH}?enregistre=1`, 303);
    },
  );
}
