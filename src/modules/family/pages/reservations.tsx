/**
 * A child's bookings for an activity, month by month (`/c/<slug>/famille/reservations/<enrolment>`,
 * the guardian): a calendar of the weeks where each day still changeable has a box (ticked:
 * booked), past-cut-off days show what was booked, closed days say why. Works without
 * JavaScript on a phone; a form below books or cancels « every Monday and Thursday » of a period.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import {
  BackLink,
  Button,
  Checkboxes,
  CsrfField,
  DateInput,
  type FieldErrors,
  Radios,
} from '../../../platform/views/components.js';
import { formatDateTime, formatMonth, MONTH_NAMES } from '../../../platform/views/format.js';
import { formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { canBook } from '../policy.js';
import { childBookingsBetween, closedDaysBetween, findActivity, findEnrolment } from '../repo.js';
import { closedReason, cutoffOf, isChangeable, isoWeekday, monthDays, shiftMonth } from '../reservations/days.js';
import {
  BOOKING_ENROLMENT_NOT_FOUND,
  bookRecurring,
  dayRulesOf,
  type RecurringInput,
  saveMonthBookings,
} from '../use-cases/change-bookings.js';
import type { FamilyCaller } from '../use-cases/common.js';

const params = z.object({ slug: z.string().max(63), enrolment: z.string().max(100) }).strict();

const WEEKDAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];
const SHORT = ['Lun', 'Mar', 'Mer', 'Jeu', 'Ven', 'Sam', 'Dim'];
export const monthLabel = formatMonth;

function dayLabel(day: string): string {
  return `${WEEKDAYS[isoWeekday(day) - 1]} ${Number(day.slice(8, 10))} ${MONTH_NAMES[Number(day.slice(5, 7)) - 1]}`;
}

/** Every value of a repeated form field. */
export function formList(body: unknown, key: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[key];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

function isoFromParts(body: unknown, name: string): string {
  const d = formString(body, `${name}-day`).trim();
  const m = formString(body, `${name}-month`).trim();
  const y = formString(body, `${name}-year`).trim();
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return '';
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const check = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(check.getTime()) && check.toISOString().slice(0, 10) === iso ? iso : '';
}

export function registerReservationPages(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const caller = (request: FastifyRequest): FamilyCaller => ({
    commune: request.commune!,
    actor: request.actor,
    httpRequestId: request.id,
  });
  const path = (request: FastifyRequest, enrolmentId: string) =>
    `/c/${request.commune!.slug}/famille/reservations/${enrolmentId}`;

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    enrolmentId: string,
    month: string,
    form: { errors?: FieldErrors; recurring?: Record<string, string | string[]>; notice?: string } = {},
  ) {
    const commune = request.commune!;
    if (!isUuid(enrolmentId)) throw BOOKING_ENROLMENT_NOT_FOUND();
    const now = new Date();
    const data = await withTenant(ctx.database, commune.id, async (tx) => {
      const enrolment = await findEnrolment(tx, commune.id, enrolmentId);
      if (!enrolment || !canBook(request.actor, enrolment)) throw BOOKING_ENROLMENT_NOT_FOUND();
      const activity = (await findActivity(tx, commune.id, enrolment.activityId))!;
      const days = monthDays(month);
      return {
        enrolment,
        activity,
        closed: await closedDaysBetween(tx, commune.id, activity.id, days[0]!, days.at(-1)!),
        bookings: await childBookingsBetween(tx, commune.id, activity.id, enrolment.childId, days[0]!, days.at(-1)!),
      };
    });
    const { enrolment, activity, closed, bookings } = data;
    const rules = dayRulesOf(activity);
    const booked = new Set(bookings.filter((b) => b.booked).map((b) => b.day));
    const days = monthDays(month);
    const columns = [1, 2, 3, 4, 5, 6, 7].filter((w) => w <= 5 || rules.weekdays.includes(w));
    const weeks: string[][] = [];
    for (const day of days) {
      const w = isoWeekday(day);
      if (!columns.includes(w)) continue;
      if (weeks.length === 0 || w <= isoWeekday(weeks.at(-1)!.at(-1)!)) weeks.push([]);
      weeks.at(-1)!.push(day);
    }
    const changeable = days.filter((d) => isChangeable(d, now, rules, closed));
    const errors = form.errors ?? {};
    const csrf = reply.generateCsrf();
    const base = path(request, enrolment.id);
    const cell = (day: string) => {
      const reason = closedReason(day, rules, closed);
      const n = Number(day.slice(8, 10));
      if (reason) {
        return (
          <td class="govuk-table__cell guichet-calendar__day guichet-calendar__day--closed" key={day}>
            <span aria-hidden="true">{n}</span>
            <span class="govuk-visually-hidden">{dayLabel(day)} : </span>
            <span class="guichet-calendar__status">{reason.includes('férié') ? 'Férié' : 'Fermé'}</span>
          </td>
        );
      }
      if (changeable.includes(day)) {
        const id = `jour-${day}`;
        return (
          <td class="govuk-table__cell guichet-calendar__day" key={day}>
            <input type="hidden" name="affiche" value={day} />
            <div class="govuk-checkboxes govuk-checkboxes--small">
              <div class="govuk-checkboxes__item">
                <input
                  class="govuk-checkboxes__input"
                  id={id}
                  name="jour"
                  type="checkbox"
                  value={day}
                  checked={booked.has(day)}
                />
                <label class="govuk-label govuk-checkboxes__label" for={id}>
                  {n}
                  <span class="govuk-visually-hidden"> : réserver le {dayLabel(day)}</span>
                </label>
              </div>
            </div>
          </td>
        );
      }
      return (
        <td class="govuk-table__cell guichet-calendar__day" key={day}>
          <span aria-hidden="true">{n}</span>
          <span class="govuk-visually-hidden">{dayLabel(day)} : </span>
          <span class="guichet-calendar__status">{booked.has(day) ? 'Réservé' : 'Non réservé'}</span>
        </td>
      );
    };
    const recurring = form.recurring ?? {};
    const next = changeable[0];
    return sendPage(request, reply, {
      title: `Réservations de ${enrolment.childName} : ${activity.name}`,
      errors,
      fieldOrder: ['jours', 'du', 'au'],
      targets: { du: 'du-day', au: 'au-day', jours: changeable[0] ? `jour-${changeable[0]}` : 'recurrence-jours' },
      ...(form.notice ? { notice: { kind: 'success' as const, title: form.notice } } : {}),
      children: (
        <>
          <BackLink href={`/c/${commune.slug}/famille`}>Mon espace famille</BackLink>
          <h1 class="govuk-heading-l">
            <span class="govuk-caption-m">{activity.name}</span>
            Réservations de {enrolment.childName}
          </h1>
          <p class="govuk-body">
            Réservez ou annulez au plus tard {activity.cutoffDays} jour{activity.cutoffDays > 1 ? 's' : ''} ouvré
            {activity.cutoffDays > 1 ? 's' : ''} avant, à {activity.cutoffHour} h (heure de Paris).
            {next
              ? ` Prochain jour modifiable : ${dayLabel(next)}, jusqu’au ${formatDateTime(cutoffOf(next, rules))}.`
              : ''}
          </p>
          <nav class="guichet-calendar__nav" aria-label="Changer de mois">
            <a class="govuk-link" href={`${base}?mois=${shiftMonth(month, -1)}`}>
              ← {monthLabel(shiftMonth(month, -1))}
            </a>
            <a class="govuk-link" href={`${base}?mois=${shiftMonth(month, 1)}`}>
              {monthLabel(shiftMonth(month, 1))} →
            </a>
          </nav>
          <form method="post" action={base} novalidate>
            <CsrfField token={csrf} />
            <input type="hidden" name="mois" value={month} />
            <div class={errors.jours ? 'govuk-form-group govuk-form-group--error' : 'govuk-form-group'}>
              {errors.jours ? (
                <p class="govuk-error-message" id="jours-error">
                  <span class="govuk-visually-hidden">Erreur : </span>
                  {errors.jours}
                </p>
              ) : null}
              <table class="govuk-table guichet-calendar">
                <caption class="govuk-table__caption govuk-table__caption--m">{monthLabel(month)}</caption>
                <thead class="govuk-table__head">
                  <tr class="govuk-table__row">
                    {columns.map((w) => (
                      <th scope="col" class="govuk-table__header" key={w}>
                        <abbr title={WEEKDAYS[w - 1]}>{SHORT[w - 1]}</abbr>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody class="govuk-table__body">
                  {weeks.map((week) => (
                    <tr class="govuk-table__row" key={week[0]}>
                      {columns.map((w) => {
                        const day = week.find((d) => isoWeekday(d) === w);
                        return day ? cell(day) : <td class="govuk-table__cell" key={w} />;
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {changeable.length > 0 ? (
              <Button>Enregistrer les réservations de {monthLabel(month)}</Button>
            ) : (
              <p class="govuk-body">Plus aucun jour de ce mois ne peut être modifié.</p>
            )}
          </form>
          <h2 class="govuk-heading-m">Réserver toute une période</h2>
          <form method="post" action={`${base}/periode`} novalidate>
            <CsrfField token={csrf} />
            <input type="hidden" name="mois" value={month} />
            <Checkboxes
              name="jours"
              id="recurrence-jours"
              legend="Quels jours de la semaine ?"
              legendSize="s"
              small
              items={rules.weekdays.map((w) => ({ value: String(w), label: `Tous les ${WEEKDAYS[w - 1]}s` }))}
              values={(recurring.jours as string[] | undefined) ?? []}
              {...(errors.jours && form.recurring ? { error: errors.jours } : {})}
            />
            <DateInput
              name="du"
              legend="Du"
              legendSize="s"
              hint="Par exemple 4 1 2027"
              value={{
                day: recurring['du-day'] as string,
                month: recurring['du-month'] as string,
                year: recurring['du-year'] as string,
              }}
              {...(errors.du ? { error: errors.du } : {})}
            />
            <DateInput
              name="au"
              legend="Au"
              legendSize="s"
              hint="Par exemple 5 2 2027"
              value={{
                day: recurring['au-day'] as string,
                month: recurring['au-month'] as string,
                year: recurring['au-year'] as string,
              }}
              {...(errors.au ? { error: errors.au } : {})}
            />
            <Radios
              name="action"
              legend="Réserver ou annuler ?"
              legendSize="s"
              small
              inline
              items={[
                { value: 'reserver', label: 'Réserver ces jours' },
                { value: 'annuler', label: 'Annuler ces jours' },
              ]}
              value={(recurring.action as string | undefined) ?? 'reserver'}
            />
            <Button variant="secondary">Appliquer à la période</Button>
          </form>
        </>
      ),
    });
  }

  const currentMonth = () => parisDateOf(new Date()).slice(0, 7);
  const monthOf = (value: string) => (/^\d{4}-(0[1-9]|1[0-2])$/.test(value) ? value : currentMonth());
  const done = (r: { booked: number; cancelled: number }) =>
    r.booked + r.cancelled === 0
      ? 'Aucun changement'
      : `${r.booked} jour${r.booked > 1 ? 's' : ''} réservé${r.booked > 1 ? 's' : ''}, ${r.cancelled} annulé${r.cancelled > 1 ? 's' : ''}`;

  app.get(
    '/c/:slug/famille/reservations/:enrolment',
    { schema: { hide: true, params }, config: { policy: 'signedIn' } },
    (request, reply) => {
      const count = (key: string) =>
        Number(/^\d{1,3}$/.test(formString(request.query, key)) ? formString(request.query, key) : NaN);
      const booked = count('reserves');
      const cancelled = count('annules');
      const notice = Number.isNaN(booked) || Number.isNaN(cancelled) ? undefined : done({ booked, cancelled });
      return page(request, reply, request.params.enrolment, monthOf(formString(request.query, 'mois')), {
        ...(notice ? { notice } : {}),
      });
    },
  );

  app.post(
    '/c/:slug/famille/reservations/:enrolment',
    { schema: { hide: true, params }, config: { policy: 'signedIn' } },
    async (request, reply) => {
      const month = monthOf(formString(request.body, 'mois'));
      const result = await handleForm(
        () =>
          saveMonthBookings(ctx.database, caller(request), request.params.enrolment, {
            month,
            shown: formList(request.body, 'affiche'),
            booked: formList(request.body, 'jour'),
          }),
        (errors) => page(request, reply, request.params.enrolment, month, { errors }),
      );
      if (!result.ok) return result.response;
      const back = `${path(request, request.params.enrolment)}?mois=${month}&reserves=${result.value.booked}&annules=${result.value.cancelled}`;
      return reply.redirect(back, 303);
    },
  );

  app.post(
    '/c/:slug/famille/reservations/:enrolment/periode',
    { schema: { hide: true, params }, config: { policy: 'signedIn' } },
    async (request, reply) => {
      const month = monthOf(formString(request.body, 'mois'));
      const body = request.body as Record<string, unknown>;
      const input: RecurringInput = {
        du: isoFromParts(body, 'du'),
        au: isoFromParts(body, 'au'),
        jours: formList(body, 'jours'),
        action: formString(body, 'action'),
      };
      const recurring: Record<string, string | string[]> = { jours: input.jours, action: input.action };
      for (const k of ['du-day', 'du-month', 'du-year', 'au-day', 'au-month', 'au-year'])
        recurring[k] = formString(body, k);
      const result = await handleForm(
        async () => {
          const missing: Record<string, string> = {};
          if (!input.du) missing.du = 'Saisissez une date de début valide, par exemple 4 1 2027.';
          if (!input.au) missing.au = 'Saisissez une date de fin valide, par exemple 5 2 2027.';
          if (Object.keys(missing).length > 0) {
            throw new AppError('family.recurring_invalid', 'invalid dates', 422, { fields: missing });
          }
          return bookRecurring(ctx.database, caller(request), request.params.enrolment, input);
        },
        (errors) => page(request, reply, request.params.enrolment, month, { errors, recurring }),
      );
      if (!result.ok) return result.response;
      const back = `${path(request, request.params.enrolment)}?mois=${input.du.slice(0, 7)}&reserves=${result.value.booked}&annules=${result.value.cancelled}`;
      return reply.redirect(back, 303);
    },
  );
}
