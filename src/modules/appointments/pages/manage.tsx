/**
 * A booking's own page, reached by the secret link of the confirmation mail (no account needed):
 * what, when, where, what to bring; cancel it, move it to another slot, or ask to be told of an
 * earlier slot (the waitlist). And the page of a waitlist offer, to take the freed slot.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { isUuid } from '../../../platform/ids.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import {
  Button,
  ButtonGroup,
  CsrfField,
  type FieldErrors,
  InsetText,
  SummaryList,
} from '../../../platform/views/components.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { motifSlots } from '../queries.js';
import { findAgenda, findBooking, findMotif, waitlistOfBooking } from '../repo.js';
import type { Booking } from '../schema.js';
import { whenText } from '../texts.js';
import type { Caller } from '../use-cases/common.js';
import { BOOKING_NOT_FOUND } from '../use-cases/common.js';
import {
  bookingByToken,
  cancelByToken,
  joinWaitlistByToken,
  moveByToken,
  resendManageLink,
} from '../use-cases/manage-booking.js';
import { acceptOffer, offerByToken } from '../use-cases/waitlist.js';
import { BookingStatus, dateParam, MotifFacts, placeLine, publicBase, SlotList } from './ui.js';

const NOTICES: Record<string, string> = {
  reserve: 'Votre rendez-vous est réservé',
  deplace: 'Votre rendez-vous est déplacé',
  annule: 'Votre rendez-vous est annulé',
  attente: 'Vous serez prévenu si un créneau plus tôt se libère',
};

function caller(request: FastifyRequest): Caller {
  return { communeId: request.commune!.id, actor: request.actor ?? null, requestId: request.id };
}

async function loadView(ctx: AppContext, communeId: string, booking: Booking) {
  return withTenant(ctx.database, communeId, async (tx) => {
    const [motif, agenda, waiting] = await Promise.all([
      findMotif(tx, communeId, booking.motifId),
      findAgenda(tx, communeId, booking.agendaId),
      waitlistOfBooking(tx, communeId, booking.id),
    ]);
    return { motif: motif!, agenda: agenda!, waiting };
  });
}

export function registerManagePages(app: FastifyInstance, ctx: AppContext): void {
  // The booking's address given to the ANTS (shown on its site and to other editors): no secret in
  // it, no name on it — the person gets a fresh link to change or cancel, by mail.
  async function antsPage(request: FastifyRequest, reply: FastifyReply, errors: FieldErrors = {}, status?: number) {
    const { booking: bookingId } = request.params as { booking: string };
    const communeId = request.commune!.id;
    const booking = isUuid(bookingId)
      ? await withTenant(ctx.database, communeId, (tx) => findBooking(tx, communeId, bookingId))
      : undefined;
    if (!booking) throw BOOKING_NOT_FOUND();
    const { motif, agenda } = await loadView(ctx, communeId, booking);
    const sent = formString(request.query, 'fait') === 'envoye';
    const changeable = booking.status === 'confirme' && booking.startsAt.getTime() > Date.now();
    return sendPage(request, reply, {
      ...(status ? { status } : {}),
      title: 'Modifier ou annuler un rendez-vous',
      errors,
      ...(sent
        ? {
            notice: {
              kind: 'success' as const,
              title: 'Un courriel vient d’être envoyé',
              text: 'Il contient un nouveau lien pour déplacer ou annuler le rendez-vous ; l’ancien lien ne fonctionne plus.',
            },
          }
        : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Modifier ou annuler un rendez-vous</h1>
          <SummaryList
            rows={[
              { key: 'Rendez-vous', value: motif.name },
              { key: 'Date', value: whenText(booking.startsAt) },
              { key: 'Lieu', value: placeLine(agenda, motif) },
              { key: 'État', value: <BookingStatus status={booking.status} /> },
            ]}
          />
          {changeable ? (
            <form method="post" action={`${publicBase(request)}/ants/${booking.id}`} novalidate>
              <CsrfField token={reply.generateCsrf()} />
              <p class="govuk-body">
                Pour le déplacer ou l’annuler, recevez un lien à l’adresse électronique donnée lors de la réservation.
              </p>
              <Button>Recevoir le lien par courriel</Button>
            </form>
          ) : (
            <p class="govuk-body">Ce rendez-vous ne peut plus être modifié.</p>
          )}
        </>
      ),
    });
  }

  app.get('/c/:slug/rendez-vous/ants/:booking', { config: { policy: 'public' } }, (request, reply) =>
    antsPage(request, reply),
  );

  app.post('/c/:slug/rendez-vous/ants/:booking', { config: { policy: 'public' } }, async (request, reply) => {
    const { booking } = request.params as { booking: string };
    const result = await handleForm(
      () => resendManageLink(ctx, caller(request), booking),
      (errors, status) => antsPage(request, reply, errors, status),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${publicBase(request)}/ants/${booking}?fait=envoye`, 303);
  });

  async function managePage(request: FastifyRequest, reply: FastifyReply, errors: FieldErrors = {}, status?: number) {
    const { token } = request.params as { token: string };
    const communeId = request.commune!.id;
    const booking = await bookingByToken(ctx, communeId, token);
    const { motif, agenda, waiting } = await loadView(ctx, communeId, booking);
    const url = `${publicBase(request)}/gerer/${token}`;
    const done = formString(request.query, 'fait');
    const changeable = booking.status === 'confirme' && booking.startsAt.getTime() > Date.now();
    const csrf = reply.generateCsrf();
    return sendPage(request, reply, {
      ...(status ? { status } : {}),
      title: `Rendez-vous : ${motif.name}`,
      errors,
      ...(NOTICES[done] && !Object.keys(errors).length
        ? {
            notice: {
              kind: 'success' as const,
              title: NOTICES[done]!,
              ...(done === 'reserve' && booking.email
                ? {
                    text: `Une confirmation a été envoyée à ${booking.email}, avec le fichier à ajouter à votre agenda.`,
                  }
                : {}),
            },
          }
        : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Votre rendez-vous</h1>
          <SummaryList
            rows={[
              { key: 'Rendez-vous', value: motif.name },
              { key: 'Date', value: whenText(booking.startsAt) },
              {
                key: 'Lieu',
                value: `${placeLine(agenda, motif)}${motif.kind === 'guichet' ? ` (${agenda.desk})` : ''}`,
              },
              { key: 'Au nom de', value: booking.name },
              ...(booking.requestNumber ? [{ key: 'Pour la demande', value: `n° ${booking.requestNumber}` }] : []),
              { key: 'État', value: <BookingStatus status={booking.status} /> },
            ]}
          />
          <MotifFacts motif={motif} />
          {changeable && (
            <>
              <h2 class="govuk-heading-m">Changer ou annuler</h2>
              <p class="govuk-body">
                Si vous ne pouvez pas venir, libérez le créneau : il profitera à une autre personne.
              </p>
              <form method="post" action={`${url}/annuler`} novalidate>
                <CsrfField token={csrf} />
                <ButtonGroup>
                  <Button href={`${url}/deplacer`} variant="secondary">
                    Choisir un autre créneau
                  </Button>
                  <Button variant="warning">Annuler le rendez-vous</Button>
                </ButtonGroup>
              </form>
              {waiting?.status === 'attente' || waiting?.status === 'offre' ? (
                <p class="govuk-body">Vous êtes prévenu par courriel si un créneau plus tôt se libère.</p>
              ) : booking.email ? (
                <form method="post" action={`${url}/attente`} novalidate>
                  <CsrfField token={csrf} />
                  <Button variant="secondary">Me prévenir si un créneau plus tôt se libère</Button>
                </form>
              ) : null}
            </>
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

  app.get('/c/:slug/rendez-vous/gerer/:token', { config: { policy: 'public' } }, async (request, reply) =>
    managePage(request, reply),
  );

  app.post('/c/:slug/rendez-vous/gerer/:token/annuler', { config: { policy: 'public' } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const result = await handleForm(
      () => cancelByToken(ctx, caller(request), token),
      (errors, status) => managePage(request, reply, errors, status),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${publicBase(request)}/gerer/${token}?fait=annule`, 303);
  });

  app.post('/c/:slug/rendez-vous/gerer/:token/attente', { config: { policy: 'public' } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const result = await handleForm(
      () => joinWaitlistByToken(ctx, caller(request), token),
      (errors, status) => managePage(request, reply, errors, status),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${publicBase(request)}/gerer/${token}?fait=attente`, 303);
  });

  async function movePage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormBody,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const { token } = request.params as { token: string };
    const communeId = request.commune!.id;
    const booking = await bookingByToken(ctx, communeId, token);
    const { motif, agenda } = await loadView(ctx, communeId, booking);
    const url = `${publicBase(request)}/gerer/${token}`;
    const now = new Date();
    const chosenAgenda = formString(values, 'agenda');
    const chosen = new Date(formString(values, 'debut'));
    const target =
      /^[0-9a-f-]{36}$/i.test(chosenAgenda) && !Number.isNaN(chosen.getTime())
        ? await withTenant(ctx.database, communeId, (tx) => findAgenda(tx, communeId, chosenAgenda))
        : undefined;
    const from = dateParam(formString(request.query, 'du'), now, true);
    const days = target
      ? []
      : (
          await withTenant(ctx.database, communeId, (tx) =>
            motifSlots(tx, communeId, motif, { from, days: 7, now, byAgent: false }),
          )
        ).days;
    return sendPage(request, reply, {
      ...(status ? { status } : {}),
      title: 'Choisir un autre créneau',
      errors,
      targets: { creneau: 'deplacer' },
      breadcrumbs: [{ href: url, label: 'Votre rendez-vous' }],
      children: (
        <>
          <h1 class="govuk-heading-xl">Choisir un autre créneau</h1>
          <p class="govuk-body">
            Rendez-vous actuel : {motif.name}, le {whenText(booking.startsAt)} ({agenda.place}).
          </p>
          {target ? (
            <>
              <InsetText>
                Nouveau créneau : le {whenText(chosen)}
                <br />
                {placeLine(target, motif)}
              </InsetText>
              <form method="post" action={`${url}/deplacer`} novalidate>
                <CsrfField token={reply.generateCsrf()} />
                <input type="hidden" name="agenda" value={target.id} />
                <input type="hidden" name="debut" value={formString(values, 'debut')} />
                <ButtonGroup>
                  <button type="submit" class="govuk-button" data-module="govuk-button" id="deplacer">
                    Déplacer mon rendez-vous
                  </button>
                  <a class="govuk-link" href={`${url}/deplacer`}>
                    Choisir un autre créneau
                  </a>
                </ButtonGroup>
              </form>
            </>
          ) : (
            <SlotList
              days={days}
              from={from}
              today={parisDateOf(now)}
              href={(s) => `${url}/deplacer?agenda=${s.agendaId}&debut=${encodeURIComponent(s.startsAt.toISOString())}`}
              weekHref={(d) => `${url}/deplacer?du=${d}`}
            />
          )}
        </>
      ),
    });
  }

  app.get('/c/:slug/rendez-vous/gerer/:token/deplacer', { config: { policy: 'public' } }, async (request, reply) =>
    movePage(request, reply, request.query as FormBody),
  );

  app.post('/c/:slug/rendez-vous/gerer/:token/deplacer', { config: { policy: 'public' } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () =>
        moveByToken(ctx, caller(request), token, {
          agenda: formString(body, 'agenda'),
          debut: formString(body, 'debut'),
        }),
      (errors, status) => movePage(request, reply, body, errors, status),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${publicBase(request)}/gerer/${token}?fait=deplace`, 303);
  });

  async function offerPage(request: FastifyRequest, reply: FastifyReply, errors: FieldErrors = {}, status?: number) {
    const { token } = request.params as { token: string };
    const communeId = request.commune!.id;
    const { offer, booking, live } = await offerByToken(ctx, communeId, token);
    const { motif } = await loadView(ctx, communeId, booking);
    const place = await withTenant(ctx.database, communeId, (tx) => findAgenda(tx, communeId, offer.offeredAgendaId!));
    return sendPage(request, reply, {
      ...(status ? { status } : {}),
      title: 'Un créneau plus tôt s’est libéré',
      errors,
      targets: { creneau: 'prendre' },
      children: (
        <>
          <h1 class="govuk-heading-xl">Un créneau plus tôt s’est libéré</h1>
          <SummaryList
            rows={[
              { key: 'Rendez-vous', value: motif.name },
              {
                key: 'Créneau proposé',
                value: `${whenText(offer.offeredStartsAt!)}, ${place ? placeLine(place, motif) : ''}`,
              },
              { key: 'Votre rendez-vous actuel', value: whenText(booking.startsAt) },
            ]}
          />
          {live ? (
            <form method="post" action={`${publicBase(request)}/offre/${token}`} novalidate>
              <CsrfField token={reply.generateCsrf()} />
              <p class="govuk-body">Proposition valable jusqu’au {whenText(offer.offerExpiresAt!)}.</p>
              <button type="submit" class="govuk-button" data-module="govuk-button" id="prendre">
                Prendre ce créneau
              </button>
            </form>
          ) : (
            <p class="govuk-body">Cette proposition n’est plus valable : votre rendez-vous actuel reste inchangé.</p>
          )}
        </>
      ),
    });
  }

  app.get('/c/:slug/rendez-vous/offre/:token', { config: { policy: 'public' } }, async (request, reply) =>
    offerPage(request, reply),
  );

  app.post('/c/:slug/rendez-vous/offre/:token', { config: { policy: 'public' } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const result = await handleForm(
      () => acceptOffer(ctx, caller(request), token),
      (errors, status) => offerPage(request, reply, errors, status),
    );
    if (!result.ok) return result.response;
    return sendPage(request, reply, {
      title: 'Votre rendez-vous est avancé',
      children: (
        <>
          <h1 class="govuk-heading-xl">Votre rendez-vous est avancé</h1>
          <p class="govuk-body">
            Nouveau créneau : le {whenText(result.value.startsAt)}. Une confirmation vous a été envoyée par courriel ;
            le lien de votre premier courriel reste valable pour l’annuler ou le déplacer.
          </p>
        </>
      ),
    });
  });
}
