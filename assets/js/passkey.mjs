// Passkeys (WebAuthn) on the pages « Mes clés d’accès » and « Se connecter avec une clé
// d’accès ». Progressive enhancement: without JavaScript those pages explain that a passkey needs
// it; here the hidden forms are shown and their submission runs the WebAuthn ceremony:
//   1. POST <data-passkey-options> (JSON, CSRF header) → options with a single-use challenge;
//   2. the browser asks the authenticator (fingerprint, face, PIN…);
//   3. POST <form action> with the response → { redirect }.
// Loaded as a same-origin ES module (strict CSP: no inline script). The UMD bundle of
// @simplewebauthn/browser sets globalThis.SimpleWebAuthnBrowser when imported.
import './simplewebauthn-browser.umd.min.js';

const { browserSupportsWebAuthn, startAuthentication, startRegistration } = globalThis.SimpleWebAuthnBrowser;

const MESSAGES = {
  cancelled: 'L’opération a été annulée ou le délai est dépassé. Recommencez en cliquant à nouveau sur le bouton.',
  alreadyRegistered: 'Cet appareil a déjà une clé d’accès pour votre compte : elle figure dans la liste ci-dessus.',
  securityError:
    'Votre navigateur a refusé la clé d’accès pour cette adresse. Vérifiez que vous êtes bien sur l’adresse officielle du guichet.',
  browser:
    'Votre navigateur n’a pas pu utiliser de clé d’accès. Réessayez, ou utilisez une autre méthode de connexion.',
  network: 'Le guichet ne répond pas. Vérifiez votre connexion à Internet, puis réessayez.',
  server: 'Une erreur s’est produite. Réessayez dans quelques instants.',
  waitingRegister: 'Suivez les instructions de votre navigateur pour créer la clé d’accès…',
  waitingSignIn: 'Suivez les instructions de votre navigateur pour utiliser votre clé d’accès…',
  done: 'C’est fait, un instant…',
};

/** An error whose message is already written for people (from the server or above). */
class ShownError extends Error {
  constructor(message, code = '') {
    super(message);
    this.code = code;
  }
}

async function postJson(url, body, csrfToken) {
  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-csrf-token': csrfToken,
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ShownError(MESSAGES.network);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    // not JSON: handled below
  }
  if (!response.ok) throw new ShownError(data?.error?.message || MESSAGES.server, data?.error?.code);
  if (!data || typeof data !== 'object') throw new ShownError(MESSAGES.server);
  return data;
}

/** French message for an error thrown by the WebAuthn ceremony. */
function messageFor(error) {
  if (error instanceof ShownError) return error.message;
  const code = error?.code;
  const name = error?.name ?? error?.cause?.name;
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || name === 'InvalidStateError') {
    return MESSAGES.alreadyRegistered;
  }
  if (name === 'NotAllowedError' || name === 'AbortError' || code === 'ERROR_CEREMONY_ABORTED') {
    return MESSAGES.cancelled;
  }
  if (name === 'SecurityError') return MESSAGES.securityError;
  return MESSAGES.browser;
}

function showError(message) {
  const summary = document.querySelector('[data-passkey-error]');
  const text = document.querySelector('[data-passkey-error-text]');
  if (!summary || !text) return;
  text.textContent = message;
  summary.hidden = false;
  summary.focus();
}

function hideError() {
  const summary = document.querySelector('[data-passkey-error]');
  if (summary) summary.hidden = true;
}

function enhance(form) {
  const kind = form.dataset.passkey;
  const optionsUrl = form.dataset.passkeyOptions;
  const status = form.querySelector('[data-passkey-status]');
  const button = form.querySelector('button[type="submit"]');
  const csrf = form.querySelector('input[name="_csrf"]')?.value ?? '';
  let busy = false;

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    hideError();
    if (button) button.disabled = true;
    if (status) status.textContent = kind === 'register' ? MESSAGES.waitingRegister : MESSAGES.waitingSignIn;
    try {
      const optionsJSON = await postJson(optionsUrl, {}, csrf);
      let result;
      if (kind === 'register') {
        const response = await startRegistration({ optionsJSON });
        const name = form.querySelector('input[name="name"]')?.value ?? '';
        result = await postJson(form.action, { name, response }, csrf);
      } else {
        const response = await startAuthentication({ optionsJSON });
        const retour = form.querySelector('input[name="retour"]')?.value ?? '';
        result = await postJson(form.action, { retour, response }, csrf);
      }
      if (typeof result.redirect !== 'string' || !result.redirect.startsWith('/'))
        throw new ShownError(MESSAGES.server);
      if (status) status.textContent = MESSAGES.done;
      window.location.assign(result.redirect);
    } catch (error) {
      // The last authentication became too old while the page was open: confirm it, come back.
      if (error instanceof ShownError && error.code === 'auth.step_up_required' && form.dataset.passkeyStepUp) {
        window.location.assign(form.dataset.passkeyStepUp);
        return;
      }
      if (!(error instanceof ShownError)) console.info('Guichet : clé d’accès', error);
      if (status) status.textContent = '';
      showError(messageFor(error));
      if (button) button.disabled = false;
      busy = false;
    }
  });
}

for (const element of document.querySelectorAll('[data-passkey-nojs]')) element.hidden = true;
if (browserSupportsWebAuthn()) {
  for (const form of document.querySelectorAll('form[data-passkey]')) {
    enhance(form);
    form.hidden = false;
  }
} else {
  for (const element of document.querySelectorAll('[data-passkey-unsupported]')) element.hidden = false;
}
