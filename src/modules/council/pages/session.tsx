/**
 * The secretary's screen in session (/c/<slug>/agent/conseil/seances/<id>/en-seance): the roll
 * call, arrivals and departures per item, the quorum found at each item's opening (CGCT
 * L2121-17, proxies not counted), the vote of each item — pour, contre, abstention, ne prend pas
 * part; public or secret; the président's casting vote on a public tie — and its result. Plain
 * forms and a refresh link: it works without JavaScript.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { notFound } from '../../../platform/errors.js';
import {
  Button,
  Checkboxes,
  CsrfField,
  type FieldErrors,
  Input,
  InsetText,
  Radios,
  Select,
  Tag,
  Textarea,
  TextLink,
  WarningText,
} from '../../../platform/views/components.js';
import { formatDateTime } from '../../../platform/views/format.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { deliberationPdf, type SeancePage, seancePage } from '../queries.js';
import { minutesPublicationDeadline, quorum, usableProxies } from '../rules.js';
import { matiereOptions } from '../scdl.js';
import type { ItemRow, VoteRow } from '../schema.js';
import { prepareActesPackage } from '../use-cases/actes-package.js';
import { presentFor, recordMovement, recordRollCall } from '../use-cases/attendance.js';
import { adoptMinutes, minutesDraftPdf, saveMinutesDraft } from '../use-cases/minutes.js';
import { addCandidate, nominationClosed, recordNominationRound } from '../use-cases/nominations.js';
import { publishDeliberation, publishMinutes } from '../use-cases/publish.js';
import { recordVote } from '../use-cases/record-vote.js';
import { sendDeliberationForSignature } from '../use-cases/sign-deliberation.js';
import { NominationBlock } from './nomination.js';
import { caller, councilBreadcrumbs, dateOf, day, formList, seancePath, seanceTitle } from './ui.js';

const POLICY = { config: { policy: 'requestsInbox' as const } };

interface FormState {
  /** Which form the errors belong to: 'appel', or an item id. */
  target?: string;
  values?: FormBody;
  errors?: FieldErrors;
  status?: number;
}

