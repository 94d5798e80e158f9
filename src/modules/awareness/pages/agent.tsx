/**
 * The staff's pages (`/c/:slug/agent/sensibilisation`, staff: agents and élus): « Signaler un
 * hameçonnage », the staff notice, the person's own results (nobody else's), the trainings with
 * their quiz and status, and the person's own certificate once all are passed (no account in
 * its address: nobody can ask for someone else's).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { sendFile } from '../../../platform/files/checks.js';
import {
  Button,
  CsrfField,
  type FieldErrors,
  Panel,
  Radios,
  Table,
  Tag,
  Textarea,
} from '../../../platform/views/components.js';
import { formatDate, formatDateTime } from '../../../platform/views/format.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { accountContact } from '../../identity/index.js';
import { renderCertificatePdf } from '../certificate.js';
import { completionsOf, findNotice, individualResults } from '../repo.js';
import { findScenario } from '../scenarios.js';
import { findTraining, scoreQuiz, TRAININGS, trainingLinkHref, trainingProgress } from '../trainings.js';
import { completeTraining } from '../use-cases/complete-training.js';
import { reportPhishing } from '../use-cases/report-phishing.js';
import { EVENT_LABELS, Paragraphs } from './ui.js';

function certificateNotFound(): AppError {
  return new AppError('awareness.certificate_not_found', 'certificate not available', 404, {
    userMessage: 'Votre attestation sera disponible quand vous aurez réussi toutes les formations.',
  });
}

function trainingNotFound(): AppError {
  return new AppError('awareness.training_not_found', 'unknown training', 404, {
    userMessage: 'Cette formation n’existe pas.',
  });
}

export function registerAgentPages(app: FastifyInstance, ctx: AppContext): void {
  const base = (request: FastifyRequest) => `/c/${request.commune!.slug}/agent/sensibilisation`;

  app.get('/c/:slug/agent/sensibilisation', { config: { policy: 'staff' } }, async (request, reply) => {
    const commune = request.commune!;
    const accountId = request.actor!.accountId;
    const { notice, results, completions } = await withTenant(ctx.database, commune.id, async (tx) => ({
      notice: await findNotice(tx, commune.id),
      results: await individualResults(tx, commune.id, { accountId }),
      completions: await completionsOf(tx, commune.id, accountId),
    }));
    const progress = trainingProgress(completions);
    return sendPage(request, reply, {
      title: 'Sensibilisation à la cybersécurité',
      workspace: true,
      children: (
        <>
          <h1 class="govuk-heading-xl">Sensibilisation à la cybersécurité</h1>
          <p class="govuk-body">Un message vous semble suspect ? Ne cliquez pas, signalez-le.</p>
          <Button href={`${base(request)}/signaler`}>Signaler un hameçonnage</Button>
          <p class="govuk-body">
            Une machine se comporte bizarrement, un mot de passe a été saisi sur une page douteuse, un fichier a disparu
            ?{' '}
            <a class="govuk-link" href={`${base(request)}/incident`}>
              Déclarer un incident de sécurité
            </a>
            .
          </p>
          <h2 class="govuk-heading-l" id="formations">
            Formations
          </h2>
          <p class="govuk-body">
            Cinq formations de 5 minutes, pour les agents comme pour les élus, chacune avec quelques questions à la fin.
            Vous pouvez les suivre sur un téléphone.
          </p>
          <Table
            caption="Mes formations"
            captionSize="s"
            columns={[{ label: 'Formation' }, { label: 'Durée' }, { label: 'État' }]}
            rows={TRAININGS.map((t) => {
              const passedAt = progress.passed.get(t.key);
              return [
                <a key={t.key} class="govuk-link" href={`${base(request)}/formations/${t.key}`}>
                  {t.title}
                </a>,
                `${t.minutes} minutes`,
                passedAt ? (
                  <Tag colour="green">Réussie le {formatDate(passedAt)}</Tag>
                ) : (
                  <Tag colour="grey">À faire</Tag>
                ),
              ];
            })}
          />
          {progress.complete ? (
            <p class="govuk-body">
              <a class="govuk-link" href={`${base(request)}/attestation.pdf`} download>
                Télécharger mon attestation de formation (PDF)
              </a>
            </p>
          ) : (
            <p class="govuk-body">
              Votre attestation de formation sera proposée ici quand vous aurez réussi les {TRAININGS.length} formations
              ({TRAININGS.length - progress.remaining.length} sur {TRAININGS.length} pour l’instant).
            </p>
          )}
          <h2 class="govuk-heading-l">Mes résultats aux exercices</h2>
          <p class="govuk-body">
            Vous seul et la personne chargée de la sécurité informatique de la commune voyez ces résultats.
          </p>
          {results.length === 0 ? (
            <p class="govuk-body">Aucun exercice ne vous a encore été envoyé.</p>
          ) : (
            <Table
              caption="Exercices reçus"
              captionSize="s"
              columns={[{ label: 'Message' }, { label: 'Reçu le' }, { label: 'Ce que vous avez fait' }]}
              rows={results.map((r) => [
                findScenario(r.scenario)?.title ?? r.scenario,
                formatDateTime(r.sendAt),
                r.events.length === 0 ? 'Rien' : r.events.map((e) => EVENT_LABELS[e]).join(', '),
              ])}
            />
          )}
          {notice ? (
            <p class="govuk-body">
              <a class="govuk-link" href={`${base(request)}/note`}>
                Lire la note d’information du personnel sur ces exercices
              </a>
            </p>
          ) : null}
        </>
      ),
    });
  });

  app.get('/c/:slug/agent/sensibilisation/note', { config: { policy: 'staff' } }, async (request, reply) => {
    const commune = request.commune!;
    const notice = await withTenant(ctx.database, commune.id, (tx) => findNotice(tx, commune.id));
    if (!notice) {
      throw new AppError('awareness.notice_not_found', 'no notice', 404, {
        userMessage: 'La commune n’a pas encore publié de note d’information sur ces exercices.',
      });
    }
    return sendPage(request, reply, {
      title: 'Note d’information du personnel',
      workspace: true,
      children: (
        <>
          <h1 class="govuk-heading-xl">Note d’information du personnel</h1>
          <p class="govuk-body">Publiée le {formatDateTime(notice.publishedAt)}.</p>
          <Paragraphs text={notice.body} />
        </>
      ),
    });
  });

  function reportPage(
    request: FastifyRequest,
    reply: FastifyReply,
    content: string,
    errors: FieldErrors = {},
    status?: number,
  ) {
    return sendPage(request, reply, {
      title: 'Signaler un hameçonnage',
      errors,
      ...(status ? { status } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Signaler un hameçonnage</h1>
          <p class="govuk-body">
            Ne cliquez sur aucun lien du message. Copiez-le en entier ici — l’expéditeur, l’objet, le texte et ses liens
            (clic droit sur un lien, « Copier l’adresse du lien ») — puis supprimez-le de votre messagerie.
          </p>
          <form method="post" action={`${base(request)}/signaler`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Textarea name="content" label="Le message suspect" rows={10} value={content} error={errors.content} />
            <Button>Signaler le message</Button>
          </form>
        </>
      ),
    });
  }

  app.get('/c/:slug/agent/sensibilisation/signaler', { config: { policy: 'staff' } }, async (request, reply) =>
    reportPage(request, reply, ''),
  );

  app.post('/c/:slug/agent/sensibilisation/signaler', { config: { policy: 'staff' } }, async (request, reply) => {
    const commune = request.commune!;
    const content = formString(request.body, 'content');
    const result = await handleForm(
      () =>
        withTenant(ctx.database, commune.id, (tx) =>
          reportPhishing(tx, commune.id, request.actor!, { content }, request.id),
        ),
      (errors, status) => reportPage(request, reply, content, errors, status),
    );
    if (!result.ok) return result.response;
    return sendPage(request, reply, {
      title: 'Merci pour votre signalement',
      children: result.value.simulation ? (
        <>
          <Panel title="Bravo, c’était un exercice">Vous avez eu le bon réflexe.</Panel>
          <p class="govuk-body">
            Ce message était un faux envoyé par la commune pour s’entraîner. Le signaler était exactement ce qu’il
            fallait faire : votre signalement est compté comme la bonne réaction. Vous pouvez supprimer le message.
          </p>
          <p class="govuk-body">
            <a class="govuk-link" href={base(request)}>
              Retour à la sensibilisation
            </a>
          </p>
        </>
      ) : (
        <>
          <Panel title="Merci, le message est signalé">La personne chargée de la sécurité va l’examiner.</Panel>
          <p class="govuk-body">
            Ne cliquez sur aucun de ses liens et supprimez-le. Si vous avez déjà cliqué ou saisi un mot de passe,
            changez-le depuis le site habituel et prévenez tout de suite l’administrateur de la commune.
          </p>
          <p class="govuk-body">
            <a class="govuk-link" href={base(request)}>
              Retour à la sensibilisation
            </a>
          </p>
        </>
      ),
    });
  });

  function trainingPage(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    answers: Record<string, string>,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const training = findTraining(key);
    if (!training) throw trainingNotFound();
    return sendPage(request, reply, {
      title: training.title,
      errors,
      fieldOrder: training.quiz.map((q) => q.key),
      ...(status ? { status } : {}),
      children: (
        <>
          <span class="govuk-caption-l">Formation de {training.minutes} minutes</span>
          <h1 class="govuk-heading-xl">{training.title}</h1>
          {training.sections.map((s) => (
            <section key={s.heading}>
              <h2 class="govuk-heading-m">{s.heading}</h2>
              {s.paragraphs.map((p) => (
                <p key={p} class="govuk-body">
                  {p}
                </p>
              ))}
              {s.links ? (
                <ul class="govuk-list">
                  {s.links.map((l) => (
                    <li key={l.path}>
                      <a class="govuk-link" href={trainingLinkHref(l.path, request.commune!.slug)}>
                        {l.label}
                      </a>
                    </li>
                  ))}
                </ul>
              ) : null}
            </section>
          ))}
          <h2 class="govuk-heading-l">Quiz</h2>
          <form method="post" action={`${base(request)}/formations/${training.key}`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            {training.quiz.map((q) => (
              <Radios
                key={q.key}
                name={q.key}
                legend={q.question}
                legendSize="s"
                value={answers[q.key] ?? ''}
                error={errors[q.key]}
                items={q.choices.map((c) => ({ value: c.value, label: c.label }))}
              />
            ))}
            <Button>Valider mes réponses</Button>
          </form>
        </>
      ),
    });
  }

  app.get(
    '/c/:slug/agent/sensibilisation/formations/:training',
    { config: { policy: 'staff' } },
    async (request, reply) => trainingPage(request, reply, (request.params as { training: string }).training, {}),
  );

  app.post(
    '/c/:slug/agent/sensibilisation/formations/:training',
    { config: { policy: 'staff' } },
    async (request, reply) => {
      const commune = request.commune!;
      const key = (request.params as { training: string }).training;
      const training = findTraining(key);
      if (!training) throw trainingNotFound();
      const body = (request.body ?? {}) as FormBody;
      const answers = Object.fromEntries(training.quiz.map((q) => [q.key, formString(body, q.key)]));
      const { passed, wrong } = scoreQuiz(training, answers);
      if (!passed) {
        const errors = Object.fromEntries(
          wrong.map((q) => [
            q.key,
            answers[q.key] ? `Ce n’est pas la bonne réponse. ${q.explanation}` : 'Choisissez une réponse.',
          ]),
        );
        return trainingPage(request, reply, key, answers, errors, 422);
      }
      const completions = await withTenant(ctx.database, commune.id, async (tx) => {
        await completeTraining(tx, commune.id, request.actor!, training, answers, request.id);
        return completionsOf(tx, commune.id, request.actor!.accountId);
      });
      const progress = trainingProgress(completions);
      const next = progress.remaining[0];
      return sendPage(request, reply, {
        title: 'Formation réussie',
        children: (
          <>
            <Panel title="Formation réussie">Toutes vos réponses sont justes.</Panel>
            {progress.complete ? (
              <p class="govuk-body">
                Vous avez réussi les {TRAININGS.length} formations.{' '}
                <a class="govuk-link" href={`${base(request)}/attestation.pdf`} download>
                  Télécharger mon attestation de formation (PDF)
                </a>
              </p>
            ) : next ? (
              <p class="govuk-body">
                Il vous reste {progress.remaining.length} formation{progress.remaining.length > 1 ? 's' : ''}. Prochaine
                :{' '}
                <a class="govuk-link" href={`${base(request)}/formations/${next.key}`}>
                  {next.title}
                </a>
              </p>
            ) : null}
            <p class="govuk-body">
              <a class="govuk-link" href={base(request)}>
                Retour à la sensibilisation
              </a>
            </p>
          </>
        ),
      });
    },
  );

  app.get('/c/:slug/agent/sensibilisation/attestation.pdf', { config: { policy: 'staff' } }, async (request, reply) => {
    const commune = request.commune!;
    const accountId = request.actor!.accountId;
    const loaded = await withTenant(ctx.database, commune.id, async (tx) => ({
      completions: await completionsOf(tx, commune.id, accountId),
      person: await accountContact(tx, accountId),
    }));
    const progress = trainingProgress(loaded.completions);
    if (!progress.complete || !loaded.person) throw certificateNotFound();
    const pdf = await renderCertificatePdf({
      communeName: commune.name,
      person: loaded.person,
      trainings: TRAININGS.map((t) => ({ training: t, passedAt: progress.passed.get(t.key)! })),
    });
    return sendFile(reply, {
      name: `attestation-cybersecurite-${commune.slug}.pdf`,
      mimeType: 'application/pdf',
      content: pdf,
    });
  });
}
