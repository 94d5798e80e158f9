// The spam ladder's challenge (src/platform/antispam): runs the ALTCHA widget, served by Guichet
// itself (/static/js/altcha.min.js, its SHA worker and its CSS: no third party), in French. The
// question for browsers without JavaScript is hidden once the widget runs, and shown again if the
// widget fails.
import './altcha.min.js';

const altcha = globalThis.$altcha;
if (altcha) {
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = '/static/css/altcha.css';
  document.head.append(link);
  altcha.i18n.set('fr', {
    ariaLinkLabel: 'ALTCHA',
    error: 'La vérification a échoué. Répondez à la question ci-dessous.',
    expired: 'La vérification a expiré. Cochez à nouveau la case.',
    footer: '',
    label: 'Je ne suis pas un robot',
    loading: 'Chargement…',
    reload: 'Recommencer',
    verify: 'Vérifier',
    verificationRequired: 'Cochez « Je ne suis pas un robot »\u00a0!',
    verified: 'Vérification faite',
    verifying: 'Vérification en cours…',
    waitAlert: 'Vérification en cours, veuillez patienter…',
    cancel: 'Annuler',
  });
  const worker = () => new Worker(new URL('./altcha-sha-worker.js', import.meta.url));
  for (const name of ['SHA-256', 'SHA-384', 'SHA-512']) altcha.algorithms.set(name, worker);
  for (const widget of document.querySelectorAll('altcha-widget')) {
    const question = widget.parentElement?.querySelector('[data-guichet-question]');
    if (!question) continue;
    question.hidden = true;
    widget.addEventListener('statechange', (event) => {
      if (event.detail?.state === 'error') question.hidden = false;
    });
  }
}
