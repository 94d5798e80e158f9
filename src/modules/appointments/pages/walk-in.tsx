/**
 * The walk-in queue's pages. Public: take a ticket (`/c/<slug>/accueil/ticket`, on a phone by the
 * QR code at the entrance, or on the kiosk tablet an agent opened), the ticket's own page (place,
 * estimated wait, « C’est à vous », leave the queue) and the waiting room's screen
 * (`/c/<slug>/accueil/ecran`, refreshed by the browser every 15 s without JavaScript). Agents:
 * `/c/<slug>/agent/file-d-attente` — call the next person to their desk, close the ticket, see
 * the appointments due and the day's waiting times.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ANTISPAM_SCRIPT, AntiSpamFields } from '../../../platform/antispam/fields.js';
import { type ChallengeView, spamLadder } from '../../../platform/antispam/ladder.js';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import {
  Button,
  CsrfField,
  type FieldErrors,
  Input,
  Panel,
  Radios,
  Table,
  Tag,
} from '../../../platform/views/components.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { QrCodeSvg } from '../../../platform/views/qr-code.js';
import { frenchSpacing } from '../../../platform/views/typography.js';
import type { Ticket } from '../schema.js';
import { timeText } from '../texts.js';
import type { Caller } from '../use-cases/common.js';
import { callNextTicket, closeTicket, leaveQueue, takeTicket, ticketByToken } from '../use-cases/walk-in.js';
import { agentQueue, board, ticketPage } from '../walk-in/queries.js';
import { walkInMotifs } from '../walk-in/repo.js';
import { waitText } from '../walk-in/rules.js';

const PUBLIC = { config: { policy: 'public' } } as const;
const AGENTS = { config: { policy: 'requestsInbox' } } as const;
/** The kiosk tablet: a signed cookie an agent sets on it (tickets from it skip the spam ladder). */
const KIOSK_COOKIE = 'guichet_borne';
const KIOSK_HOURS = 14;
/** The waiting room's screen reloads itself this often (HTTP `Refresh`, no script needed). */
const SCREEN_REFRESH_SECONDS = 15;

const STATUS_TEXT: Record<Ticket['status'], string> = {
  attente: 'En attente',
  appele: 'Appelé',
  servi: 'Reçu',
  absent: 'Absent au guichet',
  annule: 'A quitté la file',
};

function caller(request: FastifyRequest): Caller {
  return { communeId: request.commune!.id, actor: request.actor ?? null, requestId: request.id };
}

const publicBase = (request: FastifyRequest) => `/c/${request.commune!.slug}/accueil`;
const agentBase = (request: FastifyRequest) => `/c/${request.commune!.slug}/agent/file-d-attente`;

function isKiosk(request: FastifyRequest): boolean {
  const raw = request.cookies[KIOSK_COOKIE];
  if (!raw) return false;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value === request.commune!.id;
}

/** The ticket's number as people read and hear it: « 7 », « 42 ». */
function TicketNumber({ t }: { t: Ticket }) {
  return <span class="guichet-ticket-number">{t.number}</span>;
}

