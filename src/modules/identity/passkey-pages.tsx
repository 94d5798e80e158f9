/**
 * Passkey pages: « Mes clés d’accès » (list, add, remove) under /c/<slug>/compte/cles-d-acces,
 * and passwordless sign-in under /c/<slug>/connexion/cle-d-acces. Adding a passkey and signing in
 * with one need JavaScript (the WebAuthn API): /static/js/passkey.mjs enhances the forms and talks
 * to the JSON endpoints; without JavaScript the pages say so and point to what works (removal
 * works without it).
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isRecentlyAuthenticated, stepUpUrl } from '../../platform/authz/step-up.js';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import { safeReturnPath } from '../../platform/http/return-path.js';
import { Button, CsrfField, Input, Table } from '../../platform/views/components.js';
import { formatDateTime } from '../../platform/views/format.js';
import { type FormBody, type PageSpec, sendPage } from '../../platform/views/page-kit.js';
import {
  authenticationOptions,
  clearSignInCookie,
  finishAuthentication,
  finishRegistration,
  listPasskeys,
  PASSKEY_NAME_MAX,
  PASSKEY_SIGN_IN_COOKIE,
  registrationOptions,
  removePasskey,
} from './passkeys.js';
import { setSessionCookie } from './sessions.js';
import { IDENTITY_SETTINGS } from './settings.js';

const PASSKEY_SCRIPT = '/static/js/passkey.mjs';
type Body = FormBody;

/** The passkey pages, with their script (progressive enhancement: the forms work without it). */
function passkeyPage(request: FastifyRequest, reply: FastifyReply, page: Omit<PageSpec, 'scripts'>) {
  return sendPage(request, reply, { ...page, scripts: [PASSKEY_SCRIPT] });
}

function sendJson(reply: FastifyReply, value: unknown) {
  return reply.type('application/json; charset=utf-8').header('cache-control', 'no-store').send(value);
}

/** Error summary filled and shown by passkey.mjs when a ceremony fails. */
function ScriptErrorSummary() {
  return (
    <div class="govuk-error-summary" data-passkey-error hidden tabindex={-1}>
      <div role="alert">
        <h2 class="govuk-error-summary__title">Il y a un problème</h2>
        <div class="govuk-error-summary__body">
          <p class="govuk-body" data-passkey-error-text />
        </div>
      </div>
    </div>
  );
}

