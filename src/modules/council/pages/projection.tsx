/**
 * The projector view of a séance (/c/<slug>/agent/conseil/seances/<id>/projection): read-only,
 * in large type, for the room's screen — the current item, who is present and represented, the
 * quorum of the item (CGCT L2121-17) and the last result (vote or nomination round). Without
 * JavaScript the browser reloads it every 10 seconds (a refresh inside <noscript>); with it,
 * assets/js/projection.mjs replaces the projected region live (decision 0055). Same policy as the
 * secretary's screen (decision 0047): it is opened from the secretary's session on the room's
 * computer.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { notFound } from '../../../platform/errors.js';
import { Tag, TextLink } from '../../../platform/views/components.js';
import { sendPage } from '../../../platform/views/page-kit.js';
import { type SeancePage, seancePage } from '../queries.js';
import { quorum, usableProxies } from '../rules.js';
import type { ItemRow, VoteRow } from '../schema.js';
import { presentFor } from '../use-cases/attendance.js';
import { nominationClosed } from '../use-cases/nominations.js';
import { RoundsTable, roundSentence } from './nomination.js';
import { seancePath, seanceTitle } from './ui.js';

/** Without JavaScript, the room's screen reloads itself this often (a <noscript> refresh). */
export const PROJECTION_REFRESH_SECONDS = 10;
export const PROJECTION_SCRIPT = '/static/js/projection.mjs';

function done(page: SeancePage, item: ItemRow): boolean {
  return item.nomination ? nominationClosed(page.rounds.get(item.id) ?? []) : page.votes.has(item.id);
}

/** The item under discussion: the first one not yet decided (the last one once all are). */
export function currentItem(page: SeancePage): ItemRow | undefined {
  return page.items.find((i) => !done(page, i)) ?? page.items.at(-1);
}

function n(count: number, word: string, plural = `${word}s`): string {
  return `${count} ${count > 1 ? plural : word}`;
}

function VoteLine({ vote }: { vote: VoteRow }) {
  return (
    <>
      <p class="govuk-body-l">
        {vote.adopted ? <Tag colour="green">Adopté</Tag> : <Tag colour="red">Rejeté</Tag>}{' '}
        {vote.deliberationNumber ? `Délibération n° ${vote.deliberationNumber}` : ''}
      </p>
      <ul class="govuk-list guichet-projection__figures">
        <li>
          <strong>{vote.pour}</strong> pour
        </li>
        <li>
          <strong>{vote.contre}</strong> contre
        </li>
        <li>
          <strong>{vote.abstentions}</strong> {vote.abstentions > 1 ? 'abstentions' : 'abstention'}
        </li>
        {vote.blancs ? (
          <li>
            <strong>{vote.blancs}</strong> {vote.blancs > 1 ? 'blancs ou nuls' : 'blanc ou nul'}
          </li>
        ) : null}
        {vote.notVoting ? (
          <li>
            <strong>{vote.notVoting}</strong> ne {vote.notVoting > 1 ? 'prennent' : 'prend'} pas part au vote
          </li>
        ) : null}
      </ul>
      <p class="govuk-body-l">
        Scrutin {vote.ballot === 'secret' ? 'secret' : 'public'}
        {vote.presidentVote ? ' ; partage des voix : la voix du président a été prépondérante.' : '.'}
      </p>
    </>
  );
}

function Result({ page, item }: { page: SeancePage; item: ItemRow }) {
  if (item.nomination) {
    const rounds = page.rounds.get(item.id) ?? [];
    const candidates = page.candidates.get(item.id) ?? [];
    const last = rounds.at(-1);
    if (!last) return <p class="govuk-body-l">Scrutin secret : aucun tour dépouillé pour l’instant.</p>;
    return (
      <>
        <p class="govuk-body-l">{roundSentence(last, candidates, page.members)}</p>
        <RoundsTable rounds={rounds} candidates={candidates} members={page.members} caption="Tours de scrutin" />
      </>
    );
  }
  const vote = page.votes.get(item.id);
  return vote ? <VoteLine vote={vote} /> : <p class="govuk-body-l">Vote en attente.</p>;
}

export function registerProjectionPage(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/c/:slug/agent/conseil/seances/:seance/projection',
    { config: { policy: 'requestsInbox' as const } },
    async (request, reply) => {
      const id = (request.params as { seance: string }).seance;
      const page = /^[0-9a-f-]{36}$/i.test(id) ? await seancePage(ctx, request.commune!.id, id) : null;
      if (!page || page.seance.status === 'preparation' || page.seance.status === 'annulee')
        throw notFound('council.seance_not_found');
      const item = page.opening ? currentItem(page) : undefined;
      const present = item ? presentFor(page, item) : [];
      const represented = usableProxies(page.proxies, present).length;
      const q = quorum({
        membersInOffice: page.members.length,
        present,
        secondConvocation: page.seance.firstSeanceId !== null,
      });
      const previous = item ? page.items.filter((i) => i.position < item.position && done(page, i)).at(-1) : undefined;
      return sendPage(request, reply, {
        title: `Projection – ${seanceTitle(page.seance)}`,
        wide: true,
        scripts: [PROJECTION_SCRIPT],
        children: (
          <div class="guichet-projection">
            <noscript>
              <meta http-equiv="refresh" content={String(PROJECTION_REFRESH_SECONDS)} />
            </noscript>
            <div data-projection="">
              <span class="govuk-caption-xl">Conseil municipal – {seanceTitle(page.seance)}</span>
              {!item ? (
                <>
                  <h1 class="govuk-heading-xl">La séance va commencer</h1>
                  <p class="govuk-body-l">{n(page.items.length, 'point')} à l’ordre du jour.</p>
                </>
              ) : (
                <>
                  <h1 class="govuk-heading-xl">
                    Point {item.position} : {item.title}
                  </h1>
                  <ul class="govuk-list guichet-projection__figures">
                    <li>
                      <strong>{present.length}</strong> {present.length > 1 ? 'présents' : 'présent'}
                    </li>
                    <li>
                      <strong>{represented}</strong> {represented > 1 ? 'représentés' : 'représenté'}
                    </li>
                    <li>
                      <strong>{page.members.length}</strong> en exercice
                    </li>
                  </ul>
                  <p class="govuk-body-l">
                    Quorum :{' '}
                    {page.seance.firstSeanceId ? (
                      <Tag colour="green">Non requis (seconde convocation)</Tag>
                    ) : q.reached ? (
                      <Tag colour="green">Atteint</Tag>
                    ) : (
                      <Tag colour="red">Non atteint</Tag>
                    )}{' '}
                    {page.seance.firstSeanceId ? '' : `(${q.required} présents requis)`}
                  </p>
                  <div aria-live="polite">
                    <h2 class="govuk-heading-l">{item.nomination ? 'Résultat du scrutin' : 'Résultat du vote'}</h2>
                    <Result page={page} item={item} />
                    {previous && !done(page, item) ? (
                      <>
                        <h2 class="govuk-heading-m">
                          Point précédent ({previous.position}) : {previous.title}
                        </h2>
                        <Result page={page} item={previous} />
                      </>
                    ) : null}
                  </div>
                </>
              )}
            </div>
            <p class="govuk-body-s">
              <span data-projection-note="">Écran actualisé toutes les {PROJECTION_REFRESH_SECONDS} secondes.</span>{' '}
              <TextLink href={`${seancePath(request, page.seance.id)}/en-seance`}>Retour à l’écran de séance</TextLink>
            </p>
          </div>
        ),
      });
    },
  );
}
