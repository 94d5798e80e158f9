/**
 * The commune's reply templates (/c/<slug>/admin/courrier/modeles, decision 0054): the list (the
 * built-in templates, marked when the commune has edited them, then its own), the edit page of
 * one (subject and body; the name too for the commune's own; the merge fields available with what
 * each becomes), « Revenir au modèle d’origine » for an edited built-in template, « Supprimer »
 * for one of the commune's own, and the form to add one.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import {
  Button,
  CsrfField,
  type FieldErrors,
  Input,
  InsetText,
  Table,
  Tag,
  Textarea,
} from '../../../platform/views/components.js';
import { type FormBody, formString, handleForm } from '../../../platform/views/page-kit.js';
import { type AvailableTemplate, MERGE_FIELDS } from '../templates.js';
import {
  addTemplate,
  BODY_MAX,
  findTemplate,
  LABEL_MAX,
  listTemplates,
  removeTemplate,
  SUBJECT_MAX,
  saveTemplate,
} from '../use-cases/templates.js';
import { callerOf } from './ui.js';

const POLICY = { config: { policy: 'communeAdmin' } } as const;
const NOTICES: Record<string, string> = {
  enregistre: 'Le modèle est enregistré : les prochaines réponses rédigées à partir de ce modèle l’utiliseront.',
  ajoute: 'Le modèle est ajouté : il est proposé pour rédiger les réponses.',
  retabli: 'Le modèle d’origine est rétabli.',
  supprime: 'Le modèle est supprimé. Les réponses déjà rédigées gardent leur texte.',
};

const modelesBase = (request: FastifyRequest) => `${adminBase(request)}/courrier/modeles`;

function MergeFieldsTable() {
  return (
    <Table
      caption="Champs de fusion disponibles"
      captionSize="s"
      firstCellIsHeader
      columns={[{ label: 'Champ à écrire' }, { label: 'Remplacé par' }]}
      rows={Object.entries(MERGE_FIELDS).map(([field, meaning]) => [<code>{`{{${field}}}`}</code>, meaning])}
    />
  );
}

/** A subject whose merge fields (long unbroken words) may wrap anywhere on a phone; its words do not. */
function SubjectText({ subject }: { subject: string }) {
  return (
    <>
      {subject.split(/(\{\{[^}]*\}\})/).map((part, i) =>
        part.startsWith('{{') ? (
          <span key={i} class="guichet-break">
            {part}
          </span>
        ) : (
          part
        ),
      )}
    </>
  );
}

function listPage(request: FastifyRequest, reply: FastifyReply, templates: AvailableTemplate[]) {
  const base = modelesBase(request);
  const done = formString(request.query, 'fait');
  return sendAdminPage(request, reply, {
    title: 'Modèles de réponse du courrier',
    ...(NOTICES[done] ? { notice: { kind: 'success' as const, title: NOTICES[done]! } } : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Modèles de réponse du courrier</h1>
        <p class="govuk-body">
          Les agents rédigent leurs réponses à partir de ces modèles : les champs de fusion (par exemple{' '}
          <code>{'{{expediteur.nom}}'}</code>) y sont remplacés par les informations du courrier. Modifier un modèle ne
          change pas les réponses déjà rédigées.
        </p>
        <Table
          caption="Modèles proposés aux agents"
          columns={[{ label: 'Modèle et objet' }, { label: 'Origine' }]}
          rows={templates.map((t) => [
            // The subject under the name (two columns fit a phone; three scrolled sideways).
            <>
              <a class="govuk-link" href={`${base}/${t.key}`}>
                {t.label}
              </a>
              <div class="govuk-hint govuk-!-margin-bottom-0">
                Objet : <SubjectText subject={t.subject} />
              </div>
            </>,
            t.builtin ? (
              t.edited ? (
                <Tag>Modifié par la commune</Tag>
              ) : (
                <Tag colour="grey">Modèle d’origine</Tag>
              )
            ) : (
              <Tag colour="green">Modèle de la commune</Tag>
            ),
          ])}
        />
        <Button href={`${base}/nouveau`} variant="secondary">
          Ajouter un modèle
        </Button>
      </>
    ),
  });
}