async function load(ctx: AppContext, request: FastifyRequest): Promise<SeancePage> {
  const id = (request.params as { seance: string }).seance;
  const page = /^[0-9a-f-]{36}$/i.test(id) ? await seancePage(ctx, request.commune!.id, id) : null;
  if (!page || page.seance.status === 'preparation' || page.seance.status === 'annulee')
    throw notFound('council.seance_not_found');
  return page;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n > 1 ? 's' : ''}`;
}

function VoteResult({
  vote,
  base,
  item,
  csrf,
  matiere,
}: {
  vote: VoteRow;
  base: string;
  item: ItemRow;
  csrf: string;
  matiere?: { value: string; error?: string } | undefined;
}) {
  const pdf = `${base}/points/${item.id}/deliberation.pdf`;
  return (
    <div class="govuk-!-margin-bottom-4">
      <p class="govuk-body">
        {vote.adopted ? <Tag colour="green">Adopté</Tag> : <Tag colour="red">Rejeté</Tag>}{' '}
        {vote.deliberationNumber ? <strong>Délibération n° {vote.deliberationNumber}</strong> : null}
      </p>
      {vote.deliberationNumber ? (
        <p class="govuk-body">
          <TextLink href={pdf}>
            Télécharger la délibération n° {vote.deliberationNumber}
            {vote.signedAt ? ' signée' : ''} (PDF)
          </TextLink>
        </p>
      ) : null}
      <p class="govuk-body">
        Scrutin {vote.ballot === 'secret' ? 'secret' : 'public'} : {plural(vote.pour, 'voix')} pour,{' '}
        {plural(vote.contre, 'voix')} contre, {plural(vote.abstentions, 'abstention')}
        {vote.blancs
          ? `, ${plural(vote.blancs, 'bulletin')} blanc${vote.blancs > 1 ? 's' : ''} ou nul${vote.blancs > 1 ? 's' : ''}`
          : ''}
        {vote.notVoting ? `, ${vote.notVoting} ne prenant pas part au vote` : ''}.
        {vote.presidentVote ? ' Partage des voix : la voix du président a été prépondérante.' : ''}
      </p>
      {vote.deliberationNumber ? <AfterVote vote={vote} base={base} item={item} csrf={csrf} matiere={matiere} /> : null}
    </div>
  );
}

/** The délibération after the vote: the maire's signature in the parapheur, then its publication. */
function AfterVote({
  vote,
  base,
  item,
  csrf,
  matiere,
}: {
  vote: VoteRow;
  base: string;
  item: ItemRow;
  csrf: string;
  matiere?: { value: string; error?: string } | undefined;
}) {
  const signature = vote.signedAt ? (
    <p class="govuk-body">
      <Tag colour="green">Signée</Tag> Signée par le maire dans le parapheur le {formatDateTime(vote.signedAt)}
      {vote.signatureFolderNumber ? ` (dossier n° ${vote.signatureFolderNumber})` : ''}.
    </p>
  ) : vote.signatureFolderId ? (
    <p class="govuk-body">
      <Tag colour="yellow">Au parapheur</Tag> En attente de la signature du maire (dossier n°{' '}
      {vote.signatureFolderNumber}, envoyé le {formatDateTime(vote.sentForSignatureAt!)}).
    </p>
  ) : (
    <>
      {vote.signatureRefusal ? (
        <WarningText>
          Le parapheur a refusé la délibération (dossier n° {vote.signatureFolderNumber}) : {vote.signatureRefusal}
        </WarningText>
      ) : null}
      <form method="post" action={`${base}/points/${item.id}/parapheur`} novalidate>
        <CsrfField token={csrf} />
        <Button variant="secondary">Envoyer la délibération n° {vote.deliberationNumber} au parapheur</Button>
      </form>
    </>
  );
  return (
    <>
      {signature}
      {vote.signedAt ? (
        <form method="post" action={`${base}/points/${item.id}/actes`} novalidate>
          <CsrfField token={csrf} />
          <p class="govuk-body">
            {vote.actesPreparedAt
              ? `Paquet @ctes préparé le ${formatDateTime(vote.actesPreparedAt)} (enveloppe n° ${vote.actesEnvelopeNumber}) : le télécharger à nouveau donne les mêmes fichiers.`
              : 'Pour le contrôle de légalité : l’acte signé, son message ACTES et l’enveloppe, à déposer chez le tiers de télétransmission.'}
          </p>
          <Button variant="secondary">
            Télécharger le paquet @ctes de la délibération n° {vote.deliberationNumber}
          </Button>
        </form>
      ) : null}
      {vote.publishedAt ? (
        <p class="govuk-body">
          <Tag colour="green">Publiée</Tag> Mise en ligne le {formatDateTime(vote.publishedAt)} : exécutoire depuis
          cette date.
        </p>
      ) : (
        <form method="post" action={`${base}/points/${item.id}/publier`} novalidate>
          <CsrfField token={csrf} />
          {item.matiereCode ? null : (
            <Select
              name="matiere"
              id={`p${item.position}-matiere`}
              label="Matière (nomenclature ACTES)"
              value={matiere?.value ?? ''}
              error={matiere?.error}
              options={[{ value: '', label: 'Choisir la matière' }, ...matiereOptions()]}
            />
          )}
          <Button variant="secondary">Publier la délibération n° {vote.deliberationNumber}</Button>
        </form>
      )}
    </>
  );
}

/** An arrival or a departure before an item. */
function MovementForm({
  page,
  item,
  csrf,
  base,
  present,
  errors,
  v,
}: {
  page: SeancePage;
  item: ItemRow;
  csrf: string;
  base: string;
  present: readonly string[];
  errors: FieldErrors;
  v: (key: string) => string;
}) {
  const idp = `p${item.position}`;
  return (
    <form method="post" action={`${base}/mouvements`} novalidate>
      <CsrfField token={csrf} />
      <input type="hidden" name="itemId" value={item.id} />
      <h3 class="govuk-heading-s">Arrivée ou départ avant ce point</h3>
      <Select
        name="memberId"
        id={`${idp}-member`}
        label="Élu"
        value={v('memberId')}
        error={errors.memberId}
        options={[
          { value: '', label: 'Choisir un élu' },
          ...page.members.map((m) => ({
            value: m.id,
            label: `${m.fullName}${present.includes(m.id) ? ' (présent)' : ''}`,
          })),
        ]}
      />
      <Radios
        name="kind"
        id={`${idp}-kind`}
        legend="Mouvement"
        legendSize="s"
        inline
        value={v('kind')}
        error={errors.kind}
        items={[
          { value: 'arrivee', label: 'Arrivée' },
          { value: 'depart', label: 'Départ' },
        ]}
      />
      <Button variant="secondary">Noter le mouvement</Button>
    </form>
  );
}

function ItemBlock({
  page,
  item,
  csrf,
  base,
  form,
}: {
  page: SeancePage;
  item: ItemRow;
  csrf: string;
  base: string;
  form: FormState;
}) {
  const mine = form.target === item.id;
  const errors = mine ? (form.errors ?? {}) : {};
  const v = (key: string) => (mine ? formString(form.values ?? {}, key) : '');
  const present = page.opening ? presentFor(page, item) : [];
  const vote = page.votes.get(item.id);
  const q = quorum({
    membersInOffice: page.members.length,
    present,
    secondConvocation: page.seance.firstSeanceId !== null,
  });
  const proxies = usableProxies(page.proxies, present);
  const idp = `p${item.position}`;
  return (
    <section class="govuk-!-margin-bottom-8" aria-labelledby={`${idp}-title`}>
      <h2 class="govuk-heading-l" id={`${idp}-title`}>
        Point {item.position} : {item.title}
      </h2>
      {page.opening ? (
        <p class="govuk-body">
          {plural(present.length, 'élu')} présent{present.length > 1 ? 's' : ''} à l’ouverture du point,{' '}
          {plural(proxies.length, 'pouvoir')} ; quorum{' '}
          {page.seance.firstSeanceId ? (
            <Tag colour="green">Non requis (seconde convocation)</Tag>
          ) : q.reached ? (
            <Tag colour="green">Atteint</Tag>
          ) : (
            <Tag colour="red">Non atteint</Tag>
          )}{' '}
          ({q.required} requis sur {page.members.length} en exercice).
        </p>
      ) : null}
      {item.nomination ? (
        <NominationBlock
          page={page}
          item={item}
          csrf={csrf}
          base={base}
          errors={errors}
          values={mine ? (form.values ?? {}) : {}}
        />
      ) : null}
      {item.nomination ? null : vote ? (
        <>
          {mine && errors.form ? <WarningText>{errors.form}</WarningText> : null}
          <VoteResult
            vote={vote}
            base={base}
            item={item}
            csrf={csrf}
            matiere={mine ? { value: v('matiere'), ...(errors.matiere ? { error: errors.matiere } : {}) } : undefined}
          />
        </>
      ) : page.opening ? (
        <>
          {errors.form || errors.present ? <WarningText>{errors.form ?? errors.present}</WarningText> : null}
          <form method="post" action={`${base}/points/${item.id}/vote`} novalidate>
            <CsrfField token={csrf} />
            <Radios
              name="ballot"
              id={`${idp}-ballot`}
              legend="Scrutin"
              legendSize="s"
              inline
              value={v('ballot') || 'public'}
              error={errors.ballot}
              items={[
                { value: 'public', label: 'Public' },
                { value: 'secret', label: 'Secret' },
              ]}
            />
            <div class="guichet-vote-counts">
              <Input
                name="pour"
                id={`${idp}-pour`}
                label="Pour"
                inputmode="numeric"
                width={3}
                value={v('pour')}
                error={errors.pour}
              />
              <Input
                name="contre"
                id={`${idp}-contre`}
                label="Contre"
                inputmode="numeric"
                width={3}
                value={v('contre')}
                error={errors.contre}
              />
              <Input
                name="abstentions"
                id={`${idp}-abstentions`}
                label="Abstentions"
                inputmode="numeric"
                width={3}
                value={v('abstentions')}
                error={errors.abstentions}
              />
              <Input
                name="notVoting"
                id={`${idp}-notVoting`}
                label="Ne prennent pas part au vote"
                inputmode="numeric"
                width={3}
                value={v('notVoting')}
                error={errors.notVoting}
              />
              <Input
                name="blancs"
                id={`${idp}-blancs`}
                label="Bulletins blancs ou nuls (scrutin secret)"
                inputmode="numeric"
                width={3}
                value={v('blancs')}
                error={errors.blancs}
              />
            </div>
            <Checkboxes
              name="interested"
              id={`${idp}-interested`}
              legend="Conseillers intéressés (ne votent pas, ne comptent pas pour le quorum)"
              legendSize="s"
              small
              values={mine ? formList(form.values ?? {}, 'interested') : []}
              items={page.members
                .filter((m) => present.includes(m.id))
                .map((m) => ({ value: m.id, label: m.fullName }))}
            />
            <Radios
              name="presidentVote"
              id={`${idp}-presidentVote`}
              legend="En cas de partage des voix (scrutin public), vote du président"
              legendSize="s"
              inline
              value={v('presidentVote')}
              error={errors.presidentVote}
              items={[
                { value: 'pour', label: 'Pour' },
                { value: 'contre', label: 'Contre' },
                { value: '', label: 'Sans objet' },
              ]}
            />
            <Button>Enregistrer le vote du point {item.position}</Button>
          </form>
          <MovementForm page={page} item={item} csrf={csrf} base={base} present={present} errors={errors} v={v} />
        </>
      ) : null}
      {item.nomination && page.opening && !nominationClosed(page.rounds.get(item.id) ?? []) ? (
        <MovementForm page={page} item={item} csrf={csrf} base={base} present={present} errors={errors} v={v} />
      ) : null}
    </section>
  );
}

/** The procès-verbal before its publication: the draft, its adoption at a later séance (L2121-15). */
function MinutesBlock({ page, base, csrf, form }: { page: SeancePage; base: string; csrf: string; form: FormState }) {
  const mine = form.target === 'pv';
  const errors = mine ? (form.errors ?? {}) : {};
  const v = (key: string, saved: string | null) => (mine && form.values ? formString(form.values, key) : (saved ?? ''));
  const seance = page.seance;
  const adopted = page.minutesAdoptedAt;
  return (
    <>
      {errors.form ? <WarningText>{errors.form}</WarningText> : null}
      <p class="govuk-body">
        Le secrétaire de séance rédige le procès-verbal ; il est arrêté au commencement de la séance suivante, signé par
        le maire et le secrétaire, puis publié sur la page des actes dans la semaine qui suit (article L2121-15 du
        CGCT).
      </p>
      <p class="govuk-body">
        <TextLink href={`${base}/proces-verbal/projet.pdf`}>
          {adopted ? 'Télécharger le procès-verbal arrêté (PDF)' : 'Relire le projet de procès-verbal (PDF)'}
        </TextLink>
      </p>
      {adopted ? (
        <>
          <p class="govuk-body">
            <Tag colour="green">Arrêté</Tag> Arrêté au commencement de la {seanceTitle(adopted).toLowerCase()} : à
            mettre en ligne au plus tard le {day(minutesPublicationDeadline(adopted.seanceDate))}.
          </p>
          <form method="post" action={`${base}/proces-verbal`} novalidate>
            <CsrfField token={csrf} />
            <Button variant="secondary">Publier le procès-verbal</Button>
          </form>
        </>
      ) : (
        <>
          <h3 class="govuk-heading-m">Projet de procès-verbal</h3>
          {seance.pvDraftUpdatedAt ? (
            <p class="govuk-body-s">Projet enregistré le {formatDateTime(seance.pvDraftUpdatedAt)}.</p>
          ) : null}
          <form method="post" action={`${base}/proces-verbal/projet`} novalidate>
            <CsrfField token={csrf} />
            <Select
              name="secretaryId"
              label="Secrétaire de séance"
              hint="L’élu désigné par le conseil au début de la séance."
              value={v('secretaryId', seance.pvSecretaryId)}
              error={errors.secretaryId}
              options={[
                { value: '', label: 'Choisir un élu' },
                ...page.members.map((m) => ({ value: m.id, label: m.fullName })),
              ]}
            />
            <Textarea
              name="debates"
              label="Teneur des débats"
              hint="Le résumé des interventions sur chaque point ; les présents, les votes et les délibérations sont repris automatiquement."
              rows={10}
              value={v('debates', seance.pvDebates)}
              error={errors.debates}
            />
            <Button variant="secondary">Enregistrer le projet</Button>
          </form>
          <h3 class="govuk-heading-m">Arrêter le procès-verbal</h3>
          {page.minutesAdoptionSeances.length ? (
            <form method="post" action={`${base}/proces-verbal/arreter`} novalidate>
              <CsrfField token={csrf} />
              <Select
                name="adoptedSeanceId"
                label="Séance au commencement de laquelle il a été arrêté"
                value={v('adoptedSeanceId', null)}
                error={errors.adoptedSeanceId}
                options={[
                  { value: '', label: 'Choisir la séance' },
                  ...page.minutesAdoptionSeances.map((s) => ({ value: s.id, label: seanceTitle(s) })),
                ]}
              />
              <Button variant="secondary">Arrêter le procès-verbal</Button>
            </form>
          ) : (
            <InsetText>
              Il sera arrêté au commencement de la séance suivante : convoquez-la pour pouvoir l’y rattacher.
            </InsetText>
          )}
        </>
      )}
    </>
  );
}

async function render(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, form: FormState = {}) {
  const page = await load(ctx, request);
  const base = seancePath(request, page.seance.id);
  const here = `${base}/en-seance`;
  const csrf = reply.generateCsrf();
  const errors = form.errors ?? {};
  const answered = new Set(page.replies.filter((r) => r.answer === 'present').map((r) => r.memberId));
  const targetItem = page.items.find((i) => i.id === form.target);
  const targets = targetItem
    ? Object.fromEntries(
        Object.keys(errors)
          .filter((k) => k !== 'form')
          .map((k) => [k, `p${targetItem.position}-${k}${k === 'birthDate' ? '-day' : ''}`]),
      )
    : undefined;
  const rollValues = form.target === 'appel' ? formList(form.values ?? {}, 'present') : (page.opening ?? [...answered]);
  return sendPage(request, reply, {
    title: `En séance – ${seanceTitle(page.seance)}`,
    breadcrumbs: councilBreadcrumbs(request, [{ href: base, label: seanceTitle(page.seance) }]),
    errors,
    ...(targets ? { targets } : {}),
    ...(form.status ? { status: form.status } : {}),
    wide: true,
    children: (
      <>
        <span class="govuk-caption-l">{seanceTitle(page.seance)}</span>
        <h1 class="govuk-heading-xl">En séance</h1>
        <p class="govuk-body">
          <TextLink href={here}>Actualiser l’écran</TextLink> ·{' '}
          <TextLink href={`${base}/projection`}>Vue à projeter dans la salle</TextLink>
        </p>
        <h2 class="govuk-heading-l">Appel à l’ouverture</h2>
        <form method="post" action={`${base}/appel`} novalidate>
          <CsrfField token={csrf} />
          <Checkboxes
            name="present"
            legend="Élus physiquement présents"
            legendSize="s"
            hint={page.opening ? undefined : 'Cochés d’avance : les élus qui ont répondu présent.'}
            small
            values={rollValues}
            error={form.target === 'appel' ? errors.present : undefined}
            items={page.members.map((m) => {
              const proxy = page.proxies.find((p) => p.giverId === m.id);
              const holder = proxy ? page.members.find((x) => x.id === proxy.holderId) : undefined;
              return {
                value: m.id,
                label: m.fullName,
                ...(holder ? { hint: `Pouvoir à ${holder.fullName}` } : {}),
              };
            })}
          />
          <Button variant={page.opening ? 'secondary' : undefined}>
            {page.opening ? 'Corriger l’appel' : 'Enregistrer l’appel'}
          </Button>
        </form>
        {page.items.map((item) => (
          <ItemBlock key={item.id} page={page} item={item} csrf={csrf} base={base} form={form} />
        ))}
        <h2 class="govuk-heading-l" id="proces-verbal">
          Procès-verbal
        </h2>
        {page.seance.pvPublishedAt ? (
          <p class="govuk-body">
            <Tag colour="green">Publié</Tag> Mis en ligne le {formatDateTime(page.seance.pvPublishedAt)} sur la{' '}
            <TextLink href={`/c/${request.commune!.slug}/deliberations`}>page des actes publiés</TextLink>.
          </p>
        ) : (
          <MinutesBlock page={page} base={base} csrf={csrf} form={form} />
        )}
      </>
    ),
  });
}

export function registerSessionPages(app: FastifyInstance, ctx: AppContext): void {
  const seanceId = (request: FastifyRequest) => (request.params as { seance: string }).seance;
  app.get('/c/:slug/agent/conseil/seances/:seance/en-seance', POLICY, (request, reply) => render(ctx, request, reply));

  app.get('/c/:slug/agent/conseil/seances/:seance/points/:item/deliberation.pdf', POLICY, async (request, reply) => {
    const page = await load(ctx, request);
    const itemId = (request.params as { item: string }).item;
    const pdf = await deliberationPdf(ctx, request.commune!, page.seance.id, itemId);
    if (!pdf) throw notFound('council.deliberation_not_found');
    return reply
      .type('application/pdf')
      .header('cache-control', 'no-store')
      .header('content-disposition', `inline; filename="deliberation-${pdf.number}.pdf"`)
      .send(pdf.content);
  });

  app.post('/c/:slug/agent/conseil/seances/:seance/points/:item/parapheur', POLICY, async (request, reply) => {
    const page = await load(ctx, request);
    const itemId = (request.params as { item: string }).item;
    const item = page.items.find((i) => i.id === itemId);
    if (!item) throw notFound('council.item_not_found');
    const result = await handleForm(
      () => sendDeliberationForSignature(ctx, caller(request), itemId),
      (errors, status) => render(ctx, request, reply, { target: itemId, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${seancePath(request, seanceId(request))}/en-seance#p${item.position}-title`, 303);
  });

  app.post('/c/:slug/agent/conseil/seances/:seance/points/:item/actes', POLICY, async (request, reply) => {
    const page = await load(ctx, request);
    const itemId = (request.params as { item: string }).item;
    if (!page.items.some((i) => i.id === itemId)) throw notFound('council.item_not_found');
    const result = await handleForm(
      () => prepareActesPackage(ctx.database, caller(request), itemId),
      (errors, status) => render(ctx, request, reply, { target: itemId, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply
      .type('application/gzip')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${result.value.archiveName}"`)
      .send(result.value.archive);
  });

  app.post('/c/:slug/agent/conseil/seances/:seance/points/:item/publier', POLICY, async (request, reply) => {
    const page = await load(ctx, request);
    const itemId = (request.params as { item: string }).item;
    const item = page.items.find((i) => i.id === itemId);
    if (!item) throw notFound('council.item_not_found');
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () => publishDeliberation(ctx.database, caller(request), itemId, { matiere: formString(body, 'matiere') }),
      (errors, status) => render(ctx, request, reply, { target: itemId, values: body, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${seancePath(request, seanceId(request))}/en-seance#p${item.position}-title`, 303);
  });

  app.get('/c/:slug/agent/conseil/seances/:seance/proces-verbal/projet.pdf', POLICY, async (request, reply) => {
    await load(ctx, request);
    const pdf = await minutesDraftPdf(ctx.database, caller(request), seanceId(request));
    if (!pdf) throw notFound('council.seance_not_found');
    return reply
      .type('application/pdf')
      .header('cache-control', 'no-store')
      .header('content-disposition', 'inline; filename="proces-verbal.pdf"')
      .send(pdf);
  });

  const minutesForm = (path: string, work: (request: FastifyRequest, body: FormBody) => Promise<unknown>) =>
    app.post(`/c/:slug/agent/conseil/seances/:seance/proces-verbal/${path}`, POLICY, async (request, reply) => {
      await load(ctx, request);
      const body = (request.body ?? {}) as FormBody;
      const result = await handleForm(
        () => work(request, body),
        (errors, status) => render(ctx, request, reply, { target: 'pv', values: body, errors, status }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${seancePath(request, seanceId(request))}/en-seance#proces-verbal`, 303);
    });
  minutesForm('projet', (request, body) =>
    saveMinutesDraft(ctx.database, caller(request), seanceId(request), {
      secretaryId: formString(body, 'secretaryId'),
      debates: formString(body, 'debates'),
    }),
  );
  minutesForm('arreter', (request, body) =>
    adoptMinutes(ctx.database, caller(request), seanceId(request), {
      adoptedSeanceId: formString(body, 'adoptedSeanceId'),
    }),
  );

  app.post('/c/:slug/agent/conseil/seances/:seance/proces-verbal', POLICY, async (request, reply) => {
    await load(ctx, request);
    const result = await handleForm(
      () => publishMinutes(ctx.database, caller(request), seanceId(request)),
      (errors, status) => render(ctx, request, reply, { target: 'pv', errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${seancePath(request, seanceId(request))}/en-seance#proces-verbal`, 303);
  });

  app.post('/c/:slug/agent/conseil/seances/:seance/appel', POLICY, async (request, reply) => {
    await load(ctx, request);
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () => recordRollCall(ctx.database, caller(request), seanceId(request), { present: formList(body, 'present') }),
      (errors, status) => render(ctx, request, reply, { target: 'appel', values: body, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${seancePath(request, seanceId(request))}/en-seance`, 303);
  });

  app.post('/c/:slug/agent/conseil/seances/:seance/mouvements', POLICY, async (request, reply) => {
    await load(ctx, request);
    const body = (request.body ?? {}) as FormBody;
    const itemId = formString(body, 'itemId');
    const result = await handleForm(
      () =>
        recordMovement(ctx.database, caller(request), seanceId(request), {
          itemId,
          memberId: formString(body, 'memberId'),
          kind: formString(body, 'kind'),
        }),
      (errors, status) => render(ctx, request, reply, { target: itemId, values: body, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${seancePath(request, seanceId(request))}/en-seance`, 303);
  });

  app.post('/c/:slug/agent/conseil/seances/:seance/points/:item/candidats', POLICY, async (request, reply) => {
    const page = await load(ctx, request);
    const itemId = (request.params as { item: string }).item;
    const item = page.items.find((i) => i.id === itemId);
    if (!item) throw notFound('council.item_not_found');
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () =>
        addCandidate(ctx.database, caller(request), itemId, {
          memberId: formString(body, 'memberId'),
          birthDate: dateOf(body, 'birthDate'),
        }),
      (errors, status) => {
        // The candidate's select is not the movement form's « memberId ».
        const { memberId, ...rest } = errors;
        const renamed = memberId ? { ...rest, candidate: memberId } : rest;
        return render(ctx, request, reply, { target: itemId, values: body, errors: renamed, status });
      },
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${seancePath(request, seanceId(request))}/en-seance#p${item.position}-title`, 303);
  });

  app.post('/c/:slug/agent/conseil/seances/:seance/points/:item/tours', POLICY, async (request, reply) => {
    const page = await load(ctx, request);
    const itemId = (request.params as { item: string }).item;
    const item = page.items.find((i) => i.id === itemId);
    if (!item) throw notFound('council.item_not_found');
    const body = (request.body ?? {}) as FormBody;
    const votes: Record<string, string> = {};
    for (const c of page.candidates.get(itemId) ?? []) votes[c.id] = formString(body, `voix-${c.id}`);
    const result = await handleForm(
      () =>
        recordNominationRound(ctx.database, caller(request), itemId, {
          votes,
          blancs: formString(body, 'blancs'),
          nuls: formString(body, 'nuls'),
        }),
      (errors, status) => render(ctx, request, reply, { target: itemId, values: body, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${seancePath(request, seanceId(request))}/en-seance#p${item.position}-title`, 303);
  });

  app.post('/c/:slug/agent/conseil/seances/:seance/points/:item/vote', POLICY, async (request, reply) => {
    const page = await load(ctx, request);
    const itemId = (request.params as { item: string }).item;
    const item = page.items.find((i) => i.id === itemId);
    if (!item) throw notFound('council.item_not_found');
    const body = (request.body ?? {}) as FormBody;
    const n = (key: string) => formString(body, key).trim() || (key === 'pour' || key === 'contre' ? '' : '0');
    const result = await handleForm(
      () =>
        recordVote(ctx.database, caller(request), itemId, {
          interested: formList(body, 'interested'),
          ballot: (formString(body, 'ballot') || 'public') as 'public',
          pour: n('pour') as unknown as number,
          contre: n('contre') as unknown as number,
          abstentions: n('abstentions') as unknown as number,
          blancs: n('blancs') as unknown as number,
          notVoting: n('notVoting') as unknown as number,
          presidentVote: formString(body, 'presidentVote') as 'pour',
        }),
      (errors, status) => render(ctx, request, reply, { target: itemId, values: body, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${seancePath(request, seanceId(request))}/en-seance#p${item.position}-title`, 303);
  });
}
