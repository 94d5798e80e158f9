/** @jsxImportSource preact */
/**
 * Server-rendered pages of a démarche (govuk-frontend markup through the platform components):
 * "Étape 2 sur 5" caption, the page title as h1 (or the single question as the page heading), an
 * error summary linking to the inputs, the visible fields, "Continuer" and "Enregistrer et
 * continuer plus tard". Works without JavaScript: repeatable groups and attached files are
 * managed with submit buttons (`name="action"`), read by `readPageAnswers`.
 */
import type { ComponentChildren, VNode } from 'preact';
import {
  BackLink,
  Button,
  ButtonGroup,
  Checkboxes,
  CsrfField,
  DateInput,
  type DateInputValue,
  Details,
  ErrorMessage,
  ErrorSummary,
  type ErrorSummaryItem,
  Input,
  type InputProps,
  InsetText,
  Radios,
  Select,
  SummaryList,
  Textarea,
  titleWithErrors,
  WarningText,
} from '../../platform/views/components.js';
import { type CommuneBranding, renderPage } from '../../platform/views/layout.js';
import { footerLinks } from '../../platform/views/page.js';
import {
  type AddressAnswer,
  type Answers,
  type AnswerValue,
  acceptAttribute,
  acceptedFormatsText,
  dateParts,
  type FieldEntry,
  type FileRef,
  fieldEntries,
  formatBytes,
  groupItems,
  itemKey,
  maxBytes,
  SHOWN_FIELDS_INPUT,
  validateEntry,
} from './answers.js';
import { effectiveAnswers, isVisible, itemScope, stepOf, visibleFields } from './conditions.js';
import { type Field, type FormDefinition, type FormPage, findPage, isAnswerable } from './definition.js';
import { formatFile, summarize } from './summary.js';

export interface FormPageViewProps {
  definition: FormDefinition;
  page: FormPage;
  answers: Answers;
  /** Input key → French message (from `readPageAnswers`, or the requests module's file checks). */
  errors: Record<string, string>;
  csrfToken: string;
  action: string;
  step: { current: number; total: number };
  backHref?: string;
  /** True when the page has a file field (the form is then posted as multipart/form-data). */
  multipart: boolean;
  /**
   * Documents the citizen may attach instead of uploading, per file field id (the requests module
   * fills it from "mes justificatifs"); posted as checkboxes named `${fieldId}-justificatif`.
   */
  fileChoices?: Readonly<Record<string, readonly FileChoice[]>>;
}

/** A document that can be attached to a file field without uploading it. */
export interface FileChoice {
  /** Posted value (the document's id). */
  value: string;
  /** "Utiliser « facture.pdf » de mes justificatifs (valable jusqu’au 15 mars 2026)". */
  label: string;
}

/** Name of the checkboxes of a file field's alternatives to uploading. */
export function fileChoiceInput(fieldId: string): string {
  return `${fieldId}-justificatif`;
}

function classNames(...names: Array<string | false | null | undefined>): string {
  return names.filter(Boolean).join(' ');
}

function describedBy(...ids: Array<string | false | null | undefined>): string | undefined {
  const list = ids.filter(Boolean);
  return list.length > 0 ? list.join(' ') : undefined;
}

/** `<title>` of a form page: "Erreur : Votre demande – Réserver une salle" when there are errors. */
export function formPageTitle(def: FormDefinition, page: FormPage, errors: Record<string, string>): string {
  return titleWithErrors(`${page.title} – ${def.title}`, Object.keys(errors).length > 0);
}

/** Whether a page holds a file field (visible or not): post it as multipart/form-data. */
export function pageHasFileField(page: FormPage): boolean {
  return page.fields.some(
    (field) => field.type === 'file' || (field.fields ?? []).some((child) => child.type === 'file'),
  );
}

/** Paragraphs separated by blank lines; a block whose lines all start with "- " is a bullet list. */
export function RichText({ text }: { text: string }) {
  const blocks = text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter((block) => block !== '');
  return (
    <>
      {blocks.map((block, index) => {
        const lines = block.split('\n').map((line) => line.trim());
        if (lines.every((line) => line.startsWith('- '))) {
          return (
            <ul class="govuk-list govuk-list--bullet" key={index}>
              {lines.map((line, lineIndex) => (
                <li key={lineIndex}>{line.slice(2)}</li>
              ))}
            </ul>
          );
        }
        return (
          <p class="govuk-body" key={index}>
            {lines.join(' ')}
          </p>
        );
      })}
    </>
  );
}

