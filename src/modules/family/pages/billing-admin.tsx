/**
 * Billing for the commune's administrators (`/c/<slug>/admin/famille/facturation`): run a month
 * (one invoice per paying guardian, idempotent: a second run bills nobody twice), the invoices
 * issued and their state, the commune's PayFiP contract (client number and mode) — online
 * payment stays closed, and nothing is sent to PayFiP, while the number is empty — and, for the
 * comptable public, a billed month's rôle as a PES V2 ORMC file (`…/role`, emitted once and
 * downloaded again as sent) with the commune's Hélios identifiers (`…/helios`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { formatEuros } from '../../../platform/money.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import {
  BackLink,
  Button,
  CsrfField,
  ErrorMessage,
  type FieldErrors,
  Input,
  Radios,
  Select,
  Table,
  Tag,
} from '../../../platform/views/components.js';
import { formString, handleForm } from '../../../platform/views/page-kit.js';
import { billedMonth } from '../billing/invoice-pdf.js';
import { heliosSettings, listInvoices, listRoles, paymentSettings } from '../repo.js';
import { shiftMonth } from '../reservations/days.js';
import type { RoleRow } from '../schema.js';
import type { FamilyCaller } from '../use-cases/common.js';
import {
  cancellationFileName,
  configureHelios,
  emitCancellation,
  emitRole,
  emittedRole,
  type HeliosInput,
  roleFileName,
} from '../use-cases/emit-role.js';
import { configurePayfip } from '../use-cases/payments.js';
import { type BillingRunResult, runMonthlyBilling } from '../use-cases/run-billing.js';
import { sendRoleForSignature, signedRole } from '../use-cases/sign-role.js';
import { InvoiceStatus } from './invoices.js';

/** Where the ordonnateur's signature of a rôle stands, and what the administrator can do next. */
function RoleSignature({ role, action, csrf }: { role: Omit<RoleRow, 'xml'>; action: string; csrf: string }) {
  const send = (label: string) => (
    <form method="post" action={action} novalidate>
      <CsrfField token={csrf} />
      <input type="hidden" name="mois" value={role.month} />
      <Button variant="secondary">{label}</Button>
    </form>
  );
  switch (role.signatureStatus) {
    case 'signe':
      return (
        <>
          <Tag colour="green">Signé</Tag>{' '}
          <a class="govuk-link" href={`${action}?mois=${role.month}`}>
            Télécharger le rôle signé<span class="govuk-visually-hidden"> de {billedMonth(role.month)}</span>
          </a>
        </>
      );
    case 'en_signature':
    case 'envoi':
      return <Tag>Au parapheur</Tag>;
    case 'refuse':
      return (
        <>
          <Tag colour="red">Refusé</Tag> {role.signatureReason}
          {send('Renvoyer au parapheur')}
        </>
      );
    default:
      return send('Faire signer au parapheur');
  }
}

