/**
 * The appointments' administration (/c/<slug>/admin/rendez-vous): the desks of each service and
 * place, each with its weekly opening hours and closures (public holidays are built in), and the
 * motifs each service offers (duration, buffer, seats, delays, who may book, documents to bring,
 * reminders).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import {
  Button,
  CsrfField,
  type FieldErrors,
  Input,
  Radios,
  Select,
  Table,
  Textarea,
} from '../../../platform/views/components.js';
import { type FormBody, formString, handleForm } from '../../../platform/views/page-kit.js';
import { settingsPage } from '../queries.js';
import { BOOKABLE_BY_LABELS, KIND_LABELS, minuteText, WEEKDAYS } from '../texts.js';
import { AGENDA_NOT_FOUND, type Caller } from '../use-cases/common.js';
import {
  addClosure,
  addOpening,
  changeAgendaActive,
  changeMotifActive,
  createAgenda,
  createMotif,
  removeAgendaItem,
  updateAgenda,
} from '../use-cases/configure-agendas.js';

type Settings = Awaited<ReturnType<typeof settingsPage>>;

const NOTICES: Record<string, string> = {
  agenda: 'L’agenda est créé. Ajoutez ses horaires d’ouverture.',
  motif: 'Le type de rendez-vous est créé.',
  horaire: 'Les horaires sont enregistrés.',
  fermeture: 'La fermeture est enregistrée.',
  retire: 'C’est retiré.',
  etat: 'C’est enregistré.',
  lieu: 'Le lieu et le guichet sont enregistrés.',
};

/** A stored degree as an administrator types it (« 47,3656 »). */
const degrees = (value: number | null) => (value === null ? '' : String(value).replace('.', ','));

function caller(request: FastifyRequest): Caller {
  return { communeId: request.commune!.id, actor: request.actor!, requestId: request.id };
}

/** The form a POST came from (its fields are named `<form>.<field>` errors are shown next to). */
interface FormState {
  form: string;
  values: FormBody;
  errors: FieldErrors;
  status: number;
}

/** A desk's place, name, address, holidays and position: the same fields to create and to change it. */
function PlaceFields({ value, errors }: { value: (key: string, fallback?: string) => string; errors: FieldErrors }) {
  return (
    <>
      <Input
        name="lieu"
        label="Lieu"
        hint="Par exemple : Mairie, Mairie annexe du Bourg."
        value={value('lieu')}
        error={errors.lieu}
      />
      <Input
        name="guichet"
        label="Guichet"
        hint="Par exemple : Guichet 1, Bureau des passeports."
        value={value('guichet')}
        error={errors.guichet}
      />
      <Input
        name="adresse"
        label="Adresse (facultatif)"
        autocomplete="off"
        value={value('adresse')}
        error={errors.adresse}
      />
      <Input
        name="latitude"
        label="Latitude (facultatif)"
        hint="Pour la recherche nationale de l’ANTS (cartes d’identité et passeports), par exemple 47,3656."
        inputmode="decimal"
        autocomplete="off"
        width={10}
        value={value('latitude')}
        error={errors.latitude}
      />
      <Input
        name="longitude"
        label="Longitude (facultatif)"
        hint="Par exemple -1,1772 (négative à l’ouest de Greenwich)."
        inputmode="decimal"
        autocomplete="off"
        width={10}
        value={value('longitude')}
        error={errors.longitude}
      />
      <Radios
        name="alsace"
        legend="Jours fériés d’Alsace-Moselle (Vendredi saint, 26 décembre)"
        small
        inline
        value={value('alsace', 'non')}
        items={[
          { value: 'non', label: 'Non' },
          { value: 'oui', label: 'Oui' },
        ]}
      />
    </>
  );
}

