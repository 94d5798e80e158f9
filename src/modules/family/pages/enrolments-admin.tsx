/**
 * An activity's enrolments for the commune's administrators
 * (`/c/<slug>/admin/famille/activites/<id>/inscriptions`): open or close enrolment, the capacity
 * and the days to confirm a freed place; the children enrolled, the places on offer with their
 * deadline and the waiting list in order; cancelling one promotes the next family.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { isUuid } from '../../../platform/ids.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import {
  BackLink,
  Button,
  Checkboxes,
  CsrfField,
  type FieldErrors,
  Input,
  Table,
} from '../../../platform/views/components.js';
import { formatDate } from '../../../platform/views/format.js';
import { formString, handleForm } from '../../../platform/views/page-kit.js';
import { activityEnrolments } from '../queries.js';
import { findActivity } from '../repo.js';
import type { ActivityRow } from '../schema.js';
import { cancelEnrolment } from '../use-cases/cancel-enrolment.js';
import type { FamilyCaller } from '../use-cases/common.js';
import { configureEnrolment, type EnrolmentSettingsInput } from '../use-cases/configure-enrolment.js';
import { ACTIVITY_NOT_FOUND } from '../use-cases/save-tariff-grid.js';
import { StatusTag } from './status.js';

const activityParams = z.object({ slug: z.string().max(63), activity: z.string().max(100) }).strict();
const enrolmentParams = z
  .object({ slug: z.string().max(63), activity: z.string().max(100), enrolment: z.string().max(100) })
  .strict();

export function registerAdminEnrolmentPages(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const deps = { queue: ctx.queue, publicUrl: ctx.config.publicUrl };
  const caller = (request: FastifyRequest): FamilyCaller => ({
    commune: request.commune!,
    actor: request.actor,
    httpRequestId: request.id,
  });
  const pagePath = (request: FastifyRequest, activity: ActivityRow) =>
    `${adminBase(request)}/famille/activites/${activity.id}/inscriptions`;

  async function load(request: FastifyRequest, id: string): Promise<ActivityRow> {
    if (!isUuid(id)) throw ACTIVITY_NOT_FOUND();
    const commune = request.commune!;
    const activity = await withTenant(ctx.database, commune.id, (tx) => findActivity(tx, commune.id, id));
    if (!activity) throw ACTIVITY_NOT_FOUND();
    return activity;
  }

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    activity: ActivityRow,
    form: { values?: EnrolmentSettingsInput; errors?: FieldErrors; notice?: string } = {},
  ) {
    const commune = request.commune!;
    const enrolments = await withTenant(ctx.database, commune.id, (tx) =>
      activityEnrolments(tx, commune.id, activity.id),
    );
    const values = form.values ?? {
      ouverte: activity.openForEnrolment ? 'oui' : '',
      capacite: activity.capacity === null ? '' : String(activity.capacity),
      delai: String(activity.offerDays),
    };
    const errors = form.errors ?? {};
    const csrf = reply.generateCsrf();
    const groups = [
      { title: 'Enfants inscrits', rows: enrolments.filter((e) => e.enrolment.status === 'inscrit') },
      { title: 'Places proposées', rows: enrolments.filter((e) => e.enrolment.status === 'place_proposee') },
      { title: 'Liste d’attente', rows: enrolments.filter((e) => e.enrolment.status === 'en_attente') },
    ];
    const enrolled = groups[0]!.rows.length + groups[1]!.rows.length;
    return sendAdminPage(request, reply, {
      title: `Inscriptions : ${activity.name}`,
      errors,
      fieldOrder: ['ouverte', 'capacite', 'delai'],
      ...(form.notice ? { notice: { kind: 'success' as const, title: form.notice } } : {}),
      wide: true,
      children: (
        <>
          <BackLink href={`${adminBase(request)}/famille`}>Activités et tarifs</BackLink>
          <h1 class="govuk-heading-xl">
            <span class="govuk-caption-l">{activity.name}</span>
            Inscriptions
          </h1>
          <p class="govuk-body">
            {activity.capacity === null
              ? `${enrolled} inscrit${enrolled > 1 ? 's' : ''}, places non limitées.`
              : `${enrolled} place${enrolled > 1 ? 's' : ''} prise${enrolled > 1 ? 's' : ''} sur ${activity.capacity}.`}{' '}
            Quand une place se libère, elle est proposée à la première famille de la liste d’attente, qui a{' '}
            {activity.offerDays} jour{activity.offerDays > 1 ? 's' : ''} pour la confirmer ; ensuite, à la suivante.
          </p>
          {groups.map((g) => (
            <Table
              key={g.title}
              caption={`${g.title} (${g.rows.length})`}
              captionSize="m"
              columns={[
                { label: 'Enfant' },
                { label: 'Né le' },
                { label: 'Demandé le' },
                { label: 'Situation' },
                { label: 'Action' },
              ]}
              rows={g.rows.map(({ enrolment, rank }) => [
                enrolment.childName,
                formatDate(enrolment.childBirthDate),
                formatDate(enrolment.requestedAt),
                <StatusTag key="s" enrolment={enrolment} rank={rank} />,
                <form
                  key="a"
                  method="post"
                  action={`${pagePath(request, activity)}/${enrolment.id}/annuler`}
                  novalidate
                >
                  <CsrfField token={csrf} />
                  <Button variant="secondary">
                    Annuler<span class="govuk-visually-hidden"> l’inscription de {enrolment.childName}</span>
                  </Button>
                </form>,
              ])}
            />
          ))}
          <h2 class="govuk-heading-l">Réglages des inscriptions</h2>
          <form method="post" action={pagePath(request, activity)} novalidate>
            <CsrfField token={csrf} />
            <Checkboxes
              name="ouverte"
              legend="Inscriptions"
              items={[{ value: 'oui', label: 'Les familles peuvent inscrire leurs enfants en ligne' }]}
              values={values.ouverte === 'oui' ? ['oui'] : []}
              error={errors.ouverte}
            />
            <Input
              name="capacite"
              label="Nombre de places"
              hint="Laissez vide pour ne pas limiter. Au-delà, les enfants sont inscrits sur la liste d’attente."
              inputmode="numeric"
              width={5}
              value={values.capacite}
              error={errors.capacite}
            />
            <Input
              name="delai"
              label="Jours laissés à une famille pour confirmer une place libérée"
              inputmode="numeric"
              width={2}
              value={values.delai}
              error={errors.delai}
            />
            <Button>Enregistrer les réglages</Button>
          </form>
        </>
      ),
    });
  }

  app.get(
    '/c/:slug/admin/famille/activites/:activity/inscriptions',
    { schema: { hide: true, params: activityParams }, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const activity = await load(request, request.params.activity);
      const done = formString(request.query, 'fait');
      const notice =
        done === 'reglages' ? 'Réglages enregistrés' : done === 'annule' ? 'Inscription annulée' : undefined;
      return page(request, reply, activity, notice ? { notice } : {});
    },
  );

  app.post(
    '/c/:slug/admin/famille/activites/:activity/inscriptions',
    { schema: { hide: true, params: activityParams }, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const activity = await load(request, request.params.activity);
      const values: EnrolmentSettingsInput = {
        ouverte: formString(request.body, 'ouverte'),
        capacite: formString(request.body, 'capacite'),
        delai: formString(request.body, 'delai'),
      };
      const result = await handleForm(
        () => configureEnrolment(ctx.database, deps, caller(request), activity.id, values),
        (errors) => page(request, reply, activity, { values, errors }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${pagePath(request, activity)}?fait=reglages`, 303);
    },
  );

  app.post(
    '/c/:slug/admin/famille/activites/:activity/inscriptions/:enrolment/annuler',
    { schema: { hide: true, params: enrolmentParams }, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const activity = await load(request, request.params.activity);
      await cancelEnrolment(ctx.database, deps, caller(request), request.params.enrolment);
      return reply.redirect(`${pagePath(request, activity)}?fait=annule`, 303);
    },
  );
}
