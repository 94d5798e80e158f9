/**
 * "Contacter la mairie": a free-text request (subject, message, name, e-mail; prefilled when
 * signed in), routed by the commune's classifier — or to the accueil for triage when unsure —
 * numbered, receipted and tracked like any démarche. Also the confirmation page shown after any
 * submission (the number travels in a short-lived signed cookie, not in the URL).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ANTISPAM_SCRIPT, AntiSpamFields } from '../../platform/antispam/fields.js';
import { type ChallengeView, QUESTION_ANSWER_FIELD, spamLadder } from '../../platform/antispam/ladder.js';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import { sendFile } from '../../platform/files/checks.js';
import type { PublicTask } from '../../platform/module.js';
import { type Commune, listServices } from '../../platform/tenancy/communes.js';
import { signRequestNumber } from '../../platform/tokens.js';
import { Button, CsrfField, type FieldErrors, Input, Panel, Textarea } from '../../platform/views/components.js';
import { type FormBody, formString, handleForm, sendPage } from '../../platform/views/page-kit.js';
import { DOCUMENT_KIND_RULES } from '../forms/index.js';
import { findProcedureById, findProcedureBySlug, type Procedure } from '../procedures/index.js';
import { surveyPathFor } from '../satisfaction/index.js';
import { COMPETENCE_DEMARCHES } from './competence-map.js';
import { MAX_MESSAGE_LENGTH } from './deps.js';
import { findRequestByNumber } from './repo.js';
import { readFile } from './request-files.js';
import { parseContactMessage, sendContactMessage } from './use-cases/send-contact-message.js';
import { savableRequestFiles } from './vault-reuse.js';

const slugParams = z.object({ slug: z.string().max(63) }).strict();
const SUBMITTED_COOKIE = 'guichet_demande_envoyee';

/** Remembers the number of the request just sent, for the confirmation page (1 hour). */
export function rememberSubmission(reply: FastifyReply, commune: Commune, number: string, email: string): void {
  reply.setCookie(SUBMITTED_COOKIE, JSON.stringify({ number, email }), {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure: 'auto',
    path: `/c/${commune.slug}/`,
    maxAge: 3600,
  });
}

/** Redirect target after a submission. */
export function confirmationPath(commune: Commune): string {
  return `/c/${commune.slug}/demande-envoyee`;
}

