/**
 * The démarches editor of commune administrators: the list of the commune's démarches, creation
 * from a model of the form library (or blank), the edit page (metadata, routing rules, and a link
 * to the form editor, form-editor.tsx), the preview of every page as the citizen sees it,
 * publication, export as a JSON file and import of such a file. The use cases are in
 * procedures-service.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { listActiveServices, type Service } from '../../../platform/tenancy/communes.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import {
  Button,
  ButtonGroup,
  CsrfField,
  type FieldErrors,
  Input,
  InsetText,
  Radios,
  Select,
  SummaryList,
  Table,
  Tag,
  Textarea,
} from '../../../platform/views/components.js';
import { formatNumber } from '../../../platform/views/format.js';
import { type FormBody, formString, handleForm } from '../../../platform/views/page-kit.js';
import type { FormDefinition } from '../../forms/index.js';
import { FORM_CATEGORIES, FORM_LIBRARY } from '../../forms/index.js';
import { hasWorkingCopy } from '../form-editor.js';
import {
  CATEGORY_SUGGESTIONS,
  createFromModel,
  EMPTY_RULE_ROWS,
  editProcedure,
  exportDocument,
  followUpChoices,
  IMPORT_MAX_BYTES,
  importProcedure,
  type LoadedProcedure,
  listAdminProcedures,
  loadProcedure,
  type MetaValues,
  metaValues,
  type RuleValues,
  routableFields,
  ruleValues,
  setFollowUpTask,
  setPublished,
  valuesOfProcedure,
} from '../manage.js';
import { sendFormPreview } from './form-preview.js';

const META_ORDER = [
  'title',
  'slug',
  'category',
  'serviceId',
  'audience',
  'processingDays',
  'silenceKind',
  'silenceDelay',
  'silenceUnit',
  'silenceBasis',
];

/** Posted forms carrying JSON (URL-encoded, up to three times its size): import and edit. */
const FORM_BODY_LIMIT = 4 * IMPORT_MAX_BYTES;

const AUDIENCE_LABELS = { anyone: 'Tout le monde', signedIn: 'Usagers connectés' } as const;

const DEFAULT_META: MetaValues = {
  title: '',
  slug: '',
  category: '',
  serviceId: '',
  audience: 'anyone',
  processingDays: '30',
  silenceKind: 'aucune',
  silenceDelay: '',
  silenceUnit: 'jours',
  silenceBasis: '',
};

function base(request: FastifyRequest): string {
  return `${adminBase(request)}/demarches`;
}

function procedureParam(request: FastifyRequest): string {
  return (request.params as { procedure: string }).procedure;
}

function MetaFields({
  values,
  errors,
  services,
}: {
  values: MetaValues;
  errors: FieldErrors;
  services: readonly Service[];
}) {
  return (
    <>
      <Input name="title" label="Titre de la démarche" value={values.title} error={errors.title} />
      <Input
        name="slug"
        label="Adresse de la démarche"
        hint="Lettres minuscules sans accents, chiffres et tirets : elle apparaît dans l’adresse de la page, par exemple …/demarches/permis-de-louer."
        spellcheck={false}
        autocomplete="off"
        value={values.slug}
        error={errors.slug}
      />
      <Input
        name="category"
        label="Catégorie"
        hint={`La rubrique du catalogue des démarches, par exemple : ${CATEGORY_SUGGESTIONS.join(', ')}.`}
        value={values.category}
        error={errors.category}
      />
      <Select
        name="serviceId"
        label="Service qui reçoit les demandes"
        value={values.serviceId}
        error={errors.serviceId}
        options={[
          { value: '', label: 'Choisissez un service' },
          ...services.map((s) => ({ value: s.id, label: s.name })),
        ]}
      />
      <Radios
        name="audience"
        legend="Qui peut faire la démarche ?"
        legendSize="s"
        value={values.audience}
        error={errors.audience}
        items={[
          { value: 'anyone', label: 'Tout le monde, même sans compte' },
          { value: 'signedIn', label: 'Les usagers connectés seulement' },
        ]}
      />
      <Input
        name="processingDays"
        label="Délai de traitement, en jours"
        hint="Au-delà, la demande apparaît en retard aux agents."
        inputmode="numeric"
        width={4}
        value={values.processingDays}
        error={errors.processingDays}
      />
      <Radios
        name="silenceKind"
        legend="Règle du silence de l’administration"
        legendSize="s"
        hint="Ce que vaut l’absence de réponse de la commune dans le délai légal."
        value={values.silenceKind || 'aucune'}
        error={errors.silenceKind}
        items={[
          { value: 'aucune', label: 'Aucune règle' },
          { value: 'accord', label: 'Le silence vaut accord' },
          { value: 'rejet', label: 'Le silence vaut rejet' },
        ]}
      />
      <Input
        name="silenceDelay"
        label="Délai du silence"
        hint="Obligatoire quand une règle du silence est choisie."
        inputmode="numeric"
        width={4}
        value={values.silenceDelay}
        error={errors.silenceDelay}
      />
      <Radios
        name="silenceUnit"
        legend="Unité du délai du silence"
        legendSize="s"
        inline
        value={values.silenceUnit || 'jours'}
        error={errors.silenceUnit}
        items={[
          { value: 'jours', label: 'Jours' },
          { value: 'mois', label: 'Mois' },
        ]}
      />
      <Textarea
        name="silenceBasis"
        label="Fondement juridique de la règle du silence"
        hint="Les textes qui fondent la règle, par exemple : code des relations entre le public et l’administration, art. L. 231-1."
        rows={4}
        value={values.silenceBasis}
        error={errors.silenceBasis}
      />
    </>
  );
}

