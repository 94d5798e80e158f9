/**
 * Appointments (issue 12): agendas of each service's desks with weekly hours, closures and the
 * public holidays; motifs; booking by citizens, visitors and agents without double booking;
 * confirmation mail with its calendar file, reminders, a secret link to cancel or move, a
 * waitlist; the desks' day and week. Contributes the administration link, the agent tile, the
 * citizen's « Mes rendez-vous » block and figures.
 */
import { z } from 'zod';
import { subscribe } from '../../platform/events/index.js';
import type { GuichetModule } from '../../platform/module.js';
import { addCalendarDays, parisDateOf, parisInstant } from '../../platform/time/calendar.js';
import { formatNumber } from '../../platform/views/format.js';
import { antsSyncJob } from './ants-sync.js';
import { appointmentsIndicators } from './indicators.js';
import { APPOINTMENT_MAILS } from './mail-templates.js';
import { reminderJob } from './notify.js';
import { registerAdminPages } from './pages/admin.js';
import { registerAgentPages } from './pages/agent.js';
import { registerAntsHub } from './pages/ants-hub.js';
import { registerBookingPages } from './pages/booking.js';
import { registerFeedPages } from './pages/feeds.js';
import { registerManagePages } from './pages/manage.js';
import { registerOwnPages } from './pages/mine.js';
import { registerWalkInPages } from './pages/walk-in.js';
import { canBook, canCallTickets, canWorkAgenda } from './policy.js';
import { myAppointments } from './queries.js';
import {
  bookingFigures,
  bookingsBetween,
  bookingsOfAccount,
  eraseAccountBookings,
  listAgendas,
  listMotifs,
} from './repo.js';
import { STATUS_LABELS, whenText } from './texts.js';
import { expireOffer, OFFER_EXPIRY_JOB, offerFreedSeat } from './use-cases/waitlist.js';
import { ticketFigures, walkInMotifs } from './walk-in/repo.js';

const payloadSchema = z.object({
  bookingId: z.string(),
  motifId: z.string(),
  agendaId: z.string(),
  startsAt: z.string(),
});