function render(request: FastifyRequest, reply: FastifyReply, data: Settings, state?: FormState) {
  const url = `${adminBase(request)}/rendez-vous`;
  const csrf = reply.generateCsrf();
  const errorsOf = (form: string) => (state?.form === form ? state.errors : {});
  const fieldValue = (form: string, key: string, fallback = '') =>
    state?.form === form && key in state.values ? formString(state.values, key) : fallback;
  const services = data.services.map((s) => ({ value: s.id, label: s.name }));
  const serviceName = new Map(data.services.map((s) => [s.id, s.name]));
  const done = formString(request.query, 'fait');
  const ae = errorsOf('agenda');
  const me = errorsOf('motif');
  return sendAdminPage(request, reply, {
    title: 'Rendez-vous',
    errors: state?.errors ?? {},
    ...(state ? { status: state.status } : {}),
    ...(NOTICES[done] && !state ? { notice: { kind: 'success' as const, title: NOTICES[done]! } } : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Rendez-vous</h1>
        <p class="govuk-body">
          Un agenda est un guichet d’un service à un lieu. Les jours fériés sont fermés d’office ; ajoutez les autres
          fermetures (congés, formation, pont) sur la page de chaque agenda.
        </p>
        <Table
          caption="Agendas"
          captionSize="l"
          columns={[{ label: 'Lieu et guichet' }, { label: 'Service' }, { label: 'Horaires' }, { label: 'État' }]}
          rows={data.agendas.map(({ agenda, openings }) => [
            <a key="a" class="govuk-link" href={`${url}/agendas/${agenda.id}`}>
              {agenda.place}, {agenda.desk}
            </a>,
            serviceName.get(agenda.serviceId) ?? '',
            openings.length
              ? openings
                  .map((o) => `${WEEKDAYS[o.weekday - 1]} ${minuteText(o.startMinute)}–${minuteText(o.endMinute)}`)
                  .join(', ')
              : 'aucun horaire',
            agenda.active ? 'ouvert' : 'fermé',
          ])}
        />
        <form method="post" action={`${url}/agendas`} novalidate>
          <CsrfField token={csrf} />
          <h2 class="govuk-heading-m">Nouvel agenda</h2>
          <Select
            name="service"
            label="Service"
            options={services}
            value={fieldValue('agenda', 'service')}
            error={ae.service}
          />
          <PlaceFields value={(key, fallback) => fieldValue('agenda', key, fallback)} errors={ae} />
          <Button>Créer l’agenda</Button>
        </form>

        <Table
          caption="Types de rendez-vous"
          captionSize="l"
          columns={[
            { label: 'Rendez-vous' },
            { label: 'Service' },
            { label: 'Durée et places' },
            { label: 'Qui peut réserver' },
            { label: 'État' },
          ]}
          rows={data.motifs.map((m) => [
            m.name,
            serviceName.get(m.serviceId) ?? '',
            `${m.durationMinutes} min${m.bufferMinutes ? ` + ${m.bufferMinutes} min` : ''}, ${m.capacity} place${m.capacity > 1 ? 's' : ''}`,
            BOOKABLE_BY_LABELS[m.bookableBy],
            <form
              key="f"
              method="post"
              action={`${url}/motifs/${m.id}/${m.active ? 'retirer' : 'proposer'}`}
              novalidate
            >
              <CsrfField token={csrf} />
              {m.active ? 'proposé ' : 'retiré '}
              <button
                type="submit"
                class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                data-module="govuk-button"
              >
                {m.active ? 'Retirer' : 'Proposer'}
                <span class="govuk-visually-hidden"> {m.name}</span>
              </button>
            </form>,
          ])}
        />
        <form method="post" action={`${url}/motifs`} novalidate>
          <CsrfField token={csrf} />
          <h2 class="govuk-heading-m">Nouveau type de rendez-vous</h2>
          <Select
            name="service"
            id="motif-service"
            label="Service"
            options={services}
            value={fieldValue('motif', 'service')}
            error={me.service}
          />
          <Input
            name="nom"
            label="Nom"
            hint="Par exemple : Passeport ou carte d’identité."
            value={fieldValue('motif', 'nom')}
            error={me.nom}
          />
          <Radios
            name="type"
            legend="Où se passe le rendez-vous"
            small
            value={fieldValue('motif', 'type', 'guichet')}
            error={me.type}
            items={(['guichet', 'telephone', 'visio'] as const).map((k) => ({ value: k, label: KIND_LABELS[k] }))}
          />
          <Input
            name="duree"
            label="Durée (minutes)"
            inputmode="numeric"
            width={4}
            value={fieldValue('motif', 'duree', '30')}
            error={me.duree}
          />
          <Input
            name="battement"
            label="Temps entre deux rendez-vous (minutes)"
            inputmode="numeric"
            width={4}
            value={fieldValue('motif', 'battement', '0')}
            error={me.battement}
          />
          <Input
            name="places"
            label="Places par créneau"
            hint="Plus d’une place : une séance collective."
            inputmode="numeric"
            width={4}
            value={fieldValue('motif', 'places', '1')}
            error={me.places}
          />
          <Input
            name="delai_min"
            label="Délai minimum avant le rendez-vous (heures)"
            inputmode="numeric"
            width={4}
            value={fieldValue('motif', 'delai_min', '2')}
            error={me.delai_min}
          />
          <Input
            name="delai_max"
            label="Réservation possible jusqu’à (jours à l’avance)"
            inputmode="numeric"
            width={4}
            value={fieldValue('motif', 'delai_max', '60')}
            error={me.delai_max}
          />
          <Radios
            name="qui"
            legend="Qui peut réserver en ligne"
            small
            value={fieldValue('motif', 'qui', 'public')}
            error={me.qui}
            items={(['public', 'signed_in', 'agents'] as const).map((k) => ({
              value: k,
              label: BOOKABLE_BY_LABELS[k],
            }))}
          />
          <Radios
            name="ants"
            legend="Passeport ou carte d’identité : demander le numéro de pré-demande ANTS"
            small
            inline
            value={fieldValue('motif', 'ants', 'non')}
            items={[
              { value: 'non', label: 'Non' },
              { value: 'oui', label: 'Oui' },
            ]}
          />
          <Radios
            name="ticket"
            legend="Proposé en ticket à l’accueil (file d’attente sans rendez-vous)"
            small
            inline
            value={fieldValue('motif', 'ticket', 'non')}
            items={[
              { value: 'non', label: 'Non' },
              { value: 'oui', label: 'Oui' },
            ]}
          />
          <Textarea
            name="documents"
            label="Documents à apporter (un par ligne)"
            rows={4}
            value={fieldValue('motif', 'documents')}
            error={me.documents}
          />
          <Input
            name="rappels"
            label="Rappels par courriel (heures avant le rendez-vous)"
            hint="Séparés par des virgules, par exemple 48, 3."
            width={10}
            value={fieldValue('motif', 'rappels', '48, 3')}
            error={me.rappels}
          />
          <Button>Créer le type de rendez-vous</Button>
        </form>
      </>
    ),
  });
}

