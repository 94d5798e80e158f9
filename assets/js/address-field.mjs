// The place of a street report (src/modules/requests/place-fields.tsx), enhanced: suggestions of
// the commune's addresses while typing (the ARIA 1.2 combobox pattern: arrows, Entrée, Échap), and
// « Utiliser ma position » (the browser's geolocation, then the nearest address in Guichet's own
// table). Both call Guichet only: no request leaves it. Without JavaScript the fields stay plain.

const DELAY_MS = 200;

function enhance(container) {
  const suggestUrl = container.dataset.suggest;
  const nearestUrl = container.dataset.nearest;
  for (const key of container.dataset.guichetPlaces.split(' ')) {
    const line1 = document.getElementById(`${key}-line1`);
    const postcode = document.getElementById(`${key}-postcode`);
    const city = document.getElementById(`${key}-city`);
    if (!line1 || !postcode || !city) continue;
    const fill = (address) => {
      line1.value = address.label;
      postcode.value = address.postcode;
      city.value = address.city;
    };

    // A polite status line, shared by the suggestions and the position.
    const status = document.createElement('div');
    status.className = 'govuk-visually-hidden';
    status.setAttribute('role', 'status');
    status.id = `${key}-adresses-statut`;
    line1.after(status);

    // — Suggestions (combobox) —
    const list = document.createElement('ul');
    list.id = `${key}-adresses`;
    list.className = 'guichet-suggestions';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', 'Adresses proposées');
    list.hidden = true;
    line1.after(list);
    line1.setAttribute('role', 'combobox');
    line1.setAttribute('aria-autocomplete', 'list');
    line1.setAttribute('aria-expanded', 'false');
    line1.setAttribute('aria-controls', list.id);
    line1.setAttribute('autocomplete', 'off');
    const hint = document.createElement('div');
    hint.className = 'govuk-hint';
    hint.id = `${key}-line1-aide`;
    hint.textContent = 'Tapez le début de l’adresse\u00a0: des adresses de la commune vous seront proposées.';
    line1.before(hint);
    line1.setAttribute('aria-describedby', [line1.getAttribute('aria-describedby'), hint.id].filter(Boolean).join(' '));

    let items = [];
    let active = -1;
    let timer = 0;
    let asked = 0;
    const close = () => {
      list.hidden = true;
      list.replaceChildren();
      items = [];
      active = -1;
      line1.setAttribute('aria-expanded', 'false');
      line1.removeAttribute('aria-activedescendant');
    };
    const highlight = (index) => {
      active = index;
      list.querySelectorAll('[role="option"]').forEach((option, i) => {
        option.setAttribute('aria-selected', String(i === index));
      });
      if (index >= 0) line1.setAttribute('aria-activedescendant', `${list.id}-${index}`);
      else line1.removeAttribute('aria-activedescendant');
    };
    const choose = (index) => {
      const address = items[index];
      if (!address) return;
      fill(address);
      close();
      status.textContent = `Adresse choisie\u00a0: ${address.label}, ${address.postcode} ${address.city}.`;
    };
    const show = (addresses) => {
      items = addresses;
      list.replaceChildren(
        ...addresses.map((address, i) => {
          const option = document.createElement('li');
          option.id = `${list.id}-${i}`;
          option.setAttribute('role', 'option');
          option.setAttribute('aria-selected', 'false');
          option.textContent = `${address.label}, ${address.postcode} ${address.city}`;
          // mousedown, not click: the field keeps the focus.
          option.addEventListener('mousedown', (event) => {
            event.preventDefault();
            choose(i);
          });
          return option;
        }),
      );
      list.hidden = addresses.length === 0;
      line1.setAttribute('aria-expanded', String(addresses.length > 0));
      active = -1;
      status.textContent =
        addresses.length === 0
          ? ''
          : `${addresses.length} adresse${addresses.length > 1 ? 's' : ''} proposée${addresses.length > 1 ? 's' : ''}\u00a0: flèches haut et bas pour choisir, Entrée pour valider.`;
    };
    line1.addEventListener('input', () => {
      clearTimeout(timer);
      const q = line1.value.trim();
      if (q.length < 2) return close();
      timer = setTimeout(async () => {
        const ticket = ++asked;
        try {
          const response = await fetch(`${suggestUrl}?q=${encodeURIComponent(q)}`, {
            headers: { accept: 'application/json' },
          });
          if (!response.ok || ticket !== asked) return;
          show((await response.json()).addresses ?? []);
        } catch {
          close();
        }
      }, DELAY_MS);
    });
    line1.addEventListener('keydown', (event) => {
      if (list.hidden) return;
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === 'ArrowUp') {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === 'Enter' && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === 'Escape') {
        event.preventDefault();
        close();
      }
    });
    line1.addEventListener('blur', () => setTimeout(close, 150));

    // — « Utiliser ma position » —
    if (!('geolocation' in navigator)) continue;
    const group = document.createElement('div');
    group.className = 'govuk-form-group';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'govuk-button govuk-button--secondary govuk-!-margin-bottom-2';
    button.textContent = 'Utiliser ma position';
    const said = document.createElement('p');
    said.className = 'govuk-body govuk-!-margin-bottom-0';
    said.setAttribute('role', 'status');
    said.id = `${key}-position-statut`;
    group.append(button, said);
    line1.closest('.govuk-form-group').before(group);
    button.addEventListener('click', () => {
      said.textContent = 'Recherche de votre position…';
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        async (position) => {
          try {
            const { latitude, longitude } = position.coords;
            const response = await fetch(`${nearestUrl}?lat=${latitude.toFixed(6)}&lon=${longitude.toFixed(6)}`, {
              headers: { accept: 'application/json' },
            });
            const body = await response.json();
            if (body.address) {
              fill(body.address);
              said.textContent = `Adresse la plus proche de votre position (à ${body.address.distance}\u00a0m environ)\u00a0: ${body.address.label}. Vérifiez-la, et corrigez-la si besoin.`;
            } else {
              said.textContent =
                body.message ?? 'Aucune adresse trouvée près de votre position\u00a0: saisissez l’adresse.';
            }
          } catch {
            said.textContent = 'La recherche de l’adresse a échoué\u00a0: saisissez l’adresse.';
          } finally {
            button.disabled = false;
          }
        },
        (error) => {
          button.disabled = false;
          said.textContent =
            error.code === error.PERMISSION_DENIED
              ? 'Vous n’avez pas autorisé la localisation\u00a0: saisissez l’adresse.'
              : 'Votre position n’a pas pu être déterminée\u00a0: saisissez l’adresse.';
        },
        { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
      );
    });
  }
}

for (const container of document.querySelectorAll('[data-guichet-places]')) enhance(container);
