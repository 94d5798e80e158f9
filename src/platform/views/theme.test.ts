import { describe, expect, it } from 'vitest';
import {
  AA_TEXT_CONTRAST,
  communeTheme,
  contrastRatio,
  darkenUntil,
  deriveCommuneColours,
  NEAR_BLACK,
  parseHexColour,
  pickTextColour,
  relativeLuminance,
  shade,
  WHITE,
} from './theme.js';

function cssVariables(css: string): Map<string, string> {
  const body = css.match(/^:root\{(.*)\}\s*$/)?.[1];
  if (body === undefined) throw new Error(`not a :root block: ${css}`);
  return new Map(
    body.split(';').map((declaration) => {
      const [name = '', value = ''] = declaration.split(':');
      return [name, value];
    }),
  );
}

describe('relativeLuminance and contrastRatio', () => {
  it.each([
    ['#000000', 0],
    ['#ffffff', 1],
    ['#FFFFFF', 1],
  ])('luminance of %s is %d', (colour, expected) => {
    expect(relativeLuminance(colour)).toBeCloseTo(expected, 10);
  });

  it.each([
    ['#000000', '#ffffff', 21],
    ['#ffffff', '#ffffff', 1],
    ['#1d70b8', '#ffffff', 5.17],
    ['#ffcc00', '#ffffff', 1.51],
    ['#009640', '#ffffff', 3.86],
    ['#ffdd00', '#0b0c0c', 14.55],
  ])('contrast of %s and %s is %d:1', (a, b, expected) => {
    expect(contrastRatio(a, b)).toBeCloseTo(expected, 2);
    expect(contrastRatio(b, a)).toBeCloseTo(expected, 2);
  });
});

describe('pickTextColour', () => {
  it.each([
    ['#1d70b8', WHITE],
    ['#1d4f91', WHITE],
    ['#e2001a', WHITE],
    ['#000000', WHITE],
    ['#ffcc00', NEAR_BLACK],
    ['#009640', NEAR_BLACK],
    ['#ffffff', NEAR_BLACK],
    // Mid grey: neither white (4.48) nor #0b0c0c (4.40) reach 4.5, pure black does.
    ['#777777', '#000000'],
  ])('text on %s is %s', (background, expected) => {
    expect(pickTextColour(background)).toBe(expected);
  });

  it('always reaches 4.5:1, whatever the background', () => {
    for (let grey = 0; grey <= 255; grey += 1) {
      const hex = `#${grey.toString(16).padStart(2, '0').repeat(3)}`;
      expect(contrastRatio(hex, pickTextColour(hex))).toBeGreaterThanOrEqual(AA_TEXT_CONTRAST);
    }
  });
});

