/**
 * "Mes données" pages: download everything Guichet holds about me (JSON or a readable page) and
 * delete my account. Both are sensitive: they need a recently entered credential (step-up) and
 * are recorded in the journal.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Fragment } from 'preact';
import { recordAudit } from '../../platform/audit/journal.js';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import {
  Button,
  Checkboxes,
  CsrfField,
  ErrorSummary,
  SummaryList,
  Table,
  titleWithErrors,
  WarningText,
} from '../../platform/views/components.js';
import { formatDate, formatDateTime } from '../../platform/views/format.js';
import { renderRequestPage } from '../../platform/views/page.js';
import { collectPersonalData, eraseCitizenAccount, RETENTION_NOTICE } from './personal-data.js';
import { clearSessionCookie } from './sessions.js';

const html = 'text/html; charset=utf-8';
const when = (value: string | null) => (value ? formatDateTime(new Date(value)) : '—');
const _day = (value: string) => formatDate(`${value}T12:00:00Z`);

async function exportFor(ctx: AppContext, request: FastifyRequest, format: 'json' | 'html') {
  const commune = request.commune!;
  const actor = request.actor!;
  return withTenant(ctx.database, commune.id, async (tx) => {
    const sections = (
      await Promise.all(ctx.contributions.personalData.map((holder) => holder.collect(tx, actor.accountId)))
    ).flat();
    const data = await collectPersonalData(tx, commune, actor.accountId, sections);
    await recordAudit(tx, {
      action: 'account.data_exported',
      actorType: 'citizen',
      actorId: actor.accountId,
      targetType: 'account',
      targetId: actor.accountId,
      data: { format },
    });
    return { data, sections };
  });
}

export function registerPersonalDataPages(app: FastifyInstance, ctx: AppContext): void {
  function dataPage(request: FastifyRequest, reply: FastifyReply, confirmationError?: string) {
    const base = `/c/${request.commune!.slug}`;
    return reply
      .status(confirmationError ? 422 : 200)
      .type(html)
      .header('cache-control', 'no-store')
      .send(
        renderRequestPage(request, {
          title: titleWithErrors('Mes données personnelles', !!confirmationError),
          children: (
            <div class="govuk-grid-row">
              <div class="govuk-grid-column-two-thirds">
                <ErrorSummary errors={confirmationError ? [{ href: '#confirmation', text: confirmationError }] : []} />
                <h1 class="govuk-heading-xl">Mes données personnelles</h1>
                <h2 class="govuk-heading-m">Télécharger mes données</h2>
                <p class="govuk-body">
                  Vous pouvez obtenir une copie de toutes les données que ce guichet conserve sur vous : identité,
                  coordonnées et foyer, liste de vos justificatifs, rôles, sessions, facteurs d’authentification,
                  historique de sécurité et courriels envoyés. Vos justificatifs eux-mêmes se téléchargent depuis{' '}
                  <a class="govuk-link" href={`${base}/compte/justificatifs`}>
                    Mes justificatifs
                  </a>
                  .
                </p>
                <ul class="govuk-list">
                  <li>
                    <a class="govuk-link" href={`${base}/compte/donnees/export.json`}>
                      Télécharger au format JSON (réutilisable)
                    </a>
                  </li>
                  <li>
                    <a class="govuk-link" href={`${base}/compte/donnees/lisible`}>
                      Afficher une version lisible (imprimable)
                    </a>
                  </li>
                </ul>
                <h2 class="govuk-heading-m">Supprimer mon compte</h2>
                <p class="govuk-body">La suppression est définitive. Ce qui est conservé malgré tout, et pourquoi :</p>
                <ul class="govuk-list govuk-list--bullet">
                  {RETENTION_NOTICE.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
                <WarningText>Vous ne pourrez plus vous connecter ni suivre vos démarches en ligne.</WarningText>
                <form method="post" action={`${base}/compte/donnees/supprimer`} novalidate>
                  <CsrfField token={reply.generateCsrf()} />
                  <Checkboxes
                    name="confirmation"
                    legend="Confirmation"
                    error={confirmationError}
                    items={[{ value: 'oui', label: 'Je comprends que la suppression de mon compte est définitive.' }]}
                  />
                  <Button variant="warning">Supprimer définitivement mon compte</Button>
                </form>
              </div>
            </div>
          ),
        }),
      );
  }

  app.get('/c/:slug/compte/donnees', { config: { policy: 'signedIn' } }, async (request, reply) =>
    dataPage(request, reply),
  );

  app.get(
    '/c/:slug/compte/donnees/export.json',
    { config: { policy: 'signedIn', stepUp: true } },
    async (request, reply) => {
      const { data } = await exportFor(ctx, request, 'json');
      return reply
        .type('application/json; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="mes-donnees-${request.commune!.slug}.json"`)
        .send(JSON.stringify(data, null, 2));
    },
  );

  app.get(
    '/c/:slug/compte/donnees/lisible',
    { config: { policy: 'signedIn', stepUp: true } },
    async (request, reply) => {
      const { data, sections } = await exportFor(ctx, request, 'html');
      return reply
        .type(html)
        .header('cache-control', 'no-store')
        .send(
          renderRequestPage(request, {
            title: 'Mes données personnelles',
            children: (
              <>
                <h1 class="govuk-heading-xl">Mes données personnelles</h1>
                <p class="govuk-body">
                  Données conservées par le guichet de {data.commune.name}, au {when(data.generatedAt)}.
                </p>
                <h2 class="govuk-heading-m">Identité</h2>
                <SummaryList
                  rows={[
                    { key: 'Prénom', value: data.account.givenName },
                    { key: 'Nom', value: data.account.familyName },
                    { key: 'Adresse électronique', value: data.account.email },
                    { key: 'Date de naissance', value: data.account.birthDate ?? 'non renseignée' },
                    { key: 'Compte créé le', value: when(data.account.createdAt) },
                    { key: 'Adresse confirmée le', value: when(data.account.emailVerifiedAt) },
                    { key: 'Mot de passe défini le', value: when(data.account.passwordSetAt) },
                    { key: 'Dernière connexion', value: when(data.account.lastLoginAt) },
                  ]}
                />
                {sections.map(({ key, readable }) => (
                  <Fragment key={key}>
                    <h2 class="govuk-heading-m">{readable.title}</h2>
                    {readable.rows ? <SummaryList rows={readable.rows} /> : null}
                    {(readable.tables ?? []).map((table) => (
                      <Table
                        key={table.caption}
                        caption={table.caption}
                        columns={table.columns.map((label) => ({ label }))}
                        rows={table.rows}
                      />
                    ))}
                  </Fragment>
                ))}
                <Table
                  caption="Rôles dans la commune"
                  columns={[{ label: 'Rôle' }, { label: 'Services' }, { label: 'Depuis le' }]}
                  rows={data.roles.map((r) => [r.role, r.services.join(', ') || '—', when(r.since)])}
                />
                <Table
                  caption="Sessions"
                  columns={[
                    { label: 'Ouverte le' },
                    { label: 'Dernière activité' },
                    { label: 'Méthode' },
                    { label: 'Appareil' },
                    { label: 'Réseau' },
                    { label: 'Fermée le' },
                  ]}
                  rows={data.sessions.map((s) => [
                    when(s.openedAt),
                    when(s.lastActivity),
                    s.method,
                    s.device ?? '—',
                    s.network ?? '—',
                    when(s.closedAt),
                  ])}
                />
                <h2 class="govuk-heading-m">Facteurs d’authentification</h2>
                <SummaryList
                  rows={[
                    {
                      key: 'Application d’authentification',
                      value: data.secondFactors.totpEnabledAt
                        ? `activée le ${when(data.secondFactors.totpEnabledAt)}`
                        : 'non activée',
                    },
                    { key: 'Codes de secours restants', value: String(data.secondFactors.recoveryCodesLeft) },
                    {
                      key: 'Clés d’accès',
                      value: data.secondFactors.passkeys.map((p) => p.name || 'sans nom').join(', ') || 'aucune',
                    },
                    {
                      key: 'Comptes liés',
                      value: data.federatedIdentities.map((f) => f.provider).join(', ') || 'aucun',
                    },
                  ]}
                />
                <Table
                  caption="Historique de sécurité"
                  columns={[{ label: 'Date' }, { label: 'Événement' }, { label: 'Réseau' }]}
                  rows={data.securityEvents.map((e) => [when(e.occurredAt), e.label, e.clientAddress ?? '—'])}
                />
                <Table
                  caption="Courriels envoyés"
                  columns={[{ label: 'Date' }, { label: 'Objet' }, { label: 'État' }]}
                  rows={data.mails.map((m) => [
                    when(m.date),
                    m.subject,
                    m.status === 'sent' ? 'envoyé' : m.status === 'failed' ? 'échec' : 'en attente',
                  ])}
                />
                <h2 class="govuk-heading-m">Conservation</h2>
                <ul class="govuk-list govuk-list--bullet">
                  {data.retention.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              </>
            ),
          }),
        );
    },
  );

  app.post(
    '/c/:slug/compte/donnees/supprimer',
    { config: { policy: 'signedIn', stepUp: true } },
    async (request, reply) => {
      const confirmation = (request.body as Record<string, unknown> | undefined)?.confirmation;
      if (confirmation !== 'oui') {
        return dataPage(request, reply, 'Cochez la case pour confirmer la suppression définitive de votre compte.');
      }
      await eraseCitizenAccount(ctx, request.commune!, request.actor!.accountId);
      clearSessionCookie(reply);
      request.actor = null; // the page below is rendered signed out
      return reply
        .type(html)
        .header('cache-control', 'no-store')
        .send(
          renderRequestPage(request, {
            title: 'Compte supprimé',
            notice: { kind: 'success', title: 'Votre compte a été supprimé.' },
            children: (
              <>
                <h1 class="govuk-heading-xl">Compte supprimé</h1>
                <p class="govuk-body">
                  Vos données d’identification ont été effacées et vos sessions fermées. Les éléments que la loi impose
                  de conserver le sont, comme indiqué sur la page précédente.
                </p>
              </>
            ),
          }),
        );
    },
  );
}