export function registerAdminBillingPages(app: FastifyInstance, ctx: AppContext): void {
  const caller = (request: FastifyRequest): FamilyCaller => ({
    commune: request.commune!,
    actor: request.actor,
    httpRequestId: request.id,
  });
  const path = (request: FastifyRequest) => `${adminBase(request)}/famille/facturation`;

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    form: {
      errors?: FieldErrors;
      run?: BillingRunResult & { month: string };
      payfip?: { numcli: string; saisie: string };
      helios?: HeliosInput;
      notice?: string;
      status?: number;
    } = {},
  ) {
    const commune = request.commune!;
    const { invoices, settings, roles, helios } = await withTenant(ctx.database, commune.id, async (tx) => ({
      invoices: await listInvoices(tx, commune.id),
      settings: await paymentSettings(tx, commune.id),
      roles: await listRoles(tx, commune.id),
      helios: await heliosSettings(tx, commune.id),
    }));
    const heliosValues: HeliosInput = form.helios ?? {
      idPost: helios?.idPost ?? '',
      libellePoste: helios?.libellePoste ?? '',
      siret: helios?.siret ?? '',
      codCol: helios?.codCol ?? '',
      codBud: helios?.codBud ?? '',
      nature: helios?.nature ?? '',
    };
    const billedMonths = [...new Set(invoices.map((i) => i.month))].slice(0, 24);
    const errors = form.errors ?? {};
    const csrf = reply.generateCsrf();
    const current = parisDateOf(new Date()).slice(0, 7);
    const months = Array.from({ length: 12 }, (_, i) => shiftMonth(current, -(i + 1)));
    const payfip = form.payfip ?? { numcli: settings.payfipNumcli ?? '', saisie: settings.payfipSaisie };
    const run = form.run;
    return sendAdminPage(request, reply, {
      title: 'Facturation du portail famille',
      errors,
      ...(form.status ? { status: form.status } : {}),
      fieldOrder: [
        'mois',
        'role',
        'signature',
        'annulation',
        'numcli',
        'saisie',
        'idPost',
        'libellePoste',
        'siret',
        'codCol',
        'codBud',
        'nature',
      ],
      wide: true,
      ...(form.notice ? { notice: { kind: 'success' as const, title: form.notice } } : {}),
      children: (
        <>
          <BackLink href={`${adminBase(request)}/famille`}>Activités et tarifs</BackLink>
          <h1 class="govuk-heading-xl">Facturation</h1>
          {run ? (
            <div class="govuk-panel govuk-panel--confirmation govuk-!-text-align-left">
              <h2 class="govuk-panel__title govuk-!-font-size-27">Facturation de {billedMonth(run.month)}</h2>
              <div class="govuk-panel__body govuk-!-font-size-19">
                {run.issued} facture{run.issued > 1 ? 's' : ''} émise{run.issued > 1 ? 's' : ''} pour{' '}
                {formatEuros(run.totalCents)} ; {run.alreadyBilled} foyer{run.alreadyBilled > 1 ? 's' : ''} déjà facturé
                {run.alreadyBilled > 1 ? 's' : ''} ce mois-là ; {run.nothingToBill} sans rien à facturer.
                {run.withoutGrid.length > 0
                  ? ` Sans grille en vigueur (non facturé) : ${run.withoutGrid.join(', ')}.`
                  : ''}
              </div>
            </div>
          ) : null}
          <h2 class="govuk-heading-l">Facturer un mois</h2>
          <form method="post" action={path(request)} novalidate>
            <CsrfField token={csrf} />
            <Select
              name="mois"
              label="Mois terminé à facturer"
              hint="Une facture par responsable qui paie, à partir des jours réservés et pointés, au QF du foyer. Relancer un mois ne facture personne deux fois."
              options={months.map((m) => ({ value: m, label: billedMonth(m) }))}
              {...(errors.mois ? { error: errors.mois } : {})}
            />
            <Button>Lancer la facturation</Button>
          </form>
          <h2 class="govuk-heading-l">Factures émises</h2>
          <p class="govuk-body">
            <a class="govuk-link" href={`${adminBase(request)}/famille/relances`}>
              Factures en retard de paiement et lettres de relance
            </a>
          </p>
          {invoices.length === 0 ? (
            <p class="govuk-body">Aucune facture pour l’instant.</p>
          ) : (
            <Table
              caption="Factures (les 500 dernières)"
              captionSize="s"
              columns={[
                { label: 'Numéro' },
                { label: 'Mois' },
                { label: 'Payeur' },
                { label: 'Montant', numeric: true },
                { label: 'État' },
              ]}
              rows={invoices.map((i) => [
                <a class="govuk-link" href={`${adminBase(request)}/famille/factures/${i.id}`} key="n">
                  {i.number}
                </a>,
                billedMonth(i.month),
                i.payerName,
                formatEuros(i.totalCents),
                <InvoiceStatus invoice={i} key="s" />,
              ])}
            />
          )}
          <h2 class="govuk-heading-l">Rôle pour le comptable public (PES V2)</h2>
          <p class="govuk-body">
            Le rôle d’un mois est un bordereau ORMC (ordre de recette multi-créanciers) : une pièce par facture encore à
            payer, avec le responsable qui paie comme débiteur. Émis une fois, il garde son numéro ; le télécharger de
            nouveau donne le même fichier. Ses factures sortent du paiement en ligne par la régie : les familles paient
            le Trésor public avec l’avis des sommes à payer.
          </p>
          {billedMonths.length === 0 ? (
            <p class="govuk-body">Aucun mois facturé pour l’instant.</p>
          ) : (
            <form method="post" action={`${path(request)}/role`} novalidate>
              <CsrfField token={csrf} />
              <Select
                name="mois"
                id="role"
                label="Mois facturé"
                options={billedMonths.map((m) => ({ value: m, label: billedMonth(m) }))}
                {...(errors.role ? { error: errors.role } : {})}
              />
              <Button variant="secondary">Émettre et télécharger le rôle (XML)</Button>
            </form>
          )}
          {roles.length > 0 ? (
            <Table
              caption="Rôles émis"
              captionSize="s"
              columns={[
                { label: 'Rôle' },
                { label: 'Mois' },
                { label: 'Pièces', numeric: true },
                { label: 'Montant', numeric: true },
                { label: 'Fichier' },
                { label: 'Signature de l’ordonnateur' },
              ]}
              rows={roles.map((r) => [
                `n° ${r.idBord} de ${r.exer}`,
                billedMonth(r.month),
                String(r.pieceCount),
                formatEuros(r.totalCents),
                <a class="govuk-link" href={`${path(request)}/role?mois=${r.month}`} key="f">
                  {roleFileName(commune.slug, r.exer, r.idBord)}
                </a>,
                <RoleSignature key="s" role={r} action={`${path(request)}/role/signature`} csrf={csrf} />,
              ])}
            />
          ) : null}
          {errors.signature ? <ErrorMessage id="signature">{errors.signature}</ErrorMessage> : null}
          {roles.length > 0 ? (
            <form method="post" action={`${path(request)}/role/annulation`} novalidate>
              <CsrfField token={csrf} />
              <p class="govuk-body">
                Un avoir sur une facture déjà dans un rôle réduit une dette que le comptable détient : transmettez-lui
                les avoirs du rôle par un bordereau d’annulation-réduction (PES V2), numéroté, une seule fois par avoir.
              </p>
              <Select
                name="mois"
                id="annulation"
                label="Rôle à réduire"
                options={roles.map((r) => ({ value: r.month, label: `${billedMonth(r.month)} (n° ${r.idBord})` }))}
                {...(errors.annulation ? { error: errors.annulation } : {})}
              />
              <Button variant="secondary">Émettre et télécharger le bordereau d’annulation (XML)</Button>
            </form>
          ) : null}
          <h2 class="govuk-heading-l">Paiement en ligne (PayFiP)</h2>
          <p class="govuk-body">
            PayFiP est le service de paiement en ligne de la DGFiP (carte bancaire, prélèvement unique). Saisissez le
            numéro client donné par la DGFiP après l’adhésion de la commune ; tant qu’il est vide, le paiement en ligne
            reste fermé et rien n’est envoyé à PayFiP.
          </p>
          <form method="post" action={`${path(request)}/payfip`} novalidate>
            <CsrfField token={csrf} />
            <Input
              name="numcli"
              label="Numéro client PayFiP"
              hint="6 chiffres"
              width={10}
              inputmode="numeric"
              value={payfip.numcli}
              {...(errors.numcli ? { error: errors.numcli } : {})}
            />
            <Radios
              name="saisie"
              legend="Mode"
              legendSize="s"
              items={[
                { value: 'T', label: 'Test (aucun paiement réel)' },
                { value: 'X', label: 'Activation' },
                { value: 'W', label: 'Production' },
              ]}
              value={payfip.saisie}
              {...(errors.saisie ? { error: errors.saisie } : {})}
            />
            <Button variant="secondary">Enregistrer</Button>
          </form>
          <h2 class="govuk-heading-l">Identifiants Hélios</h2>
          <p class="govuk-body">
            Ce que le fichier PES V2 dit de la commune au comptable public : ils figurent sur la convention d’adhésion à
            Hélios.
          </p>
          <form method="post" action={`${path(request)}/helios`} novalidate>
            <CsrfField token={csrf} />
            <Input
              name="idPost"
              label="Code du poste comptable (IdPost)"
              hint="6 ou 7 chiffres"
              width={10}
              inputmode="numeric"
              value={heliosValues.idPost}
              {...(errors.idPost ? { error: errors.idPost } : {})}
            />
            <Input
              name="libellePoste"
              label="Nom du poste comptable"
              value={heliosValues.libellePoste}
              {...(errors.libellePoste ? { error: errors.libellePoste } : {})}
            />
            <Input
              name="siret"
              label="SIRET du budget (IdColl)"
              hint="14 chiffres"
              width={20}
              inputmode="numeric"
              value={heliosValues.siret}
              {...(errors.siret ? { error: errors.siret } : {})}
            />
            <Input
              name="codCol"
              label="Code collectivité (CodCol)"
              hint="3 caractères"
              width={4}
              value={heliosValues.codCol}
              {...(errors.codCol ? { error: errors.codCol } : {})}
            />
            <Input
              name="codBud"
              label="Code budget (CodBud)"
              hint="2 caractères, 00 pour le budget principal"
              width={3}
              value={heliosValues.codBud}
              {...(errors.codBud ? { error: errors.codBud } : {})}
            />
            <Input
              name="nature"
              label="Compte de recette (Nature)"
              hint="Par exemple 7067, redevances des services périscolaires"
              width={10}
              inputmode="numeric"
              value={heliosValues.nature}
              {...(errors.nature ? { error: errors.nature } : {})}
            />
            <Button variant="secondary">Enregistrer les identifiants Hélios</Button>
          </form>
        </>
      ),
    });
  }

  app.get('/c/:slug/admin/famille/facturation', { config: { policy: 'communeAdmin' } }, (request, reply) =>
    page(
      request,
      reply,
      formString(request.query, 'fait') === 'payfip'
        ? { notice: 'Paiement en ligne enregistré' }
        : formString(request.query, 'fait') === 'helios'
          ? { notice: 'Identifiants Hélios enregistrés' }
          : formString(request.query, 'fait') === 'signature'
            ? { notice: 'Rôle envoyé au parapheur pour la signature de l’ordonnateur' }
            : {},
    ),
  );

  const sendRole = (reply: FastifyReply, slug: string, role: { exer: number; idBord: number; xml: string }) =>
    reply
      .header('content-type', 'application/xml; charset=utf-8')
      .header('content-disposition', `attachment; filename="${roleFileName(slug, role.exer, role.idBord)}"`)
      .header('cache-control', 'no-store')
      .send(role.xml);

  app.post(
    '/c/:slug/admin/famille/facturation/role',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const mois = formString(request.body, 'mois');
      const result = await handleForm(
        () => emitRole(ctx.database, caller(request), { mois }),
        (errors) => page(request, reply, { errors: errors.mois ? { role: errors.mois } : errors }),
      );
      if (!result.ok) return result.response;
      return sendRole(reply, request.commune!.slug, result.value.role);
    },
  );

  app.post(
    '/c/:slug/admin/famille/facturation/role/signature',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const mois = formString(request.body, 'mois');
      const result = await handleForm(
        () => sendRoleForSignature(ctx, caller(request), { mois }),
        (errors, status) =>
          page(request, reply, { errors: { signature: errors.signature ?? Object.values(errors)[0] ?? '' }, status }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(
        `${path(request)}?fait=signature&dossier=${encodeURIComponent(result.value.folderNumber)}`,
        303,
      );
    },
  );

  app.get(
    '/c/:slug/admin/famille/facturation/role/signature',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const { role, xml } = await signedRole(ctx, caller(request), formString(request.query, 'mois'));
      return reply
        .header('content-type', 'application/xml; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${roleFileName(request.commune!.slug, role.exer, role.idBord).replace(/\.xml$/, '_signe.xml')}"`,
        )
        .header('cache-control', 'no-store')
        .send(xml);
    },
  );

  app.post(
    '/c/:slug/admin/famille/facturation/role/annulation',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const mois = formString(request.body, 'mois');
      const result = await handleForm(
        () => emitCancellation(ctx.database, caller(request), { mois }),
        (errors) => page(request, reply, { errors: errors.mois ? { annulation: errors.mois } : errors }),
      );
      if (!result.ok) return result.response;
      const c = result.value;
      return reply
        .header('content-type', 'application/xml; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${cancellationFileName(request.commune!.slug, c.exer, c.idBord)}"`,
        )
        .header('cache-control', 'no-store')
        .send(c.xml);
    },
  );

  app.get('/c/:slug/admin/famille/facturation/role', { config: { policy: 'communeAdmin' } }, async (request, reply) =>
    sendRole(
      reply,
      request.commune!.slug,
      await emittedRole(ctx.database, caller(request), formString(request.query, 'mois')),
    ),
  );

  app.post(
    '/c/:slug/admin/famille/facturation/helios',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const values: HeliosInput = {
        idPost: formString(request.body, 'idPost'),
        libellePoste: formString(request.body, 'libellePoste'),
        siret: formString(request.body, 'siret'),
        codCol: formString(request.body, 'codCol'),
        codBud: formString(request.body, 'codBud'),
        nature: formString(request.body, 'nature'),
      };
      const result = await handleForm(
        () => configureHelios(ctx.database, caller(request), values),
        (errors) => page(request, reply, { errors, helios: values }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${path(request)}?fait=helios`, 303);
    },
  );

  app.post('/c/:slug/admin/famille/facturation', { config: { policy: 'communeAdmin' } }, async (request, reply) => {
    const mois = formString(request.body, 'mois');
    const result = await handleForm(
      () => runMonthlyBilling(ctx.database, caller(request), { mois }),
      (errors) => page(request, reply, { errors }),
    );
    if (!result.ok) return result.response;
    return page(request, reply, { run: { ...result.value, month: mois } });
  });

  app.post(
    '/c/:slug/admin/famille/facturation/payfip',
    { config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const values = { numcli: formString(request.body, 'numcli'), saisie: formString(request.body, 'saisie') };
      const result = await handleForm(
        () => configurePayfip(ctx.database, caller(request), values),
        (errors) => page(request, reply, { errors, payfip: values }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${path(request)}?fait=payfip`, 303);
    },
  );
}
