// Per-commune theme: derives accessible colours from one brand colour and
// renders them as CSS custom properties (served as /theme/<slug>.css).
// Pure functions, no dependencies. Contrast per WCAG 2.1 (RGAA 4.1 criterion 3.2/3.3).

/** Minimum contrast for normal-size text (WCAG 2.1 AA, 1.4.3). */
export const AA_TEXT_CONTRAST = 4.5;

export const WHITE = '#ffffff';
/** GOV.UK text colour, used on light brand colours. */
export const NEAR_BLACK = '#0b0c0c';
const BLACK = '#000000';
/** Focus colours stay GOV.UK yellow with black text for every commune (14.55:1). */
export const FOCUS_COLOUR = '#ffdd00';
const VISITED_LINK_COLOUR = '#54319f';

const HEX_COLOUR = /^#[0-9a-f]{6}$/i;

type Rgb = readonly [number, number, number];

/** Colours derived from a commune's brand colour. All values are `#rrggbb`. */
export interface CommuneColours {
  brand: string;
  onBrand: string;
  link: string;
  linkHover: string;
  /** Page, footer and service-navigation background (95% tint of the brand). */
  backgroundTint: string;
  surfaceBorder: string;
  brandTint80: string;
  button: string;
  buttonText: string;
  buttonHover: string;
  buttonShadow: string;
}

/** Returns the lower-case `#rrggbb` form of `colour`, or throws when it is not `#rrggbb`. */
export function parseHexColour(colour: string): string {
  if (typeof colour !== 'string' || !HEX_COLOUR.test(colour)) {
    throw new TypeError(`Couleur invalide : ${JSON.stringify(colour)} (format attendu : #rrggbb)`);
  }
  return colour.toLowerCase();
}

function toRgb(colour: string): Rgb {
  const hex = parseHexColour(colour);
  return [
    Number.parseInt(hex.slice(1, 3), 16),
    Number.parseInt(hex.slice(3, 5), 16),
    Number.parseInt(hex.slice(5, 7), 16),
  ];
}

function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

