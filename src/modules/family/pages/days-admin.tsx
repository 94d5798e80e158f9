/**
 * An activity's days for the commune's administrators
 * (`/c/<slug>/admin/famille/activites/<id>/jours`): which weekdays it runs, the booking cut-off,
 * how absences and presences without booking are billed, and its closures (school holidays, a
 * pedagogical day) for this activity or all of them, with the closures to come.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import {
  BackLink,
  Button,
  Checkboxes,
  CsrfField,
  DateInput,
  type FieldErrors,
  Input,
  Radios,
  Table,
} from '../../../platform/views/components.js';
import { formatDate } from '../../../platform/views/format.js';
import { formString, handleForm } from '../../../platform/views/page-kit.js';
import { canManageTariffs } from '../policy.js';
import { closedDaysBetween, findActivity } from '../repo.js';
import type { FamilyCaller } from '../use-cases/common.js';
import { addClosedPeriod, configureDays, type DaysInput } from '../use-cases/configure-days.js';

const params = z.object({ slug: z.string().max(63), activity: z.string().max(100) }).strict();
const WEEKDAYS = ['Lundi', 'Mardi', 'Mercredi', 'Jeudi', 'Vendredi', 'Samedi', 'Dimanche'];
const PARTS = ['du-day', 'du-month', 'du-year', 'au-day', 'au-month', 'au-year'] as const;

function formList(body: unknown, key: string): string[] {
  const v = (body as Record<string, unknown> | undefined)?.[key];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
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

export function registerAdminDaysPages(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const caller = (request: FastifyRequest): FamilyCaller => ({
    commune: request.commune!,
    actor: request.actor,
    httpRequestId: request.id,
  });
  const path = (request: FastifyRequest, id: string) => `${adminBase(request)}/famille/activites/${id}/jours`;

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    form: { errors?: FieldErrors; days?: DaysInput; period?: Record<string, string>; notice?: string } = {},
  ) {
    const commune = request.commune!;
    const missing = () => notFound('family.activity_not_found', 'no such activity');
    if (!isUuid(id) || !canManageTariffs(request.actor)) throw missing();
    const today = parisDateOf(new Date());
    const { activity, closed } = await withTenant(ctx.database, commune.id, async (tx) => {
      const activity = await findActivity(tx, commune.id, id);
      return {
        activity,
        closed: activity ? await closedDaysBetween(tx, commune.id, activity.id, today, '9999-12-31') : [],
      };
    });
    if (!activity) throw missing();
    const errors = form.errors ?? {};
    const days: DaysInput = form.days ?? {
      jours: activity.weekdays.map(String),
      delai: String(activity.cutoffDays),
      heure: String(activity.cutoffHour),
      absence: activity.billUnjustifiedAbsence ? 'oui' : 'non',
      majoration: String(activity.unbookedSurchargePercent),
    };
    const period = form.period ?? { portee: 'toutes' };
    const csrf = reply.generateCsrf();
    return sendAdminPage(request, reply, {
      title: `Jours d’ouverture : ${activity.name}`,
      errors,
      fieldOrder: ['jours', 'delai', 'heure', 'absence', 'majoration', 'du', 'au', 'libelle', 'portee'],
      targets: { jours: 'jours', du: 'du-day', au: 'au-day' },
      ...(form.notice ? { notice: { kind: 'success' as const, title: form.notice } } : {}),
      children: (
        <>
          <BackLink href={`${adminBase(request)}/famille`}>Activités et tarifs</BackLink>
          <h1 class="govuk-heading-xl">
            <span class="govuk-caption-l">{activity.name}</span>
            Jours d’ouverture
          </h1>
          <form method="post" action={path(request, activity.id)} novalidate>
            <CsrfField token={csrf} />
            <Checkboxes
              name="jours"
              legend="Jours de la semaine où l’activité a lieu"
              legendSize="m"
              hint="Les jours fériés sont toujours fermés."
              items={WEEKDAYS.map((label, i) => ({ value: String(i + 1), label }))}
              values={days.jours}
              {...(errors.jours ? { error: errors.jours } : {})}
            />
            <Input
              name="delai"
              label="Délai pour réserver ou annuler, en jours ouvrés"
              hint="2 : un jour se réserve ou s’annule jusqu’à deux jours ouvrés avant (J-2)."
              width={3}
              inputmode="numeric"
              value={days.delai}
              {...(errors.delai ? { error: errors.delai } : {})}
            />
            <Input
              name="heure"
              label="Heure limite ce jour-là (heure de Paris)"
              hint="10 : avant 10 h."
              width={3}
              inputmode="numeric"
              value={days.heure}
              {...(errors.heure ? { error: errors.heure } : {})}
            />
            <Radios
              name="absence"
              legend="Une absence non justifiée d’un jour réservé est-elle facturée ?"
              legendSize="s"
              inline
              items={[
                { value: 'oui', label: 'Oui' },
                { value: 'non', label: 'Non' },
              ]}
              value={days.absence}
              {...(errors.absence ? { error: errors.absence } : {})}
            />
            <Input
              name="majoration"
              label="Majoration d’une présence sans réservation, en %"
              hint="0 pour aucune, 50 pour une fois et demie le prix."
              width={4}
              inputmode="numeric"
              value={days.majoration}
              {...(errors.majoration ? { error: errors.majoration } : {})}
            />
            <Button>Enregistrer</Button>
          </form>
          <h2 class="govuk-heading-l">Fermetures</h2>
          {closed.length === 0 ? (
            <p class="govuk-body">Aucune fermeture à venir.</p>
          ) : (
            <Table
              caption="Fermetures à venir"
              captionSize="s"
              columns={[{ label: 'Jour' }, { label: 'Motif' }, { label: 'Pour' }]}
              rows={closed
                .slice(0, 200)
                .map((c) => [
                  formatDate(new Date(`${c.day}T12:00:00Z`)),
                  c.label,
                  c.activityId ? activity.name : 'Toutes les activités',
                ])}
            />
          )}
          <form method="post" action={`${path(request, activity.id)}/fermeture`} novalidate>
            <CsrfField token={csrf} />
            <DateInput
              name="du"
              legend="Fermé du"
              legendSize="s"
              hint="Par exemple 21 12 2026"
              value={{ day: period['du-day'] ?? '', month: period['du-month'] ?? '', year: period['du-year'] ?? '' }}
              {...(errors.du ? { error: errors.du } : {})}
            />
            <DateInput
              name="au"
              legend="Au (inclus)"
              legendSize="s"
              hint="Par exemple 3 1 2027"
              value={{ day: period['au-day'] ?? '', month: period['au-month'] ?? '', year: period['au-year'] ?? '' }}
              {...(errors.au ? { error: errors.au } : {})}
            />
            <Input
              name="libelle"
              label="Motif"
              hint="Par exemple « Vacances de Noël » ou « Journée pédagogique »"
              value={period.libelle ?? ''}
              {...(errors.libelle ? { error: errors.libelle } : {})}
            />
            <Radios
              name="portee"
              legend="Pour"
              legendSize="s"
              items={[
                { value: 'toutes', label: 'Toutes les activités' },
                { value: 'activite', label: `${activity.name} seulement` },
              ]}
              value={period.portee ?? 'toutes'}
              {...(errors.portee ? { error: errors.portee } : {})}
            />
            <Button variant="secondary">Ajouter la fermeture</Button>
          </form>
        </>
      ),
    });
  }

  const done = (request: FastifyRequest) => {
    const fait = formString(request.query, 'fait');
    return fait === 'jours'
      ? { notice: 'Jours d’ouverture enregistrés' }
      : fait === 'fermeture'
        ? { notice: 'Fermeture ajoutée' }
        : {};
  };

  app.get(
    '/c/:slug/admin/famille/activites/:activity/jours',
    { schema: { hide: true, params }, config: { policy: 'communeAdmin' } },
    (request, reply) => page(request, reply, request.params.activity, done(request)),
  );

  app.post(
    '/c/:slug/admin/famille/activites/:activity/jours',
    { schema: { hide: true, params }, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const id = request.params.activity;
      const days: DaysInput = {
        jours: formList(request.body, 'jours'),
        delai: formString(request.body, 'delai'),
        heure: formString(request.body, 'heure'),
        absence: formString(request.body, 'absence'),
        majoration: formString(request.body, 'majoration'),
      };
      const result = await handleForm(
        () => configureDays(ctx.database, caller(request), id, days),
        (errors) => page(request, reply, id, { errors, days }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${path(request, id)}?fait=jours`, 303);
    },
  );

  app.post(
    '/c/:slug/admin/famille/activites/:activity/jours/fermeture',
    { schema: { hide: true, params }, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const id = request.params.activity;
      const period: Record<string, string> = {
        libelle: formString(request.body, 'libelle'),
        portee: formString(request.body, 'portee'),
      };
      for (const k of PARTS) period[k] = formString(request.body, k);
      const result = await handleForm(
        () =>
          addClosedPeriod(ctx.database, caller(request), id, {
            du: isoFromParts(request.body, 'du'),
            au: isoFromParts(request.body, 'au'),
            libelle: period.libelle!,
            portee: period.portee!,
          }),
        (errors) => page(request, reply, id, { errors, period }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${path(request, id)}?fait=fermeture`, 303);
    },
  );
}
