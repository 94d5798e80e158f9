/**
 * The démarches of the citizen portal: the catalogue by category (with an accent-insensitive
 * search), each démarche's start page (what you need, delays, silence rule), the multi-page form
 * with a draft saved at every step (by account, or by a random cookie token for anonymous
 * visitors) and prefill from the account, the review page with "Modifier" links, and the
 * submission (number, receipt, mail) — a failed submit or a closed tab loses nothing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ANTISPAM_SCRIPT, AntiSpamFields } from '../../platform/antispam/fields.js';
import { type ChallengeView, QUESTION_ANSWER_FIELD, spamLadder } from '../../platform/antispam/ladder.js';
import { POLICIES } from '../../platform/authz/policies.js';
import type { AppContext } from '../../platform/context.js';
import { isCounterNumber } from '../../platform/db/counters.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import { AppError, notFound } from '../../platform/errors.js';
import { type UploadedPart, uploadedFiles, type ValidatedUpload, validateUpload } from '../../platform/files/checks.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { listServices } from '../../platform/tenancy/communes.js';
import { hashToken, newToken } from '../../platform/tokens.js';
import {
  BackLink,
  Button,
  CsrfField,
  ErrorSummary,
  type ErrorSummaryItem,
  Input,
  InsetText,
  WarningText,
} from '../../platform/views/components.js';
import { formatDateTime } from '../../platform/views/format.js';
import { renderRequestPage } from '../../platform/views/page.js';
import { type FormBody, formString, HTML, sendPage } from '../../platform/views/page-kit.js';
import { communePostcode } from '../addresses/index.js';
import {
  type Answers,
  acceptedFormatsText,
  acceptedMimeTypes,
  effectiveAnswers,
  type Field,
  type FileChoice,
  type FileRef,
  type FormDefinition,
  type FormPage,
  FormPageView,
  FormSummaryView,
  fieldEntries,
  findPage,
  formPageTitle,
  maxBytes,
  missingRequired,
  nextPageId,
  pageHasFileField,
  parseFormDefinition,
  prefillAnswers,
  previousPageId,
  RESERVED_PAGE_IDS,
  RichText,
  readPageAnswers,
  stepOf,
  summarize,
  visiblePages,
} from '../forms/index.js';
import { accountContact } from '../identity/index.js';
import type { Procedure } from '../procedures/index.js';
import { findFormVersion, findProcedureBySlug, listProcedures } from '../procedures/index.js';
import { profilePrefill } from '../profile/index.js';
import { matchesCatalogue } from './catalogue-search.js';
import { confirmationPath, rememberSubmission } from './contact-pages.js';
import { requestDeps, type SummaryRow } from './deps.js';
import { ADDRESS_FIELD_SCRIPT, PlaceLookup, placeFieldIds, withPlaceDefaults } from './place-fields.js';
import {
  type Draft,
  type DraftOwner,
  deleteDraft,
  deleteDraftFilesExcept,
  findDraft,
  findRequestByNumber,
  insertDraft,
  listDraftFiles,
  updateDraft,
} from './repo.js';
import { storeFile } from './request-files.js';
import { submitRequest } from './use-cases/submit-request.js';
import { chosenDocuments, vaultChoicesForPage, vaultDocumentAsUpload } from './vault-reuse.js';

const DRAFT_COOKIE = 'guichet_brouillon';
const DRAFT_COOKIE_DAYS = 30;
/** Path segments of the flow that are not form pages (form definitions may not use them as page ids). */
const RESERVED_SEGMENTS = RESERVED_PAGE_IDS;

const slugParams = z.object({ slug: z.string().max(63) }).strict();
const procedureParams = z.object({ slug: z.string().max(63), procedure: z.string().max(80) }).strict();
const pageParams = z
  .object({ slug: z.string().max(63), procedure: z.string().max(80), page: z.string().max(80) })
  .strict();
const catalogueQuery = z.object({ q: z.string().max(200).optional() }).strict();
const pageQuery = z.object({ retour: z.enum(['verifier']).optional() }).strict();

/** Lower case without accents, for searching. */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[œ]/g, 'oe')
    .replace(/[æ]/g, 'ae')
    .toLowerCase();
}

/** The démarche as the citizen sees it: procedure, its form definition and version. */
interface LoadedProcedure {
  procedure: Procedure;
  definition: FormDefinition;
  version: number;
}

async function loadDefinition(tx: Tx, proc: Procedure, version: number): Promise<FormDefinition> {
  const row = await findFormVersion(tx, proc.communeId, proc.id, version);
  if (!row) throw new Error(`procedure ${proc.slug} has no form version ${version}`);
  const parsed = parseFormDefinition(row.definition);
  if (!parsed.ok) throw new Error(`stored form of ${proc.slug} v${version} is invalid: ${parsed.errors.join('; ')}`);
  return parsed.definition;
}

async function loadProcedure(tx: Tx, commune: Commune, slug: string, version?: number): Promise<LoadedProcedure> {
  const proc = await findProcedureBySlug(tx, commune.id, slug);
  if (!proc?.isPublished) throw notFound('procedure.not_found', `no procedure ${slug}`);
  const v = version ?? proc.currentVersion;
  return { procedure: proc, definition: await loadDefinition(tx, proc, v), version: v };
}

