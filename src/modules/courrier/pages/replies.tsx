/**
 * The replies of a mail: the section of the mail's page (each reply with its outgoing number,
 * state, letter, parapheur folder and sending; a template to start a new one), the draft page
 * (/reponse?modele=…: the template merged, to complete), and the actions — to the parapheur, send
 * (post or electronic registered letter), ask the provider where a registered letter is, download
 * the letter or a proof.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { sendFile } from '../../../platform/files/checks.js';
import { Button, CsrfField, Input, Radios, Select, Textarea } from '../../../platform/views/components.js';
import { formatDateTime } from '../../../platform/views/format.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { lreProviderOf } from '../lre/configured.js';
import { lreProofFile, type MailPage } from '../queries.js';
import { CHANNEL_LABELS, OUTGOING_LABELS } from '../texts.js';
import { requestLreFollow } from '../use-cases/follow-lre.js';
import { draftReply, replyPdf, sendReply, submitReply, templateFor } from '../use-cases/replies.js';
import { templatesOf } from '../use-cases/templates.js';
import type { FormState } from './mail.js';
import { postMailForm } from './mail.js';
import { callerOf, courrierBreadcrumbs, mailPath, POLICY } from './ui.js';

const PROOF_LABELS = {
  depot: 'Preuve de dépôt',
  reception: 'Preuve de réception',
  refus: 'Preuve de refus',
  non_reclame: 'Preuve de non-réclamation',
} as const;

const LRE_STATUS = {
  depose: 'déposée',
  notifie: 'notifiée au destinataire',
  accepte: 'acceptée par le destinataire',
  refuse: 'refusée par le destinataire',
  non_reclame: 'non réclamée dans les 15 jours',
} as const;

export function RepliesSection({
  request,
  data,
  csrf,
  state,
}: {
  request: FastifyRequest;
  data: MailPage;
  csrf: string;
  state: FormState | null;
}) {
  const { mail } = data;
  const base = mailPath(request, mail.id);
  const lre = data.lreAvailable;
  return (
    <>
      <h2 class="govuk-heading-m">Réponses</h2>
      {data.replies.length === 0 && <p class="govuk-body">Aucune réponse pour l’instant.</p>}
      {data.replies.map((r) => {
        const errors = state?.form === `reponse-${r.id}` ? state.errors : {};
        return (
          <div class="govuk-summary-card">
            <div class="govuk-summary-card__title-wrapper">
              <h3 class="govuk-summary-card__title">
                Réponse {r.chrono} — {OUTGOING_LABELS[r.status]}
              </h3>
            </div>
            <div class="govuk-summary-card__content">
              <p class="govuk-body">
                <strong>Objet :</strong> {r.subject}
              </p>
              <p class="govuk-body">
                <a class="govuk-link" href={`${base}/reponses/${r.id}/lettre.pdf`}>
                  Télécharger la lettre {r.signedSha256 ? 'signée' : '(projet)'}
                </a>
                {r.folderNumber && ` · dossier du parapheur ${r.folderNumber}`}
              </p>
              {r.status === 'envoye' && r.channel && (
                <p class="govuk-body">
                  Partie le {formatDateTime(r.sentAt!)} : {CHANNEL_LABELS[r.channel].toLowerCase()}.
                </p>
              )}
              {r.sends.map((s) => (
                <>
                  <p class="govuk-body">
                    Lettre recommandée électronique {LRE_STATUS[s.status]} (référence {s.externalId}, coût{' '}
                    {(s.costCents / 100).toFixed(2).replace('.', ',')} €).
                  </p>
                  <ul class="govuk-list">
                    {s.proofs.map((p) => (
                      <li>
                        <a class="govuk-link" href={`${base}/reponses/${r.id}/preuves/${p.id}`}>
                          {PROOF_LABELS[p.kind]}
                        </a>
                      </li>
                    ))}
                  </ul>
                  {data.canProcess && (s.status === 'depose' || s.status === 'notifie') && (
                    <form method="post" action={`${base}/reponses/${r.id}/suivi`} novalidate>
                      <CsrfField token={csrf} />
                      {errors.reponse && <p class="govuk-error-message">{errors.reponse}</p>}
                      <Button variant="secondary">Demander le suivi au prestataire</Button>
                    </form>
                  )}
                </>
              ))}
              {data.canProcess && (r.status === 'brouillon' || r.status === 'refuse') && (
                <form method="post" action={`${base}/reponses/${r.id}/parapheur`} novalidate>
                  <CsrfField token={csrf} />
                  {errors.reponse && <p class="govuk-error-message">{errors.reponse}</p>}
                  <Button variant="secondary">Envoyer au parapheur</Button>
                </form>
              )}
              {data.canProcess && r.status === 'signe' && (
                <form method="post" action={`${base}/reponses/${r.id}/envoyer`} novalidate>
                  <CsrfField token={csrf} />
                  <Radios
                    name="canal"
                    legend="Envoyer la réponse signée"
                    legendSize="s"
                    value={lre ? 'lre' : 'papier'}
                    items={[
                      ...(lre
                        ? [
                            {
                              value: 'lre',
                              label: 'En lettre recommandée électronique',
                              hint: 'Le destinataire doit avoir accepté de recevoir des envois électroniques.',
                            },
                          ]
                        : []),
                      { value: 'papier', label: 'Imprimée, par la poste' },
                    ]}
                    {...(errors.canal ? { error: errors.canal } : {})}
                  />
                  <Button>Envoyer et clore le courrier</Button>
                </form>
              )}
            </div>
          </div>
        );
      })}
      {data.canProcess && mail.status !== 'clos' && (
        <form method="get" action={`${base}/reponse`}>
          <Select
            name="modele"
            label="Rédiger une réponse à partir du modèle"
            options={data.templates.map((t) => ({ value: t.key, label: t.label }))}
          />
          <Button variant="secondary">Rédiger</Button>
        </form>
      )}
    </>
  );
}

export function registerReplyRoutes(app: FastifyInstance, ctx: AppContext): void {
  const draftPage = async (
    request: FastifyRequest,
    reply: Parameters<typeof sendPage>[1],
    values: { modele: string; objet: string; corps: string },
    label: string,
    errors: Record<string, string> = {},
    status?: number,
  ) => {
    const { mail } = request.params as { mail: string };
    return sendPage(request, reply, {
      title: 'Rédiger une réponse',
      workspace: true,
      breadcrumbs: [...courrierBreadcrumbs(request), { href: mailPath(request, mail), label: 'Le courrier' }],
      errors,
      fieldOrder: ['objet', 'corps', 'modele'],
      ...(status ? { status } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Rédiger une réponse</h1>
          <p class="govuk-body">
            Modèle : {label}. Complétez le texte ; il sera mis en page sur le papier de la commune, puis visé et signé
            au parapheur.
          </p>
          <form method="post" action={`${mailPath(request, mail)}/reponse`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <input type="hidden" name="modele" value={values.modele} />
            <Input name="objet" label="Objet" value={values.objet} error={errors.objet} />
            <Textarea name="corps" label="Texte de la lettre" rows={16} value={values.corps} error={errors.corps} />
            <Button>Enregistrer le projet de réponse</Button>
          </form>
        </>
      ),
    });
  };

  app.get('/c/:slug/agent/courrier/:mail/reponse', POLICY, async (request, reply) => {
    const { mail } = request.params as { mail: string };
    const t = await templateFor(
      ctx,
      callerOf(request),
      mail,
      formString(request.query, 'modele'),
      request.commune!.name,
    );
    return draftPage(request, reply, { modele: t.key, objet: t.subject, corps: t.body }, t.label);
  });

  app.post('/c/:slug/agent/courrier/:mail/reponse', POLICY, async (request, reply) => {
    const { mail } = request.params as { mail: string };
    const body = (request.body ?? {}) as FormBody;
    const values = {
      modele: formString(body, 'modele'),
      objet: formString(body, 'objet'),
      corps: formString(body, 'corps'),
    };
    const result = await handleForm(
      () => draftReply(ctx, callerOf(request), mail, body),
      async (errors, status) => {
        const templates = await withTenant(ctx.database, request.commune!.id, (tx) =>
          templatesOf(tx, request.commune!.id),
        );
        const label = templates.find((t) => t.key === values.modele)?.label ?? 'inconnu';
        return draftPage(request, reply, values, label, errors, status);
      },
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${mailPath(request, mail)}?fait=brouillon`, 303);
  });

  app.post('/c/:slug/agent/courrier/:mail/reponses/:reply/parapheur', POLICY, async (request, reply) => {
    const { mail, reply: replyId } = request.params as { mail: string; reply: string };
    return postMailForm(
      ctx,
      request,
      reply,
      `reponse-${replyId}`,
      () => submitReply(ctx, callerOf(request), mail, replyId, request.commune!.name),
      'parapheur',
    );
  });

  app.post('/c/:slug/agent/courrier/:mail/reponses/:reply/envoyer', POLICY, async (request, reply) => {
    const { mail, reply: replyId } = request.params as { mail: string; reply: string };
    return postMailForm(
      ctx,
      request,
      reply,
      `reponse-${replyId}`,
      () => sendReply(ctx, callerOf(request), mail, replyId, request.body, lreProviderOf(ctx)),
      'envoye',
    );
  });

  app.post('/c/:slug/agent/courrier/:mail/reponses/:reply/suivi', POLICY, async (request, reply) => {
    const { mail, reply: replyId } = request.params as { mail: string; reply: string };
    return postMailForm(
      ctx,
      request,
      reply,
      `reponse-${replyId}`,
      () => requestLreFollow(ctx, callerOf(request), mail, replyId),
      'suivi',
    );
  });

  app.get('/c/:slug/agent/courrier/:mail/reponses/:reply/lettre.pdf', POLICY, async (request, reply) => {
    const { mail, reply: replyId } = request.params as { mail: string; reply: string };
    const pdf = await replyPdf(ctx, callerOf(request), mail, replyId, request.commune!.name);
    return sendFile(reply, { name: 'reponse.pdf', mimeType: 'application/pdf', content: pdf });
  });

  app.get('/c/:slug/agent/courrier/:mail/reponses/:reply/preuves/:proof', POLICY, async (request, reply) => {
    const { mail, reply: replyId, proof } = request.params as { mail: string; reply: string; proof: string };
    return sendFile(reply, await lreProofFile(ctx, callerOf(request), mail, replyId, proof));
  });
}
