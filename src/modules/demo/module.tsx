/**
 * Demo-only pages, registered only on a demo instance (GUICHET_DEMO=true, `serve --demo`): the
 * local mailbox that shows the .eml files written by the embedded mail transport (with a form to
 * send a test message), the SMS written by the `file` SMS provider, and the dead-letter list of
 * the job queue. The mailbox holds every reset and invitation link: only signed-in operators and
 * commune administrators see these pages; anyone else gets 404 (issue 8, finding 1).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../platform/authz/actor.js';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import { notFound } from '../../platform/errors.js';
import { queueMail } from '../../platform/mail/outbox.js';
import { mailDirectory } from '../../platform/mail/transport.js';
import type { GuichetModule } from '../../platform/module.js';
import { listStoredSms, smsDirectory } from '../../platform/sms/file-provider.js';
import {
  Button,
  CsrfField,
  ErrorSummary,
  errorSummaryItems,
  type FieldErrors,
  Input,
  Select,
  Table,
  titleWithErrors,
} from '../../platform/views/components.js';
import { formatDateTime } from '../../platform/views/format.js';
import { renderRequestPage } from '../../platform/views/page.js';
import { isCommuneAdmin } from '../identity/index.js';
import { DEMO_MAILS } from './mail-templates.js';
import { listMailbox, readMessage } from './mailbox.js';

const html = 'text/html; charset=utf-8';

/** Staff of the instance: an operator, or an administrator of one of its communes. */
async function isInstanceStaff(ctx: AppContext, actor: Actor): Promise<boolean> {
  if (actor.isOperator) return true;
  for (const commune of await ctx.communes.all()) {
    if (await withTenant(ctx.database, commune.id, (tx) => isCommuneAdmin(tx, commune.id, actor.accountId))) {
      return true;
    }
  }
  return false;
}

const testMailForm = z.object({
  _csrf: z.string(),
  commune: z.string({ error: 'Choisissez une commune.' }).min(1, 'Choisissez une commune.'),
  to: z.email({ error: 'Saisissez une adresse électronique valide, par exemple nom@exemple.fr.' }),
});

const replayForm = z.object({ _csrf: z.string(), queue: z.string().min(1), id: z.uuid() });