/** The draft's owner: the account, or the anonymous visitor's cookie token (if any). */
function draftOwner(request: FastifyRequest): DraftOwner | null {
  if (request.actor) return { accountId: request.actor.accountId };
  const token = request.cookies[DRAFT_COOKIE];
  return token && /^[A-Za-z0-9_-]{40,60}$/.test(token) ? { tokenHash: hashToken(token) } : null;
}

/** An owner for a new draft: the account, or a new cookie token for an anonymous visitor. */
function ensureDraftOwner(request: FastifyRequest, reply: FastifyReply): DraftOwner {
  const existing = draftOwner(request);
  if (existing) return existing;
  const token = newToken();
  reply.setCookie(DRAFT_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: 'auto',
    path: `/c/${request.commune!.slug}/`,
    maxAge: DRAFT_COOKIE_DAYS * 86_400,
  });
  return { tokenHash: hashToken(token) };
}

/**
 * Answers prefilled from the signed-in citizen's account and profile (names, e-mail, birth date,
 * phone, postal address: "dites-le-nous une fois"). Only fields never answered are filled: a
 * field the citizen emptied keeps its empty answer (its key is there), while the fields of a page
 * that was hidden when the draft was saved (dropped from the answers) get their prefill when the
 * page appears.
 */
async function prefilled(tx: Tx, request: FastifyRequest, def: FormDefinition, base: Answers = {}): Promise<Answers> {
  if (!request.actor) return base;
  const account = await accountContact(tx, request.actor.accountId);
  if (!account) return base;
  const profile = prefillAnswers(
    def,
    {
      givenName: account.givenName,
      familyName: account.familyName,
      email: account.email,
      ...(account.birthDate ? { birthDate: account.birthDate } : {}),
      ...(await profilePrefill(tx, account.id)),
    },
    {},
  );
  const out: Answers = { ...base };
  for (const [key, value] of Object.entries(profile)) if (!(key in out)) out[key] = value;
  return out;
}

/**
 * Démarches for signed-in citizens only: who is not signed in goes to the sign-in page and comes
 * back (the same outcome as the `signedIn` route policy). Returns true when the reply is sent.
 */
function refuseAudience(request: FastifyRequest, reply: FastifyReply, proc: Procedure): boolean {
  if (proc.audience !== 'signedIn') return false;
  const refusal = POLICIES.signedIn.check(request.actor, request);
  if (!refusal) return false;
  const base = `/c/${request.commune!.slug}`;
  if (request.method !== 'GET') throw new AppError('auth.required', 'sign-in required for this procedure', 401);
  const target = refusal === 'sign_in' ? `${base}/connexion` : `${base}/compte/double-authentification`;
  reply.redirect(`${target}?retour=${encodeURIComponent(request.url)}`, 303);
  return true;
}

/** The file field an input key designates on a page (`id`, or `${group}-${i}-${child}`). */
function fileFieldForKey(page: FormPage, key: string): Field | undefined {
  const walk = (fields: Field[]): Field | undefined => {
    for (const field of fields) {
      if (field.type === 'file' && field.id === key) return field;
      if (field.type === 'group' && field.repeat === undefined) {
        const found = walk(field.fields ?? []);
        if (found) return found;
      }
      if (field.type === 'group' && field.repeat !== undefined) {
        for (const child of field.fields ?? []) {
          if (child.type === 'file' && new RegExp(`^${field.id}-\\d{1,3}-${child.id}$`).test(key)) return child;
        }
      }
    }
    return undefined;
  };
  return walk(page.fields);
}

/** Every file reference held by answers (groups included). */
function fileRefsIn(value: unknown): FileRef[] {
  if (Array.isArray(value)) return value.flatMap(fileRefsIn);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  if (typeof record.id === 'string' && typeof record.name === 'string' && typeof record.size === 'number') {
    return [record as unknown as FileRef];
  }
  return Object.values(record).flatMap(fileRefsIn);
}

/** Flattens the engine's summary into question → answer rows (receipt, mails, history). */
export function summaryRows(def: FormDefinition, answers: Answers): SummaryRow[] {
  return summarize(def, answers).flatMap((section) =>
    section.rows.map((row) => ({ label: row.label, value: row.value })),
  );
}

/** The requester's name and e-mail: from the form's prefillable fields, else the account. */
function requesterOf(def: FormDefinition, answers: Answers, request: FastifyRequest): { name: string; email: string } {
  const effective = effectiveAnswers(def, answers);
  const byPrefill = (key: string) => {
    for (const page of def.pages) {
      for (const entry of fieldEntries(page.fields, effective)) {
        if (entry.field.prefill === key && typeof entry.value === 'string' && entry.value.trim())
          return entry.value.trim();
      }
    }
    return '';
  };
  let email = byPrefill('email');
  if (!email) {
    for (const page of def.pages) {
      for (const entry of fieldEntries(page.fields, effective)) {
        if (!email && entry.field.type === 'email' && typeof entry.value === 'string') email = entry.value.trim();
      }
    }
  }
  email = email || request.actor?.email || '';
  const given = byPrefill('givenName');
  const family = byPrefill('familyName');
  // A form that asks only for the family name: the signed-in account's full name is better.
  const fromAccount =
    !given && family && request.actor?.displayName.toLowerCase().endsWith(family.toLowerCase())
      ? request.actor.displayName
      : '';
  const name = fromAccount || [given, family].filter(Boolean).join(' ') || request.actor?.displayName || '';
  // A street report may stay anonymous: the request is filed without contact details.
  return { name: name || email || 'Usager sans compte', email: email.toLowerCase() };
}