export const appointmentsModule: GuichetModule = {
  name: 'appointments',
  mailTemplates: Object.values(APPOINTMENT_MAILS),
  registerRoutes(app, ctx) {
    registerBookingPages(app, ctx);
    registerManagePages(app, ctx);
    registerOwnPages(app, ctx);
    registerAgentPages(app, ctx);
    registerFeedPages(app, ctx);
    registerAdminPages(app, ctx);
    registerWalkInPages(app, ctx);
    registerAntsHub(app, ctx);
  },
  jobs: (ctx) => [
    reminderJob(ctx),
    antsSyncJob(ctx),
    {
      name: OFFER_EXPIRY_JOB,
      schema: z.object({ communeId: z.uuid(), waitlistId: z.uuid(), payload: payloadSchema }),
      retryLimit: 3,
      run: (data) => expireOffer(ctx, data as never),
    },
  ],
  subscribers: (ctx) => [
    subscribe('appointment.freed', 'appointments.waitlist-offer', async (event) => {
      await offerFreedSeat(ctx, event);
    }),
  ],
  personalData: {
    // Bookings are commune records: the transaction's commune only (the one the person asks from).
    async collect(tx, accountId) {
      const rows = await bookingsOfAccount(tx, accountId);
      if (rows.length === 0) return [];
      return [
        {
          key: 'rendezVous',
          data: rows.map((r) => ({ motif: r.motif, debut: r.starts_at.toISOString(), etat: r.status, lieu: r.place })),
          readable: {
            title: 'Rendez-vous',
            tables: [
              {
                caption: 'Vos rendez-vous',
                columns: ['Rendez-vous', 'Date', 'Lieu', 'État'],
                rows: rows.map((r) => [
                  r.motif,
                  whenText(r.starts_at),
                  r.place,
                  STATUS_LABELS[r.status as keyof typeof STATUS_LABELS] ?? r.status,
                ]),
              },
            ],
          },
        },
      ];
    },
    erase: (tx, accountId) => eraseAccountBookings(tx, accountId),
  },
  adminLinks: [
    {
      path: 'rendez-vous',
      label: 'Rendez-vous',
      title: 'Rendez-vous : agendas, horaires et motifs',
      description:
        'Créer les agendas des guichets, leurs horaires et fermetures, et les types de rendez-vous proposés.',
      order: 45,
    },
  ],
  publicTasks: [
    {
      // Motifs anyone may book (a visitor, or a citizen once signed in) at a desk that is open.
      async list(tx, communeId) {
        const [motifs, agendas] = await Promise.all([listMotifs(tx, communeId), listAgendas(tx, communeId)]);
        const served = new Set(agendas.filter((a) => a.active).map((a) => a.serviceId));
        return motifs
          .filter((m) => m.active && served.has(m.serviceId) && canBook(m.bookableBy, 'citizen'))
          .map((m) => ({
            key: `rendez-vous:${m.id}`,
            path: `rendez-vous/${m.id}`,
            label: `Prendre rendez-vous : ${m.name}`,
            description: null,
            serviceId: m.serviceId,
          }));
      },
    },
  ],
  agentTiles: [
    {
      path: 'agent/rendez-vous',
      label: 'Rendez-vous',
      order: 15,
      async status(tx, communeId, actor) {
        const agendas = (await listAgendas(tx, communeId)).filter((a) => a.active && canWorkAgenda(actor, a));
        if (agendas.length === 0) return null;
        const today = parisDateOf(new Date());
        const rows = await bookingsBetween(
          tx,
          communeId,
          agendas.map((a) => a.id),
          parisInstant(today, 0)!,
          parisInstant(addCalendarDays(today, 1), 0)!,
        );
        const count = rows.filter((r) => r.booking.status === 'confirme').length;
        return count === 0
          ? { text: 'aucun rendez-vous attendu aujourd’hui', waiting: false }
          : { text: `${formatNumber(count)} rendez-vous attendu${count > 1 ? 's' : ''} aujourd’hui`, waiting: true };
      },
    },
    {
      path: 'agent/file-d-attente',
      label: 'File d’attente',
      order: 16,
      async status(tx, communeId, actor) {
        const motifs = (await walkInMotifs(tx, communeId)).filter((m) => canCallTickets(actor, m));
        if (motifs.length === 0) return null;
        const { waiting } = await ticketFigures(
          tx,
          communeId,
          parisDateOf(new Date()),
          motifs.map((m) => m.id),
        );
        return waiting === 0
          ? { text: 'personne n’attend à l’accueil', waiting: false }
          : { text: `${formatNumber(waiting)} personne${waiting > 1 ? 's' : ''} en attente`, waiting: true };
      },
    },
  ],
  portalWidgets: [
    {
      key: 'appointments.rendez-vous',
      title: 'Mes rendez-vous',
      order: 15,
      async load(tx, { communeId, communeSlug, accountId }) {
        const rows = await myAppointments(tx, communeId, accountId);
        const live = rows.filter((r) => r.booking.status !== 'annule');
        return {
          items: live.slice(0, 5).map(({ booking, motifName, place }) => ({
            href: `/c/${communeSlug}/mes-rendez-vous/${booking.id}`,
            label: motifName,
            meta: `${whenText(booking.startsAt)}, ${place}`,
          })),
          empty: 'Aucun rendez-vous à venir.',
          links: [{ href: `/c/${communeSlug}/rendez-vous`, label: 'Prendre rendez-vous' }],
        };
      },
    },
  ],
  indicators: [appointmentsIndicators],
  figures: [
    {
      key: 'appointments.bookings',
      label: 'Rendez-vous pris',
      unit: 'count',
      compute: async (tx, communeId) => (await bookingFigures(tx, communeId)).total,
    },
    {
      key: 'appointments.cancellations',
      label: 'Rendez-vous annulés',
      unit: 'count',
      compute: async (tx, communeId) => (await bookingFigures(tx, communeId)).cancelled,
    },
    {
      key: 'appointments.no_shows',
      label: 'Absences aux rendez-vous',
      unit: 'count',
      compute: async (tx, communeId) => (await bookingFigures(tx, communeId)).no_show,
    },
    {
      key: 'appointments.lead_time_hours',
      label: 'Délai moyen de rendez-vous (heures)',
      unit: 'count',
      compute: async (tx, communeId) => (await bookingFigures(tx, communeId)).lead_hours ?? 0,
    },
    {
      key: 'appointments.walk_in_tickets',
      label: 'Tickets de la file d’attente (aujourd’hui)',
      unit: 'count',
      compute: async (tx, communeId) => (await ticketFigures(tx, communeId, parisDateOf(new Date()))).taken,
    },
    {
      key: 'appointments.walk_in_wait_minutes',
      label: 'Attente moyenne à l’accueil aujourd’hui (minutes)',
      unit: 'count',
      compute: async (tx, communeId) => (await ticketFigures(tx, communeId, parisDateOf(new Date()))).averageWait,
    },
  ],
};
