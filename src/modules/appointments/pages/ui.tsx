/** Shared pieces of the appointments' pages: paths, the slot list, the status tag. */
import type { FastifyRequest } from 'fastify';
import { addCalendarDays, parisDateOf } from '../../../platform/time/calendar.js';
import { Tag, type TagColour } from '../../../platform/views/components.js';
import type { DaySlots } from '../queries.js';
import type { Agenda, Booking, Motif } from '../schema.js';
import { dayText, documentLines, KIND_LABELS, STATUS_LABELS, timeText } from '../texts.js';

export function publicBase(request: FastifyRequest): string {
  return `/c/${request.commune!.slug}/rendez-vous`;
}

export function agentBase(request: FastifyRequest): string {
  return `/c/${request.commune!.slug}/agent/rendez-vous`;
}

/** A YYYY-MM-DD query value, or today's Paris date (never before today when `notPast`). */
export function dateParam(value: string, now = new Date(), notPast = false): string {
  const today = parisDateOf(now);
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
  if (!valid) return today;
  return notPast && value < today ? today : value;
}

const STATUS_COLOURS: Record<Booking['status'], TagColour | undefined> = {
  confirme: undefined,
  annule: 'grey',
  arrive: 'green',
  absent: 'red',
};

export function BookingStatus({ status }: { status: Booking['status'] }) {
  return <Tag colour={STATUS_COLOURS[status]}>{STATUS_LABELS[status]}</Tag>;
}

/** What to bring and how the appointment happens, shown before booking. */
export function MotifFacts({ motif }: { motif: Motif }) {
  const documents = documentLines(motif.documents);
  return (
    <>
      <p class="govuk-body">
        Rendez-vous {KIND_LABELS[motif.kind]}, d’une durée de {motif.durationMinutes} minutes
        {motif.capacity > 1 ? ` (séance collective de ${motif.capacity} places)` : ''}.
      </p>
      {documents.length > 0 && (
        <>
          <h2 class="govuk-heading-m">Documents à apporter</h2>
          <ul class="govuk-list govuk-list--bullet">
            {documents.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

/**
 * The free slots of a week, one day after the other; each time is a link (`href` builds it).
 * Previous and next weeks by links: no script needed.
 */
export function SlotList({
  days,
  href,
  weekHref,
  from,
  today,
}: {
  days: DaySlots[];
  href: (slot: DaySlots['slots'][number]) => string;
  weekHref: (from: string) => string;
  from: string;
  today: string;
}) {
  const places = new Set(days.flatMap((d) => d.slots.map((s) => s.place)));
  const previous = addCalendarDays(from, -7);
  return (
    <>
      {days.map((day) => {
        const label = dayText(new Date(`${day.date}T12:00:00Z`));
        return (
          <section key={day.date} aria-labelledby={`jour-${day.date}`}>
            <h3 class="govuk-heading-s" id={`jour-${day.date}`}>
              {label.charAt(0).toUpperCase() + label.slice(1)}
            </h3>
            {day.slots.length === 0 ? (
              <p class="govuk-body govuk-hint">{day.closed ? `Fermé (${day.closed}).` : 'Aucun créneau libre.'}</p>
            ) : (
              <ul class="govuk-list guichet-slots">
                {day.slots.map((slot) => (
                  <li key={`${slot.agendaId}-${slot.startsAt.getTime()}`}>
                    <a class="govuk-link" href={href(slot)}>
                      {timeText(slot.startsAt)}
                      <span class="govuk-visually-hidden"> le {label}</span>
                      {places.size > 1 ? ` – ${slot.place}` : ''}
                      {slot.remaining > 1 ? ` (${slot.remaining} places)` : ''}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
      <nav class="govuk-pagination govuk-pagination--block" aria-label="Semaines">
        {previous >= today && (
          <div class="govuk-pagination__prev">
            <a class="govuk-link govuk-pagination__link" href={weekHref(previous)} rel="prev">
              <span class="govuk-pagination__link-title">Semaine précédente</span>
            </a>
          </div>
        )}
        <div class="govuk-pagination__next">
          <a class="govuk-link govuk-pagination__link" href={weekHref(addCalendarDays(from, 7))} rel="next">
            <span class="govuk-pagination__link-title">Semaine suivante</span>
          </a>
        </div>
      </nav>
    </>
  );
}

export function placeLine(agenda: Agenda | undefined, motif: Motif): string {
  if (motif.kind !== 'guichet') return `Rendez-vous ${KIND_LABELS[motif.kind]}`;
  if (!agenda) return '';
  return [agenda.place, agenda.address].filter(Boolean).join(', ');
}
