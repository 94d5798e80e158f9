import { describe, expect, it } from 'vitest';
import { communeInitials, renderCommuneLogo } from './logo.js';

describe('communeInitials', () => {
  it.each([
    ['Villebelle', 'V'],
    ['Saint-Aubin-les-Prés', 'SAP'],
    ['Le Puy-en-Velay', 'PV'],
    ['Aix-en-Provence', 'AP'],
    ["L'Isle-d'Abeau", 'IA'],
    ['Saint-Rémy-de-Provence', 'SRP'],
    ['Châlons-en-Champagne', 'CC'],
    ['Évian-les-Bains', 'ÉB'],
    ['Y', 'Y'],
    ['Les Sables-d’Olonne', 'SO'],
  ])('%s → %s', (name, initials) => {
    expect(communeInitials(name)).toBe(initials);
  });
});

describe('renderCommuneLogo', () => {
  it('escapes the name and picks a readable text colour on the brand colour', () => {
    const svg = renderCommuneLogo({ name: 'A<b>&"c', brandColour: '#ffcc00' });
    expect(svg).toContain('aria-label="A&#60;b&#62;&#38;&#34;c"');
    expect(svg).toContain('fill="#0b0c0c"'); // dark text on yellow
    expect(renderCommuneLogo({ name: 'Villebelle', brandColour: '#1d4f91' })).toContain('fill="#ffffff">V<');
  });
});