export function registerWalkInPages(app: FastifyInstance, ctx: AppContext): void {
  const ladder = spamLadder(ctx);

  async function ticketForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormBody,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const communeId = request.commune!.id;
    const kiosk = isKiosk(request);
    const motifs = await withTenant(ctx.database, communeId, (tx) => walkInMotifs(tx, communeId));
    const challenge: ChallengeView = kiosk || request.actor ? null : await ladder.challengeFor(communeId, request.ip);
    const url = `${request.protocol}://${request.host}${publicBase(request)}/ticket`;
    return sendPage(request, reply, {
      ...(status ? { status } : {}),
      title: 'Prendre un ticket',
      errors,
      fieldOrder: ['motif', 'site_web', 'verification'],
      ...(challenge ? { scripts: [ANTISPAM_SCRIPT] } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Prendre un ticket</h1>
          {motifs.length === 0 ? (
            <p class="govuk-body">
              L’accueil de la mairie ne délivre pas de ticket en ce moment. Adressez-vous à un agent.
            </p>
          ) : (
            <>
              <p class="govuk-body">
                Choisissez la raison de votre venue : vous recevez un numéro, et la page de votre ticket vous dit
                combien de personnes passent avant vous. Un agent vous appelle à son guichet.
              </p>
              <form method="post" action={`${publicBase(request)}/ticket`} novalidate>
                <CsrfField token={reply.generateCsrf()} />
                <Radios
                  name="motif"
                  legend="Pourquoi venez-vous ?"
                  legendSize="m"
                  value={formString(values, 'motif')}
                  error={errors.motif}
                  items={motifs.map((m) => ({ value: m.id, label: m.name }))}
                />
                {kiosk ? null : <AntiSpamFields challenge={challenge} errors={errors} />}
                <Button>Prendre un ticket</Button>
              </form>
              {kiosk && (
                <div class="govuk-!-margin-top-6">
                  <h2 class="govuk-heading-m">Ou sur votre téléphone</h2>
                  <QrCodeSvg text={url} label="Code QR de la page « Prendre un ticket » pour votre téléphone" />
                </div>
              )}
            </>
          )}
        </>
      ),
    });
  }

  app.get('/c/:slug/accueil/ticket', PUBLIC, (request, reply) => ticketForm(request, reply, request.query as FormBody));

  app.post('/c/:slug/accueil/ticket', PUBLIC, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const kiosk = isKiosk(request);
    const result = await handleForm(
      async () => {
        if (!kiosk && !request.actor) await ladder.check(body, request.commune!.id, request.ip);
        return takeTicket(ctx, caller(request), {
          motif: formString(body, 'motif'),
          canal: kiosk ? 'borne' : 'telephone',
        });
      },
      (errors, status) => ticketForm(request, reply, body, errors, status),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${publicBase(request)}/ticket/${result.value.token}`, 303);
  });

  app.get('/c/:slug/accueil/ticket/:token', PUBLIC, async (request, reply) => {
    const { token } = request.params as { token: string };
    const communeId = request.commune!.id;
    const t = await ticketByToken(ctx, communeId, token);
    const view = await ticketPage(ctx, communeId, t);
    const here = `${publicBase(request)}/ticket/${token}`;
    const kiosk = isKiosk(request);
    const done = formString(request.query, 'fait') === 'quitte';
    return sendPage(request, reply, {
      title: `Ticket ${t.number}`,
      ...(done ? { notice: { kind: 'success' as const, title: 'Vous avez quitté la file d’attente.' } } : {}),
      children: (
        <>
          <span class="govuk-caption-l">{view.motifName}</span>
          <h1 class="govuk-heading-xl">
            Ticket n° <TicketNumber t={t} />
          </h1>
          <div aria-live="polite" data-ticket-state={`${here}/etat`}>
            {t.status === 'appele' ? (
              <Panel title="C’est à vous">Présentez-vous au {t.desk}.</Panel>
            ) : t.status === 'attente' ? (
              <p class="govuk-body-l">{waitText(view.estimate)}</p>
            ) : (
              <p class="govuk-body-l">{STATUS_TEXT[t.status]}.</p>
            )}
          </div>
          <p class="govuk-body">
            Pris à {timeText(t.createdAt)}.{' '}
            {t.status === 'attente' && 'L’attente est une estimation : elle dépend des personnes reçues avant vous.'}
          </p>
          {t.status === 'attente' && (
            <>
              <p class="govuk-body">
                <a class="govuk-link" href={here}>
                  Actualiser
                </a>
              </p>
              {kiosk ? (
                <>
                  <h2 class="govuk-heading-m">Suivre votre tour sur votre téléphone</h2>
                  <QrCodeSvg
                    text={`${request.protocol}://${request.host}${here}`}
                    label={`Code QR de la page du ticket ${t.number}`}
                  />
                  <p class="govuk-body">
                    <a class="govuk-button" href={`${publicBase(request)}/ticket`}>
                      Terminé
                    </a>
                  </p>
                </>
              ) : (
                <form method="post" action={`${here}/quitter`} novalidate>
                  <CsrfField token={reply.generateCsrf()} />
                  <Button variant="secondary">Quitter la file d’attente</Button>
                </form>
              )}
            </>
          )}
        </>
      ),
      scripts: ['/static/js/walk-in.mjs'],
    });
  });

  // The ticket page's live state (its script asks every 15 s; without script, « Actualiser »).
  app.get('/c/:slug/accueil/ticket/:token/etat', PUBLIC, async (request, reply) => {
    const { token } = request.params as { token: string };
    const communeId = request.commune!.id;
    const view = await ticketPage(ctx, communeId, await ticketByToken(ctx, communeId, token));
    const t = view.ticket;
    reply.header('cache-control', 'no-store');
    // Spaced as the server's pages are (no-break spaces before « : »), since the script shows it in one.
    return {
      statut: t.status,
      texte: frenchSpacing(
        t.status === 'appele'
          ? `C’est à vous : présentez-vous au ${t.desk}.`
          : t.status === 'attente'
            ? waitText(view.estimate)
            : `${STATUS_TEXT[t.status]}.`,
      ),
    };
  });

  app.post('/c/:slug/accueil/ticket/:token/quitter', PUBLIC, async (request, reply) => {
    const { token } = request.params as { token: string };
    await leaveQueue(ctx, caller(request), token);
    return reply.redirect(`${publicBase(request)}/ticket/${token}?fait=quitte`, 303);
  });

  app.get('/c/:slug/accueil/ecran', PUBLIC, async (request, reply) => {
    const data = await board(ctx, request.commune!.id);
    const [latest, ...earlier] = data.calls;
    reply.header('refresh', String(SCREEN_REFRESH_SECONDS));
    return sendPage(request, reply, {
      title: 'Écran de la salle d’attente',
      wide: true,
      children: (
        <>
          <h1 class="govuk-heading-xl">Appels</h1>
          <div aria-live="polite">
            {latest ? (
              <Panel title={`Ticket ${latest.ticket.number}`}>
                {latest.ticket.desk} – {latest.motifName}
              </Panel>
            ) : (
              <p class="govuk-body-l">Aucun appel pour le moment.</p>
            )}
          </div>
          {earlier.length > 0 && (
            <Table
              caption="Appels précédents"
              columns={[{ label: 'Ticket' }, { label: 'Guichet' }, { label: 'Heure' }]}
              rows={earlier.map((c) => [String(c.ticket.number), c.ticket.desk ?? '', timeText(c.ticket.calledAt!)])}
            />
          )}
          <Table
            caption="En attente"
            columns={[{ label: 'Motif' }, { label: 'Personnes', numeric: true }]}
            rows={data.days.map((d) => [d.motif.name, String(d.waiting)])}
          />
        </>
      ),
    });
  });

  // — Agents —

  async function queuePage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormBody,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const q = await agentQueue(ctx, request.commune!.id, request.actor!);
    const base = agentBase(request);
    const csrf = reply.generateCsrf();
    const desk = formString(values, 'guichet');
    const called = formString(request.query, 'appele');
    const notices: Record<string, string> = {
      personne: 'Personne n’attend pour vos motifs.',
      servi: 'Ticket clos : personne reçue.',
      absent: 'Ticket clos : personne absente au guichet.',
    };
    const notice = /^\d{1,4}$/.test(called)
      ? `Ticket ${called} appelé : il s’affiche sur l’écran de la salle d’attente.`
      : notices[formString(request.query, 'fait')];
    const minutes = (m: number | null) => (m === null ? '–' : `${Math.round(m)} min`);
    return sendPage(request, reply, {
      ...(status ? { status } : {}),
      title: 'File d’attente',
      errors,
      fieldOrder: ['guichet'],
      wide: true,
      workspace: true,
      breadcrumbs: [{ href: `/c/${request.commune!.slug}/agent`, label: 'Espace agent' }],
      ...(notice ? { notice: { kind: 'success' as const, title: notice } } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">File d’attente de l’accueil</h1>
          {q.motifs.length === 0 ? (
            <p class="govuk-body">
              Vos services ne proposent aucun motif en file d’attente. L’administrateur le choisit dans les types de
              rendez-vous (« Proposé en ticket à l’accueil »).
            </p>
          ) : (
            <>
              {q.current.map((t) => (
                <div key={t.id} class="govuk-inset-text">
                  <p class="govuk-body-l govuk-!-margin-bottom-2">
                    En cours : ticket <strong>{t.number}</strong> ({q.motifName.get(t.motifId)}), {t.desk}, appelé à{' '}
                    {timeText(t.calledAt!)}
                  </p>
                  <div class="govuk-button-group">
                    {(['servi', 'absent'] as const).map((outcome) => (
                      <form key={outcome} method="post" action={`${base}/${t.id}/${outcome}`} novalidate>
                        <CsrfField token={csrf} />
                        <input type="hidden" name="guichet" value={t.desk ?? ''} />
                        <Button variant={outcome === 'servi' ? undefined : 'secondary'}>
                          {outcome === 'servi' ? 'Personne reçue' : 'Absente'}
                          <span class="govuk-visually-hidden"> : ticket {t.number}</span>
                        </Button>
                      </form>
                    ))}
                  </div>
                </div>
              ))}
              <form method="post" action={`${base}/appeler`} novalidate>
                <CsrfField token={csrf} />
                <Input
                  name="guichet"
                  label="Votre guichet"
                  hint="Affiché sur l’écran, par exemple « Guichet 2 »."
                  width={20}
                  value={desk || (q.current[0]?.desk ?? '')}
                  error={errors.guichet}
                />
                <Button>Appeler la personne suivante</Button>
              </form>
              {q.next.length === 0 ? (
                <p class="govuk-body">Personne n’attend pour vos motifs, et aucun rendez-vous n’est dû.</p>
              ) : (
                <Table
                  caption={`Prochaines personnes (${q.next.length})`}
                  columns={[{ label: 'Heure' }, { label: 'Qui' }, { label: 'Motif' }]}
                  rows={q.next.map((x) =>
                    x.kind === 'ticket'
                      ? [timeText(x.at), `Ticket ${x.item.number}`, q.motifName.get(x.item.motifId) ?? '']
                      : [
                          timeText(x.at),
                          <span key="r">
                            <Tag>Rendez-vous</Tag> {x.item.booking.name}
                          </span>,
                          x.item.motifName,
                        ],
                  )}
                />
              )}
              <Table
                caption="Aujourd’hui"
                columns={[
                  { label: 'Motif' },
                  { label: 'En attente', numeric: true },
                  { label: 'Reçues', numeric: true },
                  { label: 'Attente médiane', numeric: true },
                  { label: 'Temps médian au guichet', numeric: true },
                ]}
                rows={q.days.map((d) => [
                  d.motif.name,
                  String(d.waiting),
                  String(d.served),
                  minutes(d.medianWait),
                  minutes(d.medianService),
                ])}
              />
              <h2 class="govuk-heading-m">Borne et écran</h2>
              <p class="govuk-body">
                L’écran de la salle d’attente :{' '}
                <a class="govuk-link" href={`${publicBase(request)}/ecran`}>
                  {`${publicBase(request)}/ecran`}
                </a>
                . Sur la tablette de l’entrée, ouvrez la borne : les tickets pris sur cette tablette ne demandent pas de
                vérification anti-robot, pendant {KIOSK_HOURS} heures.
              </p>
              <form method="post" action={`${base}/borne`} novalidate>
                <CsrfField token={csrf} />
                <Button variant="secondary">Ouvrir la borne sur cet appareil</Button>
              </form>
            </>
          )}
        </>
      ),
    });
  }

  app.get('/c/:slug/agent/file-d-attente', AGENTS, (request, reply) =>
    queuePage(request, reply, request.query as FormBody),
  );

  app.post('/c/:slug/agent/file-d-attente/appeler', AGENTS, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const guichet = formString(body, 'guichet');
    const result = await handleForm(
      () => callNextTicket(ctx, caller(request), { guichet, motif: formString(body, 'motif') || undefined }),
      (errors, status) => queuePage(request, reply, body, errors, status),
    );
    if (!result.ok) return result.response;
    const base = agentBase(request);
    const suffix = `guichet=${encodeURIComponent(guichet.trim())}`;
    return reply.redirect(
      result.value ? `${base}?appele=${result.value.number}&${suffix}` : `${base}?fait=personne&${suffix}`,
      303,
    );
  });

  for (const outcome of ['servi', 'absent'] as const) {
    app.post(`/c/:slug/agent/file-d-attente/:ticket/${outcome}`, AGENTS, async (request, reply) => {
      const { ticket } = request.params as { ticket: string };
      const closed = await closeTicket(ctx, caller(request), ticket, outcome);
      return reply.redirect(
        `${agentBase(request)}?fait=${outcome}&guichet=${encodeURIComponent(closed.desk ?? '')}`,
        303,
      );
    });
  }

  app.post('/c/:slug/agent/file-d-attente/borne', AGENTS, async (request, reply) => {
    reply.setCookie(KIOSK_COOKIE, request.commune!.id, {
      signed: true,
      httpOnly: true,
      sameSite: 'lax',
      secure: 'auto',
      path: `${publicBase(request)}/`,
      maxAge: KIOSK_HOURS * 3600,
    });
    return reply.redirect(`${publicBase(request)}/ticket`, 303);
  });
}