function ruleKeys(count: number): string[] {
  return Array.from({ length: count }, (_, i) => [`rule_${i}_field`, `rule_${i}_value`, `rule_${i}_service`]).flat();
}

function RulesEditor({
  rules,
  errors,
  definition,
  services,
}: {
  rules: readonly RuleValues[];
  errors: FieldErrors;
  definition: FormDefinition | null;
  services: readonly Service[];
}) {
  const fields = definition ? routableFields(definition) : [];
  const rows = [
    ...rules,
    ...Array.from({ length: EMPTY_RULE_ROWS }, () => ({ fieldId: '', equals: '', serviceId: '' })),
  ];
  return (
    <>
      <h2 class="govuk-heading-l">Règles d’orientation</h2>
      <p class="govuk-body">
        Une demande va au service de la première règle dont la question a reçu la réponse indiquée ; sinon, au service
        de la démarche. Laissez une ligne vide pour la supprimer.
      </p>
      {fields.length === 0 && (
        <InsetText>La définition n’a pas de question à choix : aucune règle n’est possible.</InsetText>
      )}
      {rows.map((rule, i) => (
        <fieldset key={i} class="govuk-fieldset govuk-!-margin-bottom-4">
          <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Règle {i + 1}</legend>
          <Select
            name={`rule_${i}_field`}
            label="Question"
            value={rule.fieldId}
            error={errors[`rule_${i}_field`]}
            options={[
              { value: '', label: 'Aucune' },
              ...fields.map((f) => ({ value: f.id, label: `${f.label} (${f.id})` })),
              ...(rule.fieldId && !fields.some((f) => f.id === rule.fieldId)
                ? [{ value: rule.fieldId, label: `${rule.fieldId} (introuvable)` }]
                : []),
            ]}
          />
          <Input
            name={`rule_${i}_value`}
            label="Valeur du choix"
            hint={
              fields.length > 0
                ? `Valeurs possibles : ${fields.map((f) => `${f.id} → ${(f.options ?? []).map((o) => o.value).join(', ')}`).join(' ; ')}`
                : undefined
            }
            spellcheck={false}
            value={rule.equals}
            error={errors[`rule_${i}_value`]}
          />
          <Select
            name={`rule_${i}_service`}
            label="Service"
            value={rule.serviceId}
            error={errors[`rule_${i}_service`]}
            options={[{ value: '', label: 'Aucun' }, ...services.map((s) => ({ value: s.id, label: s.name }))]}
          />
        </fieldset>
      ))}
    </>
  );
}