describe('darkenUntil', () => {
  it('keeps a colour that already passes', () => {
    expect(darkenUntil('#1D70B8', [WHITE], 4.5)).toBe('#1d70b8');
  });

  it.each([
    ['#ffcc00', [WHITE]],
    ['#009640', [WHITE, '#f2faf5']],
    ['#ffffff', [WHITE]],
    ['#ffff00', [WHITE, '#fffff2']],
  ])('darkens %s until 4.5:1 against every background', (colour, backgrounds) => {
    const result = darkenUntil(colour, backgrounds, 4.5);
    expect(result).not.toBe(colour);
    for (const background of backgrounds) {
      expect(contrastRatio(result, background)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('darkens no more than needed (1% steps)', () => {
    const result = darkenUntil('#ffcc00', [WHITE], 4.5);
    expect(result).toBe('#8f7200');
    // One step less (43% instead of 44%) does not reach 4.5:1.
    expect(shade('#ffcc00', 0.44)).toBe('#8f7200');
    expect(contrastRatio(shade('#ffcc00', 0.43), WHITE)).toBeLessThan(4.5);
  });
});

describe('communeTheme', () => {
  // Worked examples from docs/reference/govuk-theming-probe.md, section 3.
  it.each([
    { brand: '#1d70b8', onBrand: WHITE, link: '#1d70b8', button: '#1d70b8', warns: false },
    { brand: '#1d4f91', onBrand: WHITE, link: '#1d4f91', button: '#1d4f91', warns: false },
    { brand: '#e2001a', onBrand: WHITE, link: '#e2001a', button: '#e2001a', warns: false },
    { brand: '#ffcc00', onBrand: NEAR_BLACK, link: '#8c7000', button: '#8f7200', warns: true },
    { brand: '#009640', onBrand: NEAR_BLACK, link: '#008438', button: '#00893a', warns: true },
    { brand: '#7fb3d5', onBrand: NEAR_BLACK, link: '#55788f', button: '#567a91', warns: true },
    { brand: '#f28c28', onBrand: NEAR_BLACK, link: '#a9621c', button: '#ac631c', warns: true },
    { brand: '#000000', onBrand: WHITE, link: '#000000', button: '#000000', warns: false },
    { brand: '#ffffff', onBrand: NEAR_BLACK, link: '#757575', button: '#757575', warns: true },
  ])('$brand: text $onBrand, link $link, button $button', ({ brand, onBrand, link, button, warns }) => {
    const { css, warnings } = communeTheme(brand);
    const vars = cssVariables(css);
    expect(vars.get('--govuk-brand-colour')).toBe(brand);
    expect(vars.get('--commune-on-brand-colour')).toBe(onBrand);
    expect(vars.get('--govuk-link-colour')).toBe(link);
    expect(vars.get('--commune-button-colour')).toBe(button);
    expect(vars.get('--commune-button-text-colour')).toBe(WHITE);
    expect(warnings.length > 0).toBe(warns);
  });

  it.each(['#1d70b8', '#ffcc00', '#009640', '#7fb3d5', '#f28c28', '#767676', '#777777', '#ffffff', '#000000'])(
    '%s: every derived text colour reaches 4.5:1',
    (brand) => {
      const c = deriveCommuneColours(brand);
      expect(contrastRatio(c.onBrand, c.brand)).toBeGreaterThanOrEqual(4.5);
      for (const background of [WHITE, c.backgroundTint]) {
        expect(contrastRatio(c.link, background)).toBeGreaterThanOrEqual(4.5);
        expect(contrastRatio(c.linkHover, background)).toBeGreaterThanOrEqual(4.5);
      }
      for (const buttonBackground of [c.button, c.buttonHover]) {
        expect(contrastRatio(c.buttonText, buttonBackground)).toBeGreaterThanOrEqual(4.5);
      }
    },
  );

  it('keeps the GOV.UK yellow focus colour for every commune', () => {
    for (const brand of ['#1d70b8', '#ffcc00', '#009640']) {
      const vars = cssVariables(communeTheme(brand).css);
      expect(vars.get('--govuk-focus-colour')).toBe('#ffdd00');
      expect(vars.get('--govuk-focus-text-colour')).toBe(NEAR_BLACK);
    }
  });

  it('explains in French why the yellow brand colour was darkened', () => {
    const { warnings } = communeTheme('#ffcc00');
    expect(warnings).toEqual([expect.stringContaining('n’est pas assez contrastée sur fond blanc (1,51:1')]);
    expect(warnings[0]).toContain('#8c7000');
  });

  it('warns when only the tinted page background is a problem', () => {
    // #767676 passes on white (4.54:1) but not on its own 95% tint.
    const { css, warnings } = communeTheme('#767676');
    expect(cssVariables(css).get('--govuk-link-colour')).not.toBe('#767676');
    expect(warnings).toEqual([expect.stringContaining('fond teinté')]);
  });

  it('normalises upper-case input', () => {
    expect(cssVariables(communeTheme('#FFCC00').css).get('--govuk-brand-colour')).toBe('#ffcc00');
  });

  it('emits only custom properties (nothing that could break out of the stylesheet)', () => {
    const { css } = communeTheme('#1d70b8');
    expect(css).toMatch(/^:root\{(--[a-z0-9-]+:#[0-9a-f]{6};?)+\}\n$/);
  });

  it.each([
    '',
    '1d70b8',
    '#1d70b',
    '#1d70b8a',
    '#fff',
    '#gggggg',
    'red',
    'rgb(0,0,0)',
    ' #1d70b8',
    '#1d70b8;}body{display:none',
    '#1d70b8\n',
  ])('rejects %j', (input) => {
    expect(() => communeTheme(input)).toThrow(TypeError);
    expect(() => parseHexColour(input)).toThrow(/Couleur invalide/);
  });

  it('rejects non-string input', () => {
    expect(() => communeTheme(undefined as unknown as string)).toThrow(TypeError);
    expect(() => communeTheme(0x1d70b8 as unknown as string)).toThrow(TypeError);
  });
});