function readSubmission(request: FastifyRequest): { number: string; email: string } | null {
  const raw = request.cookies[SUBMITTED_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  try {
    const value = JSON.parse(unsigned.value) as { number?: unknown; email?: unknown };
    return typeof value.number === 'string' && typeof value.email === 'string'
      ? { number: value.number, email: value.email }
      : null;
  } catch {
    return null;
  }
}

export function registerContactPages(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const ladder = spamLadder(ctx);

  async function contactForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormBody,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const commune = request.commune!;
    const actor = request.actor;
    // Anonymous senders: a honeypot always, a challenge past the spam ladder's threshold.
    const challenge: ChallengeView = actor ? null : await ladder.challengeFor(commune.id, request.ip);
    const value = (key: string, fallback = '') => (key in values ? formString(values, key) : fallback);
    return sendPage(request, reply, {
      ...(status ? { status } : {}),
      title: 'Contacter la mairie',
      errors,
      fieldOrder: ['subject', 'message', 'name', 'email', 'site_web', 'verification'],
      targets: { verification: QUESTION_ANSWER_FIELD },
      ...(challenge ? { scripts: [ANTISPAM_SCRIPT] } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Contacter la mairie</h1>
          <p class="govuk-body">
            Posez votre question ou décrivez votre demande : elle sera transmise au service de la mairie de{' '}
            {commune.name} qui s’en occupe. Vous recevrez un accusé de réception avec un numéro de demande.
          </p>
          <p class="govuk-body">
            Pour une démarche précise (acte d’état civil, signalement, réservation…), utilisez plutôt{' '}
            <a class="govuk-link" href={`/c/${commune.slug}/demarches`}>
              les démarches en ligne
            </a>
            .
          </p>
          <form method="post" action={`/c/${commune.slug}/contacter-la-mairie`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Input name="subject" label="Objet" value={value('subject')} error={errors.subject} />
            <Textarea
              name="message"
              label="Votre message"
              hint="Indiquez si besoin l’adresse ou le lieu concerné."
              rows={8}
              maxLength={MAX_MESSAGE_LENGTH}
              value={value('message')}
              error={errors.message}
            />
            <Input
              name="name"
              label="Votre nom"
              autocomplete="name"
              spellcheck={false}
              value={value('name', actor?.displayName ?? '')}
              error={errors.name}
            />
            <Input
              name="email"
              type="email"
              label="Votre adresse électronique"
              hint="La mairie vous répondra à cette adresse."
              autocomplete="email"
              spellcheck={false}
              value={value('email', actor?.email ?? '')}
              error={errors.email}
            />
            {actor ? null : <AntiSpamFields challenge={challenge} errors={errors} />}
            <Button>Envoyer ma demande</Button>
          </form>
        </>
      ),
    });
  }

  app.get(
    '/c/:slug/contacter-la-mairie',
    { schema: { hide: true, params: slugParams }, config: { policy: 'public' } },
    async (request, reply) => contactForm(request, reply, {}),
  );

  app.post(
    '/c/:slug/contacter-la-mairie',
    { schema: { hide: true, params: slugParams }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const body = (request.body ?? {}) as FormBody;
      const actor = request.actor;
      const result = await handleForm(
        async () => {
          const message = parseContactMessage(body);
          if (!actor) await ladder.check(body, commune.id, request.ip);
          return sendContactMessage(ctx, { commune, actor: actor ?? null, httpRequestId: request.id }, message);
        },
        (errors, status) => contactForm(request, reply, body, errors, status),
      );
      if (!result.ok) return result.response;
      const { request: created } = result.value;
      rememberSubmission(reply, commune, created.number, created.requesterEmail);
      return reply.redirect(confirmationPath(commune), 303);
    },
  );

  app.get(
    '/c/:slug/demande-envoyee',
    { schema: { hide: true, params: slugParams }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const sent = readSubmission(request);
      if (!sent) return reply.redirect(`/c/${commune.slug}/`, 303);
      const base = `/c/${commune.slug}`;
      const actor = request.actor;
      // Documents just uploaded for a field that asks for a kind of document: offered to the vault.
      const savable = actor
        ? await withTenant(ctx.database, commune.id, (tx) =>
            savableRequestFiles(tx, commune.id, actor.accountId, sent.number),
          )
        : [];
      // Which service received it and, for a free-text message, the démarche made for its topic.
      const routed = await withTenant(ctx.database, commune.id, async (tx) => {
        const r = await findRequestByNumber(tx, commune.id, sent.number);
        if (!r) return null;
        const service = (await listServices(tx, commune.id)).find((s) => s.id === r.serviceId);
        const suggested: Procedure[] = [];
        if (r.procedureId === null && r.routedBy === 'classifier') {
          const competence = r.routingCompetences?.[0];
          for (const slug of competence ? (COMPETENCE_DEMARCHES[competence] ?? []) : []) {
            const found = await findProcedureBySlug(tx, commune.id, slug);
            if (found?.isPublished) suggested.push(found);
          }
        }
        // The appointment the démarche ends with, when its motif is still open to the public.
        let followUp: PublicTask | undefined;
        const procedure = r.procedureId ? await findProcedureById(tx, commune.id, r.procedureId) : undefined;
        if (procedure?.followUpTask) {
          followUp = (await ctx.contributions.publicTasks(tx, commune.id)).find(
            (t) => t.key === procedure.followUpTask,
          );
        }
        // The optional « Je donne mon avis » survey, until the request has its answer.
        const surveyPath = await surveyPathFor(
          tx,
          ctx.config,
          commune,
          { requestId: r.id, procedureId: r.procedureId, serviceId: r.serviceId },
          'demarche',
        );
        return {
          serviceName: service?.name ?? null,
          triaged: r.routedBy === 'triage',
          suggested,
          followUp,
          surveyPath,
        };
      });
      const followUpHref = routed?.followUp
        ? `${base}/${routed.followUp.path}?demande=${encodeURIComponent(sent.number)}&jeton=${signRequestNumber(ctx.config, commune.id, sent.number)}`
        : null;
      return sendPage(request, reply, {
        title: 'Demande envoyée',
        children: (
          <>
            <Panel title="Demande envoyée">
              Votre numéro de demande
              <br />
              <strong>{sent.number}</strong>
            </Panel>
            {sent.email ? (
              <p class="govuk-body">
                Nous vous avons envoyé un accusé de réception par courriel à <strong>{sent.email}</strong>, avec le PDF
                en pièce jointe. Rappelez le numéro de la demande dans vos échanges avec la mairie.
              </p>
            ) : (
              <p class="govuk-body">
                Vous n’avez pas laissé d’adresse électronique : notez ce numéro, ou téléchargez l’accusé de réception
                ci-dessous.
              </p>
            )}
            <p class="govuk-body">
              <a class="govuk-link" href={`${base}/demande-envoyee/accuse-de-reception.pdf`}>
                Télécharger l’accusé de réception (PDF)
              </a>
            </p>
            {routed?.serviceName ? (
              <p class="govuk-body">
                {routed.triaged
                  ? `Votre message a été transmis au service « ${routed.serviceName} », qui l’orientera vers le service compétent.`
                  : `Votre demande a été transmise au service « ${routed.serviceName} ».`}
              </p>
            ) : null}
            {routed && routed.suggested.length > 0 ? (
              <div class="govuk-inset-text">
                <p class="govuk-body">
                  La prochaine fois, une démarche en ligne est prévue pour ce sujet : elle pose les bonnes questions et
                  va directement au bon service.
                </p>
                <ul class="govuk-list">
                  {routed.suggested.map((p) => (
                    <li key={p.id}>
                      <a class="govuk-link" href={`${base}/demarches/${p.slug}`}>
                        {p.title}
                      </a>
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            {routed?.followUp && followUpHref ? (
              <div class="govuk-inset-text">
                <h2 class="govuk-heading-m">Dernière étape : prenez rendez-vous</h2>
                <p class="govuk-body">
                  Pour cette démarche, le service vous reçoit sur rendez-vous (<strong>{routed.followUp.label}</strong>
                  ). Choisissez votre créneau maintenant : le rendez-vous sera rattaché à votre demande n°{'\u00a0'}
                  {sent.number} et figurera dans son suivi.
                </p>
                <Button href={followUpHref}>Choisir mon créneau</Button>
              </div>
            ) : null}
            <h2 class="govuk-heading-m">Et ensuite ?</h2>
            {request.actor ? (
              <>
                <p class="govuk-body">
                  Le service concerné va étudier votre demande. Vous serez prévenu par courriel à chaque étape, et vous
                  pouvez la suivre à tout moment.
                </p>
                <p class="govuk-body">
                  <a class="govuk-link" href={`${base}/demandes/${sent.number}`}>
                    Suivre ma demande
                  </a>
                </p>
                {savable.length > 0 ? (
                  <>
                    <h2 class="govuk-heading-m">Gagnez du temps la prochaine fois</h2>
                    <p class="govuk-body">
                      Conservez ces documents dans « Mes justificatifs » : vos prochaines démarches vous les proposeront
                      sans que vous ayez à les joindre à nouveau. Rien n’est enregistré sans votre accord.
                    </p>
                    <ul class="govuk-list">
                      {savable.map((file) => (
                        <li key={file.fileId}>
                          <a
                            class="govuk-link govuk-!-text-break-word"
                            href={`${base}/compte/justificatifs/ajouter?demande=${encodeURIComponent(sent.number)}&fichier=${file.fileId}`}
                          >
                            Enregistrer « {file.name} » dans mes justificatifs
                          </a>{' '}
                          ({DOCUMENT_KIND_RULES[file.kind].label.toLowerCase()})
                        </li>
                      ))}
                    </ul>
                  </>
                ) : null}
              </>
            ) : (
              <p class="govuk-body">
                Le service concerné va étudier votre demande et vous répondra par courriel. Avec un compte, vous
                pourriez suivre vos demandes en ligne :{' '}
                <a class="govuk-link" href={`${base}/inscription`}>
                  créer un compte
                </a>
                .
              </p>
            )}
            {routed?.surveyPath ? (
              <>
                <h2 class="govuk-heading-m">Donnez votre avis</h2>
                <p class="govuk-body">
                  Comment s’est passée cette démarche ? Trois questions, moins d’une minute, sans compte : votre avis
                  est anonyme et aide la mairie à améliorer ses démarches.
                </p>
                <p class="govuk-body">
                  <a class="govuk-link" href={routed.surveyPath}>
                    Je donne mon avis
                  </a>
                </p>
              </>
            ) : null}
            <p class="govuk-body">
              <a class="govuk-link" href={`${base}/demarches`}>
                Faire une autre démarche
              </a>
            </p>
          </>
        ),
      });
    },
  );

  // The receipt of the request just sent, for an hour, to whoever sent it (signed cookie):
  // anonymous requesters have no "Mes demandes".
  app.get(
    '/c/:slug/demande-envoyee/accuse-de-reception.pdf',
    { schema: { hide: true, params: slugParams }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const sent = readSubmission(request);
      const file = sent
        ? await withTenant(ctx.database, commune.id, async (tx) => {
            const r = await findRequestByNumber(tx, commune.id, sent.number);
            return r?.receiptFileId
              ? readFile(tx, r.receiptFileId, { requestId: r.id, includeInternal: false })
              : undefined;
          })
        : undefined;
      // Nothing sent from this browser lately: the citizen's receipts are in "Mes demandes".
      if (!file) return reply.redirect(`/c/${commune.slug}/demandes`, 303);
      return sendFile(reply, file);
    },
  );
}
