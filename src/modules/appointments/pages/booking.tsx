/**
 * The public side: the motifs a person may book (/c/<slug>/rendez-vous), a motif's documents to
 * bring and free slots week by week, the booking form (signed in: the account's address; a
 * visitor: an e-mail address, through the platform's spam ladder), then the booking's own page.
 * Everything works without JavaScript; phone first (one column).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ANTISPAM_SCRIPT, AntiSpamFields } from '../../../platform/antispam/fields.js';
import { type ChallengeView, QUESTION_ANSWER_FIELD, spamLadder } from '../../../platform/antispam/ladder.js';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import {
  Button,
  Checkboxes,
  CsrfField,
  type FieldErrors,
  Input,
  InsetText,
} from '../../../platform/views/components.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { publicMode } from '../policy.js';
import { catalogue, motifSlots, publicMotif } from '../queries.js';
import { findAgenda } from '../repo.js';
import { KIND_LABELS, whenText } from '../texts.js';
import { bookAppointment, vouchedRequestNumber } from '../use-cases/book-appointment.js';
import { type Caller, MOTIF_NOT_FOUND } from '../use-cases/common.js';
import { dateParam, MotifFacts, placeLine, publicBase, SlotList } from './ui.js';

function caller(request: FastifyRequest): Caller {
  return { communeId: request.commune!.id, actor: request.actor ?? null, requestId: request.id };
}

/**
 * The request a démarche's confirmation page offered the appointment for (`demande` and its
 * signature `jeton`, carried from page to page), when the signature holds.
 */
function requestLink(
  ctx: AppContext,
  request: FastifyRequest,
  values: FormBody,
): { number: string; query: string } | null {
  const jeton = formString(values, 'jeton');
  const number = vouchedRequestNumber(ctx, request.commune!.id, formString(values, 'demande'), jeton);
  return number ? { number, query: `demande=${encodeURIComponent(number)}&jeton=${encodeURIComponent(jeton)}` } : null;
}

function ForRequest({ number }: { number: string }) {
  return (
    <InsetText>
      Ce rendez-vous sera rattaché à votre demande n°{'\u00a0'}
      <strong>{number}</strong>.
    </InsetText>
  );
}

function signInRedirect(request: FastifyRequest, reply: FastifyReply) {
  return reply.redirect(`/c/${request.commune!.slug}/connexion?retour=${encodeURIComponent(request.url)}`, 303);
}