function labelOf(field: Field): string {
  return isAnswerable(field) && !field.required ? `${field.label} (facultatif)` : field.label;
}

const AUTOCOMPLETE: Partial<Record<NonNullable<Field['prefill']>, string>> = {
  givenName: 'given-name',
  familyName: 'family-name',
  email: 'email',
  phone: 'tel',
};

function textWidth(field: Field): InputProps['width'] {
  const max = field.validation?.maxLength;
  if (max === undefined) return undefined;
  if (max <= 5) return 5;
  if (max <= 10) return 10;
  if (max <= 20) return 20;
  return undefined;
}

function stringValue(value: AnswerValue | undefined): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value).replace('.', ',');
  return '';
}

interface FieldContext {
  key: string;
  value: AnswerValue | undefined;
  error: string | undefined;
  /** Inputs of a date or address to highlight. */
  parts: string[] | undefined;
  isPageHeading: boolean;
  /** Everything the page needs to render children of groups. */
  answers: Answers;
  errors: Record<string, string>;
  fileChoices: Readonly<Record<string, readonly FileChoice[]>>;
}

function AddressFieldset({ field, ctx }: { field: Field; ctx: FieldContext }) {
  const { key, error, isPageHeading } = ctx;
  const value = (
    typeof ctx.value === 'object' && ctx.value !== null && !Array.isArray(ctx.value) ? ctx.value : {}
  ) as Partial<AddressAnswer>;
  const hintId = field.hint !== undefined ? `${key}-hint` : undefined;
  const errorId = error !== undefined ? `${key}-error` : undefined;
  const highlighted = new Set(error !== undefined ? (ctx.parts ?? ['line1']) : []);
  const prefilled = field.prefill === 'address';
  const parts: Array<{
    part: keyof AddressAnswer;
    label: string;
    autocomplete: string;
    width?: string;
    numeric?: boolean;
  }> = [
    { part: 'line1', label: 'Numéro et voie', autocomplete: 'address-line1' },
    { part: 'line2', label: 'Complément d’adresse (facultatif)', autocomplete: 'address-line2' },
    {
      part: 'postcode',
      label: 'Code postal',
      autocomplete: 'postal-code',
      width: 'govuk-input--width-5',
      numeric: true,
    },
    { part: 'city', label: 'Commune', autocomplete: 'address-level2', width: 'govuk-!-width-two-thirds' },
  ];
  return (
    <div class={classNames('govuk-form-group', error !== undefined && 'govuk-form-group--error')}>
      <fieldset class="govuk-fieldset" aria-describedby={describedBy(hintId, errorId)}>
        <legend
          class={classNames(
            'govuk-fieldset__legend',
            isPageHeading ? 'govuk-fieldset__legend--l' : 'govuk-fieldset__legend--s',
          )}
        >
          {isPageHeading ? <h1 class="govuk-fieldset__heading">{labelOf(field)}</h1> : labelOf(field)}
        </legend>
        {hintId !== undefined && (
          <div id={hintId} class="govuk-hint">
            {field.hint}
          </div>
        )}
        {errorId !== undefined && <ErrorMessage id={errorId}>{error}</ErrorMessage>}
        {parts.map(({ part, label, autocomplete, width, numeric }) => {
          const id = `${key}-${part}`;
          return (
            <div class="govuk-form-group" key={part}>
              <label class="govuk-label" for={id}>
                {label}
              </label>
              <input
                class={classNames('govuk-input', width, highlighted.has(part) && 'govuk-input--error')}
                id={id}
                name={id}
                type="text"
                value={value[part] ?? ''}
                autocomplete={prefilled ? autocomplete : undefined}
                inputmode={numeric ? 'numeric' : undefined}
              />
            </div>
          );
        })}
      </fieldset>
    </div>
  );
}

