/**
 * The desks' side (/c/<slug>/agent/rendez-vous): the day of one desk or all the person's desks
 * (check-in at arrival, absent, cancel for a caller), printable; the week; booking for a caller
 * (at the desk or on the phone). Agents see the desks of their services; the mayor, the DGS and
 * administrators all of them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { isUuid } from '../../../platform/ids.js';
import { addCalendarDays, parisDateOf } from '../../../platform/time/calendar.js';
import {
  Button,
  CsrfField,
  type FieldErrors,
  Input,
  InsetText,
  Select,
  Table,
} from '../../../platform/views/components.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { agentRequestPath } from '../../requests/index.js';
import { deskPage, motifSlots } from '../queries.js';
import { dayText, timeText, whenText } from '../texts.js';
import { bookAppointment } from '../use-cases/book-appointment.js';
import type { Caller } from '../use-cases/common.js';
import { recordAtDesk } from '../use-cases/manage-booking.js';
import { agentBase, BookingStatus, dateParam, placeLine, SlotList } from './ui.js';

const POLICY = { config: { policy: 'requestsInbox' } } as const;

const ACTIONS = {
  arrivee: { status: 'arrive', label: 'Arrivé', notice: 'Arrivée notée.' },
  absence: { status: 'absent', label: 'Absent', notice: 'Absence notée.' },
  annulation: {
    status: 'annule',
    label: 'Annuler',
    notice: 'Rendez-vous annulé ; la personne est prévenue par courriel.',
  },
  retablir: { status: 'confirme', label: 'Rétablir', notice: 'Le rendez-vous est de nouveau attendu.' },
} as const;

const NOTICES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(ACTIONS).map(([k, v]) => [k, v.notice])),
  reserve: 'Le rendez-vous est réservé.',
};

function caller(request: FastifyRequest): Caller {
  return { communeId: request.commune!.id, actor: request.actor!, requestId: request.id };
}

function breadcrumbs(request: FastifyRequest) {
  return [
    { href: `/c/${request.commune!.slug}/agent`, label: 'Espace agent' },
    { href: agentBase(request), label: 'Rendez-vous' },
  ];
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function registerAgentPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/agent/rendez-vous', POLICY, async (request, reply) => {
    const actor = request.actor!;
    const agendaParam = formString(request.query, 'agenda');
    const day = dateParam(formString(request.query, 'jour'));
    const printable = formString(request.query, 'impression') === '1';
    const data = await deskPage(ctx, request.commune!.id, actor, {
      agendaId: isUuid(agendaParam) ? agendaParam : null,
      from: day,
      days: 1,
    });
    const base = agentBase(request);
    const query = (d: string) => `${base}?jour=${d}${isUuid(agendaParam) ? `&agenda=${agendaParam}` : ''}`;
    const desk = new Map(data.agendas.map((a) => [a.id, `${a.place}, ${a.desk}`]));
    const csrf = reply.generateCsrf();
    const done = formString(request.query, 'fait');
    const title = capitalized(dayText(new Date(`${day}T12:00:00Z`)));
    const live = data.bookings.filter((b) => b.booking.status !== 'annule');
    return sendPage(request, reply, {
      title: `Rendez-vous du ${dayText(new Date(`${day}T12:00:00Z`))}`,
      wide: true,
      ...(printable ? {} : { workspace: true, breadcrumbs: breadcrumbs(request).slice(0, 1) }),
      ...(NOTICES[done] ? { notice: { kind: 'success' as const, title: NOTICES[done]! } } : {}),
      children: (
        <>
          <span class="govuk-caption-l">
            Rendez-vous{data.selected.length === 1 ? ` – ${desk.get(data.selected[0]!.id)}` : ''}
          </span>
          <h1 class="govuk-heading-xl">{title}</h1>
          {!printable && (
            <>
              <form method="get" action={base} class="govuk-!-margin-bottom-6">
                <Select
                  name="agenda"
                  label="Guichet"
                  value={agendaParam}
                  options={[
                    { value: '', label: 'Tous mes guichets' },
                    ...data.agendas.map((a) => ({ value: a.id, label: `${a.place}, ${a.desk}` })),
                  ]}
                />
                <Input name="jour" label="Jour" hint="Par exemple 2026-01-06" width={10} value={day} />
                <Button variant="secondary">Afficher</Button>
              </form>
              <p class="govuk-body">
                <a class="govuk-link" href={query(addCalendarDays(day, -1))}>
                  Jour précédent
                </a>
                {' · '}
                <a class="govuk-link" href={query(addCalendarDays(day, 1))}>
                  Jour suivant
                </a>
                {' · '}
                <a
                  class="govuk-link"
                  href={`${base}/semaine?du=${day}${isUuid(agendaParam) ? `&agenda=${agendaParam}` : ''}`}
                >
                  Semaine
                </a>
                {' · '}
                <a class="govuk-link" href={`${base}/agenda-en-ligne`}>
                  Dans mon agenda
                </a>
                {' · '}
                <a class="govuk-link" href={`${query(day)}&impression=1`}>
                  Version à imprimer
                </a>
                {' · '}
                <a class="govuk-link" href={`${base}/nouveau`}>
                  Prendre un rendez-vous pour une personne
                </a>
              </p>
            </>
          )}
          {data.agendas.length === 0 ? (
            <p class="govuk-body">Aucun guichet de vos services n’a d’agenda.</p>
          ) : (
            <Table
              caption={`${live.length} rendez-vous`}
              columns={[
                { label: 'Heure' },
                { label: 'Personne' },
                { label: 'Rendez-vous' },
                { label: 'Guichet' },
                { label: 'État' },
                ...(printable ? [] : [{ label: 'Actions' }]),
              ]}
              rows={data.bookings.map(({ booking: b, motifName }) => [
                timeText(b.startsAt),
                <span key="p">
                  {b.name}
                  {b.phone ? (
                    <>
                      <br />
                      {b.phone}
                    </>
                  ) : null}
                  {b.requestNumber ? (
                    <>
                      <br />
                      {printable ? (
                        `Demande n° ${b.requestNumber}`
                      ) : (
                        <a class="govuk-link" href={agentRequestPath(request.commune!.slug, b.requestNumber)}>
                          Demande n°{'\u00a0'}
                          {b.requestNumber}
                        </a>
                      )}
                    </>
                  ) : null}
                </span>,
                motifName,
                desk.get(b.agendaId) ?? '',
                <BookingStatus key="s" status={b.status} />,
                ...(printable
                  ? []
                  : [
                      <div key="a" class="govuk-button-group">
                        {(b.status === 'confirme'
                          ? (['arrivee', 'absence', 'annulation'] as const)
                          : b.status === 'annule'
                            ? []
                            : (['retablir'] as const)
                        ).map((action) => (
                          <form key={action} method="post" action={`${base}/${b.id}/${action}`} novalidate>
                            <CsrfField token={csrf} />
                            <input type="hidden" name="jour" value={day} />
                            <input type="hidden" name="agenda" value={isUuid(agendaParam) ? agendaParam : ''} />
                            <button
                              type="submit"
                              class={`govuk-button govuk-!-margin-bottom-0 ${action === 'annulation' ? 'govuk-button--warning' : 'govuk-button--secondary'}`}
                              data-module="govuk-button"
                            >
                              {ACTIONS[action].label}
                              <span class="govuk-visually-hidden">
                                {' '}
                                : {b.name}, {timeText(b.startsAt)}
                              </span>
                            </button>
                          </form>
                        ))}
                      </div>,
                    ]),
              ])}
            />
          )}
        </>
      ),
    });
  });

  app.get('/c/:slug/agent/rendez-vous/semaine', POLICY, async (request, reply) => {
    const actor = request.actor!;
    const agendaParam = formString(request.query, 'agenda');
    const from = dateParam(formString(request.query, 'du'));
    const data = await deskPage(ctx, request.commune!.id, actor, {
      agendaId: isUuid(agendaParam) ? agendaParam : null,
      from,
      days: 7,
    });
    const base = agentBase(request);
    const suffix = isUuid(agendaParam) ? `&agenda=${agendaParam}` : '';
    const desk = new Map(data.agendas.map((a) => [a.id, `${a.place}, ${a.desk}`]));
    const days = Array.from({ length: 7 }, (_, i) => addCalendarDays(from, i));
    return sendPage(request, reply, {
      title: `Semaine du ${dayText(new Date(`${from}T12:00:00Z`))}`,
      wide: true,
      workspace: true,
      breadcrumbs: breadcrumbs(request),
      children: (
        <>
          <h1 class="govuk-heading-xl">Semaine du {dayText(new Date(`${from}T12:00:00Z`))}</h1>
          <p class="govuk-body">
            <a class="govuk-link" href={`${base}/semaine?du=${addCalendarDays(from, -7)}${suffix}`}>
              Semaine précédente
            </a>
            {' · '}
            <a class="govuk-link" href={`${base}/semaine?du=${addCalendarDays(from, 7)}${suffix}`}>
              Semaine suivante
            </a>
          </p>
          {days.map((d) => {
            const list = data.bookings.filter(
              (b) => parisDateOf(b.booking.startsAt) === d && b.booking.status !== 'annule',
            );
            return (
              <section key={d} aria-labelledby={`jour-${d}`}>
                <h2 class="govuk-heading-m" id={`jour-${d}`}>
                  <a class="govuk-link" href={`${base}?jour=${d}${suffix}`}>
                    {capitalized(dayText(new Date(`${d}T12:00:00Z`)))}
                  </a>{' '}
                  <span class="govuk-caption-m">({list.length} rendez-vous)</span>
                </h2>
                {list.length > 0 && (
                  <ul class="govuk-list">
                    {list.map(({ booking: b, motifName }) => (
                      <li key={b.id}>
                        {timeText(b.startsAt)} – {b.name} – {motifName} ({desk.get(b.agendaId)})
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            );
          })}
        </>
      ),
    });
  });

  for (const action of Object.keys(ACTIONS) as Array<keyof typeof ACTIONS>) {
    app.post(`/c/:slug/agent/rendez-vous/:booking/${action}`, POLICY, async (request, reply) => {
      const { booking } = request.params as { booking: string };
      const body = (request.body ?? {}) as FormBody;
      await recordAtDesk(ctx, caller(request), booking, ACTIONS[action].status);
      const day = dateParam(formString(body, 'jour'));
      const agenda = formString(body, 'agenda');
      return reply.redirect(
        `${agentBase(request)}?jour=${day}${isUuid(agenda) ? `&agenda=${agenda}` : ''}&fait=${action}`,
        303,
      );
    });
  }

  async function newBookingPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormBody,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const actor = request.actor!;
    const communeId = request.commune!.id;
    const base = `${agentBase(request)}/nouveau`;
    const motifId = formString(values, 'motif');
    const agendaId = formString(values, 'agenda');
    const debut = formString(values, 'debut');
    const now = new Date();
    const data = await deskPage(ctx, communeId, actor, { agendaId: null, from: parisDateOf(now), days: 1 });
    const motif = isUuid(motifId) ? data.motifs.find((m) => m.id === motifId) : undefined;
    const common = {
      ...(status ? { status } : {}),
      title: 'Prendre un rendez-vous pour une personne',
      errors,
      fieldOrder: ['creneau', 'nom', 'courriel', 'ants', 'telephone'],
      targets: { creneau: 'nom' },
      workspace: true,
      breadcrumbs: breadcrumbs(request),
    };
    if (!motif) {
      return sendPage(request, reply, {
        ...common,
        children: (
          <>
            <h1 class="govuk-heading-xl">Prendre un rendez-vous pour une personne</h1>
            {data.motifs.length === 0 ? (
              <p class="govuk-body">Vos services ne proposent aucun type de rendez-vous.</p>
            ) : (
              <ul class="govuk-list govuk-list--spaced">
                {data.motifs.map((m) => (
                  <li key={m.id}>
                    <a class="govuk-link" href={`${base}?motif=${m.id}`}>
                      {m.name}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </>
        ),
      });
    }
    const startsAt = new Date(debut);
    const agenda =
      isUuid(agendaId) && !Number.isNaN(startsAt.getTime()) ? data.agendas.find((a) => a.id === agendaId) : undefined;
    if (!agenda) {
      const from = dateParam(formString(request.query, 'du'), now, true);
      const { days } = await withTenant(ctx.database, communeId, (tx) =>
        motifSlots(tx, communeId, motif, { from, days: 7, now, byAgent: true }),
      );
      return sendPage(request, reply, {
        ...common,
        children: (
          <>
            <span class="govuk-caption-l">Prendre un rendez-vous pour une personne</span>
            <h1 class="govuk-heading-xl">{motif.name}</h1>
            <SlotList
              days={days}
              from={from}
              today={parisDateOf(now)}
              href={(s) =>
                `${base}?motif=${motif.id}&agenda=${s.agendaId}&debut=${encodeURIComponent(s.startsAt.toISOString())}`
              }
              weekHref={(d) => `${base}?motif=${motif.id}&du=${d}`}
            />
          </>
        ),
      });
    }
    const value = (key: string) => formString(values, key);
    return sendPage(request, reply, {
      ...common,
      children: (
        <>
          <h1 class="govuk-heading-xl">Prendre un rendez-vous pour une personne</h1>
          <InsetText>
            <strong>{motif.name}</strong>
            <br />
            Le {whenText(startsAt)}
            <br />
            {placeLine(agenda, motif)} ({agenda.desk})
          </InsetText>
          {errors.creneau && (
            <p class="govuk-body">
              <a class="govuk-link" href={`${base}?motif=${motif.id}`}>
                Choisir un autre créneau
              </a>
            </p>
          )}
          <form method="post" action={base} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <input type="hidden" name="motif" value={motif.id} />
            <input type="hidden" name="agenda" value={agenda.id} />
            <input type="hidden" name="debut" value={debut} />
            <Input name="nom" label="Nom et prénom" spellcheck={false} value={value('nom')} error={errors.nom} />
            <Input
              name="courriel"
              type="email"
              label="Adresse électronique (facultatif)"
              hint="La personne y reçoit la confirmation, les rappels et le lien pour annuler."
              spellcheck={false}
              value={value('courriel')}
              error={errors.courriel}
            />
            {motif.antsRequired && (
              <Input
                name="ants"
                label="Numéro de pré-demande ANTS"
                hint="10 lettres ou chiffres."
                width={10}
                spellcheck={false}
                value={value('ants')}
                error={errors.ants}
              />
            )}
            <Input
              name="telephone"
              type="tel"
              label="Téléphone"
              width={20}
              value={value('telephone')}
              error={errors.telephone}
            />
            <Button>Réserver</Button>
          </form>
        </>
      ),
    });
  }

  app.get('/c/:slug/agent/rendez-vous/nouveau', POLICY, async (request, reply) =>
    newBookingPage(request, reply, request.query as FormBody),
  );

  app.post('/c/:slug/agent/rendez-vous/nouveau', POLICY, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () =>
        bookAppointment(ctx, caller(request), 'agent', {
          motif: formString(body, 'motif'),
          agenda: formString(body, 'agenda'),
          debut: formString(body, 'debut'),
          nom: formString(body, 'nom'),
          courriel: formString(body, 'courriel'),
          telephone: formString(body, 'telephone'),
          ants: formString(body, 'ants'),
        }),
      (errors, status) => newBookingPage(request, reply, body, errors, status),
    );
    if (!result.ok) return result.response;
    const b = result.value.booking;
    return reply.redirect(
      `${agentBase(request)}?jour=${parisDateOf(b.startsAt)}&agenda=${b.agendaId}&fait=reserve`,
      303,
    );
  });
}