function renderAgenda(
  request: FastifyRequest,
  reply: FastifyReply,
  data: Settings,
  agendaId: string,
  state?: FormState,
) {
  const found = data.agendas.find((a) => a.agenda.id === agendaId);
  if (!found) throw AGENDA_NOT_FOUND();
  const { agenda, openings, closures } = found;
  const base = `${adminBase(request)}/rendez-vous`;
  const url = `${base}/agendas/${agenda.id}`;
  const csrf = reply.generateCsrf();
  const errorsOf = (form: string) => (state?.form === form ? state.errors : {});
  const fieldValue = (form: string, key: string, fallback = '') =>
    state?.form === form && key in state.values ? formString(state.values, key) : fallback;
  const current: Record<string, string> = {
    lieu: agenda.place,
    guichet: agenda.desk,
    adresse: agenda.address,
    latitude: degrees(agenda.latitude),
    longitude: degrees(agenda.longitude),
    alsace: agenda.alsaceMoselle ? 'oui' : 'non',
  };
  const oe = errorsOf('horaire');
  const ce = errorsOf('fermeture');
  const done = formString(request.query, 'fait');
  const removeButton = (path: string, label: string) => (
    <form method="post" action={path} novalidate>
      <CsrfField token={csrf} />
      <button
        type="submit"
        class="govuk-button govuk-button--warning govuk-!-margin-bottom-0"
        data-module="govuk-button"
      >
        Retirer<span class="govuk-visually-hidden"> {label}</span>
      </button>
    </form>
  );
  return sendAdminPage(request, reply, {
    title: `${agenda.place}, ${agenda.desk}`,
    errors: state?.errors ?? {},
    ...(state ? { status: state.status } : {}),
    ...(NOTICES[done] && !state ? { notice: { kind: 'success' as const, title: NOTICES[done]! } } : {}),
    children: (
      <>
        <p class="govuk-body">
          <a class="govuk-link" href={base}>
            Tous les agendas
          </a>
        </p>
        <span class="govuk-caption-l">Agenda</span>
        <h1 class="govuk-heading-xl">
          {agenda.place}, {agenda.desk}
        </h1>
        <Table
          caption="Horaires d’ouverture"
          captionSize="m"
          columns={[{ label: 'Jour' }, { label: 'Horaires' }, { label: 'Période' }, { label: 'Action' }]}
          rows={openings.map((o) => {
            const label = `${WEEKDAYS[o.weekday - 1]} ${minuteText(o.startMinute)}–${minuteText(o.endMinute)}`;
            return [
              WEEKDAYS[o.weekday - 1]!,
              `${minuteText(o.startMinute)} – ${minuteText(o.endMinute)}`,
              o.validFrom || o.validUntil
                ? `${o.validFrom ? `du ${o.validFrom}` : ''} ${o.validUntil ? `au ${o.validUntil}` : ''}`.trim()
                : 'toute l’année',
              removeButton(`${url}/horaires/${o.id}/retirer`, label),
            ];
          })}
        />
        <form method="post" action={`${url}/horaires`} novalidate>
          <CsrfField token={csrf} />
          <h2 class="govuk-heading-m">Ajouter des horaires</h2>
          <Select
            name="jour"
            label="Jour"
            value={fieldValue('horaire', 'jour', '1')}
            error={oe.jour}
            options={WEEKDAYS.map((d, i) => ({ value: String(i + 1), label: d }))}
          />
          <Input
            name="debut"
            label="Ouverture"
            hint="Par exemple 9:00"
            width={5}
            value={fieldValue('horaire', 'debut')}
            error={oe.debut}
          />
          <Input
            name="fin"
            label="Fermeture"
            hint="Par exemple 12:00"
            width={5}
            value={fieldValue('horaire', 'fin')}
            error={oe.fin}
          />
          <Input
            name="du"
            label="À partir du (facultatif)"
            hint="Par exemple 2026-09-01"
            width={10}
            value={fieldValue('horaire', 'du')}
            error={oe.du}
          />
          <Input
            name="au"
            label="Jusqu’au (facultatif)"
            hint="Par exemple 2027-06-30"
            width={10}
            value={fieldValue('horaire', 'au')}
            error={oe.au}
          />
          <Button>Ajouter ces horaires</Button>
        </form>
        <Table
          caption="Fermetures"
          captionSize="m"
          columns={[{ label: 'Du' }, { label: 'Au' }, { label: 'Motif' }, { label: 'Action' }]}
          rows={closures.map((c) => [
            c.startDate,
            c.endDate,
            c.reason || '–',
            removeButton(`${url}/fermetures/${c.id}/retirer`, `la fermeture du ${c.startDate}`),
          ])}
        />
        <form method="post" action={`${url}/fermetures`} novalidate>
          <CsrfField token={csrf} />
          <h2 class="govuk-heading-m">Ajouter une fermeture</h2>
          <Input
            name="du"
            id="fermeture-du"
            label="Premier jour"
            hint="Par exemple 2026-08-03"
            width={10}
            value={fieldValue('fermeture', 'du')}
            error={ce.du}
          />
          <Input
            name="au"
            id="fermeture-au"
            label="Dernier jour (facultatif : un seul jour)"
            width={10}
            value={fieldValue('fermeture', 'au')}
            error={ce.au}
          />
          <Input name="motif" label="Motif (facultatif)" value={fieldValue('fermeture', 'motif')} error={ce.motif} />
          <Button>Ajouter la fermeture</Button>
        </form>
        <form method="post" action={`${url}/lieu`} novalidate>
          <CsrfField token={csrf} />
          <h2 class="govuk-heading-m">Lieu, guichet et position</h2>
          <p class="govuk-body">
            Le service ne change pas. Si le lieu change, les rendez-vous de passeport et de carte d’identité déjà pris à
            ce guichet sont déclarés à l’ANTS sous le nouveau lieu.
          </p>
          <PlaceFields
            value={(key, fallback) => fieldValue('lieu', key, current[key] ?? fallback ?? '')}
            errors={errorsOf('lieu')}
          />
          <Button>Enregistrer le lieu</Button>
        </form>
        <form method="post" action={`${url}/${agenda.active ? 'fermer' : 'ouvrir'}`} novalidate>
          <CsrfField token={csrf} />
          <h2 class="govuk-heading-m">{agenda.active ? 'Fermer cet agenda' : 'Rouvrir cet agenda'}</h2>
          <p class="govuk-body">
            {agenda.active
              ? 'Plus aucun créneau ne sera proposé ; les rendez-vous déjà pris restent.'
              : 'Les créneaux seront de nouveau proposés.'}
          </p>
          <Button variant={agenda.active ? 'warning' : 'primary'}>
            {agenda.active ? 'Fermer l’agenda' : 'Rouvrir l’agenda'}
          </Button>
        </form>
      </>
    ),
  });
}

