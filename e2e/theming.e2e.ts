/**
 * Per-commune theming: each commune's header has its own background colour, and the header text
 * keeps a contrast of at least 4.5:1 on it (computed from the computed styles).
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { contrastRatio, launchBrowser, newContext, parseRgb, url } from './support.js';

let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  browser = await launchBrowser();
  context = await newContext(browser, 'bureau');
});

afterAll(async () => {
  await browser?.close();
});

interface HeaderColours {
  background: string;
  /** Colour of each piece of header text (commune name link). */
  texts: Array<{ text: string; color: string }>;
}

async function headerColours(path: string, communeName: string): Promise<HeaderColours> {
  const page = await context.newPage();
  try {
    await page.goto(url(path), { waitUntil: 'load' });
    const link = page.getByRole('banner').getByRole('link', { name: communeName, exact: true });
    expect(await link.isVisible()).toBe(true);
    return await link.evaluate((el) => {
      // The background behind the link: the first ancestor with an opaque background.
      let background = 'rgba(0, 0, 0, 0)';
      for (let node: Element | null = el; node; node = node.parentElement) {
        const bg = getComputedStyle(node).backgroundColor;
        if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') {
          background = bg;
          break;
        }
      }
      const texts = [el, ...Array.from(el.querySelectorAll('*'))]
        .filter((n) =>
          Array.from(n.childNodes).some((c) => c.nodeType === Node.TEXT_NODE && (c.textContent ?? '').trim() !== ''),
        )
        .map((n) => ({ text: (n.textContent ?? '').trim(), color: getComputedStyle(n).color }));
      return { background, texts };
    });
  } finally {
    await page.close();
  }
}

const COMMUNES = [
  { path: '/c/villebelle/', name: 'Villebelle', brand: 'rgb(29, 79, 145)' },
  { path: '/c/saint-aubin-les-pres/', name: 'Saint-Aubin-les-Prés', brand: 'rgb(46, 125, 50)' },
];

test('Villebelle et Saint-Aubin-les-Prés ont des en-têtes de couleurs différentes, celles de leur thème', async () => {
  const [villebelle, saintAubin] = await Promise.all(COMMUNES.map((c) => headerColours(c.path, c.name)));
  expect(villebelle!.background).toBe(COMMUNES[0]!.brand);
  expect(saintAubin!.background).toBe(COMMUNES[1]!.brand);
  expect(villebelle!.background).not.toBe(saintAubin!.background);
});

test.each(COMMUNES)('$name : le texte de l’en-tête a un contraste d’au moins 4,5:1', async ({ path, name }) => {
  const { background, texts } = await headerColours(path, name);
  expect(parseRgb(background).a).toBe(1);
  expect(texts.map((t) => t.text)).toContain(name);
  for (const { text, color } of texts) {
    expect(parseRgb(color).a, `« ${text} » opaque`).toBe(1);
    const ratio = contrastRatio(color, background);
    expect(ratio, `« ${text} » ${color} sur ${background} : ${ratio.toFixed(2)}:1`).toBeGreaterThanOrEqual(4.5);
  }
});

test('le service navigation garde aussi un contraste suffisant sur chaque thème', async () => {
  for (const { path } of COMMUNES) {
    const page = await context.newPage();
    await page.goto(url(path), { waitUntil: 'load' });
    const pairs = await page
      .getByRole('navigation', { name: 'Menu principal' })
      .getByRole('link')
      .evaluateAll((links) =>
        links.map((link) => {
          let background = 'rgb(255, 255, 255)';
          for (let node: Element | null = link; node; node = node.parentElement) {
            const bg = getComputedStyle(node).backgroundColor;
            if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') {
              background = bg;
              break;
            }
          }
          const strong = link.querySelector('strong') ?? link;
          return { text: (link.textContent ?? '').trim(), color: getComputedStyle(strong).color, background };
        }),
      );
    await page.close();
    expect(pairs.map((p) => p.text)).toEqual(
      expect.arrayContaining(['Accueil', 'Services municipaux', 'Nous contacter']),
    );
    for (const { text, color, background } of pairs) {
      const ratio = contrastRatio(color, background);
      expect(ratio, `${path} « ${text} » ${color} sur ${background}`).toBeGreaterThanOrEqual(4.5);
    }
  }
});
