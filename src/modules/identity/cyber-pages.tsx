/**
 * The administration home and the cyber-hygiene panel of the commune's leadership: second
 * factors and passkeys among staff, inactive accounts, passwords chosen under an older policy,
 * recent lockouts. Figures computed by SQL in the commune's tenant transaction; the figures other
 * modules contribute with `panel: 'cyber'` (continuity: backups, drills, offline copy) follow,
 * flagged « En retard » past their threshold.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import { sendAdminPage } from '../../platform/views/admin-area.js';
import { SummaryList, Table, Tag } from '../../platform/views/components.js';
import { formatNumber } from '../../platform/views/format.js';
import { cyberFigures } from './staff-repo.js';

function share(part: number, whole: number): string {
  if (whole === 0) return '—';
  return formatNumber(part / whole, { style: 'percent', maximumFractionDigits: 0 });
}

export function registerCyberPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/admin/cyber', { config: { policy: 'communeLeadership' } }, async (request, reply) => {
    const commune = request.commune!;
    const contributed = ctx.contributions.figures.filter((figure) => figure.panel === 'cyber');
    const { f, values } = await withTenant(ctx.database, commune.id, async (tx) => {
      const values = new Map<string, number>();
      for (const figure of contributed) values.set(figure.key, await figure.compute(tx, commune.id));
      return { f: await cyberFigures(tx, commune.id), values };
    });
    const count = (n: number) => formatNumber(n);
    return sendAdminPage(request, reply, {
      title: 'Cyber-hygiène',
      children: (
        <>
          <h1 class="govuk-heading-xl">Cyber-hygiène</h1>
          <p class="govuk-body">
            L’état de la sécurité des comptes des {count(f.staff)} agents, élus et administrateurs de {commune.name}.
          </p>
          <SummaryList
            rows={[
              {
                key: 'Double authentification activée',
                value: `${share(f.withSecondFactor, f.staff)} (${count(f.withSecondFactor)} sur ${count(f.staff)})`,
              },
              {
                key: 'Clé d’accès enregistrée',
                value: `${share(f.withPasskey, f.staff)} (${count(f.withPasskey)} sur ${count(f.staff)})`,
              },
              { key: 'Comptes inactifs depuis 90 jours', value: count(f.inactive90Days) },
              { key: 'Mots de passe choisis sous une ancienne politique', value: count(f.oldPasswordPolicy) },
              { key: 'Invitations en attente', value: count(f.pendingInvitations) },
              {
                key: 'Blocages de comptes (30 derniers jours)',
                value: `${count(f.lockouts30Days)} (${count(f.lockedAccounts30Days)} compte${f.lockedAccounts30Days > 1 ? 's' : ''})`,
              },
              ...contributed.map((figure) => {
                const value = values.get(figure.key) ?? Number.NaN;
                const text = figure.format ? figure.format(value) : count(value);
                const late = figure.warnAbove !== undefined && !(value <= figure.warnAbove);
                return {
                  key: figure.label,
                  value: late ? (
                    <>
                      <Tag colour="red">En retard</Tag> {text}
                    </>
                  ) : (
                    text
                  ),
                };
              }),
            ]}
          />
          <h2 class="govuk-heading-m">Sans double authentification</h2>
          {f.withoutSecondFactor.length === 0 ? (
            <p class="govuk-body">
              <Tag colour="green">Aucun</Tag> Tous les comptes actifs ont un second facteur.
            </p>
          ) : (
            <Table
              caption="Comptes à relancer"
              captionSize="s"
              columns={[{ label: 'Nom' }, { label: 'Adresse électronique' }]}
              rows={f.withoutSecondFactor.map((p) => [p.name, p.email])}
            />
          )}
        </>
      ),
    });
  });
}
