/**
 * The visual form editor of a démarche, for commune administrators, without JavaScript: the form
 * page by page with its questions; pages added, renamed, moved, deleted and shown on a condition;
 * questions added by type, set on their own page, moved (also to another page) and deleted; the
 * title and presentation of the form; a JSON mode (the definition as text, import of an exported
 * file, download) for what the visual editor does not cover. Every change is a POST that updates
 * the working copy and redirects back with a banner; the preview shows the working copy;
 * "Enregistrer une nouvelle version" makes it the form citizens fill in. The use cases are in
 * form-editor-service.ts, the editing operations in forms/editing.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { AppError } from '../../../platform/errors.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import {
  Button,
  ButtonGroup,
  ConfirmForm,
  CsrfField,
  ErrorMessage,
  type FieldErrors,
  Input,
  InsetText,
  Radios,
  Select,
  Tag,
  Textarea,
  WarningText,
} from '../../../platform/views/components.js';
import { formatDateTime } from '../../../platform/views/format.js';
import { type FormBody, handleForm, stringValue } from '../../../platform/views/page-kit.js';
import {
  addField,
  addPage,
  type Condition,
  conditionChoices,
  conditionChoiceValue,
  conditionTargets,
  definitionFingerprint,
  definitionProblems,
  deleteField,
  deletePage,
  EditRefusal,
  FIELD_KIND_LABELS,
  FORM_DEFINITION_JSON_SCHEMA,
  type FormDefinition,
  type FormPage,
  fieldTypeLabel,
  findField,
  LIMITS,
  moveField,
  moveFieldToPage,
  movePage,
  NEW_FIELD_KINDS,
  type NewFieldKind,
  quote,
  replaceField,
  setFormPresentation,
  updatePage,
} from '../../forms/index.js';
import {
  definitionJson,
  discardWorkingCopy,
  type EditorState,
  editRefused,
  editWorkingCopy,
  readDefinitionText,
  readEditorState,
  replaceWorkingCopy,
  saveWorkingCopyAsVersion,
} from '../form-editor.js';
import {
  type FieldFormValues,
  fieldFromForm,
  readFieldForm,
  SETTING_ORDER,
  valuesOfField,
} from '../form-editor-settings.js';
import { IMPORT_MAX_BYTES } from '../manage.js';
import {
  BackLink,
  Caption,
  ConditionSelect,
  displayLabel,
  FieldSettingsInputs,
  PageCard,
  ProblemList,
} from './form-editor-views.js';
import { sendFormPreview } from './form-preview.js';

/** Posted JSON definitions (URL-encoded, up to three times their size). */
const JSON_BODY_LIMIT = 4 * IMPORT_MAX_BYTES;

const ROUTE = '/c/:slug/admin/demarches/:procedure/formulaire';
const ADMIN = { config: { policy: 'communeAdmin' as const } };

/** The banners after a change, by the `fait` code of the redirect. */
const DONE: Record<string, string> = {
  'page-ajoutee': 'La page a été ajoutée.',
  'page-modifiee': 'La page a été modifiée.',
  'page-deplacee': 'La page a été déplacée.',
  'page-supprimee': 'La page a été supprimée.',
  'question-ajoutee': 'La question a été ajoutée : complétez ses réglages.',
  'question-modifiee': 'La question a été modifiée.',
  'question-deplacee': 'La question a été déplacée.',
  'question-supprimee': 'La question a été supprimée.',
  presentation: 'Le titre et la présentation du formulaire ont été modifiés.',
  json: 'La définition a été enregistrée dans la copie de travail.',
};
const WORKING_COPY_NOTE =
  'La modification est gardée dans la copie de travail : les usagers la verront quand vous enregistrerez une nouvelle version.';

function param(request: FastifyRequest, name: 'procedure' | 'page' | 'field'): string {
  return (request.params as Record<string, string>)[name] ?? '';
}

/** A single trimmed string value of the body, or ''. */
const field = (body: FormBody, name: string) => stringValue(body[name]).trim();

function editorUrl(request: FastifyRequest, state: EditorState): string {
  return `${adminBase(request)}/demarches/${state.procedure.slug}/formulaire`;
}

function done(request: FastifyRequest, state: EditorState, code: string, anchor?: string): string {
  return `${editorUrl(request, state)}?fait=${code}${anchor ? `#${anchor}` : ''}`;
}

function requirePage(state: EditorState, pageId: string): { page: FormPage; index: number } {
  const index = state.definition.pages.findIndex((page) => page.id === pageId);
  if (index < 0) throw new AppError('form_editor.page_not_found', `no page ${pageId}`, 404);
  return { page: state.definition.pages[index]!, index };
}

function requireField(state: EditorState, fieldId: string) {
  const place = findField(state.definition, fieldId);
  if (!place) throw new AppError('form_editor.field_not_found', `no field ${fieldId}`, 404);
  return place;
}

// ---------------------------------------------------------------------------
// Routes

