/**
 * The family's own page (`/c/<slug>/famille`, signed in): the children of the household (from the
 * profile, entered once), their enrolments with where they stand, a place offered to confirm
 * before its deadline, and the form to enrol a child — enrolled at once while places remain,
 * else put on the waiting list, which promotes families by itself when a place frees.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { Button, CsrfField, type FieldErrors, Radios, Table } from '../../../platform/views/components.js';
import { formatDateTime } from '../../../platform/views/format.js';
import { formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { householdChildren } from '../../profile/index.js';
import { familySpace } from '../queries.js';
import type { EnrolmentRow } from '../schema.js';
import { acceptPlace } from '../use-cases/accept-place.js';
import { cancelEnrolment } from '../use-cases/cancel-enrolment.js';
import type { FamilyCaller } from '../use-cases/common.js';
import { type EnrolmentInput, enrolChild } from '../use-cases/enrol-child.js';
import { StatusTag } from './status.js';

const slugParams = z.object({ slug: z.string().max(63) }).strict();
const enrolmentParams = z.object({ slug: z.string().max(63), enrolment: z.string().max(100) }).strict();

export function registerFamilyEnrolmentPages(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const base = (request: FastifyRequest) => `/c/${request.commune!.slug}/famille`;
  const caller = (request: FastifyRequest): FamilyCaller => ({
    commune: request.commune!,
    actor: request.actor,
    httpRequestId: request.id,
  });
  const deps = { queue: ctx.queue, publicUrl: ctx.config.publicUrl };

  async function spacePage(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { values?: EnrolmentInput; errors?: FieldErrors; status?: number; notice?: string } = {},
  ) {
    const commune = request.commune!;
    const accountId = request.actor!.accountId;
    const { children, activities, enrolments } = await withTenant(ctx.database, commune.id, async (tx) => ({
      children: await householdChildren(tx, accountId),
      ...(await familySpace(tx, commune.id, accountId)),
    }));
    const errors = form.errors ?? {};
    const live = enrolments.filter((e) => e.enrolment.status !== 'annulee' && e.enrolment.status !== 'expiree');
    const offers = live.filter((e) => e.enrolment.status === 'place_proposee');
    const csrf = reply.generateCsrf();
    const actionButton = (e: EnrolmentRow, path: string, label: string, variant?: 'secondary' | 'warning') => (
      <form method="post" action={`${base(request)}/inscriptions/${e.id}/${path}`} novalidate>
        <CsrfField token={csrf} />
        <Button {...(variant ? { variant } : {})}>
          {label}
          <span class="govuk-visually-hidden"> : {e.childName}</span>
        </Button>
      </form>
    );
    return sendPage(request, reply, {
      title: 'Mon espace famille',
      errors,
      fieldOrder: ['enfant', 'activite'],
      ...(form.status ? { status: form.status } : {}),
      ...(form.notice ? { notice: { kind: 'success' as const, title: form.notice } } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Mon espace famille</h1>
          {offers.map(({ enrolment, activityName }) => (
            <section class="govuk-notification-banner" aria-labelledby={`offre-${enrolment.id}`} key={enrolment.id}>
              <div class="govuk-notification-banner__header">
                <h2 class="govuk-notification-banner__title" id={`offre-${enrolment.id}`}>
                  Une place vous est proposée
                </h2>
              </div>
              <div class="govuk-notification-banner__content">
                <p class="govuk-notification-banner__heading">
                  {activityName} pour {enrolment.childName} : confirmez avant le{' '}
                  {formatDateTime(enrolment.offeredUntil!)}.
                </p>
                {actionButton(enrolment, 'confirmer', 'Confirmer la place')}
              </div>
            </section>
          ))}
          <h2 class="govuk-heading-l">Inscriptions</h2>
          {live.length === 0 ? (
            <p class="govuk-body">Aucune inscription pour l’instant.</p>
          ) : (
            <Table
              caption="Inscriptions de vos enfants"
              captionSize="s"
              columns={[{ label: 'Enfant' }, { label: 'Activité' }, { label: 'Situation' }, { label: 'Action' }]}
              rows={live.map(({ enrolment, activityName, rank }) => [
                <span key="n" id={`inscription-${enrolment.id}`}>
                  {enrolment.childName}
                </span>,
                activityName,
                <StatusTag key="s" enrolment={enrolment} rank={rank} />,
                actionButton(
                  enrolment,
                  'annuler',
                  enrolment.status === 'en_attente' ? 'Quitter la liste' : 'Annuler',
                  'secondary',
                ),
              ])}
            />
          )}
          {live.some((e) => e.enrolment.status === 'inscrit') ? (
            <>
              <h2 class="govuk-heading-l">Réservations</h2>
              <ul class="govuk-list">
                {live
                  .filter((e) => e.enrolment.status === 'inscrit')
                  .map(({ enrolment, activityName }) => (
                    <li key={enrolment.id}>
                      <a class="govuk-link" href={`${base(request)}/reservations/${enrolment.id}`}>
                        Réserver des jours : {enrolment.childName}, {activityName}
                      </a>
                    </li>
                  ))}
              </ul>
            </>
          ) : null}
          <h2 class="govuk-heading-l">Inscrire un enfant</h2>
          {children.length === 0 ? (
            <p class="govuk-body">
              Ajoutez d’abord vos enfants à votre foyer, dans{' '}
              <a class="govuk-link" href={`/c/${commune.slug}/compte/profil`}>
                mon profil
              </a>{' '}
              : vous n’aurez plus à les saisir.
            </p>
          ) : activities.length === 0 ? (
            <p class="govuk-body">Aucune inscription n’est ouverte pour l’instant.</p>
          ) : (
            <form method="post" action={`${base(request)}/inscriptions`} novalidate>
              <CsrfField token={csrf} />
              <Radios
                name="enfant"
                legend="Quel enfant ?"
                legendSize="m"
                items={children.map((c) => ({ value: c.id, label: `${c.givenName} ${c.familyName}` }))}
                value={form.values?.enfant}
                error={errors.enfant}
              />
              <Radios
                name="activite"
                legend="À quelle activité ?"
                legendSize="m"
                items={activities.map((a) => ({
                  value: a.activity.id,
                  label: a.activity.name,
                  hint:
                    a.placesLeft === null
                      ? 'Places non limitées'
                      : a.placesLeft > 0
                        ? `${a.placesLeft} place${a.placesLeft > 1 ? 's' : ''} libre${a.placesLeft > 1 ? 's' : ''}`
                        : 'Complet : votre enfant sera inscrit sur la liste d’attente',
                }))}
                value={form.values?.activite}
                error={errors.activite}
              />
              <Button>Inscrire mon enfant</Button>
            </form>
          )}
          <p class="govuk-body">
            <a class="govuk-link" href={`${base(request)}/factures`}>
              Mes factures
            </a>
            {' · '}
            <a class="govuk-link" href={`${base(request)}/tarifs`}>
              Simuler vos tarifs
            </a>
          </p>
        </>
      ),
    });
  }

  app.get(
    '/c/:slug/famille',
    { schema: { hide: true, params: slugParams }, config: { policy: 'signedIn' } },
    (request, reply) => {
      const done = formString(request.query, 'fait');
      const notice =
        done === 'inscrit'
          ? 'Votre enfant est inscrit'
          : done === 'attente'
            ? 'Votre enfant est sur la liste d’attente : vous serez prévenu par courriel si une place se libère'
            : done === 'confirme'
              ? 'Place confirmée'
              : done === 'annule'
                ? 'Inscription annulée'
                : undefined;
      return spacePage(request, reply, notice ? { notice } : {});
    },
  );

  app.post(
    '/c/:slug/famille/inscriptions',
    { schema: { hide: true, params: slugParams }, config: { policy: 'signedIn' } },
    async (request, reply) => {
      const values: EnrolmentInput = {
        enfant: formString(request.body, 'enfant'),
        activite: formString(request.body, 'activite'),
      };
      const result = await handleForm(
        () => enrolChild(ctx.database, caller(request), values),
        (errors, status) => spacePage(request, reply, { values, errors, status }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${base(request)}?fait=${result.value.status === 'inscrit' ? 'inscrit' : 'attente'}`, 303);
    },
  );

  app.post(
    '/c/:slug/famille/inscriptions/:enrolment/confirmer',
    { schema: { hide: true, params: enrolmentParams }, config: { policy: 'signedIn' } },
    async (request, reply) => {
      await acceptPlace(ctx.database, {}, caller(request), request.params.enrolment);
      return reply.redirect(`${base(request)}?fait=confirme`, 303);
    },
  );

  app.post(
    '/c/:slug/famille/inscriptions/:enrolment/annuler',
    { schema: { hide: true, params: enrolmentParams }, config: { policy: 'signedIn' } },
    async (request, reply) => {
      await cancelEnrolment(ctx.database, deps, caller(request), request.params.enrolment);
      return reply.redirect(`${base(request)}?fait=annule`, 303);
    },
  );
}
