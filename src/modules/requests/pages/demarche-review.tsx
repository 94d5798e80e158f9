/**
 * The end of a démarche: the review page (every answer with its « Modifier » link, what will
 * happen after sending) and « Envoyer ma demande » — the spam ladder for anonymous senders first,
 * then the submission (number, receipt, mail) and the confirmation page. A failed submission
 * keeps the draft: nothing is lost.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ANTISPAM_SCRIPT, AntiSpamFields } from '../../../platform/antispam/fields.js';
import { type ChallengeView, QUESTION_ANSWER_FIELD, spamLadder } from '../../../platform/antispam/ladder.js';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import {
  BackLink,
  Button,
  CsrfField,
  ErrorSummary,
  type ErrorSummaryItem,
} from '../../../platform/views/components.js';
import { renderRequestPage } from '../../../platform/views/page.js';
import { type FormBody, HTML } from '../../../platform/views/page-kit.js';
import { type Answers, effectiveAnswers, FormSummaryView, visiblePages } from '../../forms/index.js';
import { confirmationPath, rememberSubmission } from '../contact-pages.js';
import { type LoadedProcedure, loadFlow, loadProcedure } from '../demarche-flow.js';
import { draftProblems, submitDraft } from '../use-cases/submit-draft.js';
import { draftOwner, flowBase, procedureParams, refuseAudience } from './demarche-kit.js';

export function registerDemarcheReview(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const ladder = spamLadder(ctx);

  function sendReview(
    request: FastifyRequest,
    reply: FastifyReply,
    loaded: LoadedProcedure,
    answers: Answers,
    problems: ErrorSummaryItem[],
    status?: number,
    antispam: { challenge: ChallengeView; errors: Record<string, string> } = { challenge: null, errors: {} },
  ) {
    const commune = request.commune!;
    const { definition, procedure: p } = loaded;
    const base = flowBase(commune, p.slug);
    const lastPage = visiblePages(definition, effectiveAnswers(definition, answers)).at(-1) ?? definition.pages[0]!;
    // Only a citizen who gave an address (or has an account) is told a mail will come.
    const withEmail =
      request.actor !== null && request.actor !== undefined
        ? true
        : definition.pages.some((page) =>
            page.fields.some((f) => {
              const value = answers[f.id];
              return f.type === 'email' && typeof value === 'string' && value.trim() !== '';
            }),
          );
    return reply
      .status(status ?? (problems.length > 0 ? 422 : 200))
      .type(HTML)
      .header('cache-control', 'no-store')
      .send(
        renderRequestPage(request, {
          title: `${problems.length > 0 ? 'Erreur\u00a0: ' : ''}Vérifiez vos réponses – ${p.title}`,
          ...(antispam.challenge ? { scripts: [ANTISPAM_SCRIPT] } : {}),
          children: (
            <>
              <BackLink href={`${base}/${encodeURIComponent(lastPage.id)}`} />
              <div class="govuk-grid-row">
                <div class="govuk-grid-column-two-thirds">
                  <ErrorSummary errors={problems} title="Votre demande est incomplète" />
                  <h1 class="govuk-heading-l">
                    <span class="govuk-caption-l">{p.title}</span>
                    Vérifiez vos réponses avant d’envoyer votre demande
                  </h1>
                  <FormSummaryView
                    definition={definition}
                    answers={answers}
                    changeHref={(pageId, fieldId) =>
                      `${base}/${encodeURIComponent(pageId)}?retour=verifier#${encodeURIComponent(fieldId)}`
                    }
                  />
                  <h2 class="govuk-heading-m">Envoyer votre demande</h2>
                  <p class="govuk-body">
                    En envoyant cette demande, vous certifiez que les informations données sont exactes.{' '}
                    {withEmail
                      ? 'Vous recevrez un accusé de réception par courriel.'
                      : 'Vous n’avez pas donné d’adresse électronique : l’accusé de réception s’affichera à l’écran, mais la mairie ne pourra pas vous répondre par courriel.'}
                  </p>
                  <form method="post" action={`${base}/envoyer`} novalidate>
                    <CsrfField token={reply.generateCsrf()} />
                    {request.actor ? null : <AntiSpamFields challenge={antispam.challenge} errors={antispam.errors} />}
                    <Button>Envoyer ma demande</Button>
                  </form>
                </div>
              </div>
            </>
          ),
        }),
      );
  }

  /** The problems that block the submission, as error-summary links to their pages. */

  /** The ladder's refusal of an anonymous submission (field messages and status), or null. */
  async function ladderRefusal(request: FastifyRequest) {
    try {
      await ladder.check((request.body ?? {}) as FormBody, request.commune!.id, request.ip);
      return null;
    } catch (error) {
      if (error instanceof AppError && error.fields && error.status < 500)
        return { fields: error.fields, status: error.status };
      throw error;
    }
  }

  app.get(
    '/c/:slug/demarches/:procedure/verifier',
    { schema: { hide: true, params: procedureParams }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const { loaded, draft } = await withTenant(ctx.database, commune.id, (tx) =>
        loadFlow(tx, commune, draftOwner(request), request.params.procedure),
      );
      if (refuseAudience(request, reply, loaded.procedure)) return reply;
      const base = flowBase(commune, loaded.procedure.slug);
      if (!draft) return reply.redirect(`${base}/commencer`, 303);
      const answers = draft.answers as Answers;
      const challenge = request.actor ? null : await ladder.challengeFor(commune.id, request.ip);
      return sendReview(request, reply, loaded, answers, draftProblems(loaded, answers, base), 200, {
        challenge,
        errors: {},
      });
    },
  );

  app.post(
    '/c/:slug/demarches/:procedure/envoyer',
    { schema: { hide: true, params: procedureParams }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const owner = draftOwner(request);
      // The spam ladder (anonymous senders), outside the transaction: its counters use the pool.
      if (!request.actor) {
        const refused = await ladderRefusal(request);
        if (refused) {
          const { loaded, draft } = await withTenant(ctx.database, commune.id, (tx) =>
            loadFlow(tx, commune, owner, request.params.procedure),
          );
          if (!draft) return reply.redirect(`${flowBase(commune, loaded.procedure.slug)}/commencer`, 303);
          const answers = draft.answers as Answers;
          const challenge = await ladder.challengeFor(commune.id, request.ip);
          const problems = Object.entries(refused.fields).map(([key, text]) => ({
            href: `#${key === 'verification' ? QUESTION_ANSWER_FIELD : key}`,
            text,
          }));
          return sendReview(request, reply, loaded, answers, problems, refused.status, {
            challenge,
            errors: refused.fields,
          });
        }
      }
      const { procedure } = await withTenant(ctx.database, commune.id, (tx) =>
        loadProcedure(tx, commune, request.params.procedure),
      );
      // A POST is refused with a 401 (refuseAudience throws), never redirected.
      refuseAudience(request, reply, procedure);
      const base = flowBase(commune, procedure.slug);
      const outcome = await submitDraft(ctx, {
        commune,
        procedureSlug: procedure.slug,
        owner,
        actor: request.actor ?? null,
        base,
        httpRequestId: request.id,
      });
      if (outcome.kind === 'no_draft') return reply.redirect(`${base}/commencer`, 303);
      if (outcome.kind === 'incomplete') {
        return sendReview(request, reply, outcome.loaded, outcome.answers, outcome.problems, 422);
      }
      rememberSubmission(reply, commune, outcome.number, outcome.email);
      return reply.redirect(confirmationPath(commune), 303);
    },
  );
}
