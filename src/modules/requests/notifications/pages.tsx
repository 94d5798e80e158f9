/**
 * Administration of the citizen notifications (`/c/:slug/admin/notifications`, communeAdmin): the
 * list of the mails (and the SMS) with whether the commune reworded them, the SMS switch, and one
 * edit page per notification — subject and text with the available placeholders beside them, a
 * preview with example values (« Prévisualiser », no JavaScript needed), « Enregistrer » and
 * « Rétablir le texte par défaut ».
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { type MailTemplate, renderMail } from '../../../platform/mail/templates.js';
import { GSM_SINGLE_LIMIT, measureSms } from '../../../platform/sms/gsm.js';
import { SMS_PROVIDER_LABELS } from '../../../platform/sms/provider.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import {
  BackLink,
  Button,
  ButtonGroup,
  Checkboxes,
  CsrfField,
  type FieldErrors,
  Input,
  InsetText,
  SummaryList,
  Table,
  Tag,
  Textarea,
  WarningText,
} from '../../../platform/views/components.js';
import { formatDateTime } from '../../../platform/views/format.js';
import { type FormBody, handleForm, stringValue } from '../../../platform/views/page-kit.js';
import { REQUEST_MAILS } from '../mail-templates.js';
import {
  exampleValues,
  findNotification,
  MAX_MAIL_BODY_LENGTH,
  MAX_SMS_BODY_LENGTH,
  MAX_SUBJECT_LENGTH,
  type NotificationDefinition,
  PLACEHOLDERS,
} from './catalog.js';
import {
  checkTemplateText,
  isSmsOnStatusChange,
  listNotificationTexts,
  loadTemplateText,
  renderTemplateText,
  resetNotificationText,
  saveNotificationText,
  setSmsOnStatusChange,
  type TemplateText,
} from './service.js';

interface TextForm {
  objet: string;
  texte: string;
}

function formValues(body: FormBody): TextForm {
  return { objet: stringValue(body.objet), texte: stringValue(body.texte) };
}

/** The mail each notification is sent as (the status changes by default). */
const MAIL_OF: Record<string, MailTemplate> = {
  'request.received': REQUEST_MAILS.requestReceipt,
  'request.message': REQUEST_MAILS.requestMessage,
};

/** A paragraph with its line breaks. */
function Lines({ text }: { text: string }) {
  return <>{text.split('\n').flatMap((line, i) => (i === 0 ? [line] : [<br key={i} />, line]))}</>;
}

/** The notification filled with example values, as the requester would read it. */
function Preview({
  definition,
  text,
  request,
  publicUrl,
}: {
  definition: NotificationDefinition;
  text: TemplateText;
  request: FastifyRequest;
  publicUrl: string;
}) {
  const commune = request.commune!;
  const values = exampleValues(definition, commune, publicUrl);
  const composed = renderTemplateText(definition, text, values);
  if (definition.channel === 'sms') {
    const length = measureSms(composed.text);
    const limit = length.encoding === 'gsm7' ? GSM_SINGLE_LIMIT : 70;
    return (
      <>
        <div class="govuk-inset-text guichet-preview">
          <p class="govuk-body">
            <Lines text={composed.text} />
          </p>
        </div>
        <p class="govuk-body">
          {length.units} caractère{length.units > 1 ? 's' : ''} sur {limit} pour un seul SMS :{' '}
          <strong>
            {length.segments} SMS{length.segments > 1 ? ' (facturés chacun)' : ''}
          </strong>
          .
        </p>
        {length.nonGsmCharacters.length > 0 ? (
          <WarningText>
            {length.nonGsmCharacters.map((c) => `« ${c} »`).join(', ')} ne{' '}
            {length.nonGsmCharacters.length > 1 ? 'font' : 'fait'} pas partie de l’alphabet des SMS : un SMS ne contient
            alors que 70 caractères. Remplacez-les si possible (guillemets droits ", apostrophe droite ', lettres sans
            accent circonflexe).
          </WarningText>
        ) : null}
        {length.segments > 1 && length.nonGsmCharacters.length === 0 ? (
          <WarningText>
            Avec les valeurs d’exemple, ce texte dépasse {GSM_SINGLE_LIMIT} caractères : il partira en {length.segments}{' '}
            SMS. Raccourcissez-le pour n’en envoyer qu’un.
          </WarningText>
        ) : null}
      </>
    );
  }
  const mail = renderMail(MAIL_OF[definition.key] ?? (REQUEST_MAILS.requestStatusChanged as MailTemplate), {
    communeName: commune.name,
    text: { subject: composed.subject ?? '', paragraphs: composed.paragraphs },
    trackingUrl: values.lien,
    ...(definition.key === 'request.received' ? { receiptUrl: `${values.lien}/accuse-de-reception.pdf` } : {}),
  });
  return (
    <>
      <p class="govuk-body">Tel que le lit un usager qui a un compte.</p>
      <SummaryList rows={[{ key: 'Objet', value: <span class="guichet-preview">{mail.subject}</span> }]} />
      <div class="govuk-inset-text guichet-preview">
        {mail.text.split(/\n{2,}/).map((p, i) => (
          <p class="govuk-body" key={i}>
            <Lines text={p} />
          </p>
        ))}
      </div>
    </>
  );
}

