// The council's projector view, live (decision 0055): every 3 seconds it asks the same page again
// and replaces the projected region when it changed, without reloading the page. Without
// JavaScript the page reloads itself every 10 seconds (a <noscript> refresh); nothing here is
// needed to follow the séance.
const region = document.querySelector('[data-projection]');
if (region) {
  const note = document.querySelector('[data-projection-note]');
  if (note) note.textContent = 'Écran actualisé en direct.';
  let last = region.innerHTML;
  const refresh = async () => {
    try {
      const response = await fetch(location.href, {
        headers: { accept: 'text/html' },
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (!response.ok) return;
      const next = new DOMParser()
        .parseFromString(await response.text(), 'text/html')
        .querySelector('[data-projection]');
      if (!next || next.innerHTML === last) return;
      last = next.innerHTML;
      region.replaceChildren(...Array.from(next.childNodes, (node) => document.importNode(node, true)));
    } catch {
      // offline for a moment: the next round tries again
    }
  };
  setInterval(refresh, 3_000);
}