function editPage(
  request: FastifyRequest,
  reply: FastifyReply,
  template: AvailableTemplate | null,
  form: { values?: Record<string, string>; errors?: FieldErrors; status?: number } = {},
) {
  const base = modelesBase(request);
  const errors = form.errors ?? {};
  const v = (key: string, fallback: string) => form.values?.[key] ?? fallback;
  const own = template === null || template.builtin === null;
  const title = template ? `Modèle « ${template.label} »` : 'Ajouter un modèle de réponse';
  return sendAdminPage(request, reply, {
    title,
    errors,
    fieldOrder: ['nom', 'objet', 'corps'],
    ...(form.status ? { status: form.status } : {}),
    children: (
      <>
        <a class="govuk-back-link" href={base}>
          Retour aux modèles
        </a>
        <h1 class="govuk-heading-xl">{title}</h1>
        {template?.builtin && (
          <p class="govuk-body">
            {template.edited
              ? 'Ce modèle fourni avec Guichet a été modifié par la commune : c’est cette version que les agents utilisent.'
              : 'Ce modèle est fourni avec Guichet. En l’enregistrant, la commune utilise sa propre version à la place.'}
          </p>
        )}
        <form method="post" action={template ? `${base}/${template.key}` : base} novalidate>
          <CsrfField token={reply.generateCsrf()} />
          {own && (
            <Input
              name="nom"
              label="Nom du modèle"
              hint={`Tel qu’il est proposé aux agents, au plus ${LABEL_MAX} caractères.`}
              value={v('nom', template?.label ?? '')}
              error={errors.nom}
            />
          )}
          <Input
            name="objet"
            label="Objet de la lettre"
            hint={`Au plus ${SUBJECT_MAX} caractères ; les champs de fusion y sont acceptés.`}
            value={v('objet', template?.subject ?? '')}
            error={errors.objet}
          />
          <Textarea
            name="corps"
            label="Texte de la lettre"
            hint="Écrivez entre crochets ce que l’agent doit compléter, par exemple [Votre réponse]."
            rows={16}
            maxLength={BODY_MAX}
            value={v('corps', template?.body ?? '')}
            error={errors.corps}
          />
          <Button>{template ? 'Enregistrer le modèle' : 'Ajouter le modèle'}</Button>
        </form>
        <MergeFieldsTable />
        {template && (template.edited || template.builtin === null) && (
          <form method="post" action={`${base}/${template.key}/retablir`}>
            <CsrfField token={reply.generateCsrf()} />
            {template.builtin ? (
              <>
                <InsetText>
                  Le modèle d’origine remplace la version de la commune pour les prochaines réponses.
                </InsetText>
                <Button variant="secondary">Revenir au modèle d’origine</Button>
              </>
            ) : (
              <Button variant="warning">Supprimer ce modèle</Button>
            )}
          </form>
        )}
      </>
    ),
  });
}

function formValues(body: FormBody): Record<string, string> {
  return { nom: formString(body, 'nom'), objet: formString(body, 'objet'), corps: formString(body, 'corps') };
}

export function registerTemplatesAdminPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/admin/courrier/modeles', POLICY, async (request, reply) =>
    listPage(request, reply, await listTemplates(ctx, callerOf(request))),
  );

  app.get('/c/:slug/admin/courrier/modeles/nouveau', POLICY, async (request, reply) => {
    await listTemplates(ctx, callerOf(request)); // the same refusal as the list for a non-administrator
    return editPage(request, reply, null);
  });

  app.post('/c/:slug/admin/courrier/modeles', POLICY, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () => addTemplate(ctx, callerOf(request), body),
      (errors, status) => editPage(request, reply, null, { values: formValues(body), errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${modelesBase(request)}?fait=ajoute`, 303);
  });

  app.get('/c/:slug/admin/courrier/modeles/:modele', POLICY, async (request, reply) => {
    const { modele } = request.params as { modele: string };
    return editPage(request, reply, await findTemplate(ctx, callerOf(request), modele));
  });

  app.post('/c/:slug/admin/courrier/modeles/:modele', POLICY, async (request, reply) => {
    const { modele } = request.params as { modele: string };
    const template = await findTemplate(ctx, callerOf(request), modele);
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () => saveTemplate(ctx, callerOf(request), modele, body),
      (errors, status) => editPage(request, reply, template, { values: formValues(body), errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${modelesBase(request)}?fait=enregistre`, 303);
  });

  app.post('/c/:slug/admin/courrier/modeles/:modele/retablir', POLICY, async (request, reply) => {
    const { modele } = request.params as { modele: string };
    const done = await removeTemplate(ctx, callerOf(request), modele);
    return reply.redirect(`${modelesBase(request)}?fait=${done}`, 303);
  });
}