function PlaceholderList({ definition }: { definition: NotificationDefinition }) {
  return (
    <aside class="govuk-grid-column-one-third" aria-labelledby="variables-titre">
      <h2 class="govuk-heading-m" id="variables-titre">
        Variables
      </h2>
      <p class="govuk-body">Écrivez-les telles quelles dans l’objet ou le texte : Guichet les remplace à l’envoi.</p>
      <dl class="govuk-body">
        {definition.placeholders.map((p) => (
          <div key={p} class="govuk-!-margin-bottom-3">
            <dt>
              <code>{`{{${p}}}`}</code>
            </dt>
            <dd class="govuk-!-margin-left-0">{PLACEHOLDERS[p]}</dd>
          </div>
        ))}
      </dl>
    </aside>
  );
}

export function registerNotificationPages(app: FastifyInstance, ctx: AppContext): void {
  const base = (request: FastifyRequest) => `${adminBase(request)}/notifications`;
  const provider = ctx.smsProvider;

  async function listPage(request: FastifyRequest, reply: FastifyReply, errors: FieldErrors = {}, status?: number) {
    const commune = request.commune!;
    const { texts, smsOn } = await withTenant(ctx.database, commune.id, async (tx) => ({
      texts: await listNotificationTexts(tx),
      smsOn: await isSmsOnStatusChange(tx),
    }));
    const query = (request.query ?? {}) as FormBody;
    const notice =
      query.sms === '1'
        ? { kind: 'success' as const, title: 'Le choix des SMS a été enregistré.' }
        : query.retabli === '1'
          ? { kind: 'success' as const, title: 'Le texte par défaut a été rétabli.' }
          : undefined;
    const row = ({ definition, isCustom, updatedAt }: (typeof texts)[number]) => [
      <a key={definition.key} class="govuk-link" href={`${base(request)}/${definition.slug}`}>
        {definition.label}
      </a>,
      definition.when,
      isCustom ? (
        <>
          <Tag>Personnalisé</Tag>
          {updatedAt ? <span class="govuk-body-s"> le {formatDateTime(updatedAt)}</span> : null}
        </>
      ) : (
        <Tag colour="grey">Par défaut</Tag>
      ),
    ];
    return sendAdminPage(request, reply, {
      title: 'Notifications aux usagers',
      wide: true,
      errors,
      ...(status ? { status } : {}),
      ...(notice ? { notice } : {}),
      fieldOrder: ['smsStatut'],
      children: (
        <>
          <h1 class="govuk-heading-xl">Notifications aux usagers</h1>
          <p class="govuk-body">
            Guichet écrit aux usagers quand leur demande est reçue, quand elle change de statut et quand la mairie leur
            écrit. Vous pouvez reformuler chacun de ces messages ; les mentions obligatoires (accusé de réception en
            PDF, règle du silence de l’administration) et le lien vers la demande sont toujours ajoutés.
          </p>
          <Table
            caption="Courriels envoyés aux usagers"
            columns={[{ label: 'Message' }, { label: 'Envoyé' }, { label: 'Texte' }]}
            rows={texts.filter((t) => t.definition.channel === 'mail').map(row)}
          />
          <h2 class="govuk-heading-l">SMS</h2>
          {provider.canSend ? (
            <>
              <p class="govuk-body">
                Fournisseur de SMS du guichet : {SMS_PROVIDER_LABELS[provider.name]}. Un SMS ne part que vers le numéro
                de téléphone mobile que l’usager a donné dans sa demande, et seulement s’il a accepté d’être contacté
                par SMS quand la démarche le demande.
              </p>
              <form method="post" action={`${base(request)}/sms`} novalidate>
                <CsrfField token={reply.generateCsrf()} />
                <Checkboxes
                  name="smsStatut"
                  legend="Envoi de SMS"
                  legendSize="s"
                  values={smsOn ? ['oui'] : []}
                  error={errors.smsStatut}
                  items={[
                    {
                      value: 'oui',
                      label: 'Envoyer un SMS à l’usager à chaque changement de statut de sa demande',
                      hint: 'En plus du courriel. Chaque SMS est facturé par le fournisseur.',
                    },
                  ]}
                />
                <Button>Enregistrer le choix des SMS</Button>
              </form>
              <Table
                caption="Texte du SMS"
                columns={[{ label: 'Message' }, { label: 'Envoyé' }, { label: 'Texte' }]}
                rows={texts.filter((t) => t.definition.channel === 'sms').map(row)}
              />
            </>
          ) : (
            <>
              {errors.smsStatut ? (
                <p class="govuk-error-message" id="smsStatut">
                  <span class="govuk-visually-hidden">Erreur :</span> {errors.smsStatut}
                </p>
              ) : null}
              <InsetText>
                Aucun fournisseur de SMS n’est configuré sur ce guichet : les usagers ne reçoivent pas de SMS.
                L’hébergeur du guichet peut en configurer un ; vous pourrez alors activer ici l’envoi d’un SMS à chaque
                changement de statut.
              </InsetText>
            </>
          )}
        </>
      ),
    });
  }

  async function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    definition: NotificationDefinition,
    options: { values?: TextForm; errors?: FieldErrors; status?: number; previewOnly?: boolean } = {},
  ) {
    const commune = request.commune!;
    const stored = await withTenant(ctx.database, commune.id, (tx) => loadTemplateText(tx, definition));
    const isSms = definition.channel === 'sms';
    const values = options.values ?? { objet: stored.subject ?? '', texte: stored.body };
    const errors = options.errors ?? {};
    // The preview shows the text in the form when it is valid (saved, or typed then « Prévisualiser »).
    let previewText: TemplateText | null = null;
    if (Object.keys(errors).length === 0) {
      try {
        previewText = checkTemplateText(definition, { subject: values.objet, body: values.texte });
      } catch {
        previewText = null;
      }
    }
    const query = (request.query ?? {}) as FormBody;
    const notice = options.previewOnly
      ? {
          kind: 'info' as const,
          title: 'Aperçu mis à jour',
          text: 'Le texte n’est pas encore enregistré : choisissez « Enregistrer » pour l’utiliser.',
        }
      : query.enregistre === '1'
        ? { kind: 'success' as const, title: 'Le texte a été enregistré : il sert dès le prochain envoi.' }
        : undefined;
    const csrf = reply.generateCsrf();
    const action = `${base(request)}/${definition.slug}`;
    return sendAdminPage(request, reply, {
      title: definition.label,
      wide: true,
      errors,
      ...(options.status ? { status: options.status } : {}),
      ...(notice ? { notice } : {}),
      fieldOrder: ['objet', 'texte'],
      children: (
        <>
          <BackLink href={base(request)}>Notifications aux usagers</BackLink>
          <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
              <span class="govuk-caption-l">{isSms ? 'SMS aux usagers' : 'Courriel aux usagers'}</span>
              <h1 class="govuk-heading-xl">{definition.label}</h1>
              <p class="govuk-body">{definition.when}</p>
              {isSms && !provider.canSend ? (
                <InsetText>
                  Aucun fournisseur de SMS n’est configuré sur ce guichet : ce texte ne servira que lorsque l’hébergeur
                  en aura configuré un et que la commune aura activé les SMS.
                </InsetText>
              ) : null}
              <p class="govuk-body">
                {stored.isCustom ? (
                  <Tag>Texte personnalisé par la commune</Tag>
                ) : (
                  <Tag colour="grey">Texte par défaut de Guichet</Tag>
                )}
              </p>
              <form method="post" action={action} novalidate>
                <CsrfField token={csrf} />
                {isSms ? null : (
                  <Input
                    name="objet"
                    label="Objet du courriel"
                    labelSize="s"
                    hint={`Une ligne, au plus ${MAX_SUBJECT_LENGTH} caractères.`}
                    value={values.objet}
                    error={errors.objet}
                    spellcheck
                  />
                )}
                <Textarea
                  name="texte"
                  label={isSms ? 'Texte du SMS' : 'Texte du courriel'}
                  labelSize="s"
                  hint={
                    isSms
                      ? `Un SMS contient ${GSM_SINGLE_LIMIT} caractères, 70 seulement s’il contient des caractères hors de l’alphabet des SMS (« », ’, ê, ç…). L’aperçu compte les caractères avec les valeurs d’exemple.`
                      : 'Texte simple, sans mise en forme : une ligne vide sépare deux paragraphes.'
                  }
                  rows={isSms ? 4 : 10}
                  maxLength={isSms ? MAX_SMS_BODY_LENGTH : MAX_MAIL_BODY_LENGTH}
                  value={values.texte}
                  error={errors.texte}
                  spellcheck
                />
                <ButtonGroup>
                  <Button name="action" value="enregistrer">
                    Enregistrer
                  </Button>
                  <Button variant="secondary" name="action" value="previsualiser">
                    Prévisualiser
                  </Button>
                </ButtonGroup>
              </form>
              <h2 class="govuk-heading-l">Aperçu avec des valeurs d’exemple</h2>
              {previewText ? (
                <Preview
                  definition={definition}
                  text={previewText}
                  request={request}
                  publicUrl={ctx.config.publicUrl}
                />
              ) : (
                <p class="govuk-body">Corrigez le texte pour voir l’aperçu.</p>
              )}
              <h2 class="govuk-heading-m">Ajouté automatiquement par Guichet</h2>
              <ul class="govuk-list govuk-list--bullet">
                {definition.automatic.map((a) => (
                  <li key={a}>{a}</li>
                ))}
              </ul>
              {stored.isCustom ? (
                <>
                  <h2 class="govuk-heading-m">Revenir au texte de Guichet</h2>
                  <form method="post" action={`${action}/retablir`}>
                    <CsrfField token={csrf} />
                    <WarningText>Le texte de la commune sera effacé et remplacé par le texte par défaut.</WarningText>
                    <Button variant="warning">Rétablir le texte par défaut</Button>
                  </form>
                </>
              ) : null}
            </div>
            <PlaceholderList definition={definition} />
          </div>
        </>
      ),
    });
  }

  function definitionOf(request: FastifyRequest): NotificationDefinition {
    const definition = findNotification((request.params as { notification: string }).notification);
    if (!definition) throw notFound('notification.not_found', 'unknown notification');
    return definition;
  }

  app.get('/c/:slug/admin/notifications', { config: { policy: 'communeAdmin' } }, async (request, reply) =>
    listPage(request, reply),
  );

  app.post('/c/:slug/admin/notifications/sms', { config: { policy: 'communeAdmin' } }, async (request, reply) => {
    const commune = request.commune!;
    const body = (request.body ?? {}) as FormBody;
    const checked = body.smsStatut;
    const enabled = checked === 'oui' || (Array.isArray(checked) && checked.includes('oui'));
    const result = await handleForm(
      () =>
        withTenant(ctx.database, commune.id, (tx) =>
          setSmsOnStatusChange(tx, {
            enabled,
            provider,
            actorId: request.actor!.accountId,
            httpRequestId: request.id,
          }),
        ),
      (errors, status) => listPage(request, reply, errors, status),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${base(request)}?sms=1`, 303);
  });

  app.get(
    '/c/:slug/admin/notifications/:notification',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => editPage(request, reply, definitionOf(request)),
  );

  app.post(
    '/c/:slug/admin/notifications/:notification',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const definition = definitionOf(request);
      const commune = request.commune!;
      const body = (request.body ?? {}) as FormBody;
      const values = formValues(body);
      const input = { subject: values.objet, body: values.texte };
      if (body.action === 'previsualiser') {
        const result = await handleForm(
          async () => checkTemplateText(definition, input),
          (errors, status) => editPage(request, reply, definition, { values, errors, status }),
        );
        if (!result.ok) return result.response;
        return editPage(request, reply, definition, { values, previewOnly: true });
      }
      const result = await handleForm(
        () =>
          withTenant(ctx.database, commune.id, (tx) =>
            saveNotificationText(tx, {
              definition,
              ...input,
              actorId: request.actor!.accountId,
              httpRequestId: request.id,
            }),
          ),
        (errors, status) => editPage(request, reply, definition, { values, errors, status }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${base(request)}/${definition.slug}?enregistre=1`, 303);
    },
  );

  app.post(
    '/c/:slug/admin/notifications/:notification/retablir',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const definition = definitionOf(request);
      const commune = request.commune!;
      await withTenant(ctx.database, commune.id, (tx) =>
        resetNotificationText(tx, { definition, actorId: request.actor!.accountId, httpRequestId: request.id }),
      );
      return reply.redirect(`${base(request)}?retabli=1`, 303);
    },
  );
}
