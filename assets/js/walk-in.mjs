// The walk-in ticket's page, live: asks the ticket's state every 15 seconds and updates the
// announced region when it changes (« C’est à vous : présentez-vous au Guichet 2. »). Without
// JavaScript the page has an « Actualiser » link; nothing here is needed to use it.
const region = document.querySelector('[data-ticket-state]');
if (region) {
  const url = region.getAttribute('data-ticket-state');
  let last = region.textContent.trim();
  const refresh = async () => {
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (!response.ok) return;
      const { statut, texte } = await response.json();
      if (texte === last) return;
      last = texte;
      const p = document.createElement('p');
      p.className = statut === 'appele' ? 'govuk-body-l govuk-!-font-weight-bold' : 'govuk-body-l';
      p.textContent = texte;
      region.replaceChildren(p);
      if (statut === 'appele' && 'vibrate' in navigator) navigator.vibrate(400);
      if (statut !== 'attente') clearInterval(timer);
    } catch {
      // offline for a moment: the next round tries again
    }
  };
  const timer = setInterval(refresh, 15_000);
}
