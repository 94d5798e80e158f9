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
  Textarea,
  TextLink,
} from '../../../platform/views/components.js';
import { formatDateTime } from '../../../platform/views/format.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { eluPage, seanceCalendar } from '../queries.js';
import type { AnnotationRow, ItemRow } from '../schema.js';
import { seanceIcs } from '../seance-ics.js';
import { addAnnotation, editAnnotation, removeAnnotation } from '../use-cases/annotations.js';
import { giveProxy, replyToConvocation, revokeProxy } from '../use-cases/attendance.js';
import { openConvocationLink } from '../use-cases/convocation-opening.js';
import { caller, seanceTitle } from './ui.js';

const POLICY = { config: { policy: 'staff' as const } };

interface FormState {
  seanceId?: string;
  /** A note form: the item (new note) or the note (edit) the errors belong to. */
  noteTarget?: string;
  values?: FormBody;
  errors?: FieldErrors;
  status?: number;
}

const NOTICES: Record<string, string> = {
  present: 'Votre présence est notée.',
  absent: 'Votre absence est notée.',
  pouvoir: 'Votre pouvoir est enregistré : votre collègue votera en votre nom.',
  retire: 'Votre pouvoir est retiré.',
  note: 'Votre note est enregistrée. Vous seul pouvez la lire.',
  'note-modifiee': 'Votre note est modifiée.',
  'note-supprimee': 'Votre note est supprimée.',
};

/** An item's private notes: each one editable and deletable, and a new one (plain forms). */
function ItemNotes({
  base,
  item,
  notes,
  csrf,
  form,
}: {
  base: string;
  item: ItemRow;
  notes: readonly AnnotationRow[];
  csrf: string;
  form: FormState;
}) {
  const error = (target: string) => (form.noteTarget === target ? form.errors?.body : undefined);
  const value = (target: string, fallback: string) =>
    form.noteTarget === target ? formString(form.values ?? {}, 'body') : fallback;
  const open = notes.length > 0 || notes.some((n) => n.id === form.noteTarget) || form.noteTarget === item.id;
  return (
    <details class="govuk-details" open={open}>
      <summary class="govuk-details__summary">
        <span class="govuk-details__summary-text">
          Mes notes privées ({notes.length})<span class="govuk-visually-hidden"> sur le point : {item.title}</span>
        </span>
      </summary>
      <div class="govuk-details__text">
        <p class="govuk-body-s">Elles restent sur votre compte : ni vos collègues ni le secrétariat ne les lisent.</p>
        {notes.map((note, i) => (
          <div key={note.id} class="govuk-!-margin-bottom-4">
            <form method="post" action={`${base}/notes/${note.id}`} novalidate>
              <CsrfField token={csrf} />
              <Textarea
                name="body"
                id={`note-${note.id}`}
                label={`Note ${i + 1}`}
                labelSize="s"
                hint={`Modifiée le ${formatDateTime(note.updatedAt)}`}
                rows={3}
                value={value(note.id, note.body)}
                error={error(note.id)}
              />
              <Button variant="secondary">Modifier la note {i + 1}</Button>
            </form>
            <form method="post" action={`${base}/notes/${note.id}/supprimer`} novalidate>
              <CsrfField token={csrf} />
              <Button variant="warning">Supprimer la note {i + 1}</Button>
            </form>
          </div>
        ))}
        <form method="post" action={`${base}/points/${item.id}/notes`} novalidate>
          <CsrfField token={csrf} />
          <Textarea
            name="body"
            id={`note-${item.id}`}
            label="Nouvelle note"
            labelSize="s"
            rows={3}
            value={value(item.id, '')}
            error={error(item.id)}
          />
          <Button variant="secondary">Ajouter la note</Button>
        </form>
      </div>
    </details>
  );
}

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
    ...(form.noteTarget && form.errors?.body ? { targets: { body: `note-${form.noteTarget}` } } : {}),
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
          data.upcoming.map(({ seance, items, reply: answer, given, held, notes }) => {
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
                      <ItemNotes base={base} item={item} notes={notes.get(item.id) ?? []} csrf={csrf} form={form} />
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

  // The convocation mail's link (no session needed): the first use is the proof of opening,
  // then the élu goes on to their space (signing in if needed).
  app.get('/c/:slug/conseil/convocations/:token', { config: { policy: 'public' as const } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    if (!(await openConvocationLink(ctx.database, request.commune!.id, token)))
      throw notFound('council.convocation_not_found');
    return reply.header('cache-control', 'no-store').redirect(base(request), 303);
  });

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

  app.post('/c/:slug/conseil/points/:item/notes', POLICY, async (request, reply) => {
    const { item } = request.params as { item: string };
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () => addAnnotation(ctx.database, caller(request), item, { body: formString(body, 'body') }),
      (errors, status) => render(ctx, request, reply, { noteTarget: item, values: body, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${base(request)}?fait=note#note-${item}`, 303);
  });

  app.post('/c/:slug/conseil/notes/:note', POLICY, async (request, reply) => {
    const { note } = request.params as { note: string };
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () => editAnnotation(ctx.database, caller(request), note, { body: formString(body, 'body') }),
      (errors, status) => render(ctx, request, reply, { noteTarget: note, values: body, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${base(request)}?fait=note-modifiee#note-${note}`, 303);
  });

  app.post('/c/:slug/conseil/notes/:note/supprimer', POLICY, async (request, reply) => {
    const { note } = request.params as { note: string };
    await removeAnnotation(ctx.database, caller(request), note);
    return reply.redirect(`${base(request)}?fait=note-supprimee`, 303);
  });

  app.post('/c/:slug/conseil/pouvoirs/:proxy/retirer', POLICY, async (request, reply) => {
    const { proxy } = request.params as { proxy: string };
    await revokeProxy(ctx.database, caller(request), proxy);
    return reply.redirect(`${base(request)}?fait=retire`, 303);
  });
}
