/**
 * The answers of a request as agents read them: the form engine's recap (`summarize`) of the
 * form version the request was made with — visible pages and fields, French values — with
 * download links for files. Requests without démarche (free text, counter) show their message.
 */
import type { ComponentChildren } from 'preact';
import { SummaryList, type SummaryListRow } from '../../../platform/views/components.js';
import type { Answers, FileRef } from '../../forms/index.js';
import { allFields, type FormDefinition, summarize } from '../../forms/index.js';

/** Text with its line breaks. */
export function Lines({ text }: { text: string }) {
  return (
    <>
      {text.split('\n').map((line, i) => (
        <span key={i}>
          {i > 0 ? <br /> : null}
          {line}
        </span>
      ))}
    </>
  );
}

function fileRefs(value: unknown): FileRef[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (v): v is FileRef => !!v && typeof v === 'object' && typeof (v as FileRef).id === 'string' && 'name' in v,
  );
}

function plain(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'Oui' : 'Non';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(plain).filter(Boolean).join(', ');
  return Object.values(value as Record<string, unknown>)
    .map(plain)
    .filter(Boolean)
    .join(', ');
}

export function RequestAnswers({
  definition,
  answers,
  fileHref,
}: {
  definition: FormDefinition | null;
  answers: Record<string, unknown>;
  fileHref: (id: string) => string;
}) {
  const message = typeof answers.message === 'string' ? answers.message : '';
  const messageRow: SummaryListRow[] = message ? [{ key: 'Message', value: <Lines text={message} /> }] : [];
  if (!definition) {
    const others = Object.entries(answers).filter(([key, value]) => key !== 'message' && plain(value) !== '');
    const rows = [...messageRow, ...others.map(([key, value]) => ({ key, value: plain(value) }))];
    return rows.length === 0 ? <p class="govuk-body">Aucun texte.</p> : <SummaryList rows={rows} />;
  }
  const fileFields = new Set(
    allFields(definition)
      .filter(({ field, group }) => field.type === 'file' && !group)
      .map(({ field }) => field.id),
  );
  const pages = summarize(definition, answers as Answers);
  const fieldIds = new Set(allFields(definition).map(({ field }) => field.id));
  // A démarche filed at the counter carries the agent's notes as `message`.
  const extra = fieldIds.has('message') ? [] : messageRow;
  if (pages.length === 0 && extra.length === 0) return <p class="govuk-body">Aucune réponse.</p>;
  const value = (fieldId: string, text: string): ComponentChildren => {
    const files = fileFields.has(fieldId) ? fileRefs(answers[fieldId]) : [];
    if (files.length === 0) return <Lines text={text} />;
    return (
      <ul class="govuk-list">
        {files.map((file) => (
          <li key={file.id}>
            <a class="govuk-link" href={fileHref(file.id)} download>
              {file.name}
            </a>
          </li>
        ))}
      </ul>
    );
  };
  return (
    <>
      {pages.map((page) => (
        <div key={page.pageId}>
          {pages.length > 1 ? <h3 class="govuk-heading-s">{page.pageTitle}</h3> : null}
          <SummaryList rows={page.rows.map((row) => ({ key: row.label, value: value(row.fieldId, row.value) }))} />
        </div>
      ))}
      {extra.length > 0 ? <SummaryList rows={extra} /> : null}
    </>
  );
}
