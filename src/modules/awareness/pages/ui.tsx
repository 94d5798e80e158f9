/** Small pieces shared by the awareness pages. */
import type { EventKind } from '../repo.js';

export const EVENT_LABELS: Record<EventKind, string> = {
  ouvert: 'ouvert (indicatif)',
  clique: 'lien cliqué',
  soumis: 'fausse page validée',
  signale: 'signalé',
};

/** A text of paragraphs separated by blank lines (the notice, a pasted message). */
export function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text.split(/\n{2,}/).map((p, i) => (
        <p key={i} class="govuk-body">
          {p.split('\n').flatMap((line, j) => (j === 0 ? [line] : [<br key={j} />, line]))}
        </p>
      ))}
    </>
  );
}
