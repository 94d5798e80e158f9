/**
 * French typography on every rendered page (issue 19, item 9): a no-break space inside « » and
 * before « : », a narrow no-break space before « ; ! ? » (Lexique des règles typographiques en
 * usage à l'Imprimerie nationale), so that a colon or a closing guillemet never starts a line.
 * Applied to the text between tags of the final HTML, once, instead of in thousands of strings;
 * what a person typed is text too and gets the same treatment when shown. Left alone: tags and
 * their attributes, comments, and the content of script, style, textarea (a person's own input,
 * sent back as typed), pre, code and title.
 */

const VERBATIM = /(<(script|style|textarea|pre|code|title)\b[^>]*>[\s\S]*?<\/\2>|<!--[\s\S]*?-->|<[^>]*>)/gi;

const NBSP = '\u00a0';
const NNBSP = '\u202f';

/** French spacing of one run of text (no markup inside). */
export function frenchSpacing(text: string): string {
  return (
    text
      // « guillemets » : the space inside becomes a no-break space (added when missing).
      .replace(/«[ \u00a0\u202f]*/g, `«${NBSP}`)
      .replace(/[ \u00a0\u202f]*»/g, `${NBSP}»`)
      // A space before a colon: no-break; before ; ! ?: narrow no-break (only where a space was).
      .replace(/(\S) :(?=\s|$|[<"'’)»])/g, `$1${NBSP}:`)
      .replace(/(\S) ([;!?])/g, `$1${NNBSP}$2`)
  );
}

/** `frenchSpacing` on the text of a full HTML document, markup and verbatim elements untouched. */
export function frenchTypography(html: string): string {
  const parts = html.split(VERBATIM);
  let out = '';
  // split() with capturing groups yields: text, whole match, element name, text, …
  for (let i = 0; i < parts.length; i += 3) {
    let text = frenchSpacing(parts[i] ?? '');
    // After an inline element (`<a>…</a> ?`), the space that starts the text is the one to keep.
    if (i > 0) text = text.replace(/^ :(?=\s|$)/, `${NBSP}:`).replace(/^ ([;!?])(?=\s|$)/, `${NNBSP}$1`);
    out += text;
    if (i + 1 < parts.length) out += parts[i + 1] ?? '';
  }
  return out;
}
