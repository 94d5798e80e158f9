/**
 * Keyboard use: the skip link comes first and moves focus to the main content, the service
 * navigation is reachable with Tab (behind the "Menu" button on a phone), and focus is visible.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, newContext, signInAsDemoStaff, url, type ViewportName } from './support.js';

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function open(viewport: ViewportName, path: string) {
  context = await newContext(browser, viewport);
  if (path.startsWith('/_demo/')) await signInAsDemoStaff(context);
  page = await context.newPage();
  await page.goto(url(path), { waitUntil: 'load' });
}

afterEach(async () => {
  await context?.close();
});

/** Role-ish description of the focused element: "a:Texte", "button:Menu", "main#contenu"… */
function focused(): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim();
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}:${text.slice(0, 60)}`;
  });
}

/** Presses Tab until `predicate` holds for the focused element; returns what was focused on the way. */
async function tabUntil(predicate: (focus: string) => boolean, max = 15): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focus = await focused();
    seen.push(focus);
    if (predicate(focus)) return seen;
  }
  return seen;
}

describe('lien d’évitement', () => {
  test.each(['/c/villebelle/', '/c/saint-aubin-les-pres/services', '/', '/_demo/courriels'])(
    'sur %s, le premier Tab atteint « Aller au contenu principal », Entrée amène au contenu',
    async (path) => {
      await open('bureau', path);
      await page.keyboard.press('Tab');
      const skipLink = page.getByRole('link', { name: 'Aller au contenu principal', exact: true });
      expect(await skipLink.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await skipLink.isVisible(), 'le lien d’évitement apparaît quand il a le focus').toBe(true);

      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('contenu');
      expect(await page.getByRole('main').evaluate((el) => el === document.activeElement)).toBe(true);
      expect(new URL(page.url()).hash).toBe('#contenu');

      // The next Tab continues inside the main content, not back in the header.
      await page.keyboard.press('Tab');
      const inMain = await page.evaluate(
        () => document.querySelector('main')?.contains(document.activeElement) ?? false,
      );
      expect(inMain, `focus après le contenu principal : ${await focused()}`).toBe(true);
    },
  );
});

describe('navigation au clavier', () => {
  test('bureau : Tab parcourt lien d’évitement, commune, puis les liens de navigation dans l’ordre', async () => {
    await open('bureau', '/c/villebelle/');
    const seen = await tabUntil((f) => f.startsWith('a:Nous contacter'));
    expect(seen.slice(0, 5)).toEqual([
      'a:Aller au contenu principal',
      'a:Villebelle',
      'a:Accueil',
      'a:Services municipaux',
      'a:Nous contacter',
    ]);
    const nav = page.getByRole('navigation', { name: 'Menu principal' });
    expect(
      await nav.getByRole('link', { name: 'Nous contacter' }).evaluate((el) => el === document.activeElement),
    ).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(url('/c/villebelle/contact'));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Nous contacter');
  });

  test('téléphone : Tab atteint le bouton « Menu », Entrée ouvre la navigation, Tab atteint ses liens', async () => {
    await open('téléphone', '/c/villebelle/');
    const menu = page.getByRole('button', { name: 'Menu' });
    expect(await menu.isVisible(), 'bouton Menu visible sur téléphone avec JavaScript').toBe(true);
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByRole('link', { name: 'Services municipaux' }).isVisible()).toBe(false);

    const seen = await tabUntil((f) => f.startsWith('button:Menu'));
    expect(seen).toEqual(['a:Aller au contenu principal', 'a:Villebelle', 'button:Menu']);
    await page.keyboard.press('Enter');
    expect(await menu.getAttribute('aria-expanded')).toBe('true');

    const links = await tabUntil((f) => f.startsWith('a:Nous contacter'), 3);
    expect(links).toEqual(['a:Accueil', 'a:Services municipaux', 'a:Nous contacter']);
    expect(await page.getByRole('link', { name: 'Services municipaux' }).isVisible()).toBe(true);
  });
});

describe('focus visible', () => {
  function styles(target: Locator) {
    return target.evaluate((el) => {
      const style = getComputedStyle(el);
      return {
        outlineStyle: style.outlineStyle,
        outlineWidth: style.outlineWidth,
        outlineColor: style.outlineColor,
        boxShadow: style.boxShadow,
        backgroundColor: style.backgroundColor,
        color: style.color,
      };
    });
  }

  function isVisibleIndicator(s: Awaited<ReturnType<typeof styles>>): boolean {
    const outline =
      s.outlineStyle !== 'none' && s.outlineWidth !== '0px' && !/rgba\(0, 0, 0, 0\)|transparent/.test(s.outlineColor);
    return outline || s.boxShadow !== 'none';
  }

  test.each([
    {
      name: 'lien de navigation « Services municipaux »',
      path: '/c/villebelle/',
      locate: (p: Page) =>
        p.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Services municipaux' }),
    },
    {
      name: 'lien du contenu « État civil »',
      path: '/c/villebelle/',
      locate: (p: Page) => p.getByRole('main').getByRole('link', { name: 'État civil', exact: true }),
    },
    {
      name: 'lien du pied de page « Mentions légales »',
      path: '/',
      locate: (p: Page) => p.getByRole('contentinfo').getByRole('link', { name: 'Mentions légales' }),
    },
  ])('$name : un indicateur de focus visible (outline ou box-shadow)', async ({ path, locate }) => {
    await open('bureau', path);
    const target = locate(page);
    const before = await styles(target);
    // Reach it with the keyboard, so that :focus-visible applies as for a real keyboard user.
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await target.evaluate((el) => el === document.activeElement);
    }
    expect(reached, 'atteint au clavier').toBe(true);
    const after = await styles(target);
    expect(isVisibleIndicator(after), JSON.stringify(after)).toBe(true);
    expect(
      { boxShadow: after.boxShadow, backgroundColor: after.backgroundColor, outlineColor: after.outlineColor },
      'le style change quand le lien a le focus',
    ).not.toEqual({
      boxShadow: before.boxShadow,
      backgroundColor: before.backgroundColor,
      outlineColor: before.outlineColor,
    });
  });
});