function FileField({ field, ctx }: { field: Field; ctx: FieldContext }) {
  const { key, error, isPageHeading } = ctx;
  const files = Array.isArray(ctx.value) ? (ctx.value as FileRef[]) : [];
  const limit = field.file?.maxFiles ?? 1;
  const hintId = `${key}-hint`;
  const errorId = error !== undefined ? `${key}-error` : undefined;
  const constraints = `Formats acceptés\u00a0: ${acceptedFormatsText(field)}. Taille maximale\u00a0: ${formatBytes(maxBytes(field))} par fichier.${limit > 1 ? ` Vous pouvez joindre jusqu’à ${limit} fichiers.` : ''}`;
  const label = (
    <label class={classNames('govuk-label', isPageHeading && 'govuk-label--l')} for={key}>
      {labelOf(field)}
    </label>
  );
  return (
    <div class={classNames('govuk-form-group', error !== undefined && 'govuk-form-group--error')}>
      {isPageHeading ? <h1 class="govuk-label-wrapper">{label}</h1> : label}
      <div id={hintId} class="govuk-hint">
        {field.hint !== undefined && (
          <>
            {field.hint}
            <br />
          </>
        )}
        {constraints}
      </div>
      {errorId !== undefined && <ErrorMessage id={errorId}>{error}</ErrorMessage>}
      {files.length > 0 && (
        <>
          <p class="govuk-body govuk-!-margin-bottom-2">
            {files.length === 1 ? 'Fichier joint\u00a0:' : `Fichiers joints (${files.length})\u00a0:`}
          </p>
          <ul class="govuk-list">
            {files.map((file) => (
              <li key={file.id}>
                <span class="govuk-!-margin-right-3">{formatFile(file)}</span>
                <Button variant="secondary" name="action" value={`retirer:${key}:${file.id}`}>
                  Supprimer<span class="govuk-visually-hidden"> {file.name}</span>
                </Button>
              </li>
            ))}
          </ul>
        </>
      )}
      <input
        class={classNames('govuk-file-upload', error !== undefined && 'govuk-file-upload--error')}
        id={key}
        name={key}
        type="file"
        accept={acceptAttribute(field)}
        multiple={limit > 1}
        aria-describedby={describedBy(hintId, errorId)}
      />
    </div>
  );
}

function RepeatableGroup({ field, ctx }: { field: Field; ctx: FieldContext }) {
  const repeat = field.repeat as NonNullable<Field['repeat']>;
  const items = groupItems(field, ctx.value);
  const { key, error } = ctx;
  const hintId = field.hint !== undefined ? `${key}-hint` : undefined;
  const errorId = error !== undefined ? `${key}-error` : undefined;
  const itemName = repeat.itemLabel.charAt(0).toLocaleUpperCase('fr-FR') + repeat.itemLabel.slice(1);
  const addLabel = repeat.addLabel ?? (items.length === 0 ? 'Ajouter un élément' : 'Ajouter un autre élément');
  return (
    <div class={classNames('govuk-form-group', error !== undefined && 'govuk-form-group--error')} id={key}>
      <h2 class="govuk-heading-m">{field.label}</h2>
      {hintId !== undefined && (
        <div id={hintId} class="govuk-hint">
          {field.hint}
        </div>
      )}
      {errorId !== undefined && <ErrorMessage id={errorId}>{error}</ErrorMessage>}
      <input type="hidden" name={`${key}-count`} value={String(items.length)} />
      {items.map((item, index) => {
        const scope = itemScope(ctx.answers, item);
        return (
          <fieldset class="govuk-fieldset govuk-!-margin-bottom-6" key={index}>
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">
              {itemName} {index + 1}
            </legend>
            {(field.fields ?? [])
              .filter((child) => isVisible(child.condition, scope))
              .map((child) => {
                const childKey = itemKey(key, index, child.id);
                return (
                  <FieldView
                    key={child.id}
                    field={child}
                    ctx={{
                      ...ctx,
                      key: childKey,
                      value: item[child.id],
                      error: ctx.errors[childKey],
                      parts: issueParts(
                        { key: childKey, field: child, value: item[child.id], item: { group: field, index } },
                        ctx.errors,
                      ),
                      isPageHeading: false,
                    }}
                  />
                );
              })}
            {items.length > repeat.min && (
              <Button variant="secondary" name="action" value={`supprimer:${key}:${index}`}>
                Supprimer
                <span class="govuk-visually-hidden">
                  {' '}
                  {repeat.itemLabel} {index + 1}
                </span>
              </Button>
            )}
          </fieldset>
        );
      })}
      {items.length < repeat.max && (
        <Button variant="secondary" name="action" value={`ajouter:${key}`}>
          {addLabel}
        </Button>
      )}
    </div>
  );
}