export function registerBookingPages(app: FastifyInstance, ctx: AppContext): void {
  const ladder = spamLadder(ctx);

  app.get('/c/:slug/rendez-vous', { config: { policy: 'public' } }, async (request, reply) => {
    const mode = publicMode(request.actor ?? null);
    const entries = await catalogue(ctx, request.commune!.id, mode);
    const base = publicBase(request);
    return sendPage(request, reply, {
      title: 'Prendre rendez-vous',
      children: (
        <>
          <h1 class="govuk-heading-xl">Prendre rendez-vous</h1>
          {entries.length === 0 ? (
            <p class="govuk-body">La mairie ne propose pas encore de rendez-vous en ligne.</p>
          ) : (
            <ul class="govuk-list govuk-list--spaced">
              {entries.map(({ motif, serviceName }) => (
                <li key={motif.id}>
                  <a class="govuk-link govuk-!-font-weight-bold" href={`${base}/${motif.id}`}>
                    {motif.name}
                  </a>
                  <br />
                  <span class="govuk-hint">
                    {serviceName} – {KIND_LABELS[motif.kind]}, {motif.durationMinutes} minutes
                    {motif.bookableBy === 'signed_in' && mode === 'visitor' ? ' – après connexion' : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      ),
    });
  });

  app.get('/c/:slug/rendez-vous/:motif', { config: { policy: 'public' } }, async (request, reply) => {
    const { motif: motifId } = request.params as { motif: string };
    const actor = request.actor ?? null;
    const { motif, serviceName, bookable } = await publicMotif(ctx, request.commune!.id, motifId, publicMode(actor));
    if (!bookable && motif.bookableBy === 'signed_in' && !actor) return signInRedirect(request, reply);
    if (!bookable) throw MOTIF_NOT_FOUND();
    const now = new Date();
    const from = dateParam(formString(request.query, 'du'), now, true);
    const { days } = await withTenant(ctx.database, request.commune!.id, (tx) =>
      motifSlots(tx, request.commune!.id, motif, { from, days: 7, now, byAgent: false }),
    );
    const base = `${publicBase(request)}/${motif.id}`;
    const link = requestLink(ctx, request, request.query as FormBody);
    const carried = link ? `&${link.query}` : '';
    return sendPage(request, reply, {
      title: motif.name,
      breadcrumbs: [{ href: publicBase(request), label: 'Prendre rendez-vous' }],
      children: (
        <>
          <span class="govuk-caption-l">{serviceName}</span>
          <h1 class="govuk-heading-xl">{motif.name}</h1>
          {link ? <ForRequest number={link.number} /> : null}
          <MotifFacts motif={motif} />
          <h2 class="govuk-heading-m">Choisissez un créneau</h2>
          <SlotList
            days={days}
            from={from}
            today={parisDateOf(now)}
            href={(s) =>
              `${base}/reserver?agenda=${s.agendaId}&debut=${encodeURIComponent(s.startsAt.toISOString())}${carried}`
            }
            weekHref={(d) => `${base}?du=${d}${carried}`}
          />
        </>
      ),
    });
  });

  async function bookingForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormBody,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const { motif: motifId } = request.params as { motif: string };
    const actor = request.actor ?? null;
    const communeId = request.commune!.id;
    const { motif, bookable } = await publicMotif(ctx, communeId, motifId, publicMode(actor));
    if (!bookable && motif.bookableBy === 'signed_in' && !actor) return signInRedirect(request, reply);
    if (!bookable) throw MOTIF_NOT_FOUND();
    const agendaId = formString(values, 'agenda');
    const debut = formString(values, 'debut');
    const startsAt = new Date(debut);
    const agenda = /^[0-9a-f-]{36}$/i.test(agendaId)
      ? await withTenant(ctx.database, communeId, (tx) => findAgenda(tx, communeId, agendaId))
      : undefined;
    const back = `${publicBase(request)}/${motif.id}`;
    if (!agenda || Number.isNaN(startsAt.getTime())) {
      return sendPage(request, reply, {
        status: 404,
        title: 'Créneau introuvable',
        children: (
          <>
            <h1 class="govuk-heading-xl">Créneau introuvable</h1>
            <p class="govuk-body">
              <a class="govuk-link" href={back}>
                Choisir un créneau
              </a>
            </p>
          </>
        ),
      });
    }
    const challenge: ChallengeView = actor ? null : await ladder.challengeFor(communeId, request.ip);
    const value = (key: string, fallback = '') => (key in values ? formString(values, key) : fallback);
    const link = requestLink(ctx, request, values);
    return sendPage(request, reply, {
      ...(status ? { status } : {}),
      title: `Réserver : ${motif.name}`,
      errors,
      fieldOrder: ['creneau', 'nom', 'courriel', 'ants', 'telephone', 'site_web', 'verification'],
      targets: { verification: QUESTION_ANSWER_FIELD, creneau: 'nom' },
      breadcrumbs: [
        { href: publicBase(request), label: 'Prendre rendez-vous' },
        { href: back, label: motif.name },
      ],
      ...(challenge ? { scripts: [ANTISPAM_SCRIPT] } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Réserver ce rendez-vous</h1>
          <InsetText>
            <strong>{motif.name}</strong>
            <br />
            Le {whenText(startsAt)}
            <br />
            {placeLine(agenda, motif)}
          </InsetText>
          {link ? <ForRequest number={link.number} /> : null}
          {errors.creneau && (
            <p class="govuk-body">
              <a class="govuk-link" href={back}>
                Choisir un autre créneau
              </a>
            </p>
          )}
          <form method="post" action={`${back}/reserver`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <input type="hidden" name="agenda" value={agenda.id} />
            <input type="hidden" name="debut" value={debut} />
            {link ? (
              <>
                <input type="hidden" name="demande" value={link.number} />
                <input type="hidden" name="jeton" value={formString(values, 'jeton')} />
              </>
            ) : null}
            <Input
              name="nom"
              label="Nom et prénom de la personne qui vient"
              autocomplete="name"
              spellcheck={false}
              value={value('nom', actor?.displayName ?? '')}
              error={errors.nom}
            />
            {actor ? (
              <p class="govuk-body">
                La confirmation sera envoyée à <strong>{actor.email}</strong>.
              </p>
            ) : (
              <Input
                name="courriel"
                type="email"
                label="Adresse électronique"
                hint="La confirmation, les rappels et le lien pour annuler ou déplacer le rendez-vous y sont envoyés."
                autocomplete="email"
                spellcheck={false}
                value={value('courriel')}
                error={errors.courriel}
              />
            )}
            {motif.antsRequired && (
              <Input
                name="ants"
                label="Numéro de pré-demande ANTS"
                hint="10 lettres ou chiffres, reçus après la pré-demande en ligne sur le site de l’ANTS (passeport ou carte d’identité)."
                autocomplete="off"
                spellcheck={false}
                width={10}
                value={value('ants')}
                error={errors.ants}
              />
            )}
            <Input
              name="telephone"
              type="tel"
              label="Téléphone (facultatif)"
              hint="Pour vous prévenir en cas d’imprévu."
              autocomplete="tel"
              width={20}
              value={value('telephone')}
              error={errors.telephone}
            />
            {ctx.smsProvider.canSend && motif.reminderHours.length > 0 && (
              <Checkboxes
                name="rappel_sms"
                legend="Rappels par SMS"
                legendSize="s"
                small
                values={value('rappel_sms') ? [value('rappel_sms')] : []}
                items={[{ value: 'oui', label: 'Recevoir aussi les rappels par SMS à ce numéro de portable' }]}
              />
            )}
            {actor ? null : <AntiSpamFields challenge={challenge} errors={errors} />}
            <Button>Confirmer le rendez-vous</Button>
          </form>
        </>
      ),
    });
  }

  app.get('/c/:slug/rendez-vous/:motif/reserver', { config: { policy: 'public' } }, async (request, reply) =>
    bookingForm(request, reply, request.query as FormBody),
  );

  app.post('/c/:slug/rendez-vous/:motif/reserver', { config: { policy: 'public' } }, async (request, reply) => {
    const { motif } = request.params as { motif: string };
    const body = (request.body ?? {}) as FormBody;
    const actor = request.actor ?? null;
    const result = await handleForm(
      async () => {
        if (!actor) await ladder.check(body, request.commune!.id, request.ip);
        return bookAppointment(ctx, caller(request), publicMode(actor), {
          motif,
          agenda: formString(body, 'agenda'),
          debut: formString(body, 'debut'),
          nom: formString(body, 'nom'),
          courriel: formString(body, 'courriel'),
          telephone: formString(body, 'telephone'),
          ants: formString(body, 'ants'),
          rappel_sms: formString(body, 'rappel_sms') || undefined,
          demande: formString(body, 'demande'),
          jeton: formString(body, 'jeton'),
        });
      },
      (errors, status) => bookingForm(request, reply, body, errors, status),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${publicBase(request)}/gerer/${result.value.token}?fait=reserve`, 303);
  });
}
