/**
 * A signed-in citizen's appointment, from their space (« Mes rendez-vous »): the same facts as
 * the mailed link's page, and cancelling; moving goes through the mailed link. 404 for anyone
 * else's booking.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { Button, CsrfField, type FieldErrors, SummaryList } from '../../../platform/views/components.js';
import { formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { findAgenda, findMotif } from '../repo.js';
import { whenText } from '../texts.js';
import type { Caller } from '../use-cases/common.js';
import { cancelOwnBooking, ownBooking } from '../use-cases/manage-booking.js';
import { BookingStatus, MotifFacts, placeLine, publicBase } from './ui.js';

function caller(request: FastifyRequest): Caller {
  return { communeId: request.commune!.id, actor: request.actor!, requestId: request.id };
}

export function registerOwnPages(app: FastifyInstance, ctx: AppContext): void {
  async function page(request: FastifyRequest, reply: FastifyReply, errors: FieldErrors = {}, status?: number) {
    const { booking: id } = request.params as { booking: string };
    const communeId = request.commune!.id;
    const booking = await ownBooking(ctx, caller(request), id);
    const [motif, agenda] = await withTenant(ctx.database, communeId, (tx) =>
      Promise.all([findMotif(tx, communeId, booking.motifId), findAgenda(tx, communeId, booking.agendaId)]),
    );
    const changeable = booking.status === 'confirme' && booking.startsAt.getTime() > Date.now();
    return sendPage(request, reply, {
      ...(status ? { status } : {}),
      title: `Rendez-vous : ${motif!.name}`,
      errors,
      breadcrumbs: [{ href: `/c/${request.commune!.slug}/mon-espace`, label: 'Mon espace' }],
      ...(formString(request.query, 'fait') === 'annule'
        ? { notice: { kind: 'success' as const, title: 'Votre rendez-vous est annulé' } }
        : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Votre rendez-vous</h1>
          <SummaryList
            rows={[
              { key: 'Rendez-vous', value: motif!.name },
              { key: 'Date', value: whenText(booking.startsAt) },
              { key: 'Lieu', value: placeLine(agenda, motif!) },
              { key: 'État', value: <BookingStatus status={booking.status} /> },
            ]}
          />
          <MotifFacts motif={motif!} />
          {changeable && (
            <form method="post" action={`/c/${request.commune!.slug}/mes-rendez-vous/${booking.id}/annuler`} novalidate>
              <CsrfField token={reply.generateCsrf()} />
              <p class="govuk-body">Pour choisir un autre créneau, utilisez le lien du courriel de confirmation.</p>
              <Button variant="warning">Annuler le rendez-vous</Button>
            </form>
          )}
          <p class="govuk-body">
            <a class="govuk-link" href={publicBase(request)}>
              Prendre un autre rendez-vous
            </a>
          </p>
        </>
      ),
    });
  }

  app.get('/c/:slug/mes-rendez-vous/:booking', { config: { policy: 'signedIn' } }, async (request, reply) =>
    page(request, reply),
  );

  app.post('/c/:slug/mes-rendez-vous/:booking/annuler', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const { booking } = request.params as { booking: string };
    const result = await handleForm(
      () => cancelOwnBooking(ctx, caller(request), booking),
      (errors, status) => page(request, reply, errors, status),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`/c/${request.commune!.slug}/mes-rendez-vous/${booking}?fait=annule`, 303);
  });
}
