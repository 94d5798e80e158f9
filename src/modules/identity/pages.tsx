/**
 * Identity pages under /c/<slug>/: inscription, connexion, confirmation de l’adresse, mot de
 * passe oublié, nouveau mot de passe, déconnexion, mon compte (sessions, historique). Forms work
 * without JavaScript; errors re-render the form with French field messages (never a 500) and
 * keep what was typed, except passwords.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import { safeReturnPath } from '../../platform/http/return-path.js';
import {
  Button,
  Checkboxes,
  CsrfField,
  type FieldErrors,
  Input,
  SummaryList,
  Table,
} from '../../platform/views/components.js';
import { formatDateTime } from '../../platform/views/format.js';
import { type FormBody, formString, handleForm, sendPage } from '../../platform/views/page-kit.js';
import { connectionHistory } from './history.js';
import { federatedLogoutUrl, federatedSignInButtons } from './oidc.js';
import { minimumLength } from './password-policy.js';
import { isEmailTokenLive } from './repo.js';
import {
  confirmEmail,
  registerCitizen,
  requestPasswordReset,
  resetPassword,
  SignInLockedError,
  signInWithPassword,
  signOut,
} from './service.js';
import { clearSessionCookie, listSessions, revokeAllSessions, revokeSession, setSessionCookie } from './sessions.js';

const _html = 'text/html; charset=utf-8';
type Body = FormBody;

export function registerIdentityPages(app: FastifyInstance, ctx: AppContext): void {
  const base = (request: FastifyRequest) => `/c/${request.commune!.slug}`;

  // — Inscription —
  function registrationForm(request: FastifyRequest, reply: FastifyReply, values: Body, errors: FieldErrors = {}) {
    return sendPage(request, reply, {
      title: 'Créer votre compte',
      errors,
      fieldOrder: ['givenName', 'familyName', 'email', 'password', 'consent'],
      children: (
        <>
          <h1 class="govuk-heading-xl">Créer votre compte</h1>
          <p class="govuk-body">
            Votre compte vous permet de suivre vos démarches auprès de {request.commune!.name}. Vous avez déjà un compte
            ?{' '}
            <a class="govuk-link" href={`${base(request)}/connexion`}>
              Connectez-vous
            </a>
            .
          </p>
          <form method="post" action={`${base(request)}/inscription`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Input
              name="givenName"
              label="Prénom"
              autocomplete="given-name"
              spellcheck={false}
              value={formString(values, 'givenName')}
              error={errors.givenName}
            />
            <Input
              name="familyName"
              label="Nom"
              autocomplete="family-name"
              spellcheck={false}
              value={formString(values, 'familyName')}
              error={errors.familyName}
            />
            <Input
              name="email"
              type="email"
              label="Adresse électronique"
              hint="Nous y enverrons un lien pour confirmer votre inscription."
              autocomplete="email"
              spellcheck={false}
              value={formString(values, 'email')}
              error={errors.email}
            />
            <Input
              name="password"
              type="password"
              label="Mot de passe"
              hint={`Au moins ${minimumLength('citizen')} caractères. Une phrase de plusieurs mots est facile à retenir et difficile à deviner. N’utilisez pas votre nom, votre date de naissance ni le nom de la commune.`}
              autocomplete="new-password"
              error={errors.password}
            />
            <Checkboxes
              name="consent"
              legend="Conditions"
              error={errors.consent}
              values={formString(values, 'consent') === 'oui' ? ['oui'] : []}
              items={[
                {
                  value: 'oui',
                  label: (
                    <>
                      J’ai lu les informations sur mes{' '}
                      <a class="govuk-link" href={`${base(request)}/donnees-personnelles`}>
                        données personnelles
                      </a>{' '}
                      et j’accepte que la commune traite mes données pour mes démarches.
                    </>
                  ),
                },
              ]}
            />
            <Button>Créer mon compte</Button>
          </form>
        </>
      ),
    });
  }

  app.get('/c/:slug/inscription', { config: { policy: 'anonymous' } }, async (request, reply) =>
    registrationForm(request, reply, {}),
  );

  app.post('/c/:slug/inscription', { config: { policy: 'anonymous' } }, async (request, reply) => {
    const body = (request.body ?? {}) as Body;
    const result = await handleForm(
      () => registerCitizen(ctx, request.commune!, body, request),
      (errors) => registrationForm(request, reply, body, errors),
    );
    if (!result.ok) return result.response;
    return sendPage(request, reply, {
      title: 'Consultez votre messagerie',
      children: (
        <>
          <h1 class="govuk-heading-xl">Consultez votre messagerie</h1>
          <p class="govuk-body">
            Nous avons envoyé un courriel à <strong>{formString(body, 'email').trim().toLowerCase()}</strong>. Ouvrez le
            lien qu’il contient pour activer votre compte. Le lien est valable 48 heures.
          </p>
          <p class="govuk-body">Pensez à regarder dans les courriers indésirables.</p>
        </>
      ),
    });
  });

  app.get('/c/:slug/inscription/confirmer', { config: { policy: 'anonymous' } }, async (request, reply) => {
    const token = formString(request.query as Body, 'jeton');
    const ok = token.length > 0 && token.length <= 100 && (await confirmEmail(ctx, request.commune!, token));
    if (!ok) {
      return sendPage(request, reply, {
        status: 410,
        title: 'Lien expiré',
        children: (
          <>
            <h1 class="govuk-heading-xl">Ce lien a expiré ou a déjà servi</h1>
            <p class="govuk-body">
              Connectez-vous : si votre adresse n’est pas encore confirmée, un nouveau lien vous sera envoyé.
            </p>
            <Button href={`${base(request)}/connexion`}>Me connecter</Button>
          </>
        ),
      });
    }
    return reply.redirect(`${base(request)}/connexion?confirme=1`, 303);
  });

  // — Connexion —
  function signInForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Body,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const query = request.query as Body;
    const back = safeReturnPath(values.retour ?? query.retour, `${base(request)}/espace`);
    const notice =
      query.confirme === '1'
        ? { kind: 'success' as const, title: 'Votre adresse est confirmée. Vous pouvez vous connecter.' }
        : query.nouveau === '1'
          ? { kind: 'success' as const, title: 'Votre mot de passe a été modifié. Connectez-vous avec le nouveau.' }
          : query.deconnecte === '1'
            ? { kind: 'info' as const, title: 'Vous êtes déconnecté.' }
            : undefined;
    return sendPage(request, reply, {
      title: 'Se connecter',
      errors,
      ...(status ? { status } : {}),
      ...(notice ? { notice } : {}),
      fieldOrder: ['email', 'password'],
      children: (
        <>
          <h1 class="govuk-heading-xl">Se connecter</h1>
          <form method="post" action={`${base(request)}/connexion`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <input type="hidden" name="retour" value={back} />
            <Input
              name="email"
              type="email"
              label="Adresse électronique"
              autocomplete="username"
              spellcheck={false}
              value={formString(values, 'email')}
              error={errors.email}
            />
            <Input
              name="password"
              type="password"
              label="Mot de passe"
              autocomplete="current-password"
              error={errors.password}
            />
            <Button>Se connecter</Button>
          </form>
          <p class="govuk-body">
            <a class="govuk-link" href={`${base(request)}/mot-de-passe-oublie`}>
              Mot de passe oublié ?
            </a>
          </p>
          <h2 class="govuk-heading-m">Autres moyens de connexion</h2>
          <ul class="govuk-list">
            <li>
              <a class="govuk-link" href={`${base(request)}/connexion/cle-d-acces?retour=${encodeURIComponent(back)}`}>
                Se connecter avec une clé d’accès (sans mot de passe)
              </a>
            </li>
            {federatedSignInButtons(ctx.config, request.commune!.slug, back).map((button) => (
              <li key={button.provider}>
                <a class="govuk-link" href={button.href}>
                  {button.label}
                </a>
              </li>
            ))}
          </ul>
          <h2 class="govuk-heading-m">Pas encore de compte ?</h2>
          <p class="govuk-body">
            <a class="govuk-link" href={`${base(request)}/inscription`}>
              Créer un compte
            </a>
          </p>
        </>
      ),
    });
  }

  app.get('/c/:slug/connexion', { config: { policy: 'anonymous' } }, async (request, reply) =>
    signInForm(request, reply, {}),
  );

  app.post('/c/:slug/connexion', { config: { policy: 'anonymous' } }, async (request, reply) => {
    const body = (request.body ?? {}) as Body;
    const result = await handleForm(
      () =>
        signInWithPassword(ctx, request.commune!, body, request).catch((error: unknown) => {
          if (error instanceof SignInLockedError) reply.header('retry-after', String(error.retryAfterSeconds));
          throw error;
        }),
      (errors, status) => signInForm(request, reply, body, errors, status),
    );
    if (!result.ok) return result.response;
    setSessionCookie(reply, result.value.token);
    const back = safeReturnPath(body.retour, `${base(request)}/espace`);
    if (result.value.needsSecondFactor) {
      return reply.redirect(`${base(request)}/compte/double-authentification?retour=${encodeURIComponent(back)}`, 303);
    }
    return reply.redirect(back, 303);
  });

  app.post('/c/:slug/deconnexion', { config: { policy: 'signedInPendingMfa' } }, async (request, reply) => {
    const actor = request.actor!;
    // A FranceConnect or ProConnect session also ends at the provider, which then comes back here.
    const providerLogout = await federatedLogoutUrl(ctx, request.commune!, actor.sessionId);
    await signOut(ctx, request.commune, actor.accountId, actor.sessionId);
    clearSessionCookie(reply);
    return reply.redirect(providerLogout ?? `${base(request)}/connexion?deconnecte=1`, 303);
  });

  // — Mot de passe oublié —
  function forgottenForm(request: FastifyRequest, reply: FastifyReply, values: Body, errors: FieldErrors = {}) {
    return sendPage(request, reply, {
      title: 'Mot de passe oublié',
      errors,
      fieldOrder: ['email'],
      children: (
        <>
          <h1 class="govuk-heading-xl">Mot de passe oublié</h1>
          <p class="govuk-body">
            Saisissez l’adresse de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe.
          </p>
          <form method="post" action={`${base(request)}/mot-de-passe-oublie`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Input
              name="email"
              type="email"
              label="Adresse électronique"
              autocomplete="username"
              spellcheck={false}
              value={formString(values, 'email')}
              error={errors.email}
            />
            <Button>Recevoir le lien</Button>
          </form>
        </>
      ),
    });
  }

  app.get('/c/:slug/mot-de-passe-oublie', { config: { policy: 'anonymous' } }, async (request, reply) =>
    forgottenForm(request, reply, {}),
  );

  app.post('/c/:slug/mot-de-passe-oublie', { config: { policy: 'anonymous' } }, async (request, reply) => {
    const body = (request.body ?? {}) as Body;
    const result = await handleForm(
      () => requestPasswordReset(ctx, request.commune!, body, request),
      (errors) => forgottenForm(request, reply, body, errors),
    );
    if (!result.ok) return result.response;
    return sendPage(request, reply, {
      title: 'Consultez votre messagerie',
      children: (
        <>
          <h1 class="govuk-heading-xl">Consultez votre messagerie</h1>
          <p class="govuk-body">
            Si un compte existe pour cette adresse, vous allez recevoir un courriel avec un lien pour choisir un nouveau
            mot de passe. Le lien est valable 30 minutes et ne sert qu’une fois.
          </p>
        </>
      ),
    });
  });

  // — Nouveau mot de passe —
  function newPasswordForm(request: FastifyRequest, reply: FastifyReply, token: string, errors: FieldErrors = {}) {
    return sendPage(request, reply, {
      title: 'Choisir un nouveau mot de passe',
      errors,
      fieldOrder: ['password', 'confirmation'],
      children: (
        <>
          <h1 class="govuk-heading-xl">Choisir un nouveau mot de passe</h1>
          <form
            method="post"
            action={`${base(request)}/mot-de-passe/nouveau?jeton=${encodeURIComponent(token)}`}
            novalidate
          >
            <CsrfField token={reply.generateCsrf()} />
            <Input
              name="password"
              type="password"
              label="Nouveau mot de passe"
              hint="Au moins 12 caractères (16 pour les agents, élus et administrateurs). Une phrase de plusieurs mots est facile à retenir."
              autocomplete="new-password"
              error={errors.password}
            />
            <Input
              name="confirmation"
              type="password"
              label="Confirmez le nouveau mot de passe"
              autocomplete="new-password"
              error={errors.confirmation}
            />
            <Button>Enregistrer le mot de passe</Button>
          </form>
        </>
      ),
    });
  }

  function expiredLink(request: FastifyRequest, reply: FastifyReply) {
    return sendPage(request, reply, {
      status: 410,
      title: 'Lien expiré',
      children: (
        <>
          <h1 class="govuk-heading-xl">Ce lien a expiré ou a déjà servi</h1>
          <p class="govuk-body">Les liens de réinitialisation sont valables 30 minutes et ne servent qu’une fois.</p>
          <Button href={`${base(request)}/mot-de-passe-oublie`}>Demander un nouveau lien</Button>
        </>
      ),
    });
  }

  app.get('/c/:slug/mot-de-passe/nouveau', { config: { policy: 'anonymous' } }, async (request, reply) => {
    const token = formString(request.query as Body, 'jeton');
    const live =
      token.length > 0 &&
      token.length <= 100 &&
      (await withTenant(ctx.database, request.commune!.id, (tx) => isEmailTokenLive(tx, 'reset_password', token)));
    return live ? newPasswordForm(request, reply, token) : expiredLink(request, reply);
  });

  app.post('/c/:slug/mot-de-passe/nouveau', { config: { policy: 'anonymous' } }, async (request, reply) => {
    const token = formString(request.query as Body, 'jeton').slice(0, 100);
    const result = await handleForm(
      () => resetPassword(ctx, request.commune!, token, request.body, request),
      (errors) => newPasswordForm(request, reply, token, errors),
    ).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'auth.reset_link_invalid')
        return { ok: false as const, response: expiredLink(request, reply) };
      throw error;
    });
    if (!result.ok) return result.response;
    clearSessionCookie(reply);
    return reply.redirect(`${base(request)}/connexion?nouveau=1`, 303);
  });

  // — Mon compte —
  app.get('/c/:slug/compte', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const actor = request.actor!;
    const roleLabels: Record<string, string> = {
      citizen: 'usager',
      agent: 'agent',
      councillor: 'élu',
      mayor: 'maire',
      dgs: 'directeur ou directrice générale des services',
      admin: 'administrateur de la commune',
    };
    return sendPage(request, reply, {
      title: 'Mon compte',
      children: (
        <>
          <h1 class="govuk-heading-xl">Mon compte</h1>
          <SummaryList
            rows={[
              { key: 'Nom', value: actor.displayName },
              { key: 'Adresse électronique', value: actor.email },
              {
                key: `Rôle à ${request.commune!.name}`,
                value: [...actor.roles].map((r) => roleLabels[r] ?? r).join(', ') || 'aucun',
              },
            ]}
          />
          <ul class="govuk-list">
            {actor.isOperator ? (
              <li>
                <a class="govuk-link" href="/operateur">
                  Espace opérateur (communes du guichet)
                </a>
              </li>
            ) : null}
            <li>
              <a class="govuk-link" href={`${base(request)}/compte/profil`}>
                Mon profil (téléphone, adresse, foyer)
              </a>
            </li>
            <li>
              <a class="govuk-link" href={`${base(request)}/compte/justificatifs`}>
                Mes justificatifs (documents réutilisables dans mes démarches)
              </a>
            </li>
            <li>
              <a class="govuk-link" href={`${base(request)}/compte/securite`}>
                Sécurité du compte (double authentification, codes de secours)
              </a>
            </li>
            <li>
              <a class="govuk-link" href={`${base(request)}/compte/cles-d-acces`}>
                Mes clés d’accès (connexion sans mot de passe)
              </a>
            </li>
            <li>
              <a class="govuk-link" href={`${base(request)}/compte/sessions`}>
                Mes sessions ouvertes
              </a>
            </li>
            <li>
              <a class="govuk-link" href={`${base(request)}/compte/historique`}>
                Historique de mes connexions
              </a>
            </li>
            <li>
              <a class="govuk-link" href={`${base(request)}/compte/donnees`}>
                Mes données personnelles (téléchargement, suppression du compte)
              </a>
            </li>
          </ul>
          <form method="post" action={`${base(request)}/deconnexion`}>
            <CsrfField token={reply.generateCsrf()} />
            <Button variant="secondary">Se déconnecter</Button>
          </form>
        </>
      ),
    });
  });

  app.get('/c/:slug/compte/sessions', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const actor = request.actor!;
    const sessions = await withTenant(ctx.database, request.commune!.id, (tx) => listSessions(tx, actor.accountId));
    const token = reply.generateCsrf();
    const query = request.query as Body;
    return sendPage(request, reply, {
      title: 'Mes sessions ouvertes',
      ...(query.fermees
        ? { notice: { kind: 'success' as const, title: `${Number(query.fermees) || 0} session(s) fermée(s).` } }
        : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Mes sessions ouvertes</h1>
          <p class="govuk-body">
            Une session est ouverte sur chaque appareil où vous êtes connecté. Fermez celles que vous ne reconnaissez
            pas, puis changez votre mot de passe.
          </p>
          <Table
            caption="Sessions"
            columns={[
              { label: 'Appareil' },
              { label: 'Ouverte le' },
              { label: 'Dernière activité' },
              { label: 'Action' },
            ]}
            rows={sessions.map((s) => [
              `${s.userAgent || 'Appareil inconnu'}${s.id === actor.sessionId ? ' (cet appareil)' : ''}`,
              formatDateTime(s.createdAt),
              formatDateTime(s.lastSeenAt),
              s.id === actor.sessionId ? (
                ''
              ) : (
                <form method="post" action={`${base(request)}/compte/sessions/fermer`}>
                  <CsrfField token={token} />
                  <input type="hidden" name="session" value={s.id} />
                  <Button variant="secondary">Fermer</Button>
                </form>
              ),
            ])}
          />
          <form method="post" action={`${base(request)}/compte/sessions/fermer-tout`}>
            <CsrfField token={token} />
            <Button variant="warning">Me déconnecter partout ailleurs</Button>
          </form>
        </>
      ),
    });
  });

  app.post('/c/:slug/compte/sessions/fermer', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const actor = request.actor!;
    const sessionId = formString(request.body as Body, 'session');
    const ok =
      /^[0-9a-f-]{36}$/.test(sessionId) &&
      (await withTenant(ctx.database, request.commune!.id, (tx) => revokeSession(tx, actor.accountId, sessionId)));
    if (!ok) throw new AppError('session.not_found', 'no such session', 404);
    return reply.redirect(`${base(request)}/compte/sessions?fermees=1`, 303);
  });

  app.post('/c/:slug/compte/sessions/fermer-tout', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const actor = request.actor!;
    const closed = await withTenant(ctx.database, request.commune!.id, (tx) =>
      revokeAllSessions(tx, actor.accountId, actor.sessionId),
    );
    return reply.redirect(`${base(request)}/compte/sessions?fermees=${closed}`, 303);
  });

  app.get('/c/:slug/compte/historique', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const actor = request.actor!;
    const events = await withTenant(ctx.database, request.commune!.id, (tx) => connectionHistory(tx, actor.accountId));
    return sendPage(request, reply, {
      title: 'Historique de mes connexions',
      children: (
        <>
          <h1 class="govuk-heading-xl">Historique de mes connexions</h1>
          <p class="govuk-body">Les 50 derniers événements de sécurité de votre compte sur ce guichet.</p>
          {events.length === 0 ? (
            <p class="govuk-body">Aucun événement.</p>
          ) : (
            <Table
              caption="Connexions et événements de sécurité"
              columns={[{ label: 'Date' }, { label: 'Événement' }, { label: 'Réseau' }, { label: 'Appareil' }]}
              rows={events.map((e) => [
                formatDateTime(e.occurredAt),
                e.label,
                e.clientAddress ?? '',
                e.userAgent ?? '',
              ])}
            />
          )}
        </>
      ),
    });
  });
}
