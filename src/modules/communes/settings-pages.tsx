/**
 * The commune settings of the administration area (`/c/<slug>/admin/commune`, administrators
 * only): identity and contact, the theme colour, the legal mentions, the mail sender, and the
 * commune's services (create, rename, retire, restore). Forms work without JavaScript; a refused
 * value is shown again with its French message, nothing typed is lost.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import { senderAddress } from '../../platform/mail/sender.js';
import { type Commune, listServices, type Service } from '../../platform/tenancy/communes.js';
import { adminBase, sendAdminPage } from '../../platform/views/admin-area.js';
import {
  BackLink,
  Button,
  CsrfField,
  type FieldErrors,
  Input,
  Select,
  Table,
  Tag,
  Textarea,
} from '../../platform/views/components.js';
import { type FormBody, formString, handleForm } from '../../platform/views/page-kit.js';
import {
  createService,
  restoreService,
  retireService,
  type ServiceInput,
  updateService,
} from './use-cases/manage-services.js';
import { setTopTasks, TOP_TASK_SLOTS, type TopTasksInput } from './use-cases/set-top-tasks.js';
import { type CommuneSettingsInput, updateCommuneSettings } from './use-cases/update-commune-settings.js';

const SETTINGS_FIELDS = [
  'name',
  'address',
  'openingHours',
  'phone',
  'email',
  'brandColour',
  'legalEditor',
  'legalDirector',
  'legalHost',
  'mailFromAddress',
] as const;

const serviceParams = z.object({ slug: z.string().max(63), service: z.string().max(100) }).strict();

function settingsValues(commune: Commune): CommuneSettingsInput {
  return {
    name: commune.name,
    address: commune.address ?? '',
    openingHours: commune.openingHours ?? '',
    phone: commune.phone ?? '',
    email: commune.email ?? '',
    brandColour: commune.brandColour,
    legalEditor: commune.legalEditor ?? '',
    legalDirector: commune.legalDirector ?? '',
    legalHost: commune.legalHost ?? '',
    mailFromAddress: commune.mailFromAddress ?? '',
  };
}

function settingsFromBody(body: FormBody): CommuneSettingsInput {
  return Object.fromEntries(SETTINGS_FIELDS.map((k) => [k, formString(body, k)])) as CommuneSettingsInput;
}

function serviceFromBody(body: FormBody): ServiceInput {
  return {
    name: formString(body, 'name'),
    email: formString(body, 'email'),
    description: formString(body, 'description'),
  };
}

export function registerCommuneSettingsPages(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const base = (request: FastifyRequest) => `${adminBase(request)}/commune`;
  const actorOf = (request: FastifyRequest) => ({ accountId: request.actor!.accountId, httpRequestId: request.id });

  async function settingsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    form: {
      values?: CommuneSettingsInput;
      topValues?: TopTasksInput;
      errors?: FieldErrors;
      status?: number;
      saved?: string;
    } = {},
  ) {
    const commune = request.commune!;
    const [services, tasks] = await withTenant(ctx.database, commune.id, (tx) =>
      Promise.all([listServices(tx, commune.id), ctx.contributions.publicTasks(tx, commune.id)]),
    );
    const values = form.values ?? settingsValues(commune);
    const topValues =
      form.topValues ??
      (Object.fromEntries(TOP_TASK_SLOTS.map((k, i) => [k, commune.topTasks[i] ?? ''])) as TopTasksInput);
    const serviceNames = new Map(services.map((s) => [s.id, s.name]));
    const taskOptions = [
      { value: '', label: 'Aucune' },
      ...tasks.map((t) => ({
        value: t.key,
        label: t.serviceId ? `${t.label} (${serviceNames.get(t.serviceId) ?? 'service'})` : t.label,
      })),
    ];
    const errors = form.errors ?? {};
    const platformAddress = senderAddress(ctx.config.mailFrom);
    return sendAdminPage(request, reply, {
      ...(form.status ? { status: form.status } : {}),
      title: 'Paramètres de la commune',
      errors,
      fieldOrder: [...SETTINGS_FIELDS, ...TOP_TASK_SLOTS, ...services.map((s) => `service-${s.id}`)],
      ...(form.saved ? { notice: { kind: 'success' as const, title: form.saved } } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Paramètres de la commune</h1>
          <form method="post" action={base(request)} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <h2 class="govuk-heading-l">Identité et contact</h2>
            <Input
              name="name"
              label="Nom de la commune"
              value={values.name}
              error={errors.name}
              autocomplete="organization"
            />
            <Input
              name="address"
              label="Adresse de la mairie"
              hint="Par exemple : 1 place de la Mairie, 44000 Villebelle"
              value={values.address}
              error={errors.address}
              autocomplete="street-address"
            />
            <Textarea
              name="openingHours"
              label="Horaires d’ouverture"
              hint="Par exemple : du lundi au vendredi de 8 h 30 à 12 h"
              rows={3}
              value={values.openingHours}
              error={errors.openingHours}
            />
            <Input
              name="phone"
              type="tel"
              label="Téléphone de la mairie"
              value={values.phone}
              error={errors.phone}
              autocomplete="tel"
              width={20}
            />
            <Input
              name="email"
              type="email"
              label="Adresse électronique de contact"
              hint="Affichée sur le site ; en mode simple, elle reçoit les nouvelles demandes."
              value={values.email}
              error={errors.email}
              spellcheck={false}
            />
            <h2 class="govuk-heading-l">Apparence</h2>
            <Input
              name="brandColour"
              label="Couleur de la commune"
              hint="Au format #rrvvbb, par exemple #1d70b8. Elle colore l’en-tête, les liens et les boutons ; la couleur du texte posé dessus est choisie pour rester lisible."
              value={values.brandColour}
              error={errors.brandColour}
              width={10}
              spellcheck={false}
            />
            <h2 class="govuk-heading-l">Mentions légales</h2>
            <p class="govuk-body">
              La loi pour la confiance dans l’économie numérique (article 6-III) impose de nommer l’éditeur du site, le
              directeur ou la directrice de la publication et l’hébergeur. Laissés vides, les textes par défaut sont
              affichés sur la page{' '}
              <a class="govuk-link" href={`/c/${request.commune!.slug}/mentions-legales`}>
                Mentions légales
              </a>
              .
            </p>
            <Textarea
              name="legalEditor"
              label="Éditeur du site"
              hint="Par défaut : la commune, son adresse et ses coordonnées."
              rows={3}
              value={values.legalEditor}
              error={errors.legalEditor}
            />
            <Input
              name="legalDirector"
              label="Directeur ou directrice de la publication"
              hint="En général le maire, par exemple : Mme Claire Martin, maire"
              value={values.legalDirector}
              error={errors.legalDirector}
            />
            <Textarea
              name="legalHost"
              label="Hébergeur"
              hint="Nom, adresse et téléphone de l’hébergeur du guichet, par exemple : Syndicat mixte numérique, 2 rue des Serveurs, 44000 Nantes, 02 40 00 00 00"
              rows={3}
              value={values.legalHost}
              error={errors.legalHost}
            />
            <h2 class="govuk-heading-l">Courriels</h2>
            <Input
              name="mailFromAddress"
              type="email"
              label="Adresse d’expédition des courriels"
              hint={`Les courriels partent au nom de « ${request.commune!.name} », depuis cette adresse ; laissée vide, depuis ${platformAddress}. Elle doit être autorisée à envoyer par le serveur de courriel du guichet (SPF, DKIM) : voyez avec votre opérateur. Les réponses des usagers vont à l’adresse du service concerné.`}
              value={values.mailFromAddress}
              error={errors.mailFromAddress}
              spellcheck={false}
            />
            <Button>Enregistrer les paramètres</Button>
          </form>

          <h2 class="govuk-heading-l" id="accueil">
            Page d’accueil
          </h2>
          <form method="post" action={`${base(request)}/accueil`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <fieldset class="govuk-fieldset">
              <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Tâches principales</legend>
              <p class="govuk-body">
                Ce que les habitants viennent faire le plus souvent, affiché en premier sur la page d’accueil, dans cet
                ordre. Une démarche dépubliée ou un motif de rendez-vous fermé disparaît de l’accueil de lui-même.
              </p>
              {TOP_TASK_SLOTS.map((name, i) => (
                <Select
                  key={name}
                  name={name}
                  label={`Tâche ${i + 1}`}
                  options={taskOptions}
                  value={topValues[name]}
                  error={errors[name]}
                />
              ))}
            </fieldset>
            <Button>Enregistrer la page d’accueil</Button>
          </form>

          <h2 class="govuk-heading-l" id="services">
            Services
          </h2>
          <p class="govuk-body">
            Les démarches et les demandes sont adressées à un service. Un service retiré garde son historique mais ne
            reçoit plus rien ; il ne peut être retiré que lorsqu’aucune demande en cours ni aucune démarche ne lui est
            adressée.
          </p>
          <Table
            caption="Services de la commune"
            captionSize="s"
            columns={[{ label: 'Service' }, { label: 'Adresse électronique' }, { label: 'État' }, { label: 'Actions' }]}
            rows={services.map((s) => [
              <span id={`service-${s.id}`} key="n">
                {s.name}
              </span>,
              s.email ?? 'aucune',
              s.retiredAt ? <Tag colour="grey">Retiré</Tag> : <Tag colour="green">Actif</Tag>,
              <ServiceActions
                key="a"
                service={s}
                href={`${base(request)}/services/${s.id}`}
                csrf={reply.generateCsrf()}
              />,
            ])}
          />
          <Button href={`${base(request)}/services/nouveau`} variant="secondary">
            Ajouter un service
          </Button>
        </>
      ),
    });
  }

  function ServiceActions({ service, href, csrf }: { service: Service; href: string; csrf: string }) {
    return (
      <ul class="govuk-list">
        <li>
          <a class="govuk-link" href={href}>
            Modifier<span class="govuk-visually-hidden"> le service {service.name}</span>
          </a>
        </li>
        <li>
          <form method="post" action={`${href}/${service.retiredAt ? 'retablir' : 'retirer'}`}>
            <CsrfField token={csrf} />
            <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
              {service.retiredAt ? 'Rétablir' : 'Retirer'}
              <span class="govuk-visually-hidden"> le service {service.name}</span>
            </button>
          </form>
        </li>
      </ul>
    );
  }

  async function servicePage(
    request: FastifyRequest,
    reply: FastifyReply,
    service: Service | null,
    form: { values?: ServiceInput; errors?: FieldErrors; status?: number } = {},
  ) {
    const values = form.values ?? {
      name: service?.name ?? '',
      email: service?.email ?? '',
      description: service?.description ?? '',
    };
    const errors = form.errors ?? {};
    const title = service ? `Modifier le service ${service.name}` : 'Ajouter un service';
    return sendAdminPage(request, reply, {
      ...(form.status ? { status: form.status } : {}),
      title,
      errors,
      fieldOrder: ['name', 'email', 'description'],
      children: (
        <>
          <BackLink href={`${base(request)}#services`}>Paramètres de la commune</BackLink>
          <h1 class="govuk-heading-xl">{title}</h1>
          <form method="post" novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Input
              name="name"
              label="Nom du service"
              hint="Par exemple : Urbanisme"
              value={values.name}
              error={errors.name}
            />
            <Input
              name="email"
              type="email"
              label="Adresse électronique du service (facultatif)"
              hint="Les réponses des usagers aux courriels sur leurs demandes y sont adressées ; sans elle, à l’adresse de contact de la mairie."
              value={values.email}
              error={errors.email}
              spellcheck={false}
            />
            <Textarea
              name="description"
              label="Présentation du service (facultatif)"
              hint="Affichée sur la page du service."
              rows={4}
              value={values.description}
              error={errors.description}
            />
            <Button>{service ? 'Enregistrer' : 'Ajouter le service'}</Button>
          </form>
        </>
      ),
    });
  }

  async function loadService(request: FastifyRequest, id: string): Promise<Service> {
    const commune = request.commune!;
    const services = await withTenant(ctx.database, commune.id, (tx) => listServices(tx, commune.id));
    const found = services.find((s) => s.id === id);
    if (!found) throw new AppError('service.not_found', 'no such service in this commune', 404);
    return found;
  }

  app.get(
    '/c/:slug/admin/commune',
    { schema: { hide: true }, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const saved = formString(request.query, 'enregistre');
      return settingsPage(request, reply, {
        ...(saved === 'parametres' ? { saved: 'Les paramètres de la commune sont enregistrés.' } : {}),
        ...(saved === 'service' ? { saved: 'Le service est enregistré.' } : {}),
        ...(saved === 'accueil' ? { saved: 'Les tâches principales de la page d’accueil sont enregistrées.' } : {}),
        ...(saved === 'retire' ? { saved: 'Le service est retiré.' } : {}),
        ...(saved === 'retabli' ? { saved: 'Le service est rétabli.' } : {}),
      });
    },
  );

  app.post(
    '/c/:slug/admin/commune',
    { schema: { hide: true }, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const values = settingsFromBody((request.body ?? {}) as FormBody);
      const result = await handleForm(
        () => updateCommuneSettings(ctx.database, request.commune!, values, actorOf(request)),
        (errors, status) => settingsPage(request, reply, { values, errors, status }),
      );
      if (!result.ok) return result.response;
      await ctx.communes.reload();
      return reply.redirect(`${base(request)}?enregistre=parametres`, 303);
    },
  );

  app.post(
    '/c/:slug/admin/commune/accueil',
    { schema: { hide: true }, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const body = (request.body ?? {}) as FormBody;
      const topValues = Object.fromEntries(TOP_TASK_SLOTS.map((k) => [k, formString(body, k)])) as TopTasksInput;
      const result = await handleForm(
        () => setTopTasks(ctx, request.commune!, topValues, actorOf(request)),
        (errors, status) => settingsPage(request, reply, { topValues, errors, status }),
      );
      if (!result.ok) return result.response;
      await ctx.communes.reload();
      return reply.redirect(`${base(request)}?enregistre=accueil#accueil`, 303);
    },
  );

  app.get(
    '/c/:slug/admin/commune/services/nouveau',
    { schema: { hide: true }, config: { policy: 'communeAdmin' } },
    async (request, reply) => servicePage(request, reply, null),
  );

  app.post(
    '/c/:slug/admin/commune/services/nouveau',
    { schema: { hide: true }, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const values = serviceFromBody((request.body ?? {}) as FormBody);
      const result = await handleForm(
        () => createService(ctx.database, request.commune!, values, actorOf(request)),
        (errors, status) => servicePage(request, reply, null, { values, errors, status }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${base(request)}?enregistre=service#services`, 303);
    },
  );

  app.get(
    '/c/:slug/admin/commune/services/:service',
    { schema: { hide: true, params: serviceParams }, config: { policy: 'communeAdmin' } },
    async (request, reply) => servicePage(request, reply, await loadService(request, request.params.service)),
  );

  app.post(
    '/c/:slug/admin/commune/services/:service',
    { schema: { hide: true, params: serviceParams }, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const service = await loadService(request, request.params.service);
      const values = serviceFromBody((request.body ?? {}) as FormBody);
      const result = await handleForm(
        () => updateService(ctx.database, request.commune!, service.id, values, actorOf(request)),
        (errors, status) => servicePage(request, reply, service, { values, errors, status }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${base(request)}?enregistre=service#services`, 303);
    },
  );

  app.post(
    '/c/:slug/admin/commune/services/:service/retirer',
    { schema: { hide: true, params: serviceParams }, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const service = await loadService(request, request.params.service);
      try {
        await retireService(ctx.database, ctx.contributions, request.commune!, service.id, actorOf(request));
      } catch (error) {
        if (error instanceof AppError && error.status === 409) {
          return settingsPage(request, reply, {
            errors: { [`service-${service.id}`]: error.userMessage },
            status: 409,
          });
        }
        throw error;
      }
      return reply.redirect(`${base(request)}?enregistre=retire#services`, 303);
    },
  );

  app.post(
    '/c/:slug/admin/commune/services/:service/retablir',
    { schema: { hide: true, params: serviceParams }, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const service = await loadService(request, request.params.service);
      await restoreService(ctx.database, request.commune!, service.id, actorOf(request));
      return reply.redirect(`${base(request)}?enregistre=retabli#services`, 303);
    },
  );
}