export function registerAdminPages(app: FastifyInstance, ctx: AppContext): void {
  const policy = { config: { policy: 'communeAdmin' } } as const;
  const base = (request: FastifyRequest) => `${adminBase(request)}/rendez-vous`;
  const load = (request: FastifyRequest) => settingsPage(ctx, request.commune!.id);

  app.get('/c/:slug/admin/rendez-vous', policy, async (request, reply) => render(request, reply, await load(request)));

  for (const [path, form, work] of [
    ['agendas', 'agenda', createAgenda],
    ['motifs', 'motif', createMotif],
  ] as const) {
    app.post(`/c/:slug/admin/rendez-vous/${path}`, policy, async (request, reply) => {
      const body = (request.body ?? {}) as FormBody;
      const result = await handleForm(
        () => work(ctx, caller(request), body),
        async (errors, status) => render(request, reply, await load(request), { form, values: body, errors, status }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(
        form === 'agenda' ? `${base(request)}/agendas/${result.value}?fait=agenda` : `${base(request)}?fait=motif`,
        303,
      );
    });
  }

  for (const action of ['retirer', 'proposer'] as const) {
    app.post(`/c/:slug/admin/rendez-vous/motifs/:motif/${action}`, policy, async (request, reply) => {
      const { motif } = request.params as { motif: string };
      await changeMotifActive(ctx, caller(request), motif, action === 'proposer');
      return reply.redirect(`${base(request)}?fait=etat`, 303);
    });
  }

  app.get('/c/:slug/admin/rendez-vous/agendas/:agenda', policy, async (request, reply) => {
    const { agenda } = request.params as { agenda: string };
    return renderAgenda(request, reply, await load(request), agenda);
  });

  for (const [path, form, work] of [
    ['horaires', 'horaire', addOpening],
    ['fermetures', 'fermeture', addClosure],
  ] as const) {
    app.post(`/c/:slug/admin/rendez-vous/agendas/:agenda/${path}`, policy, async (request, reply) => {
      const { agenda } = request.params as { agenda: string };
      const body = (request.body ?? {}) as FormBody;
      const result = await handleForm(
        () => work(ctx, caller(request), agenda, body),
        async (errors, status) =>
          renderAgenda(request, reply, await load(request), agenda, { form, values: body, errors, status }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${base(request)}/agendas/${agenda}?fait=${form}`, 303);
    });
    app.post(`/c/:slug/admin/rendez-vous/agendas/:agenda/${path}/:item/retirer`, policy, async (request, reply) => {
      const { agenda, item } = request.params as { agenda: string; item: string };
      await removeAgendaItem(ctx, caller(request), agenda, path === 'horaires' ? 'opening' : 'closure', item);
      return reply.redirect(`${base(request)}/agendas/${agenda}?fait=retire`, 303);
    });
  }

  app.post('/c/:slug/admin/rendez-vous/agendas/:agenda/lieu', policy, async (request, reply) => {
    const { agenda } = request.params as { agenda: string };
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () => updateAgenda(ctx, caller(request), agenda, body),
      async (errors, status) =>
        renderAgenda(request, reply, await load(request), agenda, { form: 'lieu', values: body, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${base(request)}/agendas/${agenda}?fait=lieu`, 303);
  });

  for (const action of ['fermer', 'ouvrir'] as const) {
    app.post(`/c/:slug/admin/rendez-vous/agendas/:agenda/${action}`, policy, async (request, reply) => {
      const { agenda } = request.params as { agenda: string };
      await changeAgendaActive(ctx, caller(request), agenda, action === 'ouvrir');
      return reply.redirect(`${base(request)}/agendas/${agenda}?fait=etat`, 303);
    });
  }
}