function issueParts(entry: FieldEntry, errors: Record<string, string>): string[] | undefined {
  if (errors[entry.key] === undefined) return undefined;
  if (entry.field.type !== 'date' && entry.field.type !== 'address') return undefined;
  return validateEntry(entry)?.parts;
}

function dateHint(field: Field): string {
  if (field.hint !== undefined) return field.hint;
  const year = new Date().getFullYear();
  const past = field.prefill === 'birthDate' || field.validation?.maxDate === 'today';
  return `Par exemple, 27 3 ${past ? 1985 : year}`;
}

function FieldView({ field, ctx }: { field: Field; ctx: FieldContext }): VNode | null {
  const { key, error, isPageHeading } = ctx;
  const common = { name: key, hint: field.hint, error, isPageHeading };
  switch (field.type) {
    case 'text':
      return (
        <Input
          {...common}
          label={labelOf(field)}
          value={stringValue(ctx.value)}
          autocomplete={field.prefill !== undefined ? AUTOCOMPLETE[field.prefill] : undefined}
          width={textWidth(field)}
        />
      );
    case 'email':
      return (
        <Input
          {...common}
          label={labelOf(field)}
          type="email"
          value={stringValue(ctx.value)}
          autocomplete={field.prefill === 'email' ? 'email' : undefined}
          spellcheck={false}
        />
      );
    case 'phone':
      return (
        <Input
          {...common}
          label={labelOf(field)}
          type="tel"
          value={stringValue(ctx.value)}
          autocomplete={field.prefill === 'phone' ? 'tel' : undefined}
          width={20}
        />
      );
    case 'number':
      return (
        <Input
          {...common}
          label={labelOf(field)}
          value={stringValue(ctx.value)}
          inputmode={field.validation?.integer ? 'numeric' : 'decimal'}
          spellcheck={false}
          width={10}
        />
      );
    case 'textarea':
      return (
        <Textarea
          {...common}
          label={labelOf(field)}
          value={stringValue(ctx.value)}
          maxLength={field.validation?.maxLength}
        />
      );
    case 'date': {
      const partsToHighlight = (ctx.parts ?? ['day', 'month', 'year']).filter(
        (part): part is keyof DateInputValue => part === 'day' || part === 'month' || part === 'year',
      );
      return (
        <DateInput
          {...common}
          legend={labelOf(field)}
          hint={dateHint(field)}
          value={dateParts(ctx.value)}
          errorParts={partsToHighlight}
          autocompletePrefix={field.prefill === 'birthDate' ? 'bday' : undefined}
        />
      );
    }
    case 'address':
      return <AddressFieldset field={field} ctx={ctx} />;
    case 'choice': {
      const options = field.options ?? [];
      const value = typeof ctx.value === 'string' ? ctx.value : undefined;
      if (options.length > 10) {
        return (
          <Select
            {...common}
            label={labelOf(field)}
            value={value ?? ''}
            options={[{ value: '', label: 'Sélectionnez une réponse' }, ...options]}
          />
        );
      }
      return <Radios {...common} legend={labelOf(field)} items={options} value={value} />;
    }
    case 'multichoice':
      return (
        <Checkboxes
          {...common}
          legend={labelOf(field)}
          items={field.options ?? []}
          values={Array.isArray(ctx.value) ? (ctx.value as string[]).filter((item) => typeof item === 'string') : []}
        />
      );
    case 'yesno':
      return (
        <Radios
          {...common}
          legend={labelOf(field)}
          inline
          items={[
            { value: 'oui', label: 'Oui' },
            { value: 'non', label: 'Non' },
          ]}
          value={ctx.value === true ? 'oui' : ctx.value === false ? 'non' : undefined}
        />
      );
    case 'file': {
      const choices = ctx.fileChoices[field.id] ?? [];
      return (
        <>
          <FileField field={field} ctx={ctx} />
          {choices.length > 0 && (
            <Checkboxes
              name={fileChoiceInput(field.id)}
              legend="Ou utilisez un document de mes justificatifs"
              legendSize="s"
              hint="Une copie du document sera jointe à votre demande, comme si vous l’envoyiez."
              items={choices.map((choice) => ({ value: choice.value, label: choice.label }))}
            />
          )}
        </>
      );
    }
    case 'section':
      return (
        <>
          <h2 class="govuk-heading-m">{field.label}</h2>
          {field.content !== undefined && <RichText text={field.content} />}
        </>
      );
    case 'explanation':
      return <Explanation field={field} />;
    case 'group': {
      if (field.repeat !== undefined) return <RepeatableGroup field={field} ctx={ctx} />;
      const hintId = field.hint !== undefined ? `${field.id}-hint` : undefined;
      return (
        <div class="govuk-form-group">
          <fieldset class="govuk-fieldset" aria-describedby={hintId}>
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">{field.label}</legend>
            {hintId !== undefined && (
              <div id={hintId} class="govuk-hint">
                {field.hint}
              </div>
            )}
            <FieldList
              fields={field.fields ?? []}
              answers={ctx.answers}
              errors={ctx.errors}
              fileChoices={ctx.fileChoices}
              pageHeadingId={null}
            />
          </fieldset>
        </div>
      );
    }
    default:
      return null;
  }
}