export function registerPasskeyPages(app: FastifyInstance, ctx: AppContext): void {
  const base = (request: FastifyRequest) => `/c/${request.commune!.slug}`;

  // — Mes clés d’accès —
  app.get('/c/:slug/compte/cles-d-acces', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const actor = request.actor!;
    const passkeys = await withTenant(ctx.database, request.commune!.id, (tx) => listPasskeys(tx, actor.accountId));
    const query = request.query as Body;
    const token = reply.generateCsrf();
    const page = `${base(request)}/compte/cles-d-acces`;
    // Adding a passkey is a change of one's own factors: it needs a recent authentication.
    const recent = isRecentlyAuthenticated(actor);
    const confirmUrl = stepUpUrl(request.commune!, page);
    const notice =
      query.ajoutee === '1'
        ? {
            kind: 'success' as const,
            title: 'Votre clé d’accès a été ajoutée.',
            text: 'Vous pourrez l’utiliser à votre prochaine connexion, sans mot de passe.',
          }
        : query.supprimee === '1'
          ? {
              kind: 'success' as const,
              title: 'La clé d’accès a été supprimée de votre compte.',
              text: 'Elle ne permet plus de vous connecter. Vous pouvez aussi l’effacer de votre appareil ou de votre gestionnaire de mots de passe.',
            }
          : undefined;
    return passkeyPage(request, reply, {
      title: 'Mes clés d’accès',
      ...(notice ? { notice } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Mes clés d’accès</h1>
          <p class="govuk-body">
            Une clé d’accès vous connecte sans mot de passe : votre téléphone, votre ordinateur ou votre clé de sécurité
            vous demande votre empreinte, votre visage ou votre code de déverrouillage. Elle ne fonctionne que sur ce
            guichet : un faux site ne peut pas s’en servir. Elle compte aussi comme double authentification.
          </p>
          {passkeys.length === 0 ? (
            <p class="govuk-body">Vous n’avez pas encore de clé d’accès.</p>
          ) : (
            <Table
              caption="Clés d’accès de votre compte"
              columns={[
                { label: 'Nom' },
                { label: 'Ajoutée le' },
                { label: 'Dernière utilisation' },
                { label: 'Action' },
              ]}
              rows={passkeys.map((p) => [
                p.name,
                formatDateTime(p.createdAt),
                p.lastUsedAt ? formatDateTime(p.lastUsedAt) : 'jamais',
                <form method="post" action={`${page}/supprimer`} key={p.id}>
                  <CsrfField token={token} />
                  <input type="hidden" name="cle" value={p.id} />
                  <Button variant="warning">
                    Supprimer<span class="govuk-visually-hidden"> la clé « {p.name} »</span>
                  </Button>
                </form>,
              ])}
            />
          )}

          <h2 class="govuk-heading-l">Ajouter une clé d’accès</h2>
          <ScriptErrorSummary />
          <div class="govuk-inset-text" data-passkey-nojs>
            Pour ajouter une clé d’accès, votre navigateur doit exécuter JavaScript, qui n’est pas activé. Activez-le
            puis rechargez cette page.
          </div>
          <div class="govuk-inset-text" data-passkey-unsupported hidden>
            Votre navigateur ne permet pas d’utiliser les clés d’accès. Mettez-le à jour, ou utilisez un autre
            navigateur.
          </div>
          {recent ? (
            <form
              method="post"
              action={page}
              data-passkey="register"
              data-passkey-options={`${page}/options`}
              data-passkey-step-up={confirmUrl}
              hidden
              novalidate
            >
              <CsrfField token={token} />
              <Input
                name="name"
                label="Nom de la clé (facultatif)"
                hint={`Pour la reconnaître dans la liste, par exemple « Téléphone personnel ». ${PASSKEY_NAME_MAX} caractères au plus.`}
                autocomplete="off"
                spellcheck={false}
                width="two-thirds"
              />
              <Button>Ajouter une clé d’accès</Button>
              <p class="govuk-body" data-passkey-status aria-live="polite" />
            </form>
          ) : (
            <>
              <p class="govuk-body">
                Par sécurité, confirmez d’abord votre identité : votre dernière authentification date de plus de{' '}
                {IDENTITY_SETTINGS.stepUpMinutes} minutes.
              </p>
              <Button href={confirmUrl} variant="secondary">
                Confirmer mon identité
              </Button>
            </>
          )}
          <p class="govuk-body">
            <a class="govuk-link" href={`${base(request)}/compte`}>
              Retour à mon compte
            </a>
          </p>
        </>
      ),
    });
  });

  app.post(
    '/c/:slug/compte/cles-d-acces/options',
    { config: { policy: 'signedIn', stepUp: true } },
    async (request, reply) => {
      // JSON: a stale authentication gets a 401 with code auth.step_up_required (passkey.mjs then
      // goes to the step-up page).
      return sendJson(reply, await registrationOptions(ctx, request.commune!, request.actor!));
    },
  );

  app.post('/c/:slug/compte/cles-d-acces', { config: { policy: 'signedIn' } }, async (request, reply) => {
    await finishRegistration(ctx, request.commune!, request.actor!, request.body, request);
    return sendJson(reply, { redirect: `${base(request)}/compte/cles-d-acces?ajoutee=1` });
  });

  app.post(
    '/c/:slug/compte/cles-d-acces/supprimer',
    { config: { policy: 'signedIn', stepUp: (request) => `${base(request)}/compte/cles-d-acces` } },
    async (request, reply) => {
      const body = (request.body ?? {}) as Body;
      const id = typeof body.cle === 'string' ? body.cle : '';
      await removePasskey(ctx, request.commune!, request.actor!, id, request);
      return reply.redirect(`${base(request)}/compte/cles-d-acces?supprimee=1`, 303);
    },
  );

  // — Connexion avec une clé d’accès —
  app.get('/c/:slug/connexion/cle-d-acces', { config: { policy: 'anonymous' } }, async (request, reply) => {
    const back = safeReturnPath((request.query as Body).retour, `${base(request)}/espace`);
    const passwordForm = `${base(request)}/connexion?retour=${encodeURIComponent(back)}`;
    return passkeyPage(request, reply, {
      title: 'Se connecter avec une clé d’accès',
      children: (
        <>
          <h1 class="govuk-heading-xl">Se connecter avec une clé d’accès</h1>
          <p class="govuk-body">
            Votre téléphone, votre ordinateur ou votre clé de sécurité vous demandera votre empreinte, votre visage ou
            votre code de déverrouillage. Vous n’avez pas besoin de mot de passe.
          </p>
          <ScriptErrorSummary />
          <div class="govuk-inset-text" data-passkey-nojs>
            La connexion avec une clé d’accès a besoin de JavaScript, qui n’est pas activé dans votre navigateur.
            Activez-le puis rechargez cette page, ou{' '}
            <a class="govuk-link" href={passwordForm}>
              connectez-vous avec votre adresse électronique et votre mot de passe
            </a>
            .
          </div>
          <div class="govuk-inset-text" data-passkey-unsupported hidden>
            Votre navigateur ne permet pas d’utiliser les clés d’accès.{' '}
            <a class="govuk-link" href={passwordForm}>
              Connectez-vous avec votre adresse électronique et votre mot de passe
            </a>
            .
          </div>
          <form
            method="post"
            action={`${base(request)}/connexion/cle-d-acces`}
            data-passkey="sign-in"
            data-passkey-options={`${base(request)}/connexion/cle-d-acces/options`}
            hidden
            novalidate
          >
            <CsrfField token={reply.generateCsrf()} />
            <input type="hidden" name="retour" value={back} />
            <Button>Se connecter avec une clé d’accès</Button>
            <p class="govuk-body" data-passkey-status aria-live="polite" />
          </form>
          <p class="govuk-body">
            <a class="govuk-link" href={passwordForm}>
              Se connecter avec un mot de passe
            </a>
          </p>
          <h2 class="govuk-heading-m">Pas encore de clé d’accès ?</h2>
          <p class="govuk-body">
            Connectez-vous avec votre mot de passe, puis ajoutez une clé depuis « Mon compte », rubrique « Mes clés
            d’accès ».
          </p>
        </>
      ),
    });
  });

  app.post('/c/:slug/connexion/cle-d-acces/options', { config: { policy: 'anonymous' } }, async (request, reply) =>
    sendJson(reply, await authenticationOptions(ctx, request.commune!, reply)),
  );

  app.post('/c/:slug/connexion/cle-d-acces', { config: { policy: 'anonymous' } }, async (request, reply) => {
    const browserToken = request.cookies[PASSKEY_SIGN_IN_COOKIE];
    clearSignInCookie(reply);
    const result = await finishAuthentication(ctx, request.commune!, request.body, browserToken, request);
    setSessionCookie(reply, result.token);
    return sendJson(reply, { redirect: safeReturnPath(result.retour, `${base(request)}/espace`) });
  });
}
