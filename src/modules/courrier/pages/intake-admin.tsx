/**
 * The administration of mail arriving by e-mail (/c/<slug>/admin/courrier): where dropped .eml
 * files are read, the commune's inbound mailbox (IMAP server, account, folders; the password is
 * never shown again), its last reading, and the files the intake refused with the reason.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import {
  Button,
  Checkboxes,
  CsrfField,
  type FieldErrors,
  Input,
  InsetText,
  Radios,
  Table,
  WarningText,
} from '../../../platform/views/components.js';
import { formatDateTime } from '../../../platform/views/format.js';
import { type FormBody, formString, handleForm } from '../../../platform/views/page-kit.js';
import { findMailbox, listIntakeErrors } from '../repo.js';
import type { IntakeError } from '../schema.js';
import { configureMailbox, ERRORS_FOLDER, type MailboxView, mailboxView, removeMailbox } from '../use-cases/mailbox.js';
import { callerOf } from './ui.js';

const POLICY = { config: { policy: 'communeAdmin' } } as const;
/** Setting a mailbox's password is setting a credential: a recent authentication is asked for. */
const STEP_UP = { config: { policy: 'communeAdmin', stepUp: true } } as const;
const SOURCE_LABELS = { depot: 'Dossier de dépôt', imap: 'Boîte aux lettres', televersement: 'Import' } as const;
const NOTICES: Record<string, string> = {
  boite: 'La boîte aux lettres est enregistrée.',
  supprimee: 'La boîte aux lettres n’est plus relevée.',
};

interface IntakePage {
  mailbox: MailboxView | null;
  errors: IntakeError[];
}

