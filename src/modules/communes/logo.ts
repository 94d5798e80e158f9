/**
 * Default commune emblem: a shield in the commune's colour with its initials, generated as SVG
 * until the commune uploads its own logo. Text is escaped; colours come from validated hex.
 */

import type { Commune } from '../../platform/tenancy/communes.js';
import { pickTextColour } from '../../platform/views/theme.js';

const MINOR_WORDS = new Set([
  'le',
  'la',
  'les',
  'de',
  'des',
  'du',
  'en',
  'sur',
  'sous',
  'lès',
  'lez',
  'aux',
  'et',
  'd',
  'l',
]);

/** Initials of a commune name: "Saint-Aubin-les-Prés" → "SAP", "Villebelle" → "V". */
export function communeInitials(name: string): string {
  const words = name.split(/[\s\-'’]+/).filter((w) => w && !MINOR_WORDS.has(w.toLowerCase()));
  return (
    words
      .slice(0, 3)
      .map((w) => w[0]!.toLocaleUpperCase('fr'))
      .join('') || '?'
  );
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderCommuneLogo(commune: Pick<Commune, 'name' | 'brandColour'>): string {
  const initials = escapeXml(communeInitials(commune.name));
  const fill = commune.brandColour;
  const text = pickTextColour(fill);
  const size = initials.length > 2 ? 15 : 20;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 56" width="48" height="56" role="img" aria-label="${escapeXml(commune.name)}"><path d="M4 4h40v22c0 14-9 22-20 27C13 48 4 40 4 26z" fill="${fill}" stroke="#ffffff" stroke-width="3"/><text x="24" y="33" text-anchor="middle" font-family="Arial, sans-serif" font-weight="700" font-size="${size}" fill="${text}">${initials}</text></svg>`;
}
