/**
 * The steps of a démarche: each page of its form, with a draft saved at every step (by account,
 * or by a random cookie token for anonymous visitors), prefill from the account, the commune's
 * postcode and name for a place never answered, files checked by content or reused from « mes
 * justificatifs », and « Enregistrer et reprendre plus tard ». A refused page keeps what was typed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { uploadedFiles } from '../../../platform/files/checks.js';
import { Button } from '../../../platform/views/components.js';
import { renderRequestPage } from '../../../platform/views/page.js';
import { type FormBody, HTML, sendPage } from '../../../platform/views/page-kit.js';
import { communePostcode } from '../../addresses/index.js';
import {
  type Answers,
  effectiveAnswers,
  type FileChoice,
  type FormPage,
  FormPageView,
  findPage,
  formPageTitle,
  nextPageId,
  pageHasFileField,
  previousPageId,
  RESERVED_PAGE_IDS,
  stepOf,
} from '../../forms/index.js';
import { DRAFT_COOKIE_DAYS, type LoadedProcedure, loadFlow, loadProcedure, prefilled } from '../demarche-flow.js';
import { ADDRESS_FIELD_SCRIPT, PlaceLookup, placeFieldIds, withPlaceDefaults } from '../place-fields.js';
import { listDraftFiles } from '../repo.js';
import { saveDraftPage } from '../use-cases/save-draft-page.js';
import { vaultChoicesForPage } from '../vault-reuse.js';
import { draftOwner, ensureDraftOwner, flowBase, pageParams, pageQuery, refuseAudience } from './demarche-kit.js';

export function registerDemarcheSteps(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  interface PageView {
    loaded: LoadedProcedure;
    page: FormPage;
    answers: Answers;
    errors: Record<string, string>;
    status?: number;
    retour?: 'verifier';
    /** Vault documents offered instead of an upload, per file field. */
    fileChoices?: Record<string, FileChoice[]>;
  }

  function sendFormPage(request: FastifyRequest, reply: FastifyReply, view: PageView) {
    const commune = request.commune!;
    const { loaded, page, answers, errors } = view;
    const { definition, procedure: p } = loaded;
    const base = flowBase(commune, p.slug);
    const previous = previousPageId(definition, page.id, effectiveAnswers(definition, answers));
    const suffix = view.retour ? `?retour=${view.retour}` : '';
    return reply
      .status(view.status ?? (Object.keys(errors).length > 0 ? 422 : 200))
      .type(HTML)
      .header('cache-control', 'no-store')
      .send(
        renderRequestPage(request, {
          title: formPageTitle(definition, page, errors),
          ...(placeFieldIds(page).length > 0 ? { scripts: [ADDRESS_FIELD_SCRIPT] } : {}),
          children: (
            <PlaceLookup commune={commune} page={page}>
              <FormPageView
                definition={definition}
                page={page}
                answers={answers}
                errors={errors}
                csrfToken={reply.generateCsrf()}
                action={`${base}/${encodeURIComponent(page.id)}${suffix}`}
                step={stepOf(definition, page.id, effectiveAnswers(definition, answers))}
                backHref={
                  view.retour ? `${base}/verifier` : previous ? `${base}/${encodeURIComponent(previous)}` : base
                }
                multipart={pageHasFileField(page)}
                fileChoices={view.fileChoices ?? {}}
              />
            </PlaceLookup>
          ),
        }),
      );
  }

  app.get(
    '/c/:slug/demarches/:procedure/:page',
    { schema: { hide: true, params: pageParams, querystring: pageQuery }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      // « verifier », « envoyer »… are the flow's own pages (demarche-review.tsx), never a step.
      if (RESERVED_PAGE_IDS.has(request.params.page)) throw notFound();
      const owner = draftOwner(request);
      const accountId = request.actor?.accountId ?? null;
      const view = await withTenant(ctx.database, commune.id, async (tx) => {
        const { loaded, draft } = await loadFlow(tx, commune, owner, request.params.procedure);
        const page = findPage(loaded.definition, request.params.page);
        // A place never answered starts with the commune's postcode and name (place-fields.tsx).
        const answers = withPlaceDefaults(
          page,
          await prefilled(tx, accountId, loaded.definition, (draft?.answers as Answers | undefined) ?? {}),
          {
            postcode: placeFieldIds(page).length > 0 ? await communePostcode(tx, commune.id) : null,
            city: commune.name,
          },
        );
        const fileChoices = page
          ? await vaultChoicesForPage(
              tx,
              accountId,
              page,
              effectiveAnswers(loaded.definition, answers),
              draft ? await listDraftFiles(tx, commune.id, draft.id) : [],
            )
          : {};
        return { loaded, answers, fileChoices };
      });
      if (refuseAudience(request, reply, view.loaded.procedure)) return reply;
      const page = findPage(view.loaded.definition, request.params.page);
      if (!page) throw notFound('procedure.page_not_found', `no page ${request.params.page}`);
      return sendFormPage(request, reply, {
        ...view,
        page,
        errors: {},
        ...(request.query.retour ? { retour: request.query.retour } : {}),
      });
    },
  );

  app.post(
    '/c/:slug/demarches/:procedure/:page',
    { schema: { hide: true, params: pageParams, querystring: pageQuery }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      if (RESERVED_PAGE_IDS.has(request.params.page)) throw notFound();
      const current = await withTenant(ctx.database, commune.id, (tx) =>
        loadProcedure(tx, commune, request.params.procedure),
      );
      if (refuseAudience(request, reply, current.procedure)) return reply;
      if (!findPage(current.definition, request.params.page)) {
        throw notFound('procedure.page_not_found', `no page ${request.params.page}`);
      }
      const outcome = await saveDraftPage(ctx, {
        commune,
        current,
        pageId: request.params.page,
        owner: ensureDraftOwner(request, reply),
        accountId: request.actor?.accountId ?? null,
        body: (request.body ?? {}) as FormBody,
        uploads: uploadedFiles(request),
      });

      const { loaded, page, read, errors, fileChoices, tooLarge } = outcome;
      const base = flowBase(commune, loaded.procedure.slug);
      const hasErrors = Object.keys(errors).length > 0;
      if (read.outcome === 'draft' && !hasErrors) {
        return sendPage(request, reply, {
          title: 'Démarche enregistrée',
          children: (
            <>
              <h1 class="govuk-heading-xl">Votre démarche est enregistrée</h1>
              <p class="govuk-body">
                Vos réponses à « {loaded.procedure.title} » sont enregistrées. Vous pourrez reprendre là où vous vous
                êtes arrêté.
              </p>
              {request.actor ? (
                <p class="govuk-body">
                  Retrouvez-la dans{' '}
                  <a class="govuk-link" href={`/c/${commune.slug}/demandes`}>
                    Mes demandes
                  </a>
                  .
                </p>
              ) : (
                <p class="govuk-body">
                  Sans compte, elle reste enregistrée {DRAFT_COOKIE_DAYS} jours sur cet appareil et dans ce navigateur
                  seulement.
                </p>
              )}
              <Button href={`${base}/commencer`}>Reprendre maintenant</Button>
            </>
          ),
        });
      }
      if (read.outcome !== 'continue' || hasErrors) {
        return sendFormPage(request, reply, {
          loaded,
          page,
          answers: read.answers,
          errors,
          fileChoices,
          ...(hasErrors ? { status: tooLarge ? 413 : 422 } : {}),
          ...(request.query.retour ? { retour: request.query.retour } : {}),
        });
      }
      const next = request.query.retour ? null : nextPageId(loaded.definition, page.id, read.answers);
      return reply.redirect(next ? `${base}/${encodeURIComponent(next)}` : `${base}/verifier`, 303);
    },
  );
}
