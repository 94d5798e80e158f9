/**
 * The agents' pointing page (`/c/<slug>/agent/famille/pointage?activite=&jour=`, staff): an
 * activity and a day, the children enrolled with what was booked, and for each one present,
 * absent justified, absent not justified (or not pointed yet). Made for a tablet and a phone,
 * without JavaScript; the whole day is sent at once, so sending the same page again after a lost
 * connection sets the same marks again and loses none.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { isUuid } from '../../../platform/ids.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { Button, CsrfField, type FieldErrors, Select, Tag } from '../../../platform/views/components.js';
import { formatDate } from '../../../platform/views/format.js';
import { formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { bookingsOfDay, closedDaysBetween, listActivities, listEnrolmentsOfActivity } from '../repo.js';
import { closedReason } from '../reservations/days.js';
import { dayRulesOf } from '../use-cases/change-bookings.js';
import type { FamilyCaller } from '../use-cases/common.js';
import { recordAttendance } from '../use-cases/record-attendance.js';

const MARKS = [
  { value: 'present', label: 'Présent' },
  { value: 'absent_justifie', label: 'Absent, justifié' },
  { value: 'absent_non_justifie', label: 'Absent, non justifié' },
  { value: '', label: 'Non pointé' },
] as const;

export function registerAttendancePages(app: FastifyInstance, ctx: AppContext): void {
  const caller = (request: FastifyRequest): FamilyCaller => ({
    commune: request.commune!,
    actor: request.actor,
    httpRequestId: request.id,
  });
  const base = (request: FastifyRequest) => `/c/${request.commune!.slug}/agent/famille/pointage`;

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    choice: { activite: string; jour: string },
    form: { errors?: FieldErrors; notice?: string } = {},
  ) {
    const commune = request.commune!;
    const day = /^\d{4}-\d{2}-\d{2}$/.test(choice.jour) ? choice.jour : parisDateOf(new Date());
    const data = await withTenant(ctx.database, commune.id, async (tx) => {
      const activities = await listActivities(tx, commune.id);
      const activity = activities.find((a) => a.id === choice.activite) ?? activities[0];
      if (!activity) return { activities, activity: undefined, children: [], closed: null };
      const [enrolments, bookings, closed] = await Promise.all([
        listEnrolmentsOfActivity(tx, commune.id, activity.id),
        bookingsOfDay(tx, commune.id, activity.id, day),
        closedDaysBetween(tx, commune.id, activity.id, day, day),
      ]);
      const byChild = new Map(bookings.map((b) => [b.childId, b]));
      const children = enrolments
        .filter((e) => e.status === 'inscrit')
        .map((e) => ({ enrolment: e, booking: byChild.get(e.childId) }))
        .sort(
          (a, b) =>
            Number(!!b.booking?.booked) - Number(!!a.booking?.booked) ||
            a.enrolment.childName.localeCompare(b.enrolment.childName, 'fr'),
        );
      return { activities, activity, children, closed: closedReason(day, dayRulesOf(activity), closed) };
    });
    const csrf = reply.generateCsrf();
    const booked = data.children.filter((c) => c.booking?.booked).length;
    return sendPage(request, reply, {
      title: data.activity ? `Pointage : ${data.activity.name}, ${formatDate(day)}` : 'Pointage',
      errors: form.errors ?? {},
      wide: true,
      ...(form.notice ? { notice: { kind: 'success' as const, title: form.notice } } : {}),
      children: (
        <>
          <h1 class="govuk-heading-l">Pointage des présences</h1>
          <form method="get" action={base(request)} class="guichet-inline-form">
            <Select
              name="activite"
              label="Activité"
              options={data.activities.map((a) => ({ value: a.id, label: a.name }))}
              {...(data.activity ? { value: data.activity.id } : {})}
            />
            <div class="govuk-form-group">
              <label class="govuk-label" for="jour">
                Jour
              </label>
              <input class="govuk-input govuk-input--width-10" id="jour" name="jour" type="date" value={day} />
            </div>
            <Button variant="secondary">Afficher</Button>
          </form>
          {!data.activity ? (
            <p class="govuk-body">Aucune activité dans la commune.</p>
          ) : (
            <>
              <h2 class="govuk-heading-m">
                {data.activity.name}, {formatDate(day)}
              </h2>
              {data.closed ? (
                <p class="govuk-inset-text">
                  {data.closed.startsWith('Pas d’accueil')
                    ? `${data.closed}.`
                    : `Pas d’accueil ce jour : ${data.closed}.`}
                </p>
              ) : null}
              <p class="govuk-body">
                {booked} enfant{booked > 1 ? 's' : ''} réservé{booked > 1 ? 's' : ''} sur {data.children.length} inscrit
                {data.children.length > 1 ? 's' : ''}. Un enfant présent sans réservation est facturé avec la majoration
                de la commune.
              </p>
              {data.children.length === 0 ? (
                <p class="govuk-body">Aucun enfant inscrit à cette activité.</p>
              ) : (
                <form method="post" action={base(request)} novalidate>
                  <CsrfField token={csrf} />
                  <input type="hidden" name="activite" value={data.activity.id} />
                  <input type="hidden" name="jour" value={day} />
                  <ul class="govuk-list guichet-card-list">
                    {data.children.map(({ enrolment, booking }) => {
                      const current = booking?.attendance ?? '';
                      const name = `pointage-${enrolment.childId}`;
                      return (
                        <li key={enrolment.id} class="govuk-!-margin-bottom-4">
                          <div class="govuk-form-group">
                            <fieldset class="govuk-fieldset">
                              <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">
                                {enrolment.childName}{' '}
                                {booking?.booked ? <Tag>Réservé</Tag> : <Tag colour="grey">Sans réservation</Tag>}
                              </legend>
                              <div class="govuk-radios govuk-radios--small govuk-radios--inline">
                                {MARKS.map((m, i) => {
                                  const id = i === 0 ? name : `${name}-${i + 1}`;
                                  return (
                                    <div class="govuk-radios__item" key={m.value}>
                                      <input
                                        class="govuk-radios__input"
                                        id={id}
                                        name={name}
                                        type="radio"
                                        value={m.value}
                                        checked={current === m.value}
                                      />
                                      <label class="govuk-label govuk-radios__label" for={id}>
                                        {m.label}
                                      </label>
                                    </div>
                                  );
                                })}
                              </div>
                            </fieldset>
                          </div>
                        </li>
                      );
                    })}
                  </ul>
                  <Button>Enregistrer le pointage</Button>
                </form>
              )}
            </>
          )}
        </>
      ),
    });
  }

  app.get('/c/:slug/agent/famille/pointage', { config: { policy: 'staff' } }, (request, reply) => {
    const saved = formString(request.query, 'enregistre');
    const n = /^\d{1,4}$/.test(saved) ? Number(saved) : null;
    return page(
      request,
      reply,
      { activite: formString(request.query, 'activite'), jour: formString(request.query, 'jour') },
      n === null
        ? {}
        : {
            notice:
              n === 0
                ? 'Pointage enregistré, sans changement'
                : `Pointage enregistré : ${n} enfant${n > 1 ? 's' : ''} mis à jour`,
          },
    );
  });

  app.post('/c/:slug/agent/famille/pointage', { config: { policy: 'staff' } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const choice = { activite: formString(body, 'activite'), jour: formString(body, 'jour') };
    const marks: Record<string, string> = {};
    for (const [key, value] of Object.entries(body)) {
      const childId = key.startsWith('pointage-') ? key.slice('pointage-'.length) : '';
      if (isUuid(childId) && typeof value === 'string') marks[childId] = value;
    }
    const result = await handleForm(
      () => recordAttendance(ctx.database, caller(request), { ...choice, marks }),
      (errors) => page(request, reply, choice, { errors }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(
      `${base(request)}?activite=${choice.activite}&jour=${choice.jour}&enregistre=${result.value.changed}`,
      303,
    );
  });
}