function channelLuminance(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of a `#rrggbb` colour, from 0 (black) to 1 (white). */
export function relativeLuminance(colour: string): number {
  const [r, g, b] = toRgb(colour);
  return 0.2126 * channelLuminance(r) + 0.7152 * channelLuminance(g) + 0.0722 * channelLuminance(b);
}

/** WCAG contrast ratio between two colours, from 1 to 21 (order does not matter). */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * Text colour for a background: white or GOV.UK near-black, whichever
 * contrasts more; pure black when neither reaches 4.5:1 (mid-tones).
 */
export function pickTextColour(background: string): string {
  const onWhite = contrastRatio(background, WHITE);
  const onNearBlack = contrastRatio(background, NEAR_BLACK);
  const best = onWhite >= onNearBlack ? WHITE : NEAR_BLACK;
  if (Math.max(onWhite, onNearBlack) >= AA_TEXT_CONTRAST) return best;
  return onWhite >= contrastRatio(background, BLACK) ? WHITE : BLACK;
}

/** Mixes `colour` with black: `amount` 0 keeps it, 1 gives black (GOV.UK "shade"). */
export function shade(colour: string, amount: number): string {
  const [r, g, b] = toRgb(colour);
  const keep = 1 - amount;
  return toHex([r * keep, g * keep, b * keep]);
}

/** Mixes `colour` with white: `amount` 0 keeps it, 1 gives white (GOV.UK "tint"). */
export function tint(colour: string, amount: number): string {
  const [r, g, b] = toRgb(colour);
  return toHex([r + (255 - r) * amount, g + (255 - g) * amount, b + (255 - b) * amount]);
}

/**
 * Darkens `colour` in 1% steps (towards black) until it reaches `minRatio`
 * against every one of `backgrounds`. Returns the colour unchanged when it
 * already does. Always terminates: black passes against any light background.
 */
export function darkenUntil(colour: string, backgrounds: readonly string[], minRatio = AA_TEXT_CONTRAST): string {
  const passes = (candidate: string) => backgrounds.every((bg) => contrastRatio(candidate, bg) >= minRatio);
  const start = parseHexColour(colour);
  if (passes(start)) return start;
  for (let step = 1; step <= 100; step += 1) {
    const candidate = shade(start, step / 100);
    if (passes(candidate)) return candidate;
  }
  return BLACK;
}

/** Derives every theme colour from a `#rrggbb` brand colour. Throws on invalid input. */
export function deriveCommuneColours(brandHex: string): CommuneColours {
  const brand = parseHexColour(brandHex);
  const backgroundTint = tint(brand, 0.95);
  const link = darkenUntil(brand, [WHITE, backgroundTint]);
  const button = darkenUntil(brand, [WHITE]);
  return {
    brand,
    onBrand: pickTextColour(brand),
    link,
    linkHover: shade(link, 0.5),
    backgroundTint,
    surfaceBorder: tint(brand, 0.5),
    brandTint80: tint(brand, 0.8),
    button,
    buttonText: WHITE,
    buttonHover: shade(button, 0.25),
    buttonShadow: shade(button, 0.5),
  };
}

function formatRatio(ratio: number): string {
  return `${(Math.floor(ratio * 100) / 100).toFixed(2).replace('.', ',')}:1`;
}

function adminWarnings(colours: CommuneColours): string[] {
  const warnings: string[] = [];
  const onWhite = contrastRatio(colours.brand, WHITE);
  if (onWhite < AA_TEXT_CONTRAST) {
    warnings.push(
      `La couleur ${colours.brand} n’est pas assez contrastée sur fond blanc (${formatRatio(onWhite)}, ` +
        `le RGAA exige au moins 4,5:1 pour le texte). Elle reste utilisée pour l’en-tête, ` +
        `mais les liens utiliseront ${colours.link} et les boutons ${colours.button}, plus foncés.`,
    );
  } else if (colours.link !== colours.brand) {
    const onTint = contrastRatio(colours.brand, colours.backgroundTint);
    warnings.push(
      `La couleur ${colours.brand} est un peu claire sur le fond teinté des pages (${formatRatio(onTint)}, ` +
        `au moins 4,5:1 exigé) : les liens utiliseront ${colours.link}, légèrement plus foncé.`,
    );
  }
  return warnings;
}

/**
 * Theme stylesheet for a commune: a `:root{…}` block of CSS custom properties
 * read by guichet.css, plus French warnings for the administrator when the raw
 * brand colour fails WCAG AA and darker variants are used instead.
 * Throws a TypeError when `brandHex` is not `#rrggbb`.
 */
export function communeTheme(brandHex: string): { css: string; warnings: string[] } {
  const c = deriveCommuneColours(brandHex);
  const properties: Array<[string, string]> = [
    ['--govuk-brand-colour', c.brand],
    ['--commune-on-brand-colour', c.onBrand],
    ['--govuk-link-colour', c.link],
    ['--govuk-link-hover-colour', c.linkHover],
    ['--govuk-link-visited-colour', VISITED_LINK_COLOUR],
    ['--govuk-link-active-colour', NEAR_BLACK],
    ['--govuk-focus-colour', FOCUS_COLOUR],
    ['--govuk-focus-text-colour', NEAR_BLACK],
    ['--govuk-template-background-colour', c.backgroundTint],
    ['--govuk-surface-background-colour', c.backgroundTint],
    ['--govuk-surface-border-colour', c.surfaceBorder],
    ['--commune-brand-tint-80', c.brandTint80],
    ['--commune-button-colour', c.button],
    ['--commune-button-text-colour', c.buttonText],
    ['--commune-button-hover-colour', c.buttonHover],
    ['--commune-button-shadow-colour', c.buttonShadow],
  ];
  const css = `:root{${properties.map(([name, value]) => `${name}:${value}`).join(';')}}\n`;
  return { css, warnings: adminWarnings(c) };
}