function Explanation({ field }: { field: Field }) {
  const text = field.content ?? '';
  const heading = field.label.trim() !== '' ? <h2 class="govuk-heading-s">{field.label}</h2> : null;
  switch (field.appearance) {
    case 'inset':
      return (
        <InsetText>
          {heading}
          <RichText text={text} />
        </InsetText>
      );
    case 'details':
      return (
        <Details summary={field.label}>
          <RichText text={text} />
        </Details>
      );
    case 'warning':
      return (
        <>
          {heading}
          <WarningText>{text.replace(/\s*\n\s*/g, ' ')}</WarningText>
        </>
      );
    default:
      return (
        <>
          {heading}
          <RichText text={text} />
        </>
      );
  }
}

function FieldList({
  fields,
  answers,
  errors,
  pageHeadingId,
  fileChoices,
}: {
  fields: Field[];
  answers: Answers;
  errors: Record<string, string>;
  pageHeadingId: string | null;
  fileChoices: Readonly<Record<string, readonly FileChoice[]>>;
}) {
  return (
    <>
      {visibleFields(fields, answers).map((field) => {
        const entry: FieldEntry = { key: field.id, field, value: answers[field.id] };
        return (
          <FieldView
            key={field.id}
            field={field}
            ctx={{
              key: field.id,
              value: answers[field.id],
              error: errors[field.id],
              parts: issueParts(entry, errors),
              isPageHeading: pageHeadingId === field.id,
              answers,
              errors,
              fileChoices,
            }}
          />
        );
      })}
    </>
  );
}

/** Where the error summary link of an input leads: the first faulty part of a date or address. */
function errorTarget(entry: FieldEntry, errors: Record<string, string>): string {
  if (entry.field.type === 'date') return `${entry.key}-${issueParts(entry, errors)?.[0] ?? 'day'}`;
  if (entry.field.type === 'address') return `${entry.key}-${issueParts(entry, errors)?.[0] ?? 'line1'}`;
  return entry.key;
}

/** Id of the form element (field ids never contain a hyphen). */
export const FORM_ID = 'formulaire-demarche';

/** Error-summary items in page order; unknown keys (errors from elsewhere) last. */
export function formErrorSummaryItems(entries: FieldEntry[], errors: Record<string, string>): ErrorSummaryItem[] {
  const items: ErrorSummaryItem[] = [];
  const known = new Set<string>();
  for (const entry of entries) {
    known.add(entry.key);
    const text = errors[entry.key];
    if (text !== undefined) items.push({ href: `#${errorTarget(entry, errors)}`, text });
  }
  // Errors about no input of the page (e.g. from the requests module) lead to the form.
  for (const [key, text] of Object.entries(errors)) if (!known.has(key)) items.push({ href: `#${FORM_ID}`, text });
  return items;
}

/** The single question of a page, shown as the page heading, or null. */
function singleQuestion(page: FormPage, answers: Answers): Field | null {
  const fields = visibleFields(page.fields, answers);
  const only = fields[0];
  if (fields.length !== 1 || only === undefined || !isAnswerable(only)) return null;
  return only;
}

