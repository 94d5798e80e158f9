/**
 * The élu's space (/c/<slug>/conseil), tablet and phone first: the séances they are convened to,
 * the agenda with each item's note de synthèse, and their answer — present, absent, or a proxy
 * given to a named colleague (CGCT L2121-20), revocable until the séance.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { notFound } from '../../../platform/errors.js';
import {
  Button,
  CsrfField,
  Details,
  type FieldErrors,
  Radios,
  Select,
  SummaryList,
  Tag,
  TextLink,
} from '../../../platform/views/components.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { eluPage, seanceCalendar } from '../queries.js';
import { seanceIcs } from '../seance-ics.js';
import { giveProxy, replyToConvocation, revokeProxy } from '../use-cases/attendance.js';
import { caller, seanceTitle } from './ui.js';

const POLICY = { config: { policy: 'staff' as const } };

interface FormState {
  seanceId?: string;
  values?: FormBody;
  errors?: FieldErrors;
  status?: number;
}

const NOTICES: Record<string, string> = {
  present: 'Votre présence est notée.',
  absent: 'Votre absence est notée.',
  pouvoir: 'Votre pouvoir est enregistré : votre collègue votera en votre nom.',
  retire: 'Votre pouvoir est retiré.',
};

async function render(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, form: FormState = {}) {
  const data = await eluPage(ctx, request.commune!.id, request.actor!.accountId);
  const base = `/c/${request.commune!.slug}/conseil`;
  const csrf = reply.generateCsrf();
  const done = formString(request.query, 'fait');
  const notice = done && !form.errors ? NOTICES[done] : undefined;
  const name = (id: string) => data.colleagues.find((m) => m.id === id)?.fullName ?? 'un collègue';
  return sendPage(request, reply, {
    title: 'Mes séances du conseil',
    errors: form.errors ?? {},
    ...(form.status ? { status: form.status } : {}),
    ...(notice ? { notice: { kind: 'success' as const, title: notice } } : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Mes séances du conseil</h1>
        {!data.member ? (
          <p class="govuk-body">
            Votre compte n’est pas rattaché à un membre du conseil municipal. Le secrétariat du conseil peut le faire.
          </p>
        ) : data.upcoming.length === 0 ? (
          <p class="govuk-body">Aucune séance convoquée à venir.</p>
        ) : (
          data.upcoming.map(({ seance, items, reply: answer, given, held }) => {
            const mine = form.seanceId === seance.id;
            const errors = mine ? (form.errors ?? {}) : {};
            const v = (key: string) => (mine ? formString(form.values ?? {}, key) : '');
            const path = `${base}/seances/${seance.id}`;
            return (
              <section key={seance.id} class="govuk-!-margin-bottom-9" aria-labelledby={`s-${seance.id}`}>
                <h2 class="govuk-heading-l" id={`s-${seance.id}`}>
                  {seanceTitle(seance)}
                </h2>
                <SummaryList
                  rows={[
                    { key: 'Lieu', value: seance.place },
                    {
                      key: 'Ma réponse',
                      value: given ? (
                        <Tag colour="purple">Pouvoir donné à {name(given.holderId)}</Tag>
                      ) : answer?.answer === 'present' ? (
                        <Tag colour="green">Présent</Tag>
                      ) : answer?.answer === 'absent' ? (
                        <Tag colour="orange">Absent</Tag>
                      ) : (
                        <Tag colour="grey">Pas encore répondu</Tag>
                      ),
                    },
                    ...(held ? [{ key: 'Pouvoir reçu', value: `Vous votez pour ${name(held.giverId)}.` }] : []),
                  ]}
                />
                <p class="govuk-body">
                  <TextLink href={`${path}/seance.ics`}>
                    Ajouter la séance à mon agenda<span class="govuk-visually-hidden"> : {seanceTitle(seance)}</span>{' '}
                    (fichier .ics)
                  </TextLink>
                </p>
                <h3 class="govuk-heading-m">Ordre du jour</h3>
                <ol class="govuk-list govuk-list--number">
                  {items.map((item) => (
                    <li key={item.id}>
                      {item.title}
                      {item.summary ? (
                        <Details summary="Note explicative de synthèse">
                          <p class="govuk-body guichet-pre-line">{item.summary}</p>
                        </Details>
                      ) : null}
                    </li>
                  ))}
                </ol>
                {given ? (
                  <form method="post" action={`${base}/pouvoirs/${given.id}/retirer`} novalidate>
                    <CsrfField token={csrf} />
                    <Button variant="secondary">Retirer mon pouvoir</Button>
                  </form>
                ) : (
                  <>
                    <form method="post" action={`${path}/reponse`} novalidate>
                      <CsrfField token={csrf} />
                      <Radios
                        name="answer"
                        id={`answer-${seance.id}`}
                        legend="Serez-vous présent ?"
                        legendSize="m"
                        value={v('answer') || answer?.answer || ''}
                        error={errors.answer}
                        items={[
                          { value: 'present', label: 'Je serai présent' },
                          { value: 'absent', label: 'Je serai absent' },
                        ]}
                      />
                      <Button>Envoyer ma réponse</Button>
                    </form>
                    <form method="post" action={`${path}/pouvoir`} novalidate>
                      <CsrfField token={csrf} />
                      <Select
                        name="holderId"
                        id={`holder-${seance.id}`}
                        label="Donner pouvoir à un collègue"
                        labelSize="m"
                        hint="Votre collègue votera en votre nom. Un élu ne peut porter qu’un seul pouvoir (article L2121-20 du CGCT)."
                        value={v('holderId')}
                        error={errors.holderId}
                        options={[
                          { value: '', label: 'Choisir un collègue' },
                          ...data.colleagues.map((m) => ({ value: m.id, label: m.fullName })),
                        ]}
                      />
                      <Button variant="secondary">Donner pouvoir</Button>
                    </form>
                  </>
                )}
              </section>
            );
          })
        )}
      </>
    ),
  });
}

export function registerEluPages(app: FastifyInstance, ctx: AppContext): void {
  const base = (request: FastifyRequest) => `/c/${request.commune!.slug}/conseil`;
  app.get('/c/:slug/conseil', POLICY, (request, reply) => render(ctx, request, reply));

  app.get('/c/:slug/conseil/seances/:seance/seance.ics', POLICY, async (request, reply) => {
    const { seance } = request.params as { seance: string };
    const commune = request.commune!;
    const found = await seanceCalendar(ctx, commune.id, seance, request.actor);
    if (!found) throw notFound('council.seance_not_found');
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', 'attachment; filename="seance.ics"')
      .send(
        seanceIcs({
          ...found,
          communeName: commune.name,
          publicUrl: ctx.config.publicUrl,
          communeSlug: commune.slug,
        }),
      );
  });

  app.post('/c/:slug/conseil/seances/:seance/reponse', POLICY, async (request, reply) => {
    const { seance } = request.params as { seance: string };
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () => replyToConvocation(ctx.database, caller(request), seance, { answer: formString(body, 'answer') }),
      (errors, status) => render(ctx, request, reply, { seanceId: seance, values: body, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${base(request)}?fait=${result.value}`, 303);
  });

  app.post('/c/:slug/conseil/seances/:seance/pouvoir', POLICY, async (request, reply) => {
    const { seance } = request.params as { seance: string };
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () => giveProxy(ctx.database, caller(request), seance, { holderId: formString(body, 'holderId') }),
      (errors, status) => render(ctx, request, reply, { seanceId: seance, values: body, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${base(request)}?fait=pouvoir`, 303);
  });

  app.post('/c/:slug/conseil/pouvoirs/:proxy/retirer', POLICY, async (request, reply) => {
    const { proxy } = request.params as { proxy: string };
    await revokeProxy(ctx.database, caller(request), proxy);
    return reply.redirect(`${base(request)}?fait=retire`, 303);
  });
}
