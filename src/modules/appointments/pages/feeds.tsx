/**
 * « Mes rendez-vous dans mon agenda » (/c/<slug>/agent/rendez-vous/agenda-en-ligne): an agent
 * creates a private address for their calendar application (one desk, or all their desks), sees
 * it once, and revokes the ones they no longer use. The address itself
 * (/c/<slug>/rendez-vous/agenda/<secret>.ics) needs no session: the secret is the credential.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { Button, CsrfField, type FieldErrors, InsetText, Select, Table } from '../../../platform/views/components.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { whenText } from '../texts.js';
import { createFeed, FEED_NOT_FOUND, feedCalendar, feedsPage, revokeFeed } from '../use-cases/calendar-feeds.js';
import type { Caller } from '../use-cases/common.js';
import { agentBase } from './ui.js';

const POLICY = { config: { policy: 'requestsInbox' } } as const;

function caller(request: FastifyRequest): Caller {
  return { communeId: request.commune!.id, actor: request.actor!, requestId: request.id };
}

export function registerFeedPages(app: FastifyInstance, ctx: AppContext): void {
  const base = (request: FastifyRequest) => `${agentBase(request)}/agenda-en-ligne`;

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { created?: string; errors?: FieldErrors; status?: number; values?: FormBody } = {},
  ) {
    const { feeds, agendas } = await feedsPage(ctx, caller(request));
    const deskName = new Map(agendas.map((a) => [a.id, `${a.place}, ${a.desk}`]));
    const csrf = reply.generateCsrf();
    const done = formString(request.query, 'fait');
    return sendPage(request, reply, {
      title: 'Mes rendez-vous dans mon agenda',
      workspace: true,
      errors: options.errors ?? {},
      ...(options.status ? { status: options.status } : {}),
      breadcrumbs: [
        { href: `/c/${request.commune!.slug}/agent`, label: 'Espace agent' },
        { href: agentBase(request), label: 'Rendez-vous' },
      ],
      ...(done === 'revoque' ? { notice: { kind: 'success' as const, title: 'L’adresse est révoquée.' } } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Mes rendez-vous dans mon agenda</h1>
          <p class="govuk-body">
            Votre application d’agenda (Outlook, Thunderbird, agenda du téléphone) peut afficher les rendez-vous de vos
            guichets, de la semaine passée aux trois mois à venir. Elle lit une adresse secrète : qui la connaît voit le
            nom des personnes attendues. Ne la partagez pas, et révoquez-la si elle a pu être vue.
          </p>
          {options.created && (
            <InsetText>
              <p class="govuk-body govuk-!-font-weight-bold">Votre adresse (elle ne sera plus affichée) :</p>
              <p class="govuk-body guichet-break">
                <code>{options.created}</code>
              </p>
              <p class="govuk-body">
                Ajoutez-la dans votre agenda comme « abonnement » ou « calendrier par adresse (URL) ».
              </p>
            </InsetText>
          )}
          <Table
            caption="Adresses en service"
            captionSize="m"
            columns={[{ label: 'Guichets' }, { label: 'Créée le' }, { label: 'Action' }]}
            rows={feeds.map((f) => [
              f.agendaId ? (deskName.get(f.agendaId) ?? 'guichet fermé') : 'Tous mes guichets',
              whenText(f.createdAt),
              <form key="r" method="post" action={`${base(request)}/${f.id}/revoquer`} novalidate>
                <CsrfField token={csrf} />
                <button
                  type="submit"
                  class="govuk-button govuk-button--warning govuk-!-margin-bottom-0"
                  data-module="govuk-button"
                >
                  Révoquer
                  <span class="govuk-visually-hidden">
                    {' '}
                    l’adresse {f.agendaId ? (deskName.get(f.agendaId) ?? '') : 'de tous mes guichets'}
                  </span>
                </button>
              </form>,
            ])}
          />
          {feeds.length === 0 && <p class="govuk-body">Aucune adresse pour l’instant.</p>}
          <form method="post" action={base(request)} novalidate>
            <CsrfField token={csrf} />
            <h2 class="govuk-heading-m">Nouvelle adresse</h2>
            <Select
              name="agenda"
              label="Guichets"
              value={formString(options.values ?? {}, 'agenda')}
              error={options.errors?.agenda}
              options={[
                { value: '', label: 'Tous mes guichets' },
                ...agendas.map((a) => ({ value: a.id, label: `${a.place}, ${a.desk}` })),
              ]}
            />
            <Button>Créer l’adresse</Button>
          </form>
        </>
      ),
    });
  }

  app.get('/c/:slug/agent/rendez-vous/agenda-en-ligne', POLICY, (request, reply) => page(request, reply));

  app.post('/c/:slug/agent/rendez-vous/agenda-en-ligne', POLICY, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () => createFeed(ctx, caller(request), { agenda: formString(body, 'agenda') }),
      (errors, status) => page(request, reply, { errors, status, values: body }),
    );
    if (!result.ok) return result.response;
    const address = `${ctx.config.publicUrl}/c/${request.commune!.slug}/rendez-vous/agenda/${result.value.token}.ics`;
    // Shown once, on this answer: never cached.
    reply.header('cache-control', 'no-store');
    return page(request, reply, { created: address });
  });

  app.post('/c/:slug/agent/rendez-vous/agenda-en-ligne/:feed/revoquer', POLICY, async (request, reply) => {
    const { feed } = request.params as { feed: string };
    await revokeFeed(ctx, caller(request), feed);
    return reply.redirect(`${base(request)}?fait=revoque`, 303);
  });

  app.get('/c/:slug/rendez-vous/agenda/:file', { config: { policy: 'public' } }, async (request, reply) => {
    const { file } = request.params as { file: string };
    if (!file.endsWith('.ics')) throw FEED_NOT_FOUND();
    const ics = await feedCalendar(ctx, request.commune!, file.slice(0, -'.ics'.length));
    return reply
      .type('text/calendar; charset=utf-8')
      .header('cache-control', 'private, no-store')
      .header('x-robots-tag', 'noindex')
      .send(ics);
  });
}
