/**
 * What a recipient's link leads to (`/c/:slug/lien/:token`, public: the secret of the link is the
 * key). The click is recorded; the scenarios with a fake sign-in page show it — its inputs have no
 * `name`, so a browser sends none of what was typed, and its POST (which carries only the CSRF
 * token, the link's secret being in the address) is recorded without its body being read; then the
 * teachable moment: the clues of the message and the three reflexes, with the training.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { Button, CsrfField, InsetText } from '../../../platform/views/components.js';
import { sendPage } from '../../../platform/views/page-kit.js';
import { findScenario, REFLEXES } from '../scenarios.js';
import { findTraining } from '../trainings.js';
import { linkNotFound, trackLink } from '../use-cases/track.js';

/** A transparent 1×1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export function registerLinkPages(app: FastifyInstance, ctx: AppContext): void {
  const token = (request: FastifyRequest) => (request.params as { token: string }).token;
  const linkBase = (request: FastifyRequest) => `/c/${request.commune!.slug}/lien/${token(request)}`;

  app.get('/c/:slug/lien/:token', { config: { policy: 'public' } }, async (request, reply) => {
    // A HEAD (a link checker, a preview) is not a click.
    const kinds = request.method === 'HEAD' ? [] : (['clique'] as const);
    const recipient = await trackLink(ctx.database, request.commune!.id, token(request), kinds);
    const scenario = findScenario(recipient.scenario);
    if (!scenario) throw linkNotFound();
    if (!scenario.fakePage) return reply.redirect(`${linkBase(request)}/a-retenir`, 303);
    const page = scenario.fakePage;
    return sendPage(request, reply, {
      title: page.heading,
      children: (
        <>
          <h1 class="govuk-heading-l">{page.heading}</h1>
          <p class="govuk-body">{page.intro}</p>
          <form method="post" action={linkBase(request)} novalidate autocomplete="off">
            <CsrfField token={reply.generateCsrf()} />
            {/* No `name` on purpose: what is typed here never leaves the browser. */}
            <div class="govuk-form-group">
              <label class="govuk-label" for="identifiant-simule">
                Identifiant ou adresse électronique
              </label>
              <input class="govuk-input" id="identifiant-simule" type="text" autocomplete="off" spellcheck={false} />
            </div>
            <div class="govuk-form-group">
              <label class="govuk-label" for="mot-de-passe-simule">
                Mot de passe
              </label>
              <input class="govuk-input" id="mot-de-passe-simule" type="password" autocomplete="off" />
            </div>
            <Button>{page.button}</Button>
          </form>
        </>
      ),
    });
  });

  // The body is never read: only the fact of submitting is recorded.
  app.post('/c/:slug/lien/:token', { config: { policy: 'public' } }, async (request, reply) => {
    await trackLink(ctx.database, request.commune!.id, token(request), ['clique', 'soumis']);
    return reply.redirect(`${linkBase(request)}/a-retenir`, 303);
  });

  app.get('/c/:slug/lien/:token/image.gif', { config: { policy: 'public' } }, async (request, reply) => {
    await trackLink(ctx.database, request.commune!.id, token(request), request.method === 'HEAD' ? [] : ['ouvert']);
    return reply.type('image/gif').header('cache-control', 'no-store').send(PIXEL);
  });

  app.get('/c/:slug/lien/:token/a-retenir', { config: { policy: 'public' } }, async (request, reply) => {
    const recipient = await trackLink(ctx.database, request.commune!.id, token(request), []);
    const scenario = findScenario(recipient.scenario);
    if (!scenario) throw linkNotFound();
    const training = findTraining(scenario.training);
    const further = scenario.furtherTraining ? findTraining(scenario.furtherTraining) : undefined;
    const slug = request.commune!.slug;
    return sendPage(request, reply, {
      title: 'C’était un exercice de la commune',
      children: (
        <>
          <h1 class="govuk-heading-xl">C’était un exercice de la commune</h1>
          <p class="govuk-body-l">
            Ce message était un faux, envoyé par la commune pour s’entraîner à reconnaître l’hameçonnage. Rien n’a été
            transmis
            {scenario.fakePage ? ' : ce que vous avez pu taper sur la page n’a jamais quitté votre appareil' : ''}.
          </p>
          <InsetText>
            Cliquer n’est pas une faute : les escrocs imitent très bien. Ce qui compte, c’est de savoir quoi regarder la
            prochaine fois.
          </InsetText>
          <h2 class="govuk-heading-m">Les indices qui étaient dans ce message</h2>
          <ul class="govuk-list govuk-list--bullet">
            {scenario.clues.map((clue) => (
              <li key={clue}>{clue}</li>
            ))}
          </ul>
          <h2 class="govuk-heading-m">Les trois réflexes</h2>
          <ol class="govuk-list govuk-list--number">
            {REFLEXES.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ol>
          {training ? (
            <p class="govuk-body">
              <a class="govuk-link" href={`/c/${slug}/agent/sensibilisation/formations/${training.key}`}>
                Suivre la formation « {training.title} » ({training.minutes} minutes)
              </a>
            </p>
          ) : null}
          {further ? (
            <p class="govuk-body">
              Pour aller plus loin :{' '}
              <a class="govuk-link" href={`/c/${slug}/agent/sensibilisation/formations/${further.key}`}>
                la formation « {further.title} » ({further.minutes} minutes)
              </a>
            </p>
          ) : null}
        </>
      ),
    });
  });
}
