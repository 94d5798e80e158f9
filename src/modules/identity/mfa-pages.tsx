/**
 * Second-factor pages under /c/<slug>/compte/: the challenge after a password sign-in, TOTP
 * enrolment (QR code inlined as SVG markup — the CSP allows no data: images), the recovery codes
 * shown once, the account security page (regenerate codes, disable the app), and the step-up
 * page that sensitive actions send people to. Forms work without JavaScript; wrong input
 * re-renders the form with a French message (never a 500).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isStaff } from '../../platform/authz/actor.js';
import { requireRecentAuthentication, STEP_UP_PATH } from '../../platform/authz/step-up.js';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import { safeReturnPath } from '../../platform/http/return-path.js';
import {
  Button,
  ButtonGroup,
  ConfirmForm,
  CsrfField,
  type FieldErrors,
  Input,
  InsetText,
  SummaryList,
  WarningText,
} from '../../platform/views/components.js';
import { formatDateTime } from '../../platform/views/format.js';
import { type FormBody, formString, handleForm, sendPage } from '../../platform/views/page-kit.js';
import { QrCodeSvg } from '../../platform/views/qr-code.js';
import { hasPassword as accountHasPassword } from './repo.js';
import { setSessionCookie } from './sessions.js';
import { IDENTITY_SETTINGS } from './settings.js';
import { confirmIdentity } from './step-up.js';
import {
  base32Secret,
  beginTotpEnrolment,
  confirmTotpEnrolment,
  countPasskeys,
  countUnusedRecoveryCodes,
  disableTotp,
  findTotpFactor,
  groupedSecret,
  mayDisableTotp,
  regenerateRecoveryCodes,
  STAFF_MUST_KEEP_FACTOR,
  TOTP_SETTINGS,
  totpUri,
  verifySecondFactor,
} from './totp.js';

const _html = 'text/html; charset=utf-8';
type Body = FormBody;

const CODE_LABEL = 'Code à 6 chiffres de votre application';

export function registerMfaPages(app: FastifyInstance, ctx: AppContext): void {
  const base = (request: FastifyRequest) => `/c/${request.commune!.slug}`;
  const securityPath = (request: FastifyRequest) => `${base(request)}/compte/securite`;
  const mfaPath = (request: FastifyRequest) => `${base(request)}/compte/double-authentification`;

  async function factorState(request: FastifyRequest) {
    const actor = request.actor!;
    return withTenant(ctx.database, request.commune!.id, async (tx) => {
      const factor = await findTotpFactor(tx, actor.accountId);
      return {
        factor,
        confirmed: !!factor?.confirmedAt,
        passkeys: await countPasskeys(tx, actor.accountId),
        recoveryCodesLeft: factor?.confirmedAt ? await countUnusedRecoveryCodes(tx, actor.accountId) : 0,
        mayDisable: factor?.confirmedAt ? await mayDisableTotp(tx, actor) : false,
      };
    });
  }

  function backFrom(request: FastifyRequest, values: Body, fallback: string): string {
    return safeReturnPath(values.retour ?? (request.query as Body).retour, fallback);
  }

  // — Challenge (account with an active app, session not yet verified) —
  function challengeForm(
    request: FastifyRequest,
    reply: FastifyReply,
    back: string,
    errors: FieldErrors = {},
    status?: number,
  ) {
    return sendPage(request, reply, {
      title: 'Double authentification',
      errors,
      fieldOrder: ['code'],
      ...(status ? { status } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Double authentification</h1>
          <p class="govuk-body">
            Votre compte est protégé par une double authentification. Ouvrez votre application d’authentification et
            saisissez le code qu’elle affiche pour {request.commune!.name}.
          </p>
          <form method="post" action={mfaPath(request)} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <input type="hidden" name="retour" value={back} />
            <Input
              name="code"
              label={CODE_LABEL}
              labelSize="m"
              hint="Si vous n’avez plus accès à votre téléphone, saisissez l’un de vos codes de secours, par exemple abcd-efgh."
              autocomplete="one-time-code"
              inputmode="text"
              spellcheck={false}
              width={10}
              error={errors.code}
            />
            <Button>Valider</Button>
          </form>
          <p class="govuk-body">
            Vous avez perdu votre téléphone et vos codes de secours ? Contactez la mairie : un agent pourra vérifier
            votre identité et réinitialiser votre double authentification.
          </p>
          <form method="post" action={`${base(request)}/deconnexion`}>
            <CsrfField token={reply.generateCsrf()} />
            <Button variant="secondary">Se déconnecter</Button>
          </form>
        </>
      ),
    });
  }

  // — Enrolment (no active app yet) —
  async function enrolmentForm(
    request: FastifyRequest,
    reply: FastifyReply,
    back: string,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const actor = request.actor!;
    const commune = request.commune!;
    const secret = await beginTotpEnrolment(ctx, commune, actor);
    const uri = totpUri(secret, commune.name, actor.email);
    const required = actor.mfaRequiredNow || isStaff(actor) || actor.isOperator;
    return sendPage(request, reply, {
      title: 'Activer la double authentification',
      errors,
      fieldOrder: ['code'],
      ...(status ? { status } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Activer la double authentification</h1>
          {required ? (
            <InsetText>
              Pour protéger les données des habitants, les agents, les élus et les administrateurs de {commune.name}{' '}
              doivent utiliser une double authentification : en plus du mot de passe, un code à usage unique affiché par
              une application de leur téléphone.
              {actor.isOperator || actor.roles.has('admin')
                ? ' Les administrateurs et les opérateurs doivent l’activer avant d’ouvrir toute page de gestion.'
                : ''}
            </InsetText>
          ) : (
            <p class="govuk-body">
              En plus de votre mot de passe, un code à usage unique affiché par une application de votre téléphone vous
              sera demandé à chaque connexion. Quelqu’un qui découvrirait votre mot de passe ne pourrait pas se
              connecter à votre place.
            </p>
          )}
          <h2 class="govuk-heading-m">1. Installez une application d’authentification</h2>
          <p class="govuk-body">
            Sur votre téléphone, installez une application d’authentification si vous n’en avez pas déjà une, par
            exemple FreeOTP, Aegis, Google Authenticator ou Microsoft Authenticator.
          </p>
          <h2 class="govuk-heading-m">2. Ajoutez votre compte dans l’application</h2>
          <p class="govuk-body">Dans l’application, choisissez d’ajouter un compte, puis scannez ce code QR :</p>
          <p class="govuk-body">
            <QrCodeSvg
              text={uri}
              label={`Code QR à scanner avec votre application d’authentification pour le compte ${actor.email} de ${commune.name}`}
            />
          </p>
          <p class="govuk-body">Si vous ne pouvez pas scanner le code, saisissez cette clé dans l’application :</p>
          <p class="govuk-body">
            <code id="cle-totp" class="govuk-!-font-size-24 govuk-!-font-weight-bold">
              {groupedSecret(base32Secret(secret))}
            </code>
          </p>
          <p class="govuk-body">
            Type de clé : basée sur l’heure (TOTP), {TOTP_SETTINGS.digits} chiffres, toutes les{' '}
            {TOTP_SETTINGS.periodSeconds} secondes. Nom du compte : {actor.email}.
          </p>
          <h2 class="govuk-heading-m">3. Saisissez le code affiché par l’application</h2>
          <form method="post" action={mfaPath(request)} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <input type="hidden" name="retour" value={back} />
            <Input
              name="code"
              label={CODE_LABEL}
              autocomplete="one-time-code"
              inputmode="numeric"
              spellcheck={false}
              width={10}
              error={errors.code}
            />
            <Button>Activer la double authentification</Button>
          </form>
          {actor.mfaRequiredNow ? null : (
            <p class="govuk-body">
              Vous préférez une clé d’accès (empreinte, code de l’appareil ou clé de sécurité) ?{' '}
              <a class="govuk-link" href={`${base(request)}/compte/cles-d-acces`}>
                Ajouter une clé d’accès
              </a>
              .
            </p>
          )}
          {required ? (
            <form method="post" action={`${base(request)}/deconnexion`}>
              <CsrfField token={reply.generateCsrf()} />
              <Button variant="secondary">Se déconnecter</Button>
            </form>
          ) : (
            <p class="govuk-body">
              <a class="govuk-link" href={back}>
                Ne pas activer maintenant
              </a>
            </p>
          )}
        </>
      ),
    });
  }

  // — Passkey only (account protected by a passkey, session signed in with the password) —
  function passkeyOnly(request: FastifyRequest, reply: FastifyReply) {
    return sendPage(request, reply, {
      title: 'Double authentification',
      children: (
        <>
          <h1 class="govuk-heading-xl">Double authentification</h1>
          <p class="govuk-body">
            Votre compte est protégé par une clé d’accès. Déconnectez-vous, puis connectez-vous avec votre clé d’accès.
          </p>
          <form method="post" action={`${base(request)}/deconnexion`}>
            <CsrfField token={reply.generateCsrf()} />
            <Button>Se déconnecter</Button>
          </form>
        </>
      ),
    });
  }

  // — Recovery codes, shown once —
  function recoveryCodesPage(
    request: FastifyRequest,
    reply: FastifyReply,
    codes: string[],
    next: string,
    notice: string,
  ) {
    return sendPage(request, reply, {
      title: 'Vos codes de secours',
      notice: { kind: 'success', title: notice },
      children: (
        <>
          <h1 class="govuk-heading-xl">Vos codes de secours</h1>
          <p class="govuk-body">
            Si vous perdez votre téléphone, chacun de ces {codes.length} codes vous permet de vous connecter une fois à
            la place du code de l’application.
          </p>
          <WarningText>
            Notez ces codes ou imprimez cette page maintenant, et gardez-les en lieu sûr, à part de votre téléphone. Ils
            ne seront plus jamais affichés.
          </WarningText>
          <ul class="govuk-list govuk-list--number" id="codes-de-secours">
            {codes.map((code) => (
              <li key={code}>
                <code class="govuk-!-font-size-24">{code}</code>
              </li>
            ))}
          </ul>
          <Button href={next}>Je les ai notés</Button>
        </>
      ),
    });
  }

  app.get(
    '/c/:slug/compte/double-authentification',
    { config: { policy: 'signedInPendingMfa' } },
    async (request, reply) => {
      const actor = request.actor!;
      const state = await factorState(request);
      if (state.confirmed) {
        const back = backFrom(request, {}, securityPath(request));
        if (actor.mfaVerified) return reply.redirect(back, 303);
        return challengeForm(request, reply, back);
      }
      if (!actor.mfaVerified && state.passkeys > 0) return passkeyOnly(request, reply);
      return enrolmentForm(request, reply, backFrom(request, {}, securityPath(request)));
    },
  );

  app.post(
    '/c/:slug/compte/double-authentification',
    { config: { policy: 'signedInPendingMfa' } },
    async (request, reply) => {
      const actor = request.actor!;
      const commune = request.commune!;
      const body = (request.body ?? {}) as Body;
      const back = backFrom(request, body, securityPath(request));
      const code = formString(body, 'code').slice(0, 100);
      const state = await factorState(request);
      if (state.confirmed) {
        if (actor.mfaVerified) return reply.redirect(back, 303);
        const result = await handleForm(
          () => verifySecondFactor(ctx, commune, actor, code, request),
          (errors, status) => challengeForm(request, reply, back, errors, status),
        );
        if (!result.ok) return result.response;
        setSessionCookie(reply, result.value);
        return reply.redirect(back, 303);
      }
      if (!actor.mfaVerified && state.passkeys > 0) return passkeyOnly(request, reply);
      const result = await handleForm(
        () => confirmTotpEnrolment(ctx, commune, actor, code, request),
        (errors, status) => enrolmentForm(request, reply, back, errors, status),
      );
      if (!result.ok) return result.response;
      setSessionCookie(reply, result.value.sessionToken);
      return recoveryCodesPage(
        request,
        reply,
        result.value.recoveryCodes,
        back,
        'La double authentification est activée sur votre compte.',
      );
    },
  );

  // — Sécurité du compte —
  app.get('/c/:slug/compte/securite', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const actor = request.actor!;
    const state = await factorState(request);
    const query = request.query as Body;
    const notice =
      query.desactivee === '1'
        ? { kind: 'success' as const, title: 'La double authentification par application est désactivée.' }
        : undefined;
    const staffLike = isStaff(actor) || actor.isOperator;
    return sendPage(request, reply, {
      title: 'Sécurité du compte',
      ...(notice ? { notice } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Sécurité du compte</h1>
          <h2 class="govuk-heading-m">Double authentification</h2>
          <SummaryList
            rows={[
              {
                key: 'Application d’authentification',
                value: state.confirmed
                  ? `Activée depuis le ${formatDateTime(state.factor!.confirmedAt!)}`
                  : 'Non activée',
              },
              ...(state.confirmed
                ? [
                    {
                      key: 'Codes de secours',
                      value: `${state.recoveryCodesLeft} code${state.recoveryCodesLeft > 1 ? 's' : ''} inutilisé${state.recoveryCodesLeft > 1 ? 's' : ''} sur ${TOTP_SETTINGS.recoveryCodeCount}`,
                    },
                  ]
                : []),
              {
                key: 'Clés d’accès',
                value: state.passkeys === 0 ? 'Aucune' : `${state.passkeys} clé${state.passkeys > 1 ? 's' : ''}`,
              },
            ]}
          />
          {state.confirmed ? (
            <>
              {state.recoveryCodesLeft <= 3 && (
                <WarningText>Il vous reste peu de codes de secours : générez-en de nouveaux et notez-les.</WarningText>
              )}
              <ButtonGroup>
                <Button href={`${securityPath(request)}/codes-de-secours`} variant="secondary">
                  Générer de nouveaux codes de secours
                </Button>
                {state.mayDisable && (
                  <Button href={`${securityPath(request)}/desactiver-application`} variant="warning">
                    Désactiver l’application d’authentification
                  </Button>
                )}
              </ButtonGroup>
              {!state.mayDisable && <p class="govuk-body">{STAFF_MUST_KEEP_FACTOR}</p>}
            </>
          ) : (
            <>
              <p class="govuk-body">
                {staffLike
                  ? 'En tant qu’agent, élu ou administrateur, vous devez activer une double authentification.'
                  : 'La double authentification est facultative pour les habitants, mais elle protège votre compte même si votre mot de passe est découvert.'}
              </p>
              <Button href={`${mfaPath(request)}?retour=${encodeURIComponent(securityPath(request))}`}>
                Activer la double authentification
              </Button>
            </>
          )}
          <h2 class="govuk-heading-m">Connexions</h2>
          <ul class="govuk-list">
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
          </ul>
        </>
      ),
    });
  });

  // — Nouveaux codes de secours (step-up) —
  const regeneratePath = (request: FastifyRequest) => `${securityPath(request)}/codes-de-secours`;

  app.get(
    '/c/:slug/compte/securite/codes-de-secours',
    { config: { policy: 'signedIn', stepUp: true } },
    async (request, reply) => {
      const state = await factorState(request);
      if (!state.confirmed) return reply.redirect(securityPath(request), 303);
      return sendPage(request, reply, {
        title: 'Générer de nouveaux codes de secours',
        children: (
          <>
            <h1 class="govuk-heading-xl">Générer de nouveaux codes de secours</h1>
            <p class="govuk-body">
              Vous allez recevoir {TOTP_SETTINGS.recoveryCodeCount} nouveaux codes. Vos anciens codes de secours,
              utilisés ou non, ne fonctionneront plus.
            </p>
            <ConfirmForm
              action={regeneratePath(request)}
              csrfToken={reply.generateCsrf()}
              button="Générer de nouveaux codes"
              cancelHref={securityPath(request)}
              warning={false}
            />
          </>
        ),
      });
    },
  );

  app.post(
    '/c/:slug/compte/securite/codes-de-secours',
    { config: { policy: 'signedIn', stepUp: (request) => regeneratePath(request) } },
    async (request, reply) => {
      const codes = await regenerateRecoveryCodes(ctx, request.commune!, request.actor!, request);
      return recoveryCodesPage(
        request,
        reply,
        codes,
        securityPath(request),
        'Vos nouveaux codes de secours sont prêts. Les anciens ne fonctionnent plus.',
      );
    },
  );

  // — Désactiver l’application (step-up; refusé aux agents, élus et administrateurs) —
  const disablePath = (request: FastifyRequest) => `${securityPath(request)}/desactiver-application`;

  app.get(
    '/c/:slug/compte/securite/desactiver-application',
    { config: { policy: 'signedIn' } },
    async (request, reply) => {
      const state = await factorState(request);
      if (!state.confirmed) return reply.redirect(securityPath(request), 303);
      if (!state.mayDisable) {
        return sendPage(request, reply, {
          status: 403,
          title: 'Désactivation impossible',
          children: (
            <>
              <h1 class="govuk-heading-xl">Désactivation impossible</h1>
              <p class="govuk-body">{STAFF_MUST_KEEP_FACTOR}</p>
              <p class="govuk-body">
                <a class="govuk-link" href={securityPath(request)}>
                  Retour à la sécurité du compte
                </a>
              </p>
            </>
          ),
        });
      }
      const stepUp = requireRecentAuthentication(request, reply);
      if (stepUp) return stepUp;
      return sendPage(request, reply, {
        title: 'Désactiver l’application d’authentification',
        children: (
          <>
            <h1 class="govuk-heading-xl">Désactiver l’application d’authentification</h1>
            <WarningText>
              Sans double authentification, quelqu’un qui découvrirait votre mot de passe pourrait se connecter à votre
              place.
            </WarningText>
            <p class="govuk-body">
              Vos codes de secours seront supprimés. Vous pourrez réactiver la double authentification plus tard.
            </p>
            <ConfirmForm
              action={disablePath(request)}
              csrfToken={reply.generateCsrf()}
              button="Désactiver"
              cancelHref={securityPath(request)}
            />
          </>
        ),
      });
    },
  );

  app.post(
    '/c/:slug/compte/securite/desactiver-application',
    { config: { policy: 'signedIn', stepUp: (request) => disablePath(request) } },
    async (request, reply) => {
      await disableTotp(ctx, request.commune!, request.actor!, request);
      return reply.redirect(`${securityPath(request)}?desactivee=1`, 303);
    },
  );

  // — Confirmer son identité (step-up) —
  const stepUpPath = (request: FastifyRequest) => `${base(request)}${STEP_UP_PATH}`;

  async function stepUpForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Body,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const actor = request.actor!;
    const back = backFrom(request, values, securityPath(request));
    const { confirmed, hasPassword } = await withTenant(ctx.database, request.commune!.id, async (tx) => {
      const factor = await findTotpFactor(tx, actor.accountId);
      return { confirmed: !!factor?.confirmedAt, hasPassword: await accountHasPassword(tx, actor.accountId) };
    });
    const asked = formString(values, 'methode') || formString(request.query, 'methode');
    const method: 'code' | 'mot-de-passe' | 'aucune' =
      confirmed && (asked !== 'mot-de-passe' || !hasPassword) ? 'code' : hasPassword ? 'mot-de-passe' : 'aucune';
    const switchTo = (target: string) => `${stepUpPath(request)}?retour=${encodeURIComponent(back)}&methode=${target}`;
    return sendPage(request, reply, {
      title: 'Confirmez votre identité',
      errors,
      fieldOrder: ['code', 'password'],
      ...(status ? { status } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Confirmez votre identité</h1>
          <p class="govuk-body">
            Cette action est sensible. Par sécurité, confirmez qu’il s’agit bien de vous : nous ne vous le redemanderons
            pas pendant {IDENTITY_SETTINGS.stepUpMinutes} minutes.
          </p>
          {method === 'aucune' ? (
            <>
              <p class="govuk-body">
                Votre compte n’a pas de mot de passe : déconnectez-vous, puis reconnectez-vous pour confirmer votre
                identité.
              </p>
              <form method="post" action={`${base(request)}/deconnexion`}>
                <CsrfField token={reply.generateCsrf()} />
                <Button>Se déconnecter</Button>
              </form>
            </>
          ) : (
            <form method="post" action={stepUpPath(request)} novalidate>
              <CsrfField token={reply.generateCsrf()} />
              <input type="hidden" name="retour" value={back} />
              <input type="hidden" name="methode" value={method} />
              {method === 'code' ? (
                <Input
                  name="code"
                  label={CODE_LABEL}
                  autocomplete="one-time-code"
                  inputmode="numeric"
                  spellcheck={false}
                  width={10}
                  error={errors.code}
                />
              ) : (
                <Input
                  name="password"
                  type="password"
                  label="Mot de passe"
                  autocomplete="current-password"
                  error={errors.password}
                />
              )}
              <Button>Confirmer</Button>
            </form>
          )}
          {method === 'code' && hasPassword && (
            <p class="govuk-body">
              <a class="govuk-link" href={switchTo('mot-de-passe')}>
                Utiliser plutôt mon mot de passe
              </a>
            </p>
          )}
          {method === 'mot-de-passe' && confirmed && (
            <p class="govuk-body">
              <a class="govuk-link" href={switchTo('code')}>
                Utiliser plutôt un code de mon application
              </a>
            </p>
          )}
          <p class="govuk-body">
            <a class="govuk-link" href={back}>
              Annuler
            </a>
          </p>
        </>
      ),
    });
  }

  app.get(`/c/:slug${STEP_UP_PATH}`, { config: { policy: 'signedIn' } }, async (request, reply) =>
    stepUpForm(request, reply, {}),
  );

  app.post(`/c/:slug${STEP_UP_PATH}`, { config: { policy: 'signedIn' } }, async (request, reply) => {
    const body = (request.body ?? {}) as Body;
    const back = backFrom(request, body, securityPath(request));
    const method = formString(body, 'methode') === 'code' ? 'totp' : 'password';
    const secret = formString(body, method === 'totp' ? 'code' : 'password').slice(0, 1100);
    const result = await handleForm(
      () => confirmIdentity(ctx, request.commune!, request.actor!, { method, secret }, request),
      (errors, status) => stepUpForm(request, reply, body, errors, status),
    );
    if (!result.ok) return result.response;
    return reply.redirect(back, 303);
  });
}
