/**
 * Federated sign-in pages under /c/<slug>/: the start of a FranceConnect or ProConnect sign-in
 * (a redirect to the provider), the return from the provider, and the return after signing out
 * at the provider. Every refusal is a French page with a way back, never a 500.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { safeReturnPath } from '../../platform/http/return-path.js';
import { Button } from '../../platform/views/components.js';
import { sendPage } from '../../platform/views/page-kit.js';
import {
  browserToken,
  type CallbackOutcome,
  completeFederatedSignIn,
  completeFederatedSignOut,
  defaultReturnPath,
  FEDERATED_PROVIDERS,
  type FederatedProvider,
  OIDC_BROWSER_COOKIE,
  PROVIDER_TRAITS,
  ProviderUnavailableError,
  providerSettings,
  startFederatedSignIn,
} from './oidc.js';
import { setSessionCookie } from './sessions.js';

/** The federation pages: a status, a title and the page's content, sent with the page kit. */
function federationPage(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  title: string,
  children: ComponentChildren,
) {
  return sendPage(request, reply, { status, title, children });
}

function rawQuery(request: FastifyRequest): string {
  const index = request.url.indexOf('?');
  return index < 0 ? '' : request.url.slice(index + 1);
}

export function registerFederatedSignIn(app: FastifyInstance, ctx: AppContext): void {
  const base = (request: FastifyRequest) => `/c/${request.commune!.slug}`;

  function backToSignIn(request: FastifyRequest) {
    return <Button href={`${base(request)}/connexion`}>Revenir à la page de connexion</Button>;
  }

  function unavailable(request: FastifyRequest, reply: FastifyReply, provider: FederatedProvider) {
    const name = PROVIDER_TRAITS[provider].name;
    return federationPage(
      request,
      reply,
      503,
      `${name} est momentanément indisponible`,
      <>
        <h1 class="govuk-heading-xl">{name} est momentanément indisponible</h1>
        <p class="govuk-body">
          Le service {name} ne répond pas pour le moment. Réessayez dans quelques minutes, ou connectez-vous avec votre
          adresse électronique et votre mot de passe.
        </p>
        {backToSignIn(request)}
      </>,
    );
  }

  function outcomePage(
    request: FastifyRequest,
    reply: FastifyReply,
    provider: FederatedProvider,
    outcome: Exclude<CallbackOutcome, { kind: 'signed_in' }>,
  ) {
    const name = PROVIDER_TRAITS[provider].name;
    switch (outcome.kind) {
      case 'cancelled':
        return federationPage(
          request,
          reply,
          200,
          'Connexion annulée',
          <>
            <h1 class="govuk-heading-xl">Connexion annulée</h1>
            <p class="govuk-body">
              Vous avez annulé la connexion avec {name}. Vous n’êtes pas connecté, et {name} n’a transmis aucune
              information à la commune.
            </p>
            {backToSignIn(request)}
          </>,
        );
      case 'invalid_state':
        return federationPage(
          request,
          reply,
          400,
          'Demande de connexion expirée',
          <>
            <h1 class="govuk-heading-xl">Cette demande de connexion a expiré ou a déjà servi</h1>
            <p class="govuk-body">
              Par sécurité, une demande de connexion avec {name} ne sert qu’une fois, pendant 10 minutes, et dans le
              navigateur où elle a commencé. Vous n’êtes pas connecté.
            </p>
            {backToSignIn(request)}
          </>,
        );
      case 'failed':
        return federationPage(
          request,
          reply,
          400,
          `La connexion avec ${name} n’a pas abouti`,
          <>
            <h1 class="govuk-heading-xl">La connexion avec {name} n’a pas abouti</h1>
            <p class="govuk-body">
              La réponse de {name} n’a pas pu être vérifiée : par sécurité, vous n’êtes pas connecté. Recommencez la
              connexion ; si le problème continue, connectez-vous avec votre adresse électronique et votre mot de passe.
            </p>
            {backToSignIn(request)}
          </>,
        );
      case 'unavailable':
        return unavailable(request, reply, provider);
      case 'missing_email':
        return federationPage(
          request,
          reply,
          400,
          `${name} n’a pas transmis votre adresse électronique`,
          <>
            <h1 class="govuk-heading-xl">{name} n’a pas transmis votre adresse électronique</h1>
            <p class="govuk-body">
              La commune en a besoin pour vous informer du suivi de vos démarches. Recommencez en acceptant de la
              transmettre, ou créez un compte avec votre adresse électronique.
            </p>
            {backToSignIn(request)}
          </>,
        );
      case 'no_staff_account':
        return federationPage(
          request,
          reply,
          403,
          'Aucun compte agent pour cette adresse',
          <>
            <h1 class="govuk-heading-xl">Aucun compte agent pour cette adresse</h1>
            <p class="govuk-body">
              ProConnect vous a identifié avec l’adresse <strong>{outcome.email}</strong>, mais aucun compte agent, élu
              ou administrateur de {request.commune!.name} n’utilise cette adresse.
            </p>
            <p class="govuk-body">
              Demandez une invitation à l’administrateur de la commune : ProConnect ne crée pas de compte, il permet
              seulement aux agents déjà invités de se connecter. Si vous êtes un usager, utilisez FranceConnect ou votre
              adresse électronique personnelle.
            </p>
            {backToSignIn(request)}
          </>,
        );
      case 'account_disabled':
        return federationPage(
          request,
          reply,
          403,
          'Compte désactivé',
          <>
            <h1 class="govuk-heading-xl">Ce compte est désactivé</h1>
            <p class="govuk-body">Contactez la mairie pour en savoir plus.</p>
            {backToSignIn(request)}
          </>,
        );
    }
  }

  for (const provider of FEDERATED_PROVIDERS) {
    const configured = () => {
      if (!providerSettings(ctx.config, provider)) {
        throw new AppError('oidc.not_configured', `${provider} is not configured`, 404);
      }
    };

    app.get(`/c/:slug/connexion/${provider}`, { config: { policy: 'anonymous' } }, async (request, reply) => {
      configured();
      const commune = request.commune!;
      const back = safeReturnPath(
        (request.query as Record<string, unknown>).retour,
        defaultReturnPath(commune, provider),
      );
      const browser = browserToken(request.cookies[OIDC_BROWSER_COOKIE]);
      let url: string;
      try {
        url = await startFederatedSignIn(ctx, commune, provider, back, browser);
      } catch (error) {
        if (error instanceof ProviderUnavailableError) {
          request.log.warn({ err: error.cause, provider }, 'identity provider discovery failed');
          return unavailable(request, reply, provider);
        }
        throw error;
      }
      reply.setCookie(OIDC_BROWSER_COOKIE, browser, {
        httpOnly: true,
        sameSite: 'lax', // sent on the provider's top-level redirect back
        secure: 'auto',
        path: '/',
        maxAge: 10 * 60,
      });
      return reply.header('cache-control', 'no-store').redirect(url, 303);
    });

    app.get(`/c/:slug/connexion/${provider}/retour`, { config: { policy: 'anonymous' } }, async (request, reply) => {
      configured();
      const query = rawQuery(request);
      const outcome: CallbackOutcome =
        query.length > 8000
          ? { kind: 'invalid_state' }
          : await completeFederatedSignIn(
              ctx,
              request.commune!,
              provider,
              query,
              request.cookies[OIDC_BROWSER_COOKIE],
              request,
            );
      if (outcome.kind !== 'signed_in') return outcomePage(request, reply, provider, outcome);
      setSessionCookie(reply, outcome.token);
      return reply.header('cache-control', 'no-store').redirect(outcome.redirect, 303);
    });

    app.get(`/c/:slug/deconnexion/${provider}/retour`, { config: { policy: 'anonymous' } }, async (request, reply) => {
      configured();
      const state = new URLSearchParams(rawQuery(request)).get('state') ?? '';
      const next = await completeFederatedSignOut(ctx, request.commune!, provider, state);
      if (next) return reply.redirect(next, 303);
      const name = PROVIDER_TRAITS[provider].name;
      return federationPage(
        request,
        reply,
        400,
        'Retour de déconnexion non reconnu',
        <>
          <h1 class="govuk-heading-xl">Retour de déconnexion non reconnu</h1>
          <p class="govuk-body">
            Ce retour de {name} ne correspond à aucune déconnexion en cours, ou a déjà servi. Si vous vouliez vous
            déconnecter, fermez votre navigateur pour terminer aussi votre session {name}.
          </p>
          {backToSignIn(request)}
        </>,
      );
    });
  }
}
