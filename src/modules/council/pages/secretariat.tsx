/**
 * The council's secretariat (/c/<slug>/agent/conseil): the séances, a new séance, the members in
 * office, and a séance's page — its agenda (rapporteur, closed session, note de synthèse), the
 * convocation with its legal delay (a late sending is refused with the latest valid date), the
 * élus' replies and proxies.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { notFound } from '../../../platform/errors.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import {
  Button,
  Checkboxes,
  CsrfField,
  DateInput,
  Details,
  type FieldErrors,
  Input,
  InsetText,
  Radios,
  Select,
  SummaryList,
  Table,
  Tag,
  Textarea,
  TextLink,
  WarningText,
} from '../../../platform/views/components.js';
import { formatDateTime } from '../../../platform/views/format.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { memberList, type SeancePage, seanceList, seancePage } from '../queries.js';
import { matiereOptions } from '../scdl.js';
import { MEMBER_ROLE_LABELS, MEMBER_ROLES, type MemberRow } from '../schema.js';
import { addMember } from '../use-cases/add-member.js';
import { giveProxy, replyToConvocation, revokeProxy } from '../use-cases/attendance.js';
import { refuse } from '../use-cases/common.js';
import { addAgendaItem, createSeance } from '../use-cases/create-seance.js';
import { postalLetters, recordPostalConvocations } from '../use-cases/postal-convocations.js';
import { sendConvocations } from '../use-cases/send-convocations.js';
import {
  caller,
  councilBase,
  councilBreadcrumbs,
  dateOf,
  day,
  KIND_LABELS,
  SeanceStatus,
  seancePath,
  seanceTitle,
} from './ui.js';

const POLICY = { config: { policy: 'requestsInbox' as const } };

interface FormState {
  values?: FormBody;
  errors?: FieldErrors;
  status?: number;
}

async function renderList(ctx: AppContext, request: FastifyRequest, reply: FastifyReply) {
  const seances = await seanceList(ctx, request.commune!.id);
  const base = councilBase(request);
  return sendPage(request, reply, {
    title: 'Conseil municipal',
    breadcrumbs: councilBreadcrumbs(request).slice(0, 1),
    wide: true,
    children: (
      <>
        <h1 class="govuk-heading-xl">Conseil municipal</h1>
        <p class="govuk-body">
          <a class="govuk-button govuk-!-margin-right-2" href={`${base}/seances/nouvelle`}>
            Préparer une séance
          </a>
          <TextLink href={`${base}/membres`}>Membres du conseil</TextLink>
          {' · '}
          <TextLink href={`${base}/donnees-ouvertes`}>Données ouvertes</TextLink>
          {' · '}
          <TextLink href={`/c/${request.commune!.slug}/deliberations`}>Actes publiés</TextLink>
        </p>
        {seances.length ? (
          <Table
            caption="Séances"
            columns={[{ label: 'Séance' }, { label: 'Lieu' }, { label: 'Points' }, { label: 'État' }]}
            rows={seances.map(({ seance, items }) => [
              <a key="l" class="govuk-link" href={seancePath(request, seance.id)}>
                {seanceTitle(seance)}
              </a>,
              seance.place,
              String(items),
              <SeanceStatus key="s" seance={seance} />,
            ])}
          />
        ) : (
          <p class="govuk-body">Aucune séance pour l’instant.</p>
        )}
      </>
    ),
  });
}

function renderNewSeance(request: FastifyRequest, reply: FastifyReply, form: FormState = {}) {
  const errors = form.errors ?? {};
  const v = (key: string) => formString(form.values ?? {}, key);
  return sendPage(request, reply, {
    title: 'Préparer une séance',
    breadcrumbs: councilBreadcrumbs(request),
    errors,
    fieldOrder: ['date', 'time', 'place', 'kind'],
    targets: { date: 'date-day' },
    ...(form.status ? { status: form.status } : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Préparer une séance</h1>
        <form method="post" action={`${councilBase(request)}/seances/nouvelle`} novalidate>
          <CsrfField token={reply.generateCsrf()} />
          <DateInput
            name="date"
            legend="Date de la séance"
            hint="Par exemple 28 3 2027."
            value={{ day: v('date-day'), month: v('date-month'), year: v('date-year') }}
            {...(errors.date ? { error: errors.date } : {})}
          />
          <Input
            name="time"
            label="Heure"
            hint="Par exemple 18:30."
            width={5}
            value={v('time')}
            {...(errors.time ? { error: errors.time } : {})}
          />
          <Input name="place" label="Lieu" value={v('place') || 'Salle du conseil, mairie'} error={errors.place} />
          <Radios
            name="kind"
            legend="Type de séance"
            value={v('kind') || 'ordinaire'}
            error={errors.kind}
            items={[
              { value: 'ordinaire', label: 'Ordinaire', hint: '3 jours francs sous 3 500 habitants, 5 au-delà.' },
              {
                value: 'urgence',
                label: 'Urgence',
                hint: 'Un jour franc au moins ; le conseil se prononce d’abord sur l’urgence.',
              },
            ]}
          />
          <Button>Créer la séance</Button>
        </form>
      </>
    ),
  });
}

async function renderMembers(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, form: FormState = {}) {
  const members = await memberList(ctx, request.commune!.id);
  const errors = form.errors ?? {};
  const v = (key: string) => formString(form.values ?? {}, key);
  const done = formString(request.query, 'fait') === 'ajoute' && !form.errors;
  return sendPage(request, reply, {
    title: 'Membres du conseil',
    breadcrumbs: councilBreadcrumbs(request),
    errors,
    fieldOrder: ['fullName', 'role', 'politicalGroup', 'channel', 'email', 'consent', 'postalAddress'],
    ...(form.status ? { status: form.status } : {}),
    ...(done ? { notice: { kind: 'success' as const, title: 'L’élu est ajouté au conseil.' } } : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Membres du conseil</h1>
        <p class="govuk-body">
          {members.length} membre{members.length > 1 ? 's' : ''} en exercice.
        </p>
        {members.length ? (
          <Table
            caption="Membres en exercice"
            captionSize="s"
            columns={[{ label: 'Nom' }, { label: 'Fonction' }, { label: 'Groupe' }, { label: 'Convocation' }]}
            rows={members.map((m) => [
              m.fullName,
              MEMBER_ROLE_LABELS[m.role],
              m.politicalGroup ?? '—',
              m.channel === 'electronique' ? 'Électronique' : 'Postale',
            ])}
          />
        ) : null}
        <h2 class="govuk-heading-l">Ajouter un élu</h2>
        <form method="post" action={`${councilBase(request)}/membres`} novalidate>
          <CsrfField token={reply.generateCsrf()} />
          <Input name="fullName" label="Prénom et nom" value={v('fullName')} error={errors.fullName} />
          <Select
            name="role"
            label="Fonction"
            value={v('role') || 'conseiller'}
            error={errors.role}
            options={MEMBER_ROLES.map((r) => ({ value: r, label: MEMBER_ROLE_LABELS[r] }))}
          />
          <Input
            name="politicalGroup"
            label="Groupe politique (facultatif)"
            value={v('politicalGroup')}
            error={errors.politicalGroup}
          />
          <Radios
            name="channel"
            legend="Envoi des convocations"
            hint="Par voie électronique, sauf si l’élu demande un envoi postal (article L2121-10 du CGCT)."
            value={v('channel') || 'electronique'}
            error={errors.channel}
            items={[
              { value: 'electronique', label: 'Électronique' },
              { value: 'postal', label: 'Postal, à l’adresse indiquée' },
            ]}
          />
          <Input
            name="email"
            type="email"
            autocomplete="off"
            spellcheck={false}
            label="Adresse électronique"
            value={v('email')}
            error={errors.email}
          />
          <Checkboxes
            name="consent"
            legend="Accord de l’élu"
            small
            values={v('consent') ? [v('consent')] : []}
            error={errors.consent}
            items={[{ value: 'oui', label: 'L’élu accepte de recevoir ses convocations par voie électronique.' }]}
          />
          <Textarea
            name="postalAddress"
            label="Adresse postale (envoi postal)"
            rows={3}
            value={v('postalAddress')}
            error={errors.postalAddress}
          />
          <Button>Ajouter l’élu</Button>
        </form>
      </>
    ),
  });
}

const ANSWER_LABELS = { present: 'Présent', absent: 'Absent', pouvoir: 'Pouvoir donné' } as const;

function nameOf(members: MemberRow[], id: string | null | undefined): string {
  return members.find((m) => m.id === id)?.fullName ?? '—';
}

async function loadSeance(ctx: AppContext, request: FastifyRequest): Promise<SeancePage> {
  const id = (request.params as { seance: string }).seance;
  const page = /^[0-9a-f-]{36}$/i.test(id) ? await seancePage(ctx, request.commune!.id, id) : null;
  if (!page) throw notFound('council.seance_not_found');
  return page;
}

const NOTICES: Record<string, string> = {
  point: 'Le point est ajouté à l’ordre du jour.',
  convoquee: 'Les convocations sont envoyées ; la preuve de chaque envoi est conservée.',
  pouvoir: 'Le pouvoir est enregistré.',
  retire: 'Le pouvoir est retiré.',
  postal: 'L’envoi postal est enregistré : la preuve de chaque courrier est conservée.',
  reponse: 'La réponse est enregistrée.',
};

async function renderSeance(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, form: FormState = {}) {
  const page = await loadSeance(ctx, request);
  const { seance, members, items, replies, proxies } = page;
  const errors = form.errors ?? {};
  const v = (key: string) => formString(form.values ?? {}, key);
  const base = seancePath(request, seance.id);
  const csrf = reply.generateCsrf();
  const done = formString(request.query, 'fait');
  const notice = done && !form.errors ? NOTICES[done] : undefined;
  const memberOptions = [
    { value: '', label: 'Choisir un élu' },
    ...members.map((m) => ({ value: m.id, label: m.fullName })),
  ];
  const electronicProofs = page.convocations.filter((c) => c.channel === 'electronique');
  const sent = electronicProofs[0]?.sentAt;
  const postal = members.filter((m) => m.channel === 'postal');
  return sendPage(request, reply, {
    title: seanceTitle(seance),
    breadcrumbs: councilBreadcrumbs(request),
    errors,
    fieldOrder: ['form', 'title', 'rapporteurId', 'summary', 'memberId', 'holderId', 'seanceCount', 'answer', 'date'],
    targets: { date: 'date-day' },
    wide: true,
    ...(form.status ? { status: form.status } : {}),
    ...(notice ? { notice: { kind: 'success' as const, title: notice } } : {}),
    children: (
      <>
        <span class="govuk-caption-l">{KIND_LABELS[seance.kind]}</span>
        <h1 class="govuk-heading-xl">{seanceTitle(seance)}</h1>
        <SummaryList
          rows={[
            { key: 'Lieu', value: seance.place },
            { key: 'État', value: <SeanceStatus seance={seance} /> },
            {
              key: 'Convocation',
              value: sent
                ? `Envoyée le ${formatDateTime(sent)} (${electronicProofs.length} envoi${electronicProofs.length > 1 ? 's' : ''} électronique${electronicProofs.length > 1 ? 's' : ''} prouvé${electronicProofs.length > 1 ? 's' : ''})`
                : `À envoyer au plus tard le ${day(page.latestSend)}`,
            },
          ]}
        />
        {electronicProofs.length ? (
          <Table
            caption="Convocations électroniques : preuves d’envoi et de première ouverture"
            captionSize="s"
            columns={[{ label: 'Élu' }, { label: 'Envoyée le' }, { label: 'Première ouverture' }]}
            rows={electronicProofs.map((c) => [
              members.find((m) => m.id === c.memberId)?.fullName ?? 'Ancien membre',
              formatDateTime(c.sentAt),
              c.firstOpenedAt ? (
                `${formatDateTime(c.firstOpenedAt)} (${c.firstOpenedVia === 'lien' ? 'lien du courriel' : 'espace de l’élu'})`
              ) : (
                <Tag colour="grey">Pas encore ouverte</Tag>
              ),
            ])}
          />
        ) : null}
        {seance.status !== 'preparation' && seance.status !== 'annulee' ? (
          <p class="govuk-body">
            <a class="govuk-button" href={`${base}/en-seance`}>
              Ouvrir l’écran de séance
            </a>
          </p>
        ) : null}

        <h2 class="govuk-heading-l">Ordre du jour</h2>
        {items.length ? (
          <ol class="govuk-list govuk-list--number">
            {items.map((item) => (
              <li key={item.id}>
                <strong>{item.title}</strong>
                {item.closedSession ? (
                  <>
                    {' '}
                    <Tag colour="purple">Huis clos demandé</Tag>
                  </>
                ) : null}
                {item.nomination ? (
                  <>
                    {' '}
                    <Tag colour="teal">Nomination – scrutin secret</Tag>
                  </>
                ) : null}
                <br />
                <span class="govuk-body-s">Rapporteur : {nameOf(members, item.rapporteurId)}</span>
                {item.summary ? (
                  <Details summary="Note explicative de synthèse">
                    <p class="govuk-body guichet-pre-line">{item.summary}</p>
                  </Details>
                ) : null}
              </li>
            ))}
          </ol>
        ) : (
          <p class="govuk-body">Aucun point pour l’instant.</p>
        )}
        {seance.status === 'preparation' ? (
          <>
            <h3 class="govuk-heading-m">Ajouter un point</h3>
            <form method="post" action={`${base}/points`} novalidate>
              <CsrfField token={csrf} />
              <Input name="title" label="Objet" value={v('title')} error={errors.title} />
              <Select
                name="rapporteurId"
                label="Rapporteur"
                value={v('rapporteurId')}
                error={errors.rapporteurId}
                options={memberOptions}
              />
              <Select
                name="matiereCode"
                label="Matière (nomenclature ACTES)"
                hint="Pour le contrôle de légalité et les données ouvertes ; elle peut être choisie à la publication."
                value={v('matiereCode')}
                error={errors.matiereCode}
                options={[{ value: '', label: 'Choisir plus tard' }, ...matiereOptions()]}
              />
              <Textarea
                name="summary"
                label="Note explicative de synthèse"
                hint="Obligatoire à partir de 3 500 habitants (article L2121-12 du CGCT)."
                rows={5}
                value={v('summary')}
                error={errors.summary}
              />
              <Checkboxes
                name="closedSession"
                legend="Huis clos"
                small
                values={v('closedSession') ? ['oui'] : []}
                items={[
                  { value: 'oui', label: 'Proposer au conseil d’examiner ce point à huis clos (article L2121-18).' },
                ]}
              />
              <Checkboxes
                name="nomination"
                legend="Nomination ou élection"
                small
                values={v('nomination') ? ['oui'] : []}
                items={[
                  {
                    value: 'oui',
                    label:
                      'Élection du maire, d’un adjoint ou nomination : scrutin secret, jusqu’à trois tours (articles L2122-7 et L2121-21).',
                  },
                ]}
              />
              <Button variant="secondary">Ajouter le point</Button>
            </form>

            <h2 class="govuk-heading-l">Convocation</h2>
            <InsetText>
              Pour respecter le délai légal, les convocations doivent partir au plus tard le{' '}
              <strong>{day(page.latestSend)}</strong>
              {page.population === null ? ' (population inconnue : le délai de 5 jours francs s’applique)' : ''}.
            </InsetText>
            {errors.form ? <WarningText>{errors.form}</WarningText> : null}
            <form method="post" action={`${base}/convoquer`} novalidate>
              <CsrfField token={csrf} />
              <Button>Envoyer les convocations</Button>
            </form>
          </>
        ) : null}

        {seance.status === 'convoquee' && postal.length ? (
          <>
            <h2 class="govuk-heading-l" id="envoi-postal">
              Convocations postales
            </h2>
            <Table
              caption="Élus convoqués par courrier"
              captionSize="s"
              columns={[{ label: 'Élu' }, { label: 'Adresse' }, { label: 'Preuve' }]}
              rows={postal.map((m) => {
                const proof = page.convocations.find((c) => c.memberId === m.id);
                return [
                  m.fullName,
                  m.postalAddress ?? '—',
                  proof ? `Envoi postal le ${day(parisDateOf(proof.sentAt))}` : <Tag colour="orange">À envoyer</Tag>,
                ];
              })}
            />
            {postal.some((m) => !page.convocations.some((c) => c.memberId === m.id)) ? (
              <>
                <p class="govuk-body">
                  <TextLink href={`${base}/convocations-postales.pdf`}>
                    Imprimer les lettres de convocation (PDF, une page par élu)
                  </TextLink>
                </p>
                {errors.form && v('posting') ? <WarningText>{errors.form}</WarningText> : null}
                <form method="post" action={`${base}/envoi-postal`} novalidate>
                  <CsrfField token={csrf} />
                  <input type="hidden" name="posting" value="1" />
                  <DateInput
                    name="date"
                    legend="Date de dépôt à La Poste"
                    hint={`Au plus tard le ${day(page.latestSend)} pour respecter le délai légal. Par exemple 24 3 2027.`}
                    value={{ day: v('date-day'), month: v('date-month'), year: v('date-year') }}
                    {...(errors.date ? { error: errors.date } : {})}
                  />
                  <Button variant="secondary">Enregistrer l’envoi postal</Button>
                </form>
              </>
            ) : null}
          </>
        ) : null}

        <h2 class="govuk-heading-l">Réponses et pouvoirs</h2>
        <Table
          caption="Réponses des élus"
          captionSize="s"
          columns={[{ label: 'Élu' }, { label: 'Réponse' }, { label: 'Pouvoir' }]}
          rows={members.map((m) => {
            const r = replies.find((x) => x.memberId === m.id);
            const given = proxies.find((p) => p.giverId === m.id);
            return [
              m.fullName,
              r ? ANSWER_LABELS[r.answer] : 'Pas de réponse',
              given ? (
                <form key="p" method="post" action={`${base}/pouvoirs/${given.id}/retirer`} novalidate>
                  <CsrfField token={csrf} />
                  <span class="govuk-body-s">
                    à {nameOf(members, given.holderId)}
                    {given.seanceCount > 1 ? ` (${given.seanceCount} séances)` : ''}{' '}
                  </span>
                  <Button variant="secondary">
                    Retirer <span class="govuk-visually-hidden">le pouvoir de {m.fullName}</span>
                  </Button>
                </form>
              ) : (
                '—'
              ),
            ];
          })}
        />
        {seance.status === 'convoquee' || seance.status === 'preparation' ? (
          <div class="govuk-grid-row">
            <div class="govuk-grid-column-one-half">
              <h3 class="govuk-heading-m">Enregistrer un pouvoir écrit</h3>
              <form method="post" action={`${base}/pouvoirs`} novalidate>
                <CsrfField token={csrf} />
                <Select
                  name="memberId"
                  label="Élu qui donne pouvoir"
                  value={v('memberId')}
                  error={errors.memberId}
                  options={memberOptions}
                />
                <Select
                  name="holderId"
                  label="Collègue qui votera pour lui"
                  value={v('holderId')}
                  error={errors.holderId}
                  options={memberOptions}
                />
                <Input
                  name="seanceCount"
                  label="Nombre de séances consécutives"
                  hint="Trois au plus, sauf maladie dûment constatée (article L2121-20 du CGCT)."
                  inputmode="numeric"
                  width={2}
                  value={v('seanceCount') || '1'}
                  error={errors.seanceCount}
                />
                <Checkboxes
                  name="illness"
                  legend="Maladie"
                  small
                  values={v('illness') ? ['oui'] : []}
                  items={[{ value: 'oui', label: 'Maladie dûment constatée (certificat reçu)' }]}
                />
                <Button variant="secondary">Enregistrer le pouvoir</Button>
              </form>
            </div>
            <div class="govuk-grid-column-one-half">
              <h3 class="govuk-heading-m">Noter une réponse</h3>
              <form method="post" action={`${base}/reponses`} novalidate>
                <CsrfField token={csrf} />
                <Select name="memberId" id="reply-member" label="Élu" value={v('memberId')} options={memberOptions} />
                <Radios
                  name="answer"
                  legend="Réponse"
                  inline
                  value={v('answer')}
                  error={errors.answer}
                  items={[
                    { value: 'present', label: 'Présent' },
                    { value: 'absent', label: 'Absent' },
                  ]}
                />
                <Button variant="secondary">Noter la réponse</Button>
              </form>
            </div>
          </div>
        ) : null}
      </>
    ),
  });
}

export function registerSecretariatPages(app: FastifyInstance, ctx: AppContext): void {
  const deps = () => ({ queue: ctx.queue, publicUrl: ctx.config.publicUrl });
  app.get('/c/:slug/agent/conseil', POLICY, (request, reply) => renderList(ctx, request, reply));

  app.get('/c/:slug/agent/conseil/seances/nouvelle', POLICY, async (request, reply) => renderNewSeance(request, reply));
  app.post('/c/:slug/agent/conseil/seances/nouvelle', POLICY, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () =>
        createSeance(ctx.database, caller(request), {
          date: dateOf(body, 'date'),
          time: formString(body, 'time').trim(),
          place: formString(body, 'place'),
          kind: formString(body, 'kind'),
        }),
      (errors, status) => renderNewSeance(request, reply, { values: body, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(seancePath(request, result.value.id), 303);
  });

  app.get('/c/:slug/agent/conseil/membres', POLICY, (request, reply) => renderMembers(ctx, request, reply));
  app.post('/c/:slug/agent/conseil/membres', POLICY, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () =>
        addMember(ctx.database, caller(request), {
          fullName: formString(body, 'fullName'),
          role: formString(body, 'role'),
          politicalGroup: formString(body, 'politicalGroup'),
          channel: formString(body, 'channel'),
          email: formString(body, 'email'),
          consent: formString(body, 'consent'),
          postalAddress: formString(body, 'postalAddress'),
        }),
      (errors, status) => renderMembers(ctx, request, reply, { values: body, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${councilBase(request)}/membres?fait=ajoute`, 303);
  });

  app.get('/c/:slug/agent/conseil/seances/:seance', POLICY, (request, reply) => renderSeance(ctx, request, reply));

  /** A form of the séance page: run the use case, then back to the page with a notice, or the errors. */
  const seanceForm = (
    path: string,
    done: string,
    work: (request: FastifyRequest, body: FormBody) => Promise<unknown>,
  ) =>
    app.post(`/c/:slug/agent/conseil/seances/:seance${path}`, POLICY, async (request, reply) => {
      const body = (request.body ?? {}) as FormBody;
      await loadSeance(ctx, request);
      const result = await handleForm(
        () => work(request, body),
        (errors, status) => renderSeance(ctx, request, reply, { values: body, errors, status }),
      );
      if (!result.ok) return result.response;
      const id = (request.params as { seance: string }).seance;
      return reply.redirect(`${seancePath(request, id)}?fait=${done}`, 303);
    });
  const seanceId = (request: FastifyRequest) => (request.params as { seance: string }).seance;

  seanceForm('/points', 'point', (request, body) =>
    addAgendaItem(ctx.database, caller(request), seanceId(request), {
      title: formString(body, 'title'),
      summary: formString(body, 'summary'),
      rapporteurId: formString(body, 'rapporteurId'),
      closedSession: formString(body, 'closedSession'),
      nomination: formString(body, 'nomination'),
      matiereCode: formString(body, 'matiereCode'),
    }),
  );
  seanceForm('/envoi-postal', 'postal', (request, body) =>
    recordPostalConvocations(ctx.database, caller(request), seanceId(request), { date: dateOf(body, 'date') }),
  );
  app.get('/c/:slug/agent/conseil/seances/:seance/convocations-postales.pdf', POLICY, async (request, reply) => {
    const pdf = await postalLetters(ctx.database, caller(request), seanceId(request), parisDateOf(new Date()));
    if (!pdf) throw notFound('council.seance_not_found');
    return reply
      .type('application/pdf')
      .header('cache-control', 'no-store')
      .header('content-disposition', 'inline; filename="convocations-postales.pdf"')
      .send(pdf);
  });
  seanceForm('/convoquer', 'convoquee', (request) =>
    sendConvocations(ctx.database, deps(), caller(request), seanceId(request)),
  );
  seanceForm('/pouvoirs', 'pouvoir', (request, body) => {
    // The secretariat records the paper proxy of a named élu (without one, the use case would take the agent).
    if (!formString(body, 'memberId'))
      return Promise.reject(refuse('council.proxy_invalid', 'memberId', 'Choisissez l’élu qui donne pouvoir.'));
    return giveProxy(ctx.database, caller(request), seanceId(request), {
      memberId: formString(body, 'memberId'),
      holderId: formString(body, 'holderId'),
      seanceCount: formString(body, 'seanceCount') || '1',
      illness: formString(body, 'illness'),
    });
  });
  seanceForm('/reponses', 'reponse', (request, body) =>
    replyToConvocation(ctx.database, caller(request), seanceId(request), {
      memberId: formString(body, 'memberId'),
      answer: formString(body, 'answer'),
    }),
  );
  app.post('/c/:slug/agent/conseil/seances/:seance/pouvoirs/:proxy/retirer', POLICY, async (request, reply) => {
    await loadSeance(ctx, request);
    const { proxy } = request.params as { proxy: string };
    if (!/^[0-9a-f-]{36}$/i.test(proxy)) throw notFound('council.proxy_not_found');
    await revokeProxy(ctx.database, caller(request), proxy);
    return reply.redirect(`${seancePath(request, seanceId(request))}?fait=retire`, 303);
  });
}