/** One page of a démarche, to put inside the layout's main content. */
export function FormPageView(props: FormPageViewProps): VNode {
  const { definition, page, errors, csrfToken, action, step, backHref, multipart } = props;
  const answers = effectiveAnswers(definition, props.answers);
  const entries = fieldEntries(page.fields, answers);
  const question = singleQuestion(page, answers);
  // Submit buttons placed before "Continuer" (add/remove an item, remove a file) would be the
  // form's default button for Enter: a hidden first "Continuer" keeps Enter meaning "Continuer".
  const otherButtonsFirst = entries.some(
    (entry) =>
      entry.field.repeat !== undefined ||
      (entry.field.type === 'file' && Array.isArray(entry.value) && entry.value.length > 0),
  );
  return (
    <>
      {backHref !== undefined && <BackLink href={backHref} />}
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={formErrorSummaryItems(entries, errors)} />
          <span class="govuk-caption-l">
            Étape {step.current} sur {step.total}
          </span>
          {question === null && <h1 class="govuk-heading-l">{page.title}</h1>}
          <form
            id={FORM_ID}
            method="post"
            action={action}
            novalidate
            enctype={multipart ? 'multipart/form-data' : undefined}
          >
            <CsrfField token={csrfToken} />
            <input type="hidden" name={SHOWN_FIELDS_INPUT} value={entries.map((entry) => entry.key).join(',')} />
            {otherButtonsFirst && (
              <button type="submit" name="action" value="continuer" hidden tabindex={-1}>
                Continuer
              </button>
            )}
            <FieldList
              fields={page.fields}
              answers={answers}
              errors={errors}
              fileChoices={props.fileChoices ?? {}}
              pageHeadingId={question?.id ?? null}
            />
            <ButtonGroup>
              <Button name="action" value="continuer">
                Continuer
              </Button>
              <Button variant="secondary" name="action" value="brouillon">
                Enregistrer et continuer plus tard
              </Button>
            </ButtonGroup>
          </form>
        </div>
      </div>
    </>
  );
}

/** The answers as summary lists, one per page, with optional "Modifier" links. */
export function FormSummaryView({
  definition,
  answers,
  changeHref,
  headingLevel = 2,
}: {
  definition: FormDefinition;
  answers: Answers;
  changeHref?: (pageId: string, fieldId: string) => string;
  headingLevel?: 2 | 3;
}) {
  const Heading = `h${headingLevel}` as 'h2' | 'h3';
  return (
    <>
      {summarize(definition, answers).map((section) => (
        <div key={section.pageId}>
          <Heading class={headingLevel === 2 ? 'govuk-heading-m' : 'govuk-heading-s'}>{section.pageTitle}</Heading>
          <SummaryList
            rows={section.rows.map((row) => ({
              key: row.label,
              value: multiline(row.value),
              ...(changeHref !== undefined
                ? {
                    actions: [
                      {
                        href: changeHref(section.pageId, row.fieldId),
                        label: 'Modifier',
                        visuallyHiddenText: row.label,
                      },
                    ],
                  }
                : {}),
            }))}
          />
        </div>
      ))}
    </>
  );
}

function multiline(text: string): ComponentChildren {
  const lines = text.split('\n');
  if (lines.length === 1) return text;
  return lines.map((line, index) => (
    <span key={index}>
      {index > 0 && <br />}
      {line}
    </span>
  ));
}

/**
 * A whole HTML page (layout included) showing one page of a definition, outside any request:
 * for the browser tests that run axe on every page of every démarche of the library.
 */
export function renderStandalonePage(
  def: FormDefinition,
  pageId: string,
  options: { answers?: Answers; errors?: Record<string, string>; commune?: CommuneBranding } = {},
): string {
  const page = findPage(def, pageId);
  if (page === undefined) throw new RangeError(`unknown form page: ${pageId}`);
  const answers = options.answers ?? {};
  const errors = options.errors ?? {};
  const step = stepOf(def, pageId, answers);
  const previous = def.pages[def.pages.indexOf(page) - 1];
  return renderPage({
    title: formPageTitle(def, page, errors),
    ...(options.commune !== undefined ? { commune: options.commune } : {}),
    footerLinks: footerLinks(null),
    children: (
      <FormPageView
        definition={def}
        page={page}
        answers={answers}
        errors={errors}
        csrfToken="jeton-de-demonstration"
        action={`/demarches/apercu/${encodeURIComponent(page.id)}`}
        step={step}
        backHref={previous !== undefined ? `/demarches/apercu/${encodeURIComponent(previous.id)}` : undefined}
        multipart={pageHasFileField(page)}
      />
    ),
  });
}