export function registerProcedurePages(app: FastifyInstance, ctx: AppContext): void {
  const services = (request: FastifyRequest) =>
    withTenant(ctx.database, request.commune!.id, (tx) => listActiveServices(tx, request.commune!.id));
  const load = (request: FastifyRequest) =>
    withTenant(ctx.database, request.commune!.id, (tx) =>
      loadProcedure(tx, request.commune!.id, procedureParam(request)),
    );

  // — List —
  app.get('/c/:slug/admin/demarches', { config: { policy: 'communeAdmin' } }, async (request, reply) => {
    const commune = request.commune!;
    const rows = await withTenant(ctx.database, commune.id, (tx) =>
      listAdminProcedures(tx, commune.id, ctx.contributions),
    );
    return sendAdminPage(request, reply, {
      title: 'Démarches',
      wide: true,
      children: (
        <>
          <h1 class="govuk-heading-xl">Démarches</h1>
          <p class="govuk-body">
            Les démarches en ligne de {commune.name}. Une démarche non publiée n’apparaît pas dans le catalogue des
            usagers.
          </p>
          <ButtonGroup>
            <Button href={`${base(request)}/nouvelle`}>Créer une démarche</Button>
            <Button variant="secondary" href={`${base(request)}/importer`}>
              Importer une démarche
            </Button>
          </ButtonGroup>
          <Table
            caption={`${rows.length} démarche${rows.length > 1 ? 's' : ''}`}
            columns={[
              { label: 'Titre' },
              { label: 'Catégorie' },
              { label: 'Service' },
              { label: 'Public' },
              { label: 'Publication' },
              { label: 'Version' },
              { label: 'Demandes' },
            ]}
            rows={rows.map((r) => [
              <a key={r.procedure.id} class="govuk-link" href={`${base(request)}/${r.procedure.slug}`}>
                {r.procedure.title}
              </a>,
              r.procedure.category,
              r.serviceName,
              AUDIENCE_LABELS[r.procedure.audience],
              r.procedure.isPublished ? <Tag colour="green">Publiée</Tag> : <Tag colour="grey">Non publiée</Tag>,
              String(r.procedure.currentVersion),
              formatNumber(r.requests),
            ])}
          />
        </>
      ),
    });
  });

  // — Creation —
  async function createForm(
    request: FastifyRequest,
    reply: FastifyReply,
    model: string,
    values: MetaValues,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const all = await services(request);
    return sendAdminPage(request, reply, {
      title: 'Créer une démarche',
      errors,
      ...(status ? { status } : {}),
      fieldOrder: ['model', ...META_ORDER],
      children: (
        <>
          <a class="govuk-back-link" href={base(request)}>
            Démarches
          </a>
          <h1 class="govuk-heading-xl">Créer une démarche</h1>
          <p class="govuk-body">
            La démarche est créée sans être publiée : vous pourrez modifier son formulaire et le prévisualiser avant de
            la publier.
          </p>
          <form method="post" action={`${base(request)}/nouvelle`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Radios
              name="model"
              legend="Modèle"
              legendSize="m"
              value={model}
              error={errors.model}
              items={[
                ...FORM_LIBRARY.map((f) => ({ value: f.slug, label: f.title, hint: FORM_CATEGORIES[f.category] })),
                { value: 'vierge', label: 'Démarche vierge', hint: 'Une page avec une question, à compléter.' },
              ]}
            />
            <MetaFields values={values} errors={errors} services={all} />
            <Button>Créer la démarche</Button>
          </form>
        </>
      ),
    });
  }

  app.get('/c/:slug/admin/demarches/nouvelle', { config: { policy: 'communeAdmin' } }, async (request, reply) =>
    createForm(request, reply, '', DEFAULT_META),
  );

  app.post('/c/:slug/admin/demarches/nouvelle', { config: { policy: 'communeAdmin' } }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const model = typeof body.model === 'string' ? body.model : '';
    const values = metaValues(body);
    const result = await handleForm(
      () => createFromModel(ctx, request.commune!, request.actor!, { model, meta: values }, request),
      (errors, status) => createForm(request, reply, model, values, errors, status),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${base(request)}/${result.value.slug}?cree=1`, 303);
  });

  // — Import —
  async function importForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: { content: string; serviceId: string },
    errors: FieldErrors = {},
    status?: number,
  ) {
    const all = await services(request);
    return sendAdminPage(request, reply, {
      title: 'Importer une démarche',
      errors,
      ...(status ? { status } : {}),
      fieldOrder: ['serviceId', 'content'],
      children: (
        <>
          <a class="govuk-back-link" href={base(request)}>
            Démarches
          </a>
          <h1 class="govuk-heading-xl">Importer une démarche</h1>
          <p class="govuk-body">
            Collez le contenu d’un fichier exporté depuis Guichet (bouton « Exporter » d’une démarche, dans cette
            commune ou une autre). La démarche est créée sans être publiée.
          </p>
          <form method="post" action={`${base(request)}/importer`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Select
              name="serviceId"
              label="Service qui reçoit les demandes"
              value={values.serviceId}
              error={errors.serviceId}
              options={[
                { value: '', label: 'Choisissez un service' },
                ...all.map((s) => ({ value: s.id, label: s.name })),
              ]}
            />
            <Textarea
              name="content"
              label="Contenu du fichier JSON"
              hint={`Un fichier au format « guichet-demarche », de ${IMPORT_MAX_BYTES / 1024} Kio au plus.`}
              rows={15}
              spellcheck={false}
              value={values.content}
              error={errors.content}
            />
            <Button>Importer la démarche</Button>
          </form>
        </>
      ),
    });
  }

  app.get('/c/:slug/admin/demarches/importer', { config: { policy: 'communeAdmin' } }, async (request, reply) =>
    importForm(request, reply, { content: '', serviceId: '' }),
  );

  app.post(
    '/c/:slug/admin/demarches/importer',
    {
      bodyLimit: FORM_BODY_LIMIT,
      config: { policy: 'communeAdmin', stepUp: (request) => `${base(request)}/importer` },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as FormBody;
      const values = {
        content: typeof body.content === 'string' ? body.content.trim() : '',
        serviceId: typeof body.serviceId === 'string' ? body.serviceId : '',
      };
      const result = await handleForm(
        () => importProcedure(ctx, request.commune!, request.actor!, values, request),
        (errors, status) => importForm(request, reply, values, errors, status),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${base(request)}/${result.value.slug}?importe=1`, 303);
    },
  );

  // — Edit —
  async function editForm(
    request: FastifyRequest,
    reply: FastifyReply,
    loaded: LoadedProcedure,
    input?: { meta?: MetaValues; rules?: RuleValues[]; followUpTask?: string },
    errors: FieldErrors = {},
    status?: number,
  ) {
    const p = loaded.procedure;
    const values = input?.meta ?? valuesOfProcedure(p);
    const rules = input?.rules ?? loaded.rules;
    const { unsaved, followUps } = await withTenant(ctx.database, request.commune!.id, async (tx) => ({
      unsaved: await hasWorkingCopy(tx, request.commune!.id, p.id),
      followUps: await followUpChoices(ctx, tx, request.commune!.id),
    }));
    const followUpValue = input?.followUpTask ?? p.followUpTask ?? '';
    const url = `${base(request)}/${p.slug}`;
    const query = request.query as FormBody;
    const notice =
      query.cree === '1'
        ? { kind: 'success' as const, title: 'La démarche a été créée. Elle n’est pas encore publiée.' }
        : query.importe === '1'
          ? { kind: 'success' as const, title: 'La démarche a été importée. Elle n’est pas encore publiée.' }
          : query.enregistre === '1'
            ? { kind: 'success' as const, title: 'La démarche a été enregistrée.' }
            : query.publie === '1'
              ? { kind: 'success' as const, title: 'La démarche est publiée dans le catalogue.' }
              : query.depublie === '1'
                ? { kind: 'success' as const, title: 'La démarche n’est plus publiée.' }
                : undefined;
    const publicUrl = `/c/${request.commune!.slug}/demarches/${p.slug}`;
    return sendAdminPage(request, reply, {
      title: p.title,
      errors,
      wide: true,
      ...(status ? { status } : {}),
      ...(notice ? { notice } : {}),
      fieldOrder: [...META_ORDER, ...ruleKeys(rules.length + EMPTY_RULE_ROWS), 'followUpTask'],
      children: (
        <>
          <a class="govuk-back-link" href={base(request)}>
            Démarches
          </a>
          <h1 class="govuk-heading-xl">{p.title}</h1>
          <SummaryList
            rows={[
              {
                key: 'Publication',
                value: p.isPublished ? (
                  <>
                    Publiée :{' '}
                    <a class="govuk-link" href={publicUrl}>
                      page de la démarche
                    </a>
                  </>
                ) : (
                  'Non publiée'
                ),
              },
              {
                key: 'Version du formulaire',
                value: unsaved
                  ? `${p.currentVersion} (des modifications ne sont pas encore enregistrées)`
                  : String(p.currentVersion),
              },
            ]}
          />
          <ButtonGroup>
            <Button href={`${url}/formulaire`}>Modifier le formulaire</Button>
            <a class="govuk-link" href={`${url}/apercu`}>
              Aperçu du formulaire
            </a>
            <a class="govuk-link" href={`${url}/export.json`}>
              Exporter (fichier JSON)
            </a>
            <a class="govuk-link" href={`${url}/statuts`}>
              Statuts et étapes du traitement
            </a>
          </ButtonGroup>
          <form method="post" action={`${url}/${p.isPublished ? 'depublier' : 'publier'}`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            {p.isPublished ? (
              <Button variant="warning">Retirer la démarche du catalogue</Button>
            ) : (
              <Button>Publier la démarche</Button>
            )}
          </form>
          <form method="post" action={url} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <div class="govuk-grid-row">
              <div class="govuk-grid-column-two-thirds">
                <h2 class="govuk-heading-l">Informations</h2>
                <MetaFields values={values} errors={errors} services={loaded.services} />
              </div>
            </div>
            <div class="govuk-grid-row">
              <div class="govuk-grid-column-two-thirds">
                <RulesEditor rules={rules} errors={errors} definition={loaded.definition} services={loaded.services} />
              </div>
            </div>
            <Button>Enregistrer la démarche</Button>
          </form>
          <form method="post" action={`${url}/apres-envoi`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <div class="govuk-grid-row">
              <div class="govuk-grid-column-two-thirds">
                <h2 class="govuk-heading-l">Après l’envoi de la demande</h2>
                <Select
                  name="followUpTask"
                  label="Proposer à l’habitant de prendre rendez-vous"
                  hint="Sur la page de confirmation, l’habitant choisit aussitôt son créneau ; le rendez-vous est rattaché à sa demande et figure dans son suivi, par exemple une consultation avec l’urbanisme après un dépôt de dossier."
                  value={followUpValue}
                  error={errors.followUpTask}
                  options={[
                    { value: '', label: 'Rien' },
                    ...followUps.map((t) => ({ value: t.key, label: t.label })),
                    ...(followUpValue && !followUps.some((t) => t.key === followUpValue)
                      ? [{ value: followUpValue, label: 'Un rendez-vous qui n’est plus proposé au public' }]
                      : []),
                  ]}
                />
              </div>
            </div>
            <Button variant="secondary">Enregistrer le rendez-vous proposé</Button>
          </form>
        </>
      ),
    });
  }

  app.get('/c/:slug/admin/demarches/:procedure', { config: { policy: 'communeAdmin' } }, async (request, reply) =>
    editForm(request, reply, await load(request)),
  );

  app.post(
    '/c/:slug/admin/demarches/:procedure',
    { bodyLimit: FORM_BODY_LIMIT, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const body = (request.body ?? {}) as FormBody;
      const input = { meta: metaValues(body), rules: ruleValues(body) };
      const slug = procedureParam(request);
      const result = await handleForm(
        () => editProcedure(ctx, request.commune!, request.actor!, slug, input, request),
        async (errors, status) => editForm(request, reply, await load(request), input, errors, status),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${base(request)}/${result.value.slug}?enregistre=1`, 303);
    },
  );

  app.post(
    '/c/:slug/admin/demarches/:procedure/apres-envoi',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const body = (request.body ?? {}) as FormBody;
      const key = formString(body, 'followUpTask');
      const result = await handleForm(
        () => setFollowUpTask(ctx, request.commune!, request.actor!, procedureParam(request), key, request),
        async (errors, status) => editForm(request, reply, await load(request), { followUpTask: key }, errors, status),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${base(request)}/${result.value.slug}?enregistre=1`, 303);
    },
  );

  // — Publication —
  for (const [action, published] of [
    ['publier', true],
    ['depublier', false],
  ] as const) {
    app.post(
      `/c/:slug/admin/demarches/:procedure/${action}`,
      {
        config: {
          policy: 'communeAdmin',
          stepUp: (request) => `${base(request)}/${encodeURIComponent(procedureParam(request))}`,
        },
      },
      async (request, reply) => {
        // Publication changes what citizens see: ask for a recent authentication.
        const p = await setPublished(
          ctx,
          request.commune!,
          request.actor!,
          procedureParam(request),
          published,
          request,
        );
        return reply.redirect(`${base(request)}/${p.slug}?${published ? 'publie' : 'depublie'}=1`, 303);
      },
    );
  }

  // — Export —
  app.get(
    '/c/:slug/admin/demarches/:procedure/export.json',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const loaded = await load(request);
      return reply
        .type('application/json; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="demarche-${loaded.procedure.slug}.json"`)
        .send(`${JSON.stringify(exportDocument(loaded), null, 2)}\n`);
    },
  );

  // — Preview —
  app.get(
    '/c/:slug/admin/demarches/:procedure/apercu',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const loaded = await load(request);
      const url = `${base(request)}/${loaded.procedure.slug}`;
      return sendFormPreview(request, reply, {
        definition: loaded.definition,
        subject: `de la version ${loaded.procedure.currentVersion}`,
        url: `${url}/apercu`,
        back: { href: url, label: 'Retour à la démarche' },
      });
    },
  );
}
