/**
 * The small template language of the notifications a commune may edit: plain text with
 * placeholders written `{{numero}}` (spaces allowed inside the braces). Braces serve only for
 * placeholders: a lone `{` or `}` is an error, like an unknown placeholder. Rendering is a single
 * pass, so a value that contains `{{…}}` stays as written; the result is plain text (the mail's
 * HTML is produced from it by preact, which escapes everything), split into paragraphs at blank
 * lines.
 */

export type TemplateToken = { text: string } | { placeholder: string };

export type TemplateProblem =
  | { kind: 'braces'; near: string }
  | { kind: 'unknown'; placeholder: string }
  | { kind: 'empty_placeholder' }
  | { kind: 'control' };

export type ParsedTemplate = { ok: true; tokens: TemplateToken[] } | { ok: false; problem: TemplateProblem };

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
// C0 controls except tab and line feed, DEL, C1 controls, line/paragraph separators, bidi overrides.
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** Line endings as typed in a browser (CRLF) or elsewhere, made LF. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

function near(text: string, index: number): string {
  return text
    .slice(Math.max(0, index - 12), index + 13)
    .replace(/\s+/g, ' ')
    .trim();
}

/** Splits a template into text and placeholders, checking braces and placeholder names. */
export function parseTemplateText(raw: string, allowed: readonly string[]): ParsedTemplate {
  const text = normalizeNewlines(raw);
  if (FORBIDDEN.test(text)) return { ok: false, problem: { kind: 'control' } };
  const tokens: TemplateToken[] = [];
  let last = 0;
  const literal = (from: number, to: number): TemplateProblem | undefined => {
    const part = text.slice(from, to);
    const brace = part.search(/[{}]/);
    if (brace !== -1) return { kind: 'braces', near: near(text, from + brace) };
    if (part) tokens.push({ text: part });
    return undefined;
  };
  for (const match of text.matchAll(PLACEHOLDER)) {
    const problem = literal(last, match.index);
    if (problem) return { ok: false, problem };
    const name = (match[1] ?? '').trim();
    if (name === '') return { ok: false, problem: { kind: 'empty_placeholder' } };
    if (!allowed.includes(name)) return { ok: false, problem: { kind: 'unknown', placeholder: name } };
    tokens.push({ placeholder: name });
    last = match.index + match[0].length;
  }
  const problem = literal(last, text.length);
  if (problem) return { ok: false, problem };
  return { ok: true, tokens };
}

/** Replaces each placeholder by its value (missing values give an empty string). */
export function fillTemplate(tokens: readonly TemplateToken[], values: Readonly<Record<string, string>>): string {
  return tokens.map((t) => ('text' in t ? t.text : (values[t.placeholder] ?? ''))).join('');
}

/** Paragraphs of a text: separated by blank lines, each trimmed, line breaks inside kept. */
export function paragraphsOf(text: string): string[] {
  return normalizeNewlines(text)
    .split(/\n[ \t]*\n/)
    .map((p) =>
      p
        .split('\n')
        .map((line) => line.trim())
        .join('\n')
        .trim(),
    )
    .filter((p) => p.length > 0);
}

/** One line: every run of white space (line breaks included) becomes one space. */
export function singleLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