export function registerFormEditorPages(app: FastifyInstance, ctx: AppContext): void {
  const read = (request: FastifyRequest) => readEditorState(ctx, request.commune!, param(request, 'procedure'));
  const edit = <T,>(
    request: FastifyRequest,
    refusalKey: string,
    change: (state: EditorState) => { definition: FormDefinition; value: T },
  ) => editWorkingCopy(ctx, request.commune!, request.actor!, param(request, 'procedure'), refusalKey, change);

  // — Main page —
  async function overview(
    request: FastifyRequest,
    reply: FastifyReply,
    state: EditorState,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const base = editorUrl(request, state);
    const def = state.definition;
    const problems = definitionProblems(def, state.rules);
    const csrf = reply.generateCsrf();
    const query = request.query as FormBody;
    const code = typeof query.fait === 'string' ? query.fait : '';
    const version = state.procedure.currentVersion;
    const notice =
      code === 'version'
        ? {
            kind: 'success' as const,
            title: `La nouvelle version est enregistrée : le formulaire est maintenant en version ${version}.`,
            text: 'Les demandes déjà envoyées et les brouillons en cours gardent la version avec laquelle ils ont été commencés.',
          }
        : code === 'abandon'
          ? {
              kind: 'success' as const,
              title: `Les modifications ont été abandonnées : le formulaire est celui de la version ${version}.`,
            }
          : code === 'rien'
            ? { kind: 'info' as const, title: 'Il n’y avait aucune modification à enregistrer.' }
            : DONE[code]
              ? { kind: 'success' as const, title: DONE[code]!, text: WORKING_COPY_NOTE }
              : undefined;
    return sendAdminPage(request, reply, {
      title: `Formulaire : ${state.procedure.title}`,
      wide: true,
      errors,
      ...(status ? { status } : {}),
      ...(notice ? { notice } : {}),
      children: (
        <>
          <BackLink href={`${adminBase(request)}/demarches/${state.procedure.slug}`}>Retour à la démarche</BackLink>
          <Caption>Formulaire de la démarche</Caption>
          <h1 class="govuk-heading-xl">{state.procedure.title}</h1>
          {state.hasChanges ? (
            <WarningText>
              Modifications non enregistrées : les usagers voient toujours la version {version}. Vos modifications
              {state.updatedAt ? ` (la dernière le ${formatDateTime(state.updatedAt)})` : ''} sont gardées dans une
              copie de travail jusqu’à ce que vous enregistriez une nouvelle version ou que vous les abandonniez.
            </WarningText>
          ) : (
            <p class="govuk-body">
              <Tag colour="green">À jour</Tag> Le formulaire est celui de la version {version}, que voient les usagers.
              Vos modifications seront gardées dans une copie de travail : les usagers ne les verront qu’après «
              Enregistrer une nouvelle version ».
            </p>
          )}
          <ProblemList problems={problems} base={base} />
          <ButtonGroup>
            <a class="govuk-link" href={`${base}/apercu`}>
              Aperçu du formulaire
            </a>
            <a class="govuk-link" href={`${base}/presentation`}>
              Titre et présentation
            </a>
            <a class="govuk-link" href={`${base}/json`}>
              Mode avancé (JSON, import, export)
            </a>
          </ButtonGroup>
          <p class="govuk-body">
            <strong>{def.title}</strong>
            {' — '}
            {def.pages.length} page{def.pages.length > 1 ? 's' : ''}. Une page peut ne s’afficher que selon les réponses
            aux pages précédentes ; une question, selon les réponses aux questions placées avant elle.
          </p>
          {def.pages.map((page, index) => (
            <PageCard
              key={page.id}
              page={page}
              index={index}
              count={def.pages.length}
              base={base}
              csrf={csrf}
              definition={def}
              problems={problems}
            />
          ))}
          <Button variant="secondary" href={`${base}/nouvelle-page`}>
            Ajouter une page
          </Button>
          <h2 class="govuk-heading-l" id="enregistrer">
            Enregistrer
          </h2>
          {errors.enregistrer && <ErrorMessage id="enregistrer-error">{errors.enregistrer}</ErrorMessage>}
          {state.hasChanges ? (
            <>
              <p class="govuk-body">
                La nouvelle version remplace la version {version} pour les nouvelles demandes. Vérifiez-la d’abord dans
                l’aperçu.
              </p>
              <form method="post" action={`${base}/enregistrer`} novalidate>
                <CsrfField token={csrf} />
                <ButtonGroup>
                  <Button>Enregistrer une nouvelle version</Button>
                  <Button variant="warning" href={`${base}/abandonner`}>
                    Abandonner les modifications
                  </Button>
                </ButtonGroup>
              </form>
            </>
          ) : (
            <p class="govuk-body">Aucune modification à enregistrer.</p>
          )}
        </>
      ),
    });
  }

  app.get(ROUTE, ADMIN, async (request, reply) => overview(request, reply, await read(request)));

  app.post(`${ROUTE}/enregistrer`, ADMIN, async (request, reply) => {
    const slug = param(request, 'procedure');
    const result = await handleForm(
      () => saveWorkingCopyAsVersion(ctx, request.commune!, request.actor!, slug, request),
      async (errors, status) => overview(request, reply, await read(request), errors, status),
    );
    if (!result.ok) return result.response;
    const state = await read(request);
    return reply.redirect(done(request, state, result.value.saved ? 'version' : 'rien'), 303);
  });

  // — Discarding the working copy —
  app.get(`${ROUTE}/abandonner`, ADMIN, async (request, reply) => {
    const state = await read(request);
    const base = editorUrl(request, state);
    return sendAdminPage(request, reply, {
      title: `Abandonner les modifications – ${state.procedure.title}`,
      children: (
        <>
          <BackLink href={base}>Retour au formulaire</BackLink>
          <Caption>{state.procedure.title}</Caption>
          <h1 class="govuk-heading-xl">Abandonner les modifications ?</h1>
          {state.hasChanges ? (
            <>
              <WarningText>
                Toutes les modifications faites depuis la version {state.procedure.currentVersion} seront perdues.
              </WarningText>
              <ConfirmForm
                action={`${base}/abandonner`}
                csrfToken={reply.generateCsrf()}
                button="Abandonner les modifications"
                cancelHref={base}
                hidden={{ confirmer: 'oui' }}
              />
            </>
          ) : (
            <p class="govuk-body">Il n’y a aucune modification en cours.</p>
          )}
        </>
      ),
    });
  });

  app.post(`${ROUTE}/abandonner`, ADMIN, async (request, reply) => {
    const state = await read(request);
    if (field(request.body as FormBody, 'confirmer') !== 'oui')
      return reply.redirect(`${editorUrl(request, state)}/abandonner`, 303);
    await discardWorkingCopy(ctx, request.commune!, state.procedure.slug);
    return reply.redirect(done(request, state, 'abandon'), 303);
  });

  // — Preview and download of the working copy —
  app.get(`${ROUTE}/apercu`, ADMIN, async (request, reply) => {
    const state = await read(request);
    const base = editorUrl(request, state);
    const problems = definitionProblems(state.definition, state.rules);
    if (problems.length > 0) {
      return sendAdminPage(request, reply, {
        title: `Aperçu impossible – ${state.procedure.title}`,
        children: (
          <>
            <BackLink href={base}>Retour au formulaire</BackLink>
            <h1 class="govuk-heading-xl">Aperçu impossible pour l’instant</h1>
            <p class="govuk-body">Le formulaire doit d’abord être complété :</p>
            <ProblemList problems={problems} base={base} />
          </>
        ),
      });
    }
    return sendFormPreview(request, reply, {
      definition: state.definition,
      subject: state.hasChanges
        ? 'des modifications non enregistrées'
        : `de la version ${state.procedure.currentVersion}`,
      url: `${base}/apercu`,
      back: { href: base, label: 'Retour au formulaire' },
    });
  });

  app.get(`${ROUTE}/definition.json`, ADMIN, async (request, reply) => {
    const state = await read(request);
    return reply
      .type('application/json; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="formulaire-${state.procedure.slug}.json"`)
      .send(`${definitionJson(state.definition)}\n`);
  });

  app.get('/c/:slug/admin/demarches/schema-formulaire.json', ADMIN, async (_request, reply) =>
    reply
      .type('application/schema+json; charset=utf-8')
      .header('content-disposition', 'attachment; filename="schema-formulaire-guichet.json"')
      .send(`${JSON.stringify(FORM_DEFINITION_JSON_SCHEMA, null, 2)}\n`),
  );

  // — JSON mode —
  async function jsonForm(
    request: FastifyRequest,
    reply: FastifyReply,
    state: EditorState,
    input?: { text: string; fingerprint: string },
    errors: FieldErrors = {},
    status?: number,
  ) {
    const base = editorUrl(request, state);
    const text = input?.text ?? definitionJson(state.definition);
    const fingerprint = input?.fingerprint ?? definitionFingerprint(state.definition);
    const parsed = errors.definition ? readDefinitionText(text) : undefined;
    return sendAdminPage(request, reply, {
      title: `Mode avancé – ${state.procedure.title}`,
      wide: true,
      errors,
      fieldOrder: ['definition'],
      ...(status ? { status } : {}),
      children: (
        <>
          <BackLink href={base}>Retour au formulaire</BackLink>
          <Caption>{state.procedure.title}</Caption>
          <h1 class="govuk-heading-xl">Mode avancé : la définition en JSON</h1>
          <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
              <p class="govuk-body">
                Le formulaire au format de définition de Guichet (schemaVersion 1), pour ce que l’éditeur ne propose pas
                (expressions régulières, conditions combinées) ou pour reprendre le formulaire d’une autre démarche :
                collez le contenu d’un fichier exporté, démarche complète ou formulaire seul. Le texte enregistré
                remplace la copie de travail, comme une modification faite dans l’éditeur.
              </p>
              <ul class="govuk-list">
                <li>
                  <a class="govuk-link" href={`${base}/definition.json`}>
                    Télécharger le formulaire (fichier JSON)
                  </a>
                </li>
                <li>
                  <a class="govuk-link" href={`${adminBase(request)}/demarches/schema-formulaire.json`}>
                    Télécharger le schéma JSON du format
                  </a>
                </li>
              </ul>
            </div>
          </div>
          <form method="post" action={`${base}/json`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <input type="hidden" name="empreinte" value={fingerprint} />
            <div class={`govuk-form-group${errors.definition ? ' govuk-form-group--error' : ''}`}>
              <label class="govuk-label govuk-label--s" for="definition">
                Définition du formulaire (JSON)
              </label>
              <div id="definition-hint" class="govuk-hint">
                {`${IMPORT_MAX_BYTES / 1024} Kio au plus. La définition est vérifiée avant d’être enregistrée.`}
              </div>
              {errors.definition && <ErrorMessage id="definition-error">{errors.definition}</ErrorMessage>}
              {parsed && !parsed.ok && parsed.errors.length > 1 && (
                <ul class="govuk-list govuk-list--bullet govuk-error-message" aria-label="Erreurs de la définition">
                  {parsed.errors.map((error) => (
                    <li key={error}>{error}</li>
                  ))}
                </ul>
              )}
              <textarea
                class={`govuk-textarea guichet-textarea--code${errors.definition ? ' govuk-textarea--error' : ''}`}
                id="definition"
                name="definition"
                rows={30}
                spellcheck={false}
                autocomplete="off"
                aria-describedby={errors.definition ? 'definition-hint definition-error' : 'definition-hint'}
              >
                {text}
              </textarea>
            </div>
            <Button>Enregistrer dans la copie de travail</Button>
          </form>
        </>
      ),
    });
  }

  app.get(`${ROUTE}/json`, ADMIN, async (request, reply) => jsonForm(request, reply, await read(request)));

  app.post(`${ROUTE}/json`, { ...ADMIN, bodyLimit: JSON_BODY_LIMIT }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const input = {
      text: typeof body.definition === 'string' ? body.definition : '',
      fingerprint: field(body, 'empreinte'),
    };
    const result = await handleForm(
      () => replaceWorkingCopy(ctx, request.commune!, request.actor!, param(request, 'procedure'), input),
      async (errors, status) => jsonForm(request, reply, await read(request), input, errors, status),
    );
    if (!result.ok) return result.response;
    return reply.redirect(done(request, await read(request), 'json'), 303);
  });

  // — Title and presentation —
  async function presentationForm(
    request: FastifyRequest,
    reply: FastifyReply,
    state: EditorState,
    values?: { title: string; summary: string },
    errors: FieldErrors = {},
  ) {
    const base = editorUrl(request, state);
    const shown = values ?? { title: state.definition.title, summary: state.definition.summary ?? '' };
    return sendAdminPage(request, reply, {
      title: `Titre et présentation – ${state.procedure.title}`,
      errors,
      fieldOrder: ['title', 'summary'],
      children: (
        <>
          <BackLink href={base}>Retour au formulaire</BackLink>
          <Caption>{state.procedure.title}</Caption>
          <h1 class="govuk-heading-xl">Titre et présentation du formulaire</h1>
          <form method="post" action={`${base}/presentation`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Input
              name="title"
              label="Titre du formulaire"
              hint="Affiché en haut de chaque page du formulaire, par exemple : Réserver une salle municipale."
              value={shown.title}
              error={errors.title}
            />
            <Textarea
              name="summary"
              label="Présentation (facultatif)"
              hint="Quelques lignes sur la page de la démarche, avant « Commencer ». Séparez les paragraphes par une ligne vide."
              rows={5}
              value={shown.summary}
              error={errors.summary}
            />
            <Button>Enregistrer</Button>
          </form>
        </>
      ),
    });
  }

  app.get(`${ROUTE}/presentation`, ADMIN, async (request, reply) =>
    presentationForm(request, reply, await read(request)),
  );

  app.post(`${ROUTE}/presentation`, ADMIN, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const values = { title: field(body, 'title'), summary: field(body, 'summary').replace(/\r\n?/g, '\n') };
    const errors: Record<string, string> = {};
    if (values.title === '') errors.title = 'Saisissez le titre du formulaire';
    else if (values.title.length > LIMITS.titleLength)
      errors.title = `Le titre doit faire ${LIMITS.titleLength} caractères au plus`;
    if (values.summary.length > LIMITS.hintLength)
      errors.summary = `La présentation doit faire ${LIMITS.hintLength} caractères au plus`;
    const result = await handleForm(
      async () => {
        if (Object.keys(errors).length > 0)
          throw new AppError('form_editor.invalid', 'invalid presentation', 422, { fields: errors });
        return edit(request, 'title', (state) => ({
          definition: setFormPresentation(state.definition, values.title, values.summary),
          value: state,
        }));
      },
      async (fieldErrors) => presentationForm(request, reply, await read(request), values, fieldErrors),
    );
    if (!result.ok) return result.response;
    return reply.redirect(done(request, result.value, 'presentation'), 303);
  });

  // — Pages —
  async function newPageForm(
    request: FastifyRequest,
    reply: FastifyReply,
    state: EditorState,
    title = '',
    errors: FieldErrors = {},
  ) {
    const base = editorUrl(request, state);
    return sendAdminPage(request, reply, {
      title: `Ajouter une page – ${state.procedure.title}`,
      errors,
      fieldOrder: ['title'],
      children: (
        <>
          <BackLink href={base}>Retour au formulaire</BackLink>
          <Caption>{state.procedure.title}</Caption>
          <h1 class="govuk-heading-xl">Ajouter une page</h1>
          <p class="govuk-body">
            La page s’ajoute à la fin du formulaire. Vous pourrez ensuite y ajouter des questions, la déplacer et
            choisir quand elle s’affiche.
          </p>
          <form method="post" action={`${base}/nouvelle-page`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Input
              name="title"
              label="Titre de la page"
              hint="Par exemple : Vos coordonnées. Il est affiché en haut de la page, avec l’étape (« Étape 2 sur 4 »)."
              value={title}
              error={errors.title}
            />
            <Button>Ajouter la page</Button>
          </form>
        </>
      ),
    });
  }

  function checkTitle(title: string, what: string): string | undefined {
    if (title === '') return `Saisissez le titre de ${what}`;
    if (title.length > LIMITS.titleLength) return `Le titre doit faire ${LIMITS.titleLength} caractères au plus`;
    return undefined;
  }

  app.get(`${ROUTE}/nouvelle-page`, ADMIN, async (request, reply) => newPageForm(request, reply, await read(request)));

  app.post(`${ROUTE}/nouvelle-page`, ADMIN, async (request, reply) => {
    const title = field(request.body as FormBody, 'title');
    const result = await handleForm(
      async () => {
        const error = checkTitle(title, 'la page');
        if (error) throw editRefused('title', error);
        return edit(request, 'title', (state) => {
          const added = addPage(state.definition, title);
          return { definition: added.definition, value: { state, pageId: added.pageId } };
        });
      },
      async (errors) => newPageForm(request, reply, await read(request), title, errors),
    );
    if (!result.ok) return result.response;
    return reply.redirect(done(request, result.value.state, 'page-ajoutee', `page-${result.value.pageId}`), 303);
  });

  async function pageForm(
    request: FastifyRequest,
    reply: FastifyReply,
    state: EditorState,
    values?: { title: string; condition: string },
    errors: FieldErrors = {},
  ) {
    const { page, index } = requirePage(state, param(request, 'page'));
    const base = editorUrl(request, state);
    const choices = conditionChoices(conditionTargets(state.definition, { pageId: page.id }));
    const shown = values ?? { title: page.title, condition: conditionChoiceValue(page.condition) };
    return sendAdminPage(request, reply, {
      title: `Page ${index + 1} – ${state.procedure.title}`,
      errors,
      fieldOrder: ['title', 'condition'],
      children: (
        <>
          <BackLink href={`${base}#page-${page.id}`}>Retour au formulaire</BackLink>
          <Caption>
            {state.procedure.title} — page {index + 1}
          </Caption>
          <h1 class="govuk-heading-xl">Modifier la page</h1>
          <form method="post" action={`${base}/pages/${page.id}`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Input name="title" label="Titre de la page" value={shown.title} error={errors.title} />
            {choices.length > 0 || page.condition ? (
              <ConditionSelect
                label="Afficher la page"
                hint="Toujours, ou selon la réponse à une question des pages précédentes. Une page masquée est sautée, ses réponses ne comptent pas."
                choices={choices}
                current={page.condition}
                value={shown.condition}
                error={errors.condition}
                definition={state.definition}
              />
            ) : (
              <InsetText>
                La première page est toujours affichée : une page ne peut dépendre que des réponses aux pages
                précédentes.
              </InsetText>
            )}
            <Button>Enregistrer la page</Button>
          </form>
        </>
      ),
    });
  }

  app.get(`${ROUTE}/pages/:page`, ADMIN, async (request, reply) => pageForm(request, reply, await read(request)));

  app.post(`${ROUTE}/pages/:page`, ADMIN, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const values = { title: field(body, 'title'), condition: field(body, 'condition') };
    const pageId = param(request, 'page');
    const result = await handleForm(
      () =>
        edit(request, 'condition', (state) => {
          const { page } = requirePage(state, pageId);
          const errors: Record<string, string> = {};
          const titleError = checkTitle(values.title, 'la page');
          if (titleError) errors.title = titleError;
          const choices = conditionChoices(conditionTargets(state.definition, { pageId }));
          let condition: Condition | undefined;
          if (values.condition === 'garder') condition = page.condition;
          else if (values.condition !== '') {
            condition = choices.find((choice) => choice.value === values.condition)?.condition;
            if (!condition) errors.condition = 'Choisissez une condition dans la liste';
          }
          if (Object.keys(errors).length > 0)
            throw new AppError('form_editor.invalid', 'invalid page', 422, { fields: errors });
          return { definition: updatePage(state.definition, pageId, { title: values.title, condition }), value: state };
        }),
      async (errors) => pageForm(request, reply, await read(request), values, errors),
    );
    if (!result.ok) return result.response;
    return reply.redirect(done(request, result.value, 'page-modifiee', `page-${pageId}`), 303);
  });

  app.post(`${ROUTE}/pages/:page/deplacer`, ADMIN, async (request, reply) => {
    const pageId = param(request, 'page');
    const direction = directionOf(request.body as FormBody);
    const result = await handleForm(
      () =>
        edit(request, `page-${pageId}`, (state) => {
          requirePage(state, pageId);
          return { definition: movePage(state.definition, pageId, direction), value: state };
        }),
      async (errors, status) => overview(request, reply, await read(request), errors, status),
    );
    if (!result.ok) return result.response;
    return reply.redirect(done(request, result.value, 'page-deplacee', `page-${pageId}`), 303);
  });

  /** A confirmation page: the refusal (and no button) when the deletion is impossible. */
  function confirmation(
    request: FastifyRequest,
    reply: FastifyReply,
    options: {
      title: string;
      caption: string;
      heading: string;
      back: string;
      action: string;
      warning: string;
      refusal: string | undefined;
      button: string;
      errors?: FieldErrors;
    },
  ) {
    return sendAdminPage(request, reply, {
      title: options.title,
      errors: options.errors ?? {},
      fieldOrder: ['suppression'],
      ...(options.errors?.suppression ? { status: 422 } : {}),
      children: (
        <>
          <BackLink href={options.back}>Retour au formulaire</BackLink>
          <Caption>{options.caption}</Caption>
          <h1 class="govuk-heading-xl">{options.heading}</h1>
          <div id="suppression">
            {options.refusal ? (
              <WarningText>{options.refusal}</WarningText>
            ) : (
              <>
                <WarningText>{options.warning}</WarningText>
                <ConfirmForm
                  action={options.action}
                  csrfToken={reply.generateCsrf()}
                  button={options.button}
                  cancelHref={options.back}
                  hidden={{ confirmer: 'oui' }}
                />
              </>
            )}
          </div>
          {options.refusal && (
            <p class="govuk-body">
              <a class="govuk-link" href={options.back}>
                Retour au formulaire
              </a>
            </p>
          )}
        </>
      ),
    });
  }

  function refusalOf(attempt: () => unknown): string | undefined {
    try {
      attempt();
      return undefined;
    } catch (error) {
      if (error instanceof EditRefusal) return error.message;
      throw error;
    }
  }

  async function deletePageConfirmation(request: FastifyRequest, reply: FastifyReply, errors?: FieldErrors) {
    const state = await read(request);
    const { page } = requirePage(state, param(request, 'page'));
    const base = editorUrl(request, state);
    const count = page.fields.length;
    return confirmation(request, reply, {
      title: `Supprimer la page – ${state.procedure.title}`,
      caption: state.procedure.title,
      heading: `Supprimer la page ${quote(page.title)} ?`,
      back: `${base}#page-${page.id}`,
      action: `${base}/pages/${page.id}/supprimer`,
      warning:
        count === 0
          ? 'La page sera retirée du formulaire.'
          : `La page et ${count === 1 ? 'sa question' : `ses ${count} questions`} seront retirées du formulaire. Les demandes déjà envoyées ne changent pas.`,
      refusal: errors?.suppression ?? refusalOf(() => deletePage(state.definition, page.id, state.rules)),
      button: 'Supprimer la page',
      ...(errors ? { errors } : {}),
    });
  }

  app.get(`${ROUTE}/pages/:page/supprimer`, ADMIN, async (request, reply) => deletePageConfirmation(request, reply));

  app.post(`${ROUTE}/pages/:page/supprimer`, ADMIN, async (request, reply) => {
    const pageId = param(request, 'page');
    if (field(request.body as FormBody, 'confirmer') !== 'oui') {
      const state = await read(request);
      requirePage(state, pageId);
      return reply.redirect(`${editorUrl(request, state)}/pages/${pageId}/supprimer`, 303);
    }
    const result = await handleForm(
      () =>
        edit(request, 'suppression', (state) => {
          requirePage(state, pageId);
          return { definition: deletePage(state.definition, pageId, state.rules), value: state };
        }),
      (errors) => deletePageConfirmation(request, reply, errors),
    );
    if (!result.ok) return result.response;
    return reply.redirect(done(request, result.value, 'page-supprimee'), 303);
  });

  // — Questions —
  async function newFieldForm(
    request: FastifyRequest,
    reply: FastifyReply,
    state: EditorState,
    values?: { kind: string; label: string; groupId: string },
    errors: FieldErrors = {},
  ) {
    const { page, index } = requirePage(state, param(request, 'page'));
    const query = request.query as FormBody;
    const groupId = values?.groupId ?? (typeof query.groupe === 'string' ? query.groupe : '');
    const group = groupId ? page.fields.find((field) => field.id === groupId && field.type === 'group') : undefined;
    if (groupId && !group) throw new AppError('form_editor.field_not_found', `no group ${groupId}`, 404);
    const kinds = NEW_FIELD_KINDS.filter(
      (kind) =>
        !(group && (kind === 'group' || kind === 'repeatableGroup')) &&
        !(group?.repeat !== undefined && kind === 'file'),
    );
    const base = editorUrl(request, state);
    return sendAdminPage(request, reply, {
      title: `Ajouter une question – ${state.procedure.title}`,
      errors,
      fieldOrder: ['kind', 'label'],
      children: (
        <>
          <BackLink href={`${base}#${group ? `question-${group.id}` : `page-${page.id}`}`}>
            Retour au formulaire
          </BackLink>
          <Caption>
            Page {index + 1} : {page.title}
            {group ? `, groupe ${quote(displayLabel(group))}` : ''}
          </Caption>
          <h1 class="govuk-heading-xl">Ajouter une question</h1>
          <form method="post" action={`${base}/pages/${page.id}/nouvelle-question`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            {group && <input type="hidden" name="groupe" value={group.id} />}
            <Radios
              name="kind"
              legend="Type de question"
              legendSize="m"
              value={values?.kind ?? ''}
              error={errors.kind}
              items={kinds.map((kind) => ({
                value: kind,
                label: FIELD_KIND_LABELS[kind].label,
                hint: FIELD_KIND_LABELS[kind].hint,
              }))}
            />
            <Input
              name="label"
              label="Libellé"
              hint="La question posée à l’usager, par exemple : Votre date de naissance. Pour un texte explicatif, un titre facultatif. L’identifiant de la question en est tiré et ne changera plus."
              value={values?.label ?? ''}
              error={errors.label}
            />
            <Button>Ajouter la question</Button>
          </form>
        </>
      ),
    });
  }

  app.get(`${ROUTE}/pages/:page/nouvelle-question`, ADMIN, async (request, reply) =>
    newFieldForm(request, reply, await read(request)),
  );

  app.post(`${ROUTE}/pages/:page/nouvelle-question`, ADMIN, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const values = { kind: field(body, 'kind'), label: field(body, 'label'), groupId: field(body, 'groupe') };
    const pageId = param(request, 'page');
    const result = await handleForm(
      () =>
        edit(request, 'kind', (state) => {
          requirePage(state, pageId);
          const errors: Record<string, string> = {};
          const kind = (NEW_FIELD_KINDS as readonly string[]).includes(values.kind)
            ? (values.kind as NewFieldKind)
            : undefined;
          if (!kind) errors.kind = 'Choisissez le type de la question';
          if (values.label === '' && kind !== 'explanation') errors.label = 'Saisissez le libellé de la question';
          else if (values.label.length > LIMITS.labelLength)
            errors.label = `Le libellé doit faire ${LIMITS.labelLength} caractères au plus`;
          if (Object.keys(errors).length > 0 || !kind)
            throw new AppError('form_editor.invalid', 'invalid new field', 422, { fields: errors });
          const target = values.groupId ? { pageId, groupId: values.groupId } : { pageId };
          const added = addField(state.definition, target, kind, values.label);
          return { definition: added.definition, value: { state, fieldId: added.fieldId } };
        }),
      async (errors) => newFieldForm(request, reply, await read(request), values, errors),
    );
    if (!result.ok) return result.response;
    const { state, fieldId } = result.value;
    return reply.redirect(`${editorUrl(request, state)}/questions/${fieldId}?fait=question-ajoutee`, 303);
  });

  async function fieldForm(
    request: FastifyRequest,
    reply: FastifyReply,
    state: EditorState,
    values?: FieldFormValues,
    errors: FieldErrors = {},
  ) {
    const place = requireField(state, param(request, 'field'));
    const { field, group, page, pageIndex } = place;
    const base = editorUrl(request, state);
    const shown = values ?? valuesOfField(field);
    const choices = conditionChoices(conditionTargets(state.definition, { fieldId: field.id }));
    const problems = definitionProblems(state.definition, state.rules).filter((p) => p.fieldId === field.id);
    const query = request.query as FormBody;
    const added = query.fait === 'question-ajoutee';
    const otherPages = state.definition.pages.filter((other) => other.id !== page.id);
    return sendAdminPage(request, reply, {
      title: `${displayLabel(field)} – ${state.procedure.title}`,
      errors,
      fieldOrder: [...SETTING_ORDER, 'page'],
      ...(added
        ? { notice: { kind: 'success' as const, title: DONE['question-ajoutee']!, text: WORKING_COPY_NOTE } }
        : {}),
      children: (
        <>
          <BackLink href={`${base}#question-${field.id}`}>Retour au formulaire</BackLink>
          <Caption>
            {fieldTypeLabel(field)} — page {pageIndex + 1} : {page.title}
            {group ? `, groupe ${quote(displayLabel(group))}` : ''}
          </Caption>
          <h1 class="govuk-heading-xl">{displayLabel(field)}</h1>
          {problems.length > 0 && (
            <WarningText>
              À corriger avant d’enregistrer une nouvelle version : {problems.map((p) => p.message).join(' ; ')}
            </WarningText>
          )}
          {field.validation?.pattern !== undefined && (
            <InsetText>
              Cette question vérifie aussi la réponse avec une expression régulière, gardée telle quelle (modifiable en
              mode avancé).
            </InsetText>
          )}
          <form method="post" action={`${base}/questions/${field.id}`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <FieldSettingsInputs
              field={field}
              group={group}
              values={shown}
              errors={errors}
              choices={choices}
              definition={state.definition}
            />
            <Button>Enregistrer la question</Button>
          </form>
          <h2 class="govuk-heading-m">Identifiant</h2>
          <p class="govuk-body">
            {field.id} : tiré du libellé à la création, il ne change plus (les conditions, les règles d’orientation et
            les exports y font référence).
          </p>
          {!group && otherPages.length > 0 && (
            <>
              <h2 class="govuk-heading-m">Déplacer vers une autre page</h2>
              <form method="post" action={`${base}/questions/${field.id}/deplacer`} novalidate>
                <CsrfField token={reply.generateCsrf()} />
                <Select
                  name="page"
                  label="Page"
                  hint="La question va à la fin de la page choisie."
                  value=""
                  error={errors.page}
                  options={[
                    { value: '', label: 'Choisissez une page' },
                    ...otherPages.map((other) => ({
                      value: other.id,
                      label: `Page ${state.definition.pages.indexOf(other) + 1} : ${other.title}`,
                    })),
                  ]}
                />
                <Button variant="secondary">Déplacer la question</Button>
              </form>
            </>
          )}
          <h2 class="govuk-heading-m">Supprimer</h2>
          <p class="govuk-body">
            <a class="govuk-link" href={`${base}/questions/${field.id}/supprimer`}>
              Supprimer la question
            </a>
          </p>
        </>
      ),
    });
  }

  app.get(`${ROUTE}/questions/:field`, ADMIN, async (request, reply) => fieldForm(request, reply, await read(request)));

  app.post(`${ROUTE}/questions/:field`, ADMIN, async (request, reply) => {
    const values = readFieldForm((request.body ?? {}) as FormBody);
    const fieldId = param(request, 'field');
    const result = await handleForm(
      () =>
        edit(request, 'condition', (state) => {
          const place = requireField(state, fieldId);
          const choices = conditionChoices(conditionTargets(state.definition, { fieldId }));
          const parsed = fieldFromForm(place.field, place.group, values, {
            choices,
            current: place.field.condition,
          });
          if (!parsed.ok)
            throw new AppError('form_editor.invalid', 'invalid field settings', 422, { fields: parsed.errors });
          return { definition: replaceField(state.definition, parsed.field, state.rules), value: state };
        }),
      async (errors) => fieldForm(request, reply, await read(request), values, errors),
    );
    if (!result.ok) return result.response;
    return reply.redirect(done(request, result.value, 'question-modifiee', `question-${fieldId}`), 303);
  });

  app.post(`${ROUTE}/questions/:field/deplacer`, ADMIN, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const fieldId = param(request, 'field');
    const pageId = field(body, 'page');
    const fromFieldPage = body.page !== undefined;
    const direction = fromFieldPage ? undefined : directionOf(body);
    const result = await handleForm(
      () =>
        edit(request, fromFieldPage ? 'page' : `question-${fieldId}`, (state) => {
          requireField(state, fieldId);
          if (direction) return { definition: moveField(state.definition, fieldId, direction), value: state };
          if (!state.definition.pages.some((page) => page.id === pageId))
            throw editRefused('page', 'Choisissez la page où mettre la question');
          return { definition: moveFieldToPage(state.definition, fieldId, pageId), value: state };
        }),
      async (errors, status) =>
        fromFieldPage
          ? fieldForm(request, reply, await read(request), undefined, errors)
          : overview(request, reply, await read(request), errors, status),
    );
    if (!result.ok) return result.response;
    return reply.redirect(done(request, result.value, 'question-deplacee', `question-${fieldId}`), 303);
  });

  async function deleteFieldConfirmation(request: FastifyRequest, reply: FastifyReply, errors?: FieldErrors) {
    const state = await read(request);
    const { field } = requireField(state, param(request, 'field'));
    const base = editorUrl(request, state);
    const children = field.fields?.length ?? 0;
    return confirmation(request, reply, {
      title: `Supprimer la question – ${state.procedure.title}`,
      caption: state.procedure.title,
      heading: `Supprimer la question ${quote(displayLabel(field))} ?`,
      back: `${base}#question-${field.id}`,
      action: `${base}/questions/${field.id}/supprimer`,
      warning: `La question${children > 0 ? ` et ${children === 1 ? 'la question' : `les ${children} questions`} du groupe` : ''} ${children > 0 ? 'seront retirées' : 'sera retirée'} du formulaire. Les demandes déjà envoyées ne changent pas.`,
      refusal: errors?.suppression ?? refusalOf(() => deleteField(state.definition, field.id, state.rules)),
      button: 'Supprimer la question',
      ...(errors ? { errors } : {}),
    });
  }

  app.get(`${ROUTE}/questions/:field/supprimer`, ADMIN, async (request, reply) =>
    deleteFieldConfirmation(request, reply),
  );

  app.post(`${ROUTE}/questions/:field/supprimer`, ADMIN, async (request, reply) => {
    const fieldId = param(request, 'field');
    if (field(request.body as FormBody, 'confirmer') !== 'oui') {
      const state = await read(request);
      requireField(state, fieldId);
      return reply.redirect(`${editorUrl(request, state)}/questions/${fieldId}/supprimer`, 303);
    }
    const result = await handleForm(
      () =>
        edit(request, 'suppression', (state) => {
          const place = requireField(state, fieldId);
          const anchor = place.group ? `question-${place.group.id}` : `page-${place.page.id}`;
          return { definition: deleteField(state.definition, fieldId, state.rules), value: { state, anchor } };
        }),
      (errors) => deleteFieldConfirmation(request, reply, errors),
    );
    if (!result.ok) return result.response;
    return reply.redirect(done(request, result.value.state, 'question-supprimee', result.value.anchor), 303);
  });
}

/** "haut" or "bas" from the move buttons; anything else is a malformed request. */
function directionOf(body: FormBody | undefined): 'up' | 'down' {
  const value = body?.sens;
  if (value === 'haut') return 'up';
  if (value === 'bas') return 'down';
  throw new AppError('form_editor.bad_direction', 'missing direction', 400);
}
