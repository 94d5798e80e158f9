import { describe, expect, it } from 'vitest';
import { frenchSpacing, frenchTypography } from './typography.js';

const NB = '\u00a0';
const NN = '\u202f';

describe('French typography', () => {
  it.each([
    ['colon', 'Courriel : accueil@villebelle.fr', `Courriel${NB}: accueil@villebelle.fr`],
    ['colon at the end', 'Horaires :', `Horaires${NB}:`],
    ['question mark', 'Que souhaitez-vous faire ?', `Que souhaitez-vous faire${NN}?`],
    ['exclamation mark', 'Merci !', `Merci${NN}!`],
    ['semicolon', 'pièces ; délais', `pièces${NN}; délais`],
    ['guillemets', 'le bouton « Envoyer »', `le bouton «${NB}Envoyer${NB}»`],
    ['guillemets without spaces get them', '«Envoyer»', `«${NB}Envoyer${NB}»`],
    ['already right: unchanged', `Erreur${NB}: x${NN}?`, `Erreur${NB}: x${NN}?`],
    ['no space before: unchanged (a URL, a time)', 'https://x.fr/?a=1 à 14:30', 'https://x.fr/?a=1 à 14:30'],
    ['a colon inside a word group stays', 'Note:important', 'Note:important'],
  ])('%s', (_case, input, expected) => {
    expect(frenchSpacing(input)).toBe(expected);
  });

  it('changes the text between tags only, never markup, attributes or verbatim elements', () => {
    const html = [
      '<p class="a ?">Téléphone : <a href="tel:01" aria-label="Appeler ?">01</a> ?</p>',
      '<script>if (a ? b : c) x = "« y »";</script>',
      '<textarea name="m">Bonjour : ceci est tapé ?</textarea>',
      '<title>Accueil : Villebelle</title>',
      '<!-- a : b -->',
      '<code>a ? b : c</code>',
    ].join('');
    const out = frenchTypography(html);
    expect(out).toContain(`<p class="a ?">Téléphone${NB}: <a href="tel:01" aria-label="Appeler ?">01</a>${NN}?</p>`);
    expect(out).toContain('<script>if (a ? b : c) x = "« y »";</script>');
    expect(out).toContain('<textarea name="m">Bonjour : ceci est tapé ?</textarea>');
    expect(out).toContain('<title>Accueil : Villebelle</title>');
    expect(out).toContain('<!-- a : b -->');
    expect(out).toContain('<code>a ? b : c</code>');
  });
});