export function registerPortalPages(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const deps = requestDeps(ctx);
  const flowBase = (commune: Commune, slug: string) => `/c/${commune.slug}/demarches/${slug}`;

  // — Catalogue —

  app.get(
    '/c/:slug/demarches',
    { schema: { hide: true, params: slugParams, querystring: catalogueQuery }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const q = (request.query.q ?? '').trim();
      const entries = await withTenant(ctx.database, commune.id, async (tx) => {
        const procedures = await listProcedures(tx, commune.id);
        // One query at a time: a transaction's client runs queries in sequence.
        const out: Array<{ procedure: Procedure; summary: string }> = [];
        for (const p of procedures) {
          const row = await findFormVersion(tx, commune.id, p.id, p.currentVersion);
          const summary = (row?.definition as { summary?: unknown } | undefined)?.summary;
          out.push({ procedure: p, summary: typeof summary === 'string' ? summary : '' });
        }
        return out;
      });
      // Everyday words count too (« lampadaire » finds the street report): catalogue-search.ts.
      const found = entries.filter(({ procedure: p, summary }) =>
        matchesCatalogue(q, `${p.title} ${p.category} ${summary}`),
      );
      const categories = [...new Set(found.map((e) => e.procedure.category))];
      const base = `/c/${commune.slug}`;
      return sendPage(request, reply, {
        title: q ? `Démarches en ligne : « ${q} »` : 'Démarches en ligne',
        children: (
          <>
            <h1 class="govuk-heading-xl">Démarches en ligne</h1>
            <p class="govuk-body-l">Faites vos démarches auprès de la mairie de {commune.name}, à toute heure.</p>
            <form method="get" action={`${base}/demarches`} class="guichet-search">
              <Input name="q" type="search" label="Rechercher une démarche" value={q} spellcheck={false} />
              <Button variant="secondary" preventDoubleClick={false}>
                Rechercher
              </Button>
            </form>
            {q ? (
              <p class="govuk-body" role="status">
                {found.length === 0
                  ? `Aucune démarche ne correspond à « ${q} ».`
                  : `${found.length} démarche${found.length > 1 ? 's' : ''} pour « ${q} ».`}{' '}
                <a class="govuk-link" href={`${base}/demarches`}>
                  Voir toutes les démarches
                </a>
              </p>
            ) : null}
            {categories.map((category) => (
              <section
                key={category}
                aria-labelledby={`categorie-${foldForSearch(category).replace(/[^a-z0-9]+/g, '-')}`}
              >
                <h2 class="govuk-heading-m" id={`categorie-${foldForSearch(category).replace(/[^a-z0-9]+/g, '-')}`}>
                  {category}
                </h2>
                <ul class="govuk-list">
                  {found
                    .filter((e) => e.procedure.category === category)
                    .map(({ procedure: p, summary }) => (
                      <li key={p.id}>
                        <a class="govuk-link govuk-!-font-weight-bold" href={`${base}/demarches/${p.slug}`}>
                          {p.title}
                        </a>
                        {summary ? <p class="govuk-body-s govuk-!-margin-bottom-3">{summary}</p> : null}
                      </li>
                    ))}
                </ul>
              </section>
            ))}
            <h2 class="govuk-heading-m">Vous ne trouvez pas votre démarche ?</h2>
            <p class="govuk-body">
              <a class="govuk-link" href={`${base}/contacter-la-mairie`}>
                Contactez la mairie
              </a>{' '}
              : votre demande sera transmise au bon service.
            </p>
          </>
        ),
      });
    },
  );

  // — Start page —

  app.get(
    '/c/:slug/demarches/:procedure',
    { schema: { hide: true, params: procedureParams }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const owner = draftOwner(request);
      const { loaded, draft, serviceName } = await withTenant(ctx.database, commune.id, async (tx) => {
        const loaded = await loadProcedure(tx, commune, request.params.procedure);
        const services = await listServices(tx, commune.id);
        return {
          loaded,
          draft: owner ? await findDraft(tx, commune.id, loaded.procedure.id, owner) : undefined,
          serviceName: services.find((s) => s.id === loaded.procedure.serviceId)?.name ?? '',
        };
      });
      const { procedure: p, definition } = loaded;
      const base = flowBase(commune, p.slug);
      // Whether the form asks for an e-mail address it cannot do without (the promise below).
      // (A required address on a page shown only on a condition is not always asked.)
      const emailRequired = definition.pages.some(
        (page) => !page.condition && page.fields.some((f) => f.type === 'email' && f.required && !f.condition),
      );
      const fileFields = definition.pages.flatMap((page) =>
        page.fields.flatMap((f) => [f, ...(f.fields ?? [])]).filter((f) => f.type === 'file'),
      );
      return sendPage(request, reply, {
        title: p.title,
        breadcrumbs: [
          { href: `/c/${commune.slug}/`, label: 'Accueil' },
          { href: `/c/${commune.slug}/demarches`, label: 'Démarches en ligne' },
          { href: base, label: p.title, current: true },
        ],
        children: (
          <>
            <h1 class="govuk-heading-xl">
              <span class="govuk-caption-l">{p.category}</span>
              {p.title}
            </h1>
            {definition.summary ? <RichText text={definition.summary} /> : null}
            <h2 class="govuk-heading-m">Ce dont vous avez besoin</h2>
            <ul class="govuk-list govuk-list--bullet">
              {p.audience === 'signedIn' ? <li>un compte sur le guichet numérique de {commune.name}</li> : null}
              {p.audience === 'signedIn' ? (
                <li>l’adresse électronique de votre compte, où vous recevrez l’accusé de réception et la réponse</li>
              ) : emailRequired ? (
                <li>une adresse électronique, pour recevoir l’accusé de réception et la réponse</li>
              ) : (
                <li>
                  une adresse électronique si vous souhaitez recevoir l’accusé de réception et la réponse par courriel
                  (sans elle, la mairie ne pourra pas vous répondre par écrit)
                </li>
              )}
              {fileFields.map((f) => (
                <li key={f.id}>
                  {f.label} ({acceptedFormatsText(f)}){f.required ? '' : ', si vous en avez'}
                </li>
              ))}
            </ul>
            <p class="govuk-body">
              La démarche compte {definition.pages.length} étape{definition.pages.length > 1 ? 's' : ''}. Vos réponses
              sont enregistrées à chaque étape : vous pouvez vous arrêter et reprendre plus tard.
            </p>
            {definition.legalBasis ? (
              <p class="govuk-body-s">
                <strong>Base légale{'\u00a0'}:</strong> {definition.legalBasis}
              </p>
            ) : null}
            <h2 class="govuk-heading-m">Délais</h2>
            <p class="govuk-body">
              Votre demande est transmise au service {serviceName}. La mairie s’engage à y répondre sous{' '}
              {p.processingDays} jours.
            </p>
            {p.silenceKind && p.silenceDays ? (
              <InsetText>
                {p.silenceKind === 'accord'
                  ? `Silence vaut accord : sans réponse de la mairie ${p.silenceDays} jours après la réception de votre demande complète, elle sera réputée acceptée`
                  : `Silence vaut rejet : sans réponse de la mairie ${p.silenceDays} jours après la réception de votre demande complète, elle sera réputée rejetée`}
                {p.silenceBasis ? ` (${p.silenceBasis})` : ''}. La date exacte figurera sur votre accusé de réception.
              </InsetText>
            ) : null}
            {draft ? (
              <>
                <WarningText>Vous avez commencé cette démarche le {formatDateTime(draft.createdAt)}.</WarningText>
                <div class="govuk-button-group">
                  <Button href={`${base}/commencer`}>Reprendre ma démarche</Button>
                  <form method="post" action={`${base}/recommencer`}>
                    <CsrfField token={reply.generateCsrf()} />
                    <Button variant="secondary">Tout recommencer</Button>
                  </form>
                </div>
              </>
            ) : (
              <Button href={`${base}/commencer`}>Commencer</Button>
            )}
            {p.audience === 'signedIn' && !request.actor ? (
              <p class="govuk-body">
                Cette démarche est réservée aux personnes connectées. Vous n’avez pas de compte ?{' '}
                <a class="govuk-link" href={`/c/${commune.slug}/inscription`}>
                  Créez-en un
                </a>
                .
              </p>
            ) : null}
          </>
        ),
      });
    },
  );

  /** Where to go on entering the flow: the draft's page, or the first page. */
  app.get(
    '/c/:slug/demarches/:procedure/commencer',
    { schema: { hide: true, params: procedureParams }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const owner = draftOwner(request);
      const { loaded, draft } = await withTenant(ctx.database, commune.id, async (tx) => {
        const loaded = await loadProcedure(tx, commune, request.params.procedure);
        return { loaded, draft: owner ? await findDraft(tx, commune.id, loaded.procedure.id, owner) : undefined };
      });
      if (refuseAudience(request, reply, loaded.procedure)) return reply;
      const base = flowBase(commune, loaded.procedure.slug);
      const first = loaded.definition.pages[0]!.id;
      const target = draft?.currentPage ?? first;
      return reply.redirect(`${base}/${encodeURIComponent(target)}`, 303);
    },
  );

  app.post(
    '/c/:slug/demarches/:procedure/recommencer',
    { schema: { hide: true, params: procedureParams }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const owner = draftOwner(request);
      const slug = await withTenant(ctx.database, commune.id, async (tx) => {
        const { procedure: p } = await loadProcedure(tx, commune, request.params.procedure);
        const draft = owner ? await findDraft(tx, commune.id, p.id, owner) : undefined;
        if (draft) {
          await deleteDraftFilesExcept(tx, commune.id, draft.id, []);
          await deleteDraft(tx, commune.id, draft.id);
        }
        return p.slug;
      });
      return reply.redirect(`${flowBase(commune, slug)}/commencer`, 303);
    },
  );

  /** "Refaire cette démarche": a new draft from the answers of one of my previous requests. */
  app.post(
    '/c/:slug/demarches/:procedure/refaire',
    { schema: { hide: true, params: procedureParams }, config: { policy: 'signedIn' } },
    async (request, reply) => {
      const commune = request.commune!;
      const accountId = request.actor!.accountId;
      const number = formString(request.body as FormBody, 'numero');
      const target = await withTenant(ctx.database, commune.id, async (tx) => {
        const loaded = await loadProcedure(tx, commune, request.params.procedure);
        const previous = isCounterNumber(number) ? await findRequestByNumber(tx, commune.id, number) : undefined;
        if (!previous || previous.accountId !== accountId || previous.procedureId !== loaded.procedure.id) {
          throw notFound('request.not_found', `no request ${number} of this account for this procedure`);
        }
        // Files stay with the previous request: the citizen attaches current documents again.
        const answers = Object.fromEntries(
          Object.entries(previous.answers).filter(([, v]) => fileRefsIn(v).length === 0),
        ) as Answers;
        const owner = { accountId };
        const existing = await findDraft(tx, commune.id, loaded.procedure.id, owner);
        if (existing) {
          await deleteDraftFilesExcept(tx, commune.id, existing.id, []);
          await deleteDraft(tx, commune.id, existing.id);
        }
        const fresh = effectiveAnswers(loaded.definition, await prefilled(tx, request, loaded.definition, answers));
        const first = loaded.definition.pages[0]!.id;
        await insertDraft(tx, {
          communeId: commune.id,
          procedureId: loaded.procedure.id,
          formVersion: loaded.version,
          accountId,
          tokenHash: null,
          answers: fresh,
          currentPage: first,
        });
        return `${flowBase(commune, loaded.procedure.slug)}/${encodeURIComponent(first)}`;
      });
      return reply.redirect(target, 303);
    },
  );

  // — Form pages —

  interface PageView {
    loaded: LoadedProcedure;
    page: FormPage;
    answers: Answers;
    errors: Record<string, string>;
    status?: number;
    retour?: 'verifier';
    /** Vault documents offered instead of an upload, per file field. */
    fileChoices?: Record<string, FileChoice[]>;
  }

  function sendFormPage(request: FastifyRequest, reply: FastifyReply, view: PageView) {
    const commune = request.commune!;
    const { loaded, page, answers, errors } = view;
    const { definition, procedure: p } = loaded;
    const base = flowBase(commune, p.slug);
    const previous = previousPageId(definition, page.id, effectiveAnswers(definition, answers));
    const suffix = view.retour ? `?retour=${view.retour}` : '';
    return reply
      .status(view.status ?? (Object.keys(errors).length > 0 ? 422 : 200))
      .type(HTML)
      .header('cache-control', 'no-store')
      .send(
        renderRequestPage(request, {
          title: formPageTitle(definition, page, errors),
          ...(placeFieldIds(page).length > 0 ? { scripts: [ADDRESS_FIELD_SCRIPT] } : {}),
          children: (
            <PlaceLookup commune={commune} page={page}>
              <FormPageView
                definition={definition}
                page={page}
                answers={answers}
                errors={errors}
                csrfToken={reply.generateCsrf()}
                action={`${base}/${encodeURIComponent(page.id)}${suffix}`}
                step={stepOf(definition, page.id, effectiveAnswers(definition, answers))}
                backHref={
                  view.retour ? `${base}/verifier` : previous ? `${base}/${encodeURIComponent(previous)}` : base
                }
                multipart={pageHasFileField(page)}
                fileChoices={view.fileChoices ?? {}}
              />
            </PlaceLookup>
          ),
        }),
      );
  }

  app.get(
    '/c/:slug/demarches/:procedure/:page',
    { schema: { hide: true, params: pageParams, querystring: pageQuery }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      if (RESERVED_SEGMENTS.has(request.params.page)) throw notFound();
      const owner = draftOwner(request);
      const view = await withTenant(ctx.database, commune.id, async (tx) => {
        const bySlug = await loadProcedure(tx, commune, request.params.procedure);
        const draft = owner ? await findDraft(tx, commune.id, bySlug.procedure.id, owner) : undefined;
        const loaded =
          draft && draft.formVersion !== bySlug.version
            ? {
                ...bySlug,
                definition: await loadDefinition(tx, bySlug.procedure, draft.formVersion),
                version: draft.formVersion,
              }
            : bySlug;
        const page = findPage(loaded.definition, request.params.page);
        // A place never answered starts with the commune's postcode and name (place-fields.tsx).
        const answers = withPlaceDefaults(
          page,
          await prefilled(tx, request, loaded.definition, (draft?.answers as Answers | undefined) ?? {}),
          {
            postcode: placeFieldIds(page).length > 0 ? await communePostcode(tx, commune.id) : null,
            city: commune.name,
          },
        );
        const fileChoices = page
          ? await vaultChoicesForPage(
              tx,
              request.actor?.accountId ?? null,
              page,
              effectiveAnswers(loaded.definition, answers),
              draft ? await listDraftFiles(tx, commune.id, draft.id) : [],
            )
          : {};
        return { loaded, answers, fileChoices };
      });
      if (refuseAudience(request, reply, view.loaded.procedure)) return reply;
      const page = findPage(view.loaded.definition, request.params.page);
      if (!page) throw notFound('procedure.page_not_found', `no page ${request.params.page}`);
      return sendFormPage(request, reply, {
        ...view,
        page,
        errors: {},
        ...(request.query.retour ? { retour: request.query.retour } : {}),
      });
    },
  );

  app.post(
    '/c/:slug/demarches/:procedure/:page',
    { schema: { hide: true, params: pageParams, querystring: pageQuery }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      if (RESERVED_SEGMENTS.has(request.params.page)) throw notFound();
      const body: FormBody = { ...((request.body ?? {}) as FormBody) };
      const first = await withTenant(ctx.database, commune.id, (tx) =>
        loadProcedure(tx, commune, request.params.procedure),
      );
      if (refuseAudience(request, reply, first.procedure)) return reply;
      if (!findPage(first.definition, request.params.page)) {
        throw notFound('procedure.page_not_found', `no page ${request.params.page}`);
      }
      const owner = ensureDraftOwner(request, reply);

      // Files are checked by content before anything is stored.
      const fileErrors: Record<string, string> = {};
      let tooLarge = false;
      const accepted: Array<{ key: string; field: Field; upload: ValidatedUpload }> = [];
      const pageForFiles = findPage(first.definition, request.params.page)!;
      for (const part of uploadedFiles(request)) {
        const field = fileFieldForKey(pageForFiles, part.field);
        if (!field) {
          fileErrors[part.field] = 'Ce fichier n’était pas attendu sur cette page.';
          continue;
        }
        try {
          const upload = await validateUpload(part as UploadedPart, {
            accept: acceptedMimeTypes(field),
            maxBytes: maxBytes(field),
            formatsText: acceptedFormatsText(field),
          });
          accepted.push({ key: part.field, field, upload });
        } catch (error) {
          if (!(error instanceof AppError) || !error.fields) throw error;
          fileErrors[part.field] ??= error.userMessage;
          if (error.status === 413) tooLarge = true;
        }
      }

      const outcome = await withTenant(ctx.database, commune.id, async (tx) => {
        const bySlug = await loadProcedure(tx, commune, request.params.procedure);
        let draft: Draft | undefined = await findDraft(tx, commune.id, bySlug.procedure.id, owner);
        const loaded =
          draft && draft.formVersion !== bySlug.version
            ? {
                ...bySlug,
                definition: await loadDefinition(tx, bySlug.procedure, draft.formVersion),
                version: draft.formVersion,
              }
            : bySlug;
        const page = findPage(loaded.definition, request.params.page);
        if (!page) throw notFound('procedure.page_not_found', `no page ${request.params.page}`);
        if (!draft) {
          draft = await insertDraft(tx, {
            communeId: commune.id,
            procedureId: loaded.procedure.id,
            formVersion: loaded.version,
            accountId: 'accountId' in owner ? owner.accountId : null,
            tokenHash: 'tokenHash' in owner ? owner.tokenHash : null,
            answers: await prefilled(tx, request, loaded.definition),
            currentPage: page.id,
          });
        }
        const previous = draft.answers as Answers;

        // File inputs carry only what was uploaded now: references typed into the body are ignored.
        for (const key of Object.keys(body)) if (fileFieldForKey(page, key)) delete body[key];
        // Documents ticked in "mes justificatifs" are copied like uploads (same checks, same storage).
        const fromVault: typeof accepted = [];
        if (request.actor) {
          const shaOf = new Map((await listDraftFiles(tx, commune.id, draft.id)).map((f) => [f.id, f.sha256]));
          const attached = (fieldId: string) => new Set(fileRefsIn(previous[fieldId]).map((ref) => shaOf.get(ref.id)));
          for (const { field, id } of chosenDocuments(page, body)) {
            try {
              const upload = await vaultDocumentAsUpload(tx, request.actor.accountId, field, id);
              // Already attached to this field (the same page sent twice): nothing to add.
              if (!attached(field.id).has(upload.sha256)) fromVault.push({ key: field.id, field, upload });
            } catch (error) {
              if (!(error instanceof AppError) || !error.fields) throw error;
              fileErrors[field.id] ??= error.fields[field.id] ?? error.userMessage;
            }
          }
        }
        const added = new Map<string, FileRef[]>();
        for (const { key, field, upload } of [...accepted, ...fromVault]) {
          if (fileErrors[key]) continue;
          const already = fileRefsIn(readKey(previous, key)).length + (added.get(key)?.length ?? 0);
          const limit = field.file?.maxFiles ?? 1;
          if (already >= limit) {
            fileErrors[key] =
              limit === 1
                ? 'Vous avez déjà joint un fichier : retirez-le avant d’en joindre un autre.'
                : `Vous pouvez joindre au plus ${limit} fichiers.`;
            continue;
          }
          const stored = await storeFile(tx, {
            upload,
            ownerAccountId: 'accountId' in owner ? owner.accountId : null,
            draftId: draft.id,
          });
          added.set(key, [
            ...(added.get(key) ?? []),
            { id: stored.id, name: stored.name, size: stored.sizeBytes, type: stored.mimeType },
          ]);
        }
        for (const [key, refs] of added) body[key] = JSON.stringify(refs);

        const read = readPageAnswers(loaded.definition, page.id, body, previous);
        const errors = { ...read.errors, ...fileErrors };
        await updateDraft(tx, commune.id, draft.id, { answers: read.answers, currentPage: page.id });
        const fileChoices = await vaultChoicesForPage(
          tx,
          request.actor?.accountId ?? null,
          page,
          read.answers,
          await listDraftFiles(tx, commune.id, draft.id),
        );
        return { loaded, page, read, errors, fileChoices };
      });

      const { loaded, page, read, errors, fileChoices } = outcome;
      const base = flowBase(commune, loaded.procedure.slug);
      const hasErrors = Object.keys(errors).length > 0;
      if (read.outcome === 'draft' && !hasErrors) {
        return sendPage(request, reply, {
          title: 'Démarche enregistrée',
          children: (
            <>
              <h1 class="govuk-heading-xl">Votre démarche est enregistrée</h1>
              <p class="govuk-body">
                Vos réponses à « {loaded.procedure.title} » sont enregistrées. Vous pourrez reprendre là où vous vous
                êtes arrêté.
              </p>
              {request.actor ? (
                <p class="govuk-body">
                  Retrouvez-la dans{' '}
                  <a class="govuk-link" href={`/c/${commune.slug}/demandes`}>
                    Mes demandes
                  </a>
                  .
                </p>
              ) : (
                <p class="govuk-body">
                  Sans compte, elle reste enregistrée {DRAFT_COOKIE_DAYS} jours sur cet appareil et dans ce navigateur
                  seulement.
                </p>
              )}
              <Button href={`${base}/commencer`}>Reprendre maintenant</Button>
            </>
          ),
        });
      }
      if (read.outcome !== 'continue' || hasErrors) {
        return sendFormPage(request, reply, {
          loaded,
          page,
          answers: read.answers,
          errors,
          fileChoices,
          ...(hasErrors ? { status: tooLarge ? 413 : 422 } : {}),
          ...(request.query.retour ? { retour: request.query.retour } : {}),
        });
      }
      const next = request.query.retour ? null : nextPageId(loaded.definition, page.id, read.answers);
      return reply.redirect(next ? `${base}/${encodeURIComponent(next)}` : `${base}/verifier`, 303);
    },
  );

  // — Review and submission —

  function sendReview(
    request: FastifyRequest,
    reply: FastifyReply,
    loaded: LoadedProcedure,
    answers: Answers,
    problems: ErrorSummaryItem[],
    status?: number,
    antispam: { challenge: ChallengeView; errors: Record<string, string> } = { challenge: null, errors: {} },
  ) {
    const commune = request.commune!;
    const { definition, procedure: p } = loaded;
    const base = flowBase(commune, p.slug);
    const lastPage = visiblePages(definition, effectiveAnswers(definition, answers)).at(-1) ?? definition.pages[0]!;
    // Only a citizen who gave an address (or has an account) is told a mail will come.
    const withEmail =
      request.actor !== null && request.actor !== undefined
        ? true
        : definition.pages.some((page) =>
            page.fields.some((f) => {
              const value = answers[f.id];
              return f.type === 'email' && typeof value === 'string' && value.trim() !== '';
            }),
          );
    return reply
      .status(status ?? (problems.length > 0 ? 422 : 200))
      .type(HTML)
      .header('cache-control', 'no-store')
      .send(
        renderRequestPage(request, {
          title: `${problems.length > 0 ? 'Erreur\u00a0: ' : ''}Vérifiez vos réponses – ${p.title}`,
          ...(antispam.challenge ? { scripts: [ANTISPAM_SCRIPT] } : {}),
          children: (
            <>
              <BackLink href={`${base}/${encodeURIComponent(lastPage.id)}`} />
              <div class="govuk-grid-row">
                <div class="govuk-grid-column-two-thirds">
                  <ErrorSummary errors={problems} title="Votre demande est incomplète" />
                  <h1 class="govuk-heading-l">
                    <span class="govuk-caption-l">{p.title}</span>
                    Vérifiez vos réponses avant d’envoyer votre demande
                  </h1>
                  <FormSummaryView
                    definition={definition}
                    answers={answers}
                    changeHref={(pageId, fieldId) =>
                      `${base}/${encodeURIComponent(pageId)}?retour=verifier#${encodeURIComponent(fieldId)}`
                    }
                  />
                  <h2 class="govuk-heading-m">Envoyer votre demande</h2>
                  <p class="govuk-body">
                    En envoyant cette demande, vous certifiez que les informations données sont exactes.{' '}
                    {withEmail
                      ? 'Vous recevrez un accusé de réception par courriel.'
                      : 'Vous n’avez pas donné d’adresse électronique : l’accusé de réception s’affichera à l’écran, mais la mairie ne pourra pas vous répondre par courriel.'}
                  </p>
                  <form method="post" action={`${base}/envoyer`} novalidate>
                    <CsrfField token={reply.generateCsrf()} />
                    {request.actor ? null : <AntiSpamFields challenge={antispam.challenge} errors={antispam.errors} />}
                    <Button>Envoyer ma demande</Button>
                  </form>
                </div>
              </div>
            </>
          ),
        }),
      );
  }

  /** The problems that block the submission, as error-summary links to their pages. */
  function problemsOf(loaded: LoadedProcedure, answers: Answers, base: string): ErrorSummaryItem[] {
    const { definition } = loaded;
    const effective = effectiveAnswers(definition, answers);
    return missingRequired(definition, answers).map(({ pageId, fieldId }) => {
      const page = findPage(definition, pageId);
      const entry = page ? fieldEntries(page.fields, effective).find((e) => e.key === fieldId) : undefined;
      return {
        href: `${base}/${encodeURIComponent(pageId)}?retour=verifier#${encodeURIComponent(fieldId)}`,
        text: `Complétez « ${entry?.field.label ?? fieldId} » (étape « ${page?.title ?? pageId} »)`,
      };
    });
  }

  async function loadFlow(tx: Tx, request: FastifyRequest, slug: string) {
    const commune = request.commune!;
    const owner = draftOwner(request);
    const bySlug = await loadProcedure(tx, commune, slug);
    const draft = owner ? await findDraft(tx, commune.id, bySlug.procedure.id, owner) : undefined;
    const loaded =
      draft && draft.formVersion !== bySlug.version
        ? {
            ...bySlug,
            definition: await loadDefinition(tx, bySlug.procedure, draft.formVersion),
            version: draft.formVersion,
          }
        : bySlug;
    return { loaded, draft };
  }

  app.get(
    '/c/:slug/demarches/:procedure/verifier',
    { schema: { hide: true, params: procedureParams }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const { loaded, draft } = await withTenant(ctx.database, commune.id, (tx) =>
        loadFlow(tx, request, request.params.procedure),
      );
      if (refuseAudience(request, reply, loaded.procedure)) return reply;
      const base = flowBase(commune, loaded.procedure.slug);
      if (!draft) return reply.redirect(`${base}/commencer`, 303);
      const answers = draft.answers as Answers;
      const challenge = request.actor ? null : await ladder.challengeFor(commune.id, request.ip);
      return sendReview(request, reply, loaded, answers, problemsOf(loaded, answers, base), 200, {
        challenge,
        errors: {},
      });
    },
  );

  const ladder = spamLadder(ctx);
  /** The ladder's refusal of an anonymous submission (field messages and status), or null. */
  async function ladderRefusal(request: FastifyRequest) {
    try {
      await ladder.check((request.body ?? {}) as FormBody, request.commune!.id, request.ip);
      return null;
    } catch (error) {
      if (error instanceof AppError && error.fields && error.status < 500)
        return { fields: error.fields, status: error.status };
      throw error;
    }
  }

  app.post(
    '/c/:slug/demarches/:procedure/envoyer',
    { schema: { hide: true, params: procedureParams }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      type Outcome =
        | { kind: 'sent'; number: string; email: string }
        | { kind: 'incomplete'; loaded: LoadedProcedure; answers: Answers; problems: ErrorSummaryItem[] }
        | { kind: 'no_draft'; base: string };
      // The spam ladder (anonymous senders), outside the transaction: its counters use the pool.
      if (!request.actor) {
        const refused = await ladderRefusal(request);
        if (refused) {
          const { loaded, draft } = await withTenant(ctx.database, commune.id, (tx) =>
            loadFlow(tx, request, request.params.procedure),
          );
          if (!draft) return reply.redirect(`${flowBase(commune, loaded.procedure.slug)}/commencer`, 303);
          const answers = draft.answers as Answers;
          const challenge = await ladder.challengeFor(commune.id, request.ip);
          const problems = Object.entries(refused.fields).map(([key, text]) => ({
            href: `#${key === 'verification' ? QUESTION_ANSWER_FIELD : key}`,
            text,
          }));
          return sendReview(request, reply, loaded, answers, problems, refused.status, {
            challenge,
            errors: refused.fields,
          });
        }
      }
      const outcome: Outcome = await withTenant(ctx.database, commune.id, async (tx): Promise<Outcome> => {
        const { loaded, draft } = await loadFlow(tx, request, request.params.procedure);
        // A POST is refused with a 401 (refuseAudience throws), never redirected.
        refuseAudience(request, reply, loaded.procedure);
        const base = flowBase(commune, loaded.procedure.slug);
        if (!draft) return { kind: 'no_draft', base };
        const answers = effectiveAnswers(loaded.definition, draft.answers as Answers);
        const problems = problemsOf(loaded, answers, base);
        const requester = requesterOf(loaded.definition, answers, request);
        if (problems.length > 0) return { kind: 'incomplete', loaded, answers, problems };
        // Only files stored on this draft may be attached (a reference cannot point elsewhere).
        const draftFiles = new Set((await listDraftFiles(tx, commune.id, draft.id)).map((f) => f.id));
        const fileIds = [...new Set(fileRefsIn(answers).map((f) => f.id))];
        if (fileIds.some((id) => !draftFiles.has(id))) {
          throw new AppError('request.files_gone', 'file reference not on this draft', 409, {
            userMessage: 'Un des fichiers joints n’est plus disponible. Joignez-le à nouveau puis renvoyez la demande.',
          });
        }
        await deleteDraftFilesExcept(tx, commune.id, draft.id, fileIds);
        const { request: created } = await submitRequest(tx, deps, {
          commune,
          procedure: loaded.procedure,
          formVersion: loaded.version,
          subject: loaded.procedure.title,
          answers,
          summary: summaryRows(loaded.definition, answers),
          requester: { accountId: request.actor?.accountId ?? null, ...requester },
          fileIds,
          draftId: draft.id,
          actor: { type: 'citizen', accountId: request.actor?.accountId ?? null },
          httpRequestId: request.id,
        });
        return { kind: 'sent', number: created.number, email: created.requesterEmail };
      });
      if (outcome.kind === 'no_draft') return reply.redirect(`${outcome.base}/commencer`, 303);
      if (outcome.kind === 'incomplete') {
        return sendReview(request, reply, outcome.loaded, outcome.answers, outcome.problems, 422);
      }
      rememberSubmission(reply, commune, outcome.number, outcome.email);
      return reply.redirect(confirmationPath(commune), 303);
    },
  );
}

/** The value at an input key: `id`, or `${group}-${index}-${child}` inside a repeatable group. */
function readKey(answers: Answers, key: string): unknown {
  if (key in answers) return answers[key];
  const match = /^([A-Za-z][A-Za-z0-9_]*)-(\d{1,3})-([A-Za-z][A-Za-z0-9_]*)$/.exec(key);
  if (!match) return undefined;
  const items = answers[match[1]!];
  return Array.isArray(items)
    ? (items[Number(match[2])] as Record<string, unknown> | undefined)?.[match[3]!]
    : undefined;
}