function render(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: AppContext,
  data: IntakePage,
  form: { values?: Record<string, string>; errors?: FieldErrors; status?: number } = {},
) {
  const base = `${adminBase(request)}/courrier`;
  const m = data.mailbox;
  const values = form.values;
  const v = (key: string, fallback: string) => (values ? (values[key] ?? '') : fallback);
  const errors = form.errors ?? {};
  const done = formString(request.query, 'fait');
  const dropDir = ctx.config.courrierDropDir;
  return sendAdminPage(request, reply, {
    title: 'Courriels reçus au courrier',
    errors,
    fieldOrder: ['serveur', 'port', 'tls', 'identifiant', 'mot_de_passe', 'dossier', 'dossier_traites'],
    targets: { tls: 'tls' },
    ...(form.status ? { status: form.status } : {}),
    ...(NOTICES[done] ? { notice: { kind: 'success' as const, title: NOTICES[done]! } } : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Courriels reçus au courrier</h1>
        <p class="govuk-body">
          Les courriels adressés à la mairie peuvent être enregistrés au courrier arrivé sans être ressaisis : déposés
          en fichiers .eml, relevés dans une boîte aux lettres, ou importés un par un par les agents.
        </p>
        <h2 class="govuk-heading-m">Dossier de dépôt</h2>
        {dropDir ? (
          <p class="govuk-body">
            Les fichiers .eml déposés dans <code>{`${dropDir}/${request.commune!.slug}/`}</code> sont enregistrés toutes
            les 5 minutes, puis rangés dans <code>traites/</code> (ou <code>erreurs/</code>, avec la raison).
          </p>
        ) : (
          <p class="govuk-body">
            Aucun dossier de dépôt n’est défini sur cette instance (l’hébergeur peut définir GUICHET_COURRIER_DROP_DIR).
          </p>
        )}
        <h2 class="govuk-heading-m">Boîte aux lettres (IMAP)</h2>
        {m ? (
          <InsetText>
            <p class="govuk-body">
              {m.enabled ? 'Relevée toutes les 5 minutes' : 'Relève suspendue'} : {m.username} sur {m.host}:{m.port}
              {m.tls ? ' (TLS)' : ''}, dossier « {m.folder} », les messages enregistrés rangés dans « {m.doneFolder} »,
              les messages refusés dans « {ERRORS_FOLDER} ».
            </p>
            <p class="govuk-body">
              {m.lastPolledAt ? `Dernière relève le ${formatDateTime(m.lastPolledAt)}.` : 'Pas encore relevée.'}
            </p>
          </InsetText>
        ) : (
          <p class="govuk-body">Aucune boîte aux lettres n’est relevée : aucune connexion ne part de Guichet.</p>
        )}
        {m?.lastError && <WarningText>{`Dernière relève en échec : ${m.lastError}`}</WarningText>}
        <form method="post" action={`${base}/boite`} novalidate>
          <CsrfField token={reply.generateCsrf()} />
          <Input
            name="serveur"
            label="Serveur IMAP"
            hint="Par exemple imap.exemple.fr."
            spellcheck={false}
            value={v('serveur', m?.host ?? '')}
            error={errors.serveur}
          />
          <Input
            name="port"
            label="Port"
            inputmode="numeric"
            width={5}
            value={v('port', String(m?.port ?? 993))}
            error={errors.port}
          />
          <Radios
            name="tls"
            legend="Chiffrement"
            value={v('tls', m ? (m.tls ? 'oui' : 'non') : 'oui')}
            items={[
              { value: 'oui', label: 'TLS dès la connexion (IMAPS, port 993 en général)' },
              { value: 'non', label: 'STARTTLS si le serveur le propose (port 143 en général)' },
            ]}
            {...(errors.tls ? { error: errors.tls } : {})}
          />
          <Input
            name="identifiant"
            label="Identifiant du compte"
            autocomplete="off"
            spellcheck={false}
            value={v('identifiant', m?.username ?? '')}
            error={errors.identifiant}
          />
          <Input
            name="mot_de_passe"
            type="password"
            label="Mot de passe"
            hint={
              m
                ? 'Laissez vide pour garder le mot de passe enregistré. Il est conservé chiffré et n’est jamais réaffiché.'
                : 'Il est conservé chiffré et n’est jamais réaffiché.'
            }
            autocomplete="new-password"
            value=""
            error={errors.mot_de_passe}
          />
          <Input
            name="dossier"
            label="Dossier à relever"
            value={v('dossier', m?.folder ?? 'INBOX')}
            error={errors.dossier}
          />
          <Input
            name="dossier_traites"
            label="Dossier où ranger les messages enregistrés"
            value={v('dossier_traites', m?.doneFolder ?? 'Traités')}
            error={errors.dossier_traites}
          />
          <Checkboxes
            name="active"
            legend="Relève"
            small
            items={[{ value: 'oui', label: 'Relever cette boîte toutes les 5 minutes' }]}
            values={v('active', m ? (m.enabled ? 'oui' : '') : 'oui') === 'oui' ? ['oui'] : []}
          />
          <Button>Enregistrer la boîte aux lettres</Button>
        </form>
        {m && (
          <form method="post" action={`${base}/boite/supprimer`}>
            <CsrfField token={reply.generateCsrf()} />
            <Button variant="warning">Ne plus relever cette boîte</Button>
          </form>
        )}
        <h2 class="govuk-heading-m">Fichiers refusés</h2>
        {data.errors.length === 0 ? (
          <p class="govuk-body">Aucun fichier refusé.</p>
        ) : (
          <Table
            caption="Les 50 derniers fichiers refusés"
            columns={[{ label: 'Le' }, { label: 'Origine' }, { label: 'Fichier' }, { label: 'Raison' }]}
            rows={data.errors.map((e) => [formatDateTime(e.at), SOURCE_LABELS[e.source], e.fileName, e.reason])}
          />
        )}
      </>
    ),
  });
}

export function registerIntakeAdminPages(app: FastifyInstance, ctx: AppContext): void {
  const load = (request: FastifyRequest): Promise<IntakePage> =>
    withTenant(ctx.database, request.commune!.id, async (tx) => ({
      mailbox: mailboxView(await findMailbox(tx, request.commune!.id)),
      errors: await listIntakeErrors(tx, request.commune!.id),
    }));
  const base = (request: FastifyRequest) => `${adminBase(request)}/courrier`;

  app.get('/c/:slug/admin/courrier', POLICY, async (request, reply) =>
    render(request, reply, ctx, await load(request)),
  );

  app.post('/c/:slug/admin/courrier/boite', STEP_UP, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const values = Object.fromEntries(
      Object.entries(body)
        .filter(([k, v]) => k !== '_csrf' && k !== 'mot_de_passe' && typeof v === 'string')
        .map(([k, v]) => [k, v as string]),
    );
    const result = await handleForm(
      () => configureMailbox(ctx, callerOf(request), body),
      async (errors, status) => render(request, reply, ctx, await load(request), { values, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${base(request)}?fait=boite`, 303);
  });

  app.post('/c/:slug/admin/courrier/boite/supprimer', STEP_UP, async (request, reply) => {
    await removeMailbox(ctx, callerOf(request));
    return reply.redirect(`${base(request)}?fait=supprimee`, 303);
  });
}
