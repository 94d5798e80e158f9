/**
 * The survey's pages, public (the signed link is the permission, decision 0056): the three
 * questions of « Je donne mon avis » as radios in fieldsets with their legends, the free comment,
 * and the thanks. The token travels in the query string and the form body, never in the path, so
 * that request logs (which drop query strings) keep no trace of it. A bad link is a 404 page; a
 * second answer for the same request, a friendly 409 page; bad marks, the form again (422).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { AppError } from '../../../platform/errors.js';
import { Button, CsrfField, type FieldErrors, Panel, Radios, Textarea } from '../../../platform/views/components.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { MARKS, MAX_COMMENT_LENGTH, QUESTIONS } from '../survey.js';
import { answerFields, answerSurvey, openSurvey } from '../use-cases/answer-survey.js';

const FIELD_ORDER = [QUESTIONS.satisfaction.field, QUESTIONS.ease.field, QUESTIONS.clarity.field, 'commentaire'];

function surveyForm(
  request: FastifyRequest,
  reply: FastifyReply,
  view: { token: string; procedureTitle: string | null; values: FormBody; errors?: FieldErrors; status?: number },
) {
  const slug = request.commune!.slug;
  const typed = answerFields(view.values);
  const errors = view.errors ?? {};
  const items = MARKS.map((m) => ({ value: String(m.value), label: m.label }));
  return sendPage(request, reply, {
    title: 'Je donne mon avis',
    errors,
    fieldOrder: FIELD_ORDER,
    ...(view.status ? { status: view.status } : {}),
    children: (
      <>
        <span class="govuk-caption-l">{view.procedureTitle ?? 'Votre message à la mairie'}</span>
        <h1 class="govuk-heading-l">Je donne mon avis</h1>
        <p class="govuk-body">
          Trois questions, moins d’une minute, pour aider la mairie à améliorer ses démarches. Votre avis est anonyme :
          il n’est pas rattaché à votre demande, et le service ne voit ni votre nom ni le numéro de la demande.
        </p>
        <form method="post" action={`/c/${slug}/avis`} novalidate>
          <CsrfField token={reply.generateCsrf()} />
          <input type="hidden" name="jeton" value={view.token} />
          {Object.values(QUESTIONS).map((q) => (
            <Radios
              key={q.field}
              name={q.field}
              legend={q.required ? q.legend : `${q.legend} (facultatif)`}
              legendSize={q.required ? 'm' : 's'}
              inline
              items={items}
              value={typed[q.field]}
              error={errors[q.field]}
            />
          ))}
          <Textarea
            name="commentaire"
            label="Souhaitez-vous nous en dire plus ? (facultatif)"
            labelSize="s"
            hint="N’y écrivez ni votre nom, ni vos coordonnées, ni le numéro de votre demande : le service lit les commentaires tels quels."
            rows={4}
            maxLength={MAX_COMMENT_LENGTH}
            value={typed.commentaire}
            error={errors.commentaire}
          />
          <Button>Envoyer mon avis</Button>
        </form>
      </>
    ),
  });
}

function alreadyReceived(request: FastifyRequest, reply: FastifyReply, status: number) {
  return sendPage(request, reply, {
    title: 'Votre avis a déjà été reçu',
    status,
    children: (
      <>
        <h1 class="govuk-heading-l">Votre avis a déjà été reçu</h1>
        <p class="govuk-body">
          Merci de nous l’avoir donné ! Un seul avis est enregistré par demande, que vous l’ayez donné après l’envoi de
          la démarche ou à sa clôture.
        </p>
        <p class="govuk-body">
          <a class="govuk-link" href={`/c/${request.commune!.slug}/`}>
            Revenir à l’accueil du site de la commune
          </a>
        </p>
      </>
    ),
  });
}

export function registerSurveyPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/avis', { config: { policy: 'public' } }, async (request, reply) => {
    const token = formString(request.query, 'jeton');
    const survey = await openSurvey(ctx, request.commune!, token);
    if (survey.answered) return alreadyReceived(request, reply, 200);
    return surveyForm(request, reply, { token, procedureTitle: survey.procedureTitle, values: {} });
  });

  app.post('/c/:slug/avis', { config: { policy: 'public' } }, async (request, reply) => {
    const commune = request.commune!;
    const body = (request.body ?? {}) as FormBody;
    try {
      const result = await handleForm(
        () => answerSurvey(ctx, commune, body),
        async (errors, status) => {
          const survey = await openSurvey(ctx, commune, formString(body, 'jeton'));
          return surveyForm(request, reply, {
            token: formString(body, 'jeton'),
            procedureTitle: survey.procedureTitle,
            values: body,
            errors,
            status,
          });
        },
      );
      if (!result.ok) return result.response;
    } catch (error) {
      if (error instanceof AppError && error.code === 'satisfaction.already_answered') {
        return alreadyReceived(request, reply, 409);
      }
      throw error;
    }
    return reply.redirect(`/c/${commune.slug}/avis/merci`, 303);
  });

  app.get('/c/:slug/avis/merci', { config: { policy: 'public' } }, async (request, reply) =>
    sendPage(request, reply, {
      title: 'Merci pour votre avis',
      children: (
        <>
          <Panel title="Merci pour votre avis">Il a bien été enregistré.</Panel>
          <p class="govuk-body">
            Il est lu par le service qui a traité votre demande et compte dans le suivi de la qualité des démarches de
            la commune, sans votre nom ni le numéro de votre demande.
          </p>
          <p class="govuk-body">
            <a class="govuk-link" href={`/c/${request.commune!.slug}/`}>
              Revenir à l’accueil du site de la commune
            </a>
          </p>
        </>
      ),
    }),
  );
}