export const demoModule: GuichetModule = {
  name: 'demo',
  mailTemplates: Object.values(DEMO_MAILS),
  registerRoutes(app: FastifyInstance, ctx: AppContext) {
    if (!ctx.config.demo) return;
    const dir = mailDirectory(ctx.config);

    // The policy `demo` already refused anonymous visitors (404) and a second factor still due.
    app.addHook('preHandler', async (request) => {
      if (request.routeOptions.config.policy !== 'demo') return;
      const actor = request.actor;
      if (!actor || !(await isInstanceStaff(ctx, actor))) throw notFound('not_found', 'demo pages: staff only');
    });

    async function renderMailbox(
      request: FastifyRequest,
      reply: FastifyReply,
      form: { values: Record<string, string>; errors: FieldErrors; status: number; sent?: boolean },
    ) {
      const [messages, communes] = await Promise.all([listMailbox(dir), ctx.communes.all()]);
      const errors = errorSummaryItems(form.errors, ['commune', 'to']);
      return reply
        .status(form.status)
        .type(html)
        .send(
          renderRequestPage(request, {
            title: titleWithErrors('Boîte aux lettres de démonstration', errors.length > 0),
            ...(form.sent
              ? { notice: { kind: 'success' as const, title: 'Le courriel de test a été mis en file d’envoi.' } }
              : {}),
            children: (
              <>
                <ErrorSummary errors={errors} />
                <h1 class="govuk-heading-xl">Boîte aux lettres de démonstration</h1>
                <p class="govuk-body">
                  {ctx.mailTransport.kind === 'file'
                    ? 'Sans serveur SMTP configuré, Guichet écrit chaque courriel dans un fichier .eml du dossier de données. Les 50 derniers sont affichés ici.'
                    : 'Un serveur SMTP est configuré (SMTP_URL) : les courriels partent par ce serveur et n’apparaissent pas ici.'}{' '}
                  Les SMS de démonstration sont sur une page à part :{' '}
                  <a class="govuk-link" href="/_demo/sms">
                    SMS de démonstration
                  </a>
                  .
                </p>
                {messages.length === 0 ? (
                  <p class="govuk-body">Aucun courriel pour l’instant.</p>
                ) : (
                  <Table
                    caption="Courriels envoyés"
                    columns={[{ label: 'Date' }, { label: 'Destinataire' }, { label: 'Objet' }]}
                    rows={messages.map((m) => [
                      m.date ? formatDateTime(m.date) : '',
                      m.to,
                      <a key={m.file} class="govuk-link" href={`/_demo/courriels/${m.file}`}>
                        {m.subject}
                      </a>,
                    ])}
                  />
                )}
                <h2 class="govuk-heading-m">Envoyer un courriel de test</h2>
                <form method="post" action="/_demo/courriels" novalidate>
                  <CsrfField token={reply.generateCsrf()} />
                  <Select
                    name="commune"
                    label="Commune expéditrice"
                    value={form.values.commune}
                    error={form.errors.commune}
                    options={[
                      { value: '', label: 'Choisir une commune' },
                      ...communes.map((c) => ({ value: c.slug, label: c.name })),
                    ]}
                  />
                  <Input
                    name="to"
                    type="email"
                    label="Adresse du destinataire"
                    autocomplete="email"
                    spellcheck={false}
                    value={form.values.to}
                    error={form.errors.to}
                  />
                  <Button>Envoyer le courriel de test</Button>
                </form>
              </>
            ),
          }),
        );
    }

    app.get('/_demo/courriels', { config: { policy: 'demo' } }, async (request, reply) =>
      renderMailbox(request, reply, {
        values: {},
        errors: {},
        status: 200,
        sent: (request.query as Record<string, unknown>).envoye === '1',
      }),
    );

    app.post('/_demo/courriels', { config: { policy: 'demo' } }, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const values = { commune: String(body.commune ?? ''), to: String(body.to ?? '') };
      const parsed = testMailForm.safeParse(body);
      const commune = parsed.success ? await ctx.communes.bySlug(parsed.data.commune) : undefined;
      if (!parsed.success || !commune) {
        const errors: Record<string, string> = {};
        for (const issue of parsed.error?.issues ?? []) errors[String(issue.path[0])] ??= issue.message;
        if (parsed.success && !commune) errors.commune = 'Choisissez une commune de la liste.';
        return renderMailbox(request, reply, { values, errors, status: 422 });
      }
      await withTenant(ctx.database, commune.id, (tx) =>
        queueMail(tx, ctx.queue, {
          to: parsed.data.to,
          template: DEMO_MAILS.smtpTest,
          variables: { communeName: commune.name, sentAt: formatDateTime(new Date()) },
        }),
      );
      return reply.redirect('/_demo/courriels?envoye=1', 303);
    });

    app.get('/_demo/courriels/:file', { config: { policy: 'demo' } }, async (request, reply) => {
      const { file } = request.params as { file: string };
      const message = await readMessage(dir, file);
      if (!message) throw notFound('mailbox.not_found');
      return reply.type(html).send(
        renderRequestPage(request, {
          title: message.subject,
          children: (
            <>
              <a class="govuk-back-link" href="/_demo/courriels">
                Retour à la boîte aux lettres
              </a>
              <h1 class="govuk-heading-l">{message.subject}</h1>
              <dl class="govuk-summary-list">
                <div class="govuk-summary-list__row">
                  <dt class="govuk-summary-list__key">De</dt>
                  <dd class="govuk-summary-list__value">{message.from}</dd>
                </div>
                <div class="govuk-summary-list__row">
                  <dt class="govuk-summary-list__key">À</dt>
                  <dd class="govuk-summary-list__value">{message.to}</dd>
                </div>
                <div class="govuk-summary-list__row">
                  <dt class="govuk-summary-list__key">Date</dt>
                  <dd class="govuk-summary-list__value">{message.date ? formatDateTime(message.date) : ''}</dd>
                </div>
              </dl>
              <div class="govuk-inset-text guichet-mail-body">
                {message.text.split(/\n{2,}/).map((p) => (
                  <p class="govuk-body">{p}</p>
                ))}
              </div>
            </>
          ),
        }),
      );
    });

    app.get('/_demo/sms', { config: { policy: 'demo' } }, async (request, reply) => {
      const isFile = ctx.smsProvider.name === 'file';
      const messages = isFile ? await listStoredSms(smsDirectory(ctx.config)) : [];
      return reply.type(html).send(
        renderRequestPage(request, {
          title: 'SMS de démonstration',
          children: (
            <>
              <h1 class="govuk-heading-xl">SMS de démonstration</h1>
              <p class="govuk-body">
                {isFile
                  ? 'Avec le fournisseur de SMS « file » (GUICHET_SMS_PROVIDER=file), Guichet écrit chaque SMS dans un fichier du dossier de données au lieu de l’envoyer. Les 50 derniers sont affichés ici.'
                  : ctx.smsProvider.name === 'none'
                    ? 'Aucun fournisseur de SMS n’est configuré (GUICHET_SMS_PROVIDER=none) : Guichet n’envoie aucun SMS. Avec GUICHET_SMS_PROVIDER=file, les SMS sont écrits dans le dossier de données et affichés ici.'
                    : 'Un fournisseur de SMS réel est configuré : les SMS partent par ce fournisseur et n’apparaissent pas ici.'}
              </p>
              {isFile ? (
                messages.length === 0 ? (
                  <p class="govuk-body">Aucun SMS pour l’instant.</p>
                ) : (
                  <Table
                    caption="SMS envoyés"
                    columns={[{ label: 'Date' }, { label: 'Destinataire' }, { label: 'Texte' }]}
                    rows={messages.map((m) => [
                      Number.isNaN(m.sentAt.getTime()) ? '' : formatDateTime(m.sentAt),
                      m.to,
                      m.body,
                    ])}
                  />
                )
              ) : null}
            </>
          ),
        }),
      );
    });

    app.get('/_demo/taches', { config: { policy: 'demo' } }, async (request, reply) => {
      const deadLetters = await ctx.queue.listDeadLetters();
      const replayed = (request.query as Record<string, unknown>).relance === '1';
      const token = reply.generateCsrf();
      return reply.type(html).send(
        renderRequestPage(request, {
          title: 'Tâches en échec',
          ...(replayed ? { notice: { kind: 'success' as const, title: 'La tâche a été relancée.' } } : {}),
          children: (
            <>
              <h1 class="govuk-heading-xl">Tâches en échec</h1>
              <p class="govuk-body">
                Les tâches de fond (envoi de courriels, vérifications) sont réessayées automatiquement avec un délai
                croissant. Celles qui échouent encore après le dernier essai sont listées ici et peuvent être relancées.
              </p>
              {deadLetters.length === 0 ? (
                <p class="govuk-body">Aucune tâche en échec.</p>
              ) : (
                <Table
                  caption="Tâches abandonnées après le dernier essai"
                  columns={[{ label: 'Date' }, { label: 'File' }, { label: 'Dernière erreur' }, { label: 'Action' }]}
                  rows={deadLetters.map((d) => [
                    formatDateTime(d.createdOn),
                    d.queue,
                    d.error ?? 'inconnue',
                    <form key={d.id} method="post" action="/_demo/taches/relancer">
                      <CsrfField token={token} />
                      <input type="hidden" name="queue" value={d.queue} />
                      <input type="hidden" name="id" value={d.id} />
                      <Button variant="secondary">Relancer</Button>
                    </form>,
                  ])}
                />
              )}
            </>
          ),
        }),
      );
    });

    app.post('/_demo/taches/relancer', { config: { policy: 'demo' } }, async (request, reply) => {
      const parsed = replayForm.safeParse(request.body);
      if (!parsed.success || !(await ctx.queue.replayDeadLetter(parsed.data.queue, parsed.data.id))) {
        throw notFound('job.not_found', 'dead letter not found');
      }
      return reply.redirect('/_demo/taches?relance=1', 303);
    });
  },
};
