/**
 * The parapheur's queue (/c/<slug>/agent/parapheur): what waits for the person (their own steps
 * and those they act on by delegation), the folders they created, and — for the maire, the DGS
 * and administrators — every folder of the commune; « en retard » filter. Phone first: one
 * column of cards, a table only for the long lists.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasRole } from '../../../platform/authz/actor.js';
import type { AppContext } from '../../../platform/context.js';
import { formatEuros } from '../../../platform/money.js';
import { Button, Checkboxes, Table } from '../../../platform/views/components.js';
import { formatNumber } from '../../../platform/views/format.js';
import { formString, sendPage } from '../../../platform/views/page-kit.js';
import { DOCUMENT_TYPE_LABELS } from '../circuits.js';
import { canCreateFolder } from '../policy.js';
import { isLate, queuePage } from '../queries.js';
import type { Folder } from '../schema.js';
import { dueText, FolderStatus, folderPath, parapheurBase, parapheurBreadcrumbs } from './ui.js';

function FolderTable({ request, caption, folders }: { request: FastifyRequest; caption: string; folders: Folder[] }) {
  return (
    <Table
      caption={caption}
      columns={[{ label: 'Dossier' }, { label: 'Type' }, { label: 'Échéance' }, { label: 'État' }]}
      rows={folders.map((f) => [
        <a key="l" class="govuk-link" href={folderPath(request, f.id)}>
          {f.title} <span class="govuk-visually-hidden">(n° {f.number})</span>
        </a>,
        DOCUMENT_TYPE_LABELS[f.documentType],
        dueText(f),
        <FolderStatus key="s" folder={f} />,
      ])}
    />
  );
}

export function registerQueuePages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/agent/parapheur', { config: { policy: 'staff' } }, async (request, reply) => {
    const actor = request.actor!;
    const lateOnly = formString(request.query, 'retard') === '1';
    const seesAll = hasRole(actor, 'mayor', 'dgs', 'admin');
    const data = await queuePage(ctx, request.commune!.id, actor, seesAll);
    const keep = (f: Folder) => !lateOnly || isLate(f);
    const waiting = data.waiting.filter((r) => keep(r.folder));
    const toSign = waiting.filter((r) => r.step.kind === 'signature');
    const base = parapheurBase(request);
    return sendPage(request, reply, {
      title: 'Parapheur',
      breadcrumbs: parapheurBreadcrumbs(request).slice(0, 1),
      wide: true,
      children: (
        <>
          <h1 class="govuk-heading-xl">Parapheur</h1>
          <p class="govuk-body">
            {lateOnly ? (
              <a class="govuk-link" href={base}>
                Voir tous les dossiers
              </a>
            ) : (
              <a class="govuk-link" href={`${base}?retard=1`}>
                Voir seulement les dossiers en retard
              </a>
            )}
            {' · '}
            <a class="govuk-link" href={`${base}/delegations`}>
              Mes délégations
            </a>
          </p>
          {canCreateFolder(actor) ? <Button href={`${base}/nouveau`}>Nouveau dossier</Button> : null}
          <h2 class="govuk-heading-l">À traiter {waiting.length ? `(${formatNumber(waiting.length)})` : ''}</h2>
          {waiting.length === 0 ? (
            <p class="govuk-body">
              Aucun dossier n’attend votre visa ou votre signature{lateOnly ? ' en retard' : ''}.
            </p>
          ) : (
            <ul class="govuk-list guichet-card-list">
              {waiting.map(({ folder, step, forAccounts }) => {
                const delegated = forAccounts.filter((a) => a !== actor.accountId);
                return (
                  <li key={folder.id} class="govuk-!-margin-bottom-6">
                    <h3 class="govuk-heading-m govuk-!-margin-bottom-1">
                      <a class="govuk-link" href={folderPath(request, folder.id)}>
                        {folder.title}
                      </a>
                    </h3>
                    <p class="govuk-body govuk-!-margin-bottom-1">
                      {step.kind === 'visa' ? 'À viser' : 'À signer'} · {DOCUMENT_TYPE_LABELS[folder.documentType]}
                      {folder.amountCents !== null ? ` · ${formatEuros(folder.amountCents)}` : ''}
                    </p>
                    <p class="govuk-body govuk-!-margin-bottom-1">
                      N° {folder.number} · échéance : {dueText(folder)} <FolderStatus folder={folder} />
                    </p>
                    {delegated.length ? (
                      <p class="govuk-body govuk-!-margin-bottom-0">
                        Par délégation de {delegated.map((d) => data.names.get(d) ?? 'un titulaire').join(', ')}
                      </p>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )}
          {toSign.length >= 2 ? (
            <form method="get" action={`${base}/lot`} novalidate>
              <Checkboxes
                name="dossier"
                legend="Signer plusieurs documents"
                hint="Cochez les dossiers à signer ; vous confirmerez une seule fois, chaque document est signé séparément."
                small
                items={toSign.map(({ folder }) => ({
                  value: folder.id,
                  label: folder.title,
                  hint: `N° ${folder.number} · ${DOCUMENT_TYPE_LABELS[folder.documentType]}${folder.amountCents !== null ? ` · ${formatEuros(folder.amountCents)}` : ''}`,
                }))}
              />
              <Button variant="secondary">Signer la sélection</Button>
            </form>
          ) : null}
          {data.mine.filter(keep).length ? (
            <FolderTable request={request} caption="Dossiers que j’ai créés" folders={data.mine.filter(keep)} />
          ) : null}
          {seesAll && data.all.filter(keep).length ? (
            <FolderTable request={request} caption="Tous les dossiers de la commune" folders={data.all.filter(keep)} />
          ) : null}
        </>
      ),
    });
  });
}
