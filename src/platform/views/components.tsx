/** @jsxImportSource preact */
// Design-system components: govuk-frontend 6.6 markup (see
// node_modules/govuk-frontend/dist/govuk/components/*/template*.html) as typed
// preact components rendered on the server. French texts. Forms work without
// JavaScript; the enhancements come from /static/js/app.mjs.
//
// Conventions:
// - a field's id defaults to its name; hint, error and character-count ids are
//   `${id}-hint`, `${id}-error`, `${id}-info` and listed in aria-describedby;
// - for radios and checkboxes the first input has the field id (the target of
//   the error summary link), the next ones `${id}-2`, `${id}-3`…;
// - for a date input the error summary link targets `${id}-day`.
// Conditional reveals are deliberately not offered: the Radios script sets
// aria-expanded on radio inputs, which axe reports (alphagov/govuk-frontend#979).
// Ask the follow-up question on the next page instead.

import type { ComponentChildren } from 'preact';

type Size = 's' | 'm' | 'l' | 'xl';

function classNames(...names: Array<string | false | null | undefined>): string {
  return names.filter(Boolean).join(' ');
}

function describedBy(...ids: Array<string | false | null | undefined>): string | undefined {
  const list = ids.filter(Boolean);
  return list.length > 0 ? list.join(' ') : undefined;
}

// ---------------------------------------------------------------------------
// Typography and links

export interface HeadingProps {
  level?: 1 | 2 | 3 | 4;
  /** Visual size; defaults to l for h1, m for h2, s below. */
  size?: Size;
  /** Caption shown above the heading (e.g. the section of a form). */
  caption?: string;
  id?: string;
  children: ComponentChildren;
}

const defaultHeadingSize: Record<NonNullable<HeadingProps['level']>, Size> = { 1: 'l', 2: 'm', 3: 's', 4: 's' };

/** Page or section heading (`govuk-heading-*`), with an optional caption. */
export function Heading({ level = 1, size, caption, id, children }: HeadingProps) {
  const Tag = `h${level}` as 'h1' | 'h2' | 'h3' | 'h4';
  const headingSize = size ?? defaultHeadingSize[level];
  return (
    <Tag class={`govuk-heading-${headingSize}`} id={id}>
      {caption !== undefined && (
        <span class={`govuk-caption-${headingSize === 's' ? 'm' : headingSize}`}>{caption}</span>
      )}
      {children}
    </Tag>
  );
}

export interface ParagraphProps {
  /** `lead` is the larger introduction, `small` the 16px size. */
  variant?: 'lead' | 'small';
  children: ComponentChildren;
}

/** Body paragraph (`govuk-body`). */
export function Paragraph({ variant, children }: ParagraphProps) {
  const className = variant === 'lead' ? 'govuk-body-l' : variant === 'small' ? 'govuk-body-s' : 'govuk-body';
  return <p class={className}>{children}</p>;
}

/** Text link (`govuk-link`). */
export function TextLink({ href, children }: { href: string; children: ComponentChildren }) {
  return (
    <a class="govuk-link" href={href}>
      {children}
    </a>
  );
}

/** "Retour" link placed above the main content. */
export function BackLink({ href, children = 'Retour' }: { href: string; children?: ComponentChildren }) {
  return (
    <a href={href} class="govuk-back-link">
      {children}
    </a>
  );
}

/** Breadcrumbs (`govuk-breadcrumbs`); the item marked `current` is not a link. */
export function Breadcrumbs({ items }: { items: ReadonlyArray<{ href: string; label: string; current?: boolean }> }) {
  return (
    <nav class="govuk-breadcrumbs" aria-label="Fil d’Ariane">
      <ol class="govuk-breadcrumbs__list">
        {items.map((item) => (
          <li class="govuk-breadcrumbs__list-item" key={item.href}>
            {item.current ? (
              <span aria-current="page">{item.label}</span>
            ) : (
              <a class="govuk-breadcrumbs__link" href={item.href}>
                {item.label}
              </a>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

// ---------------------------------------------------------------------------
// Content blocks

export interface SummaryListAction {
  href: string;
  /** Visible text, e.g. "Modifier". */
  label: string;
  /** Appended for screen readers, e.g. "la date souhaitée". */
  visuallyHiddenText?: string;
}

export interface SummaryListRow {
  key: ComponentChildren;
  value: ComponentChildren;
  actions?: SummaryListAction[];
}

function SummaryActionLink({ action }: { action: SummaryListAction }) {
  return (
    <a class="govuk-link" href={action.href}>
      {action.label}
      {action.visuallyHiddenText !== undefined && (
        <span class="govuk-visually-hidden"> {action.visuallyHiddenText}</span>
      )}
    </a>
  );
}

/** Summary list (`<dl class="govuk-summary-list">`) with optional "Modifier" links. */
export function SummaryList({ rows, noBorder = false }: { rows: SummaryListRow[]; noBorder?: boolean }) {
  const anyRowHasActions = rows.some((row) => (row.actions?.length ?? 0) > 0);
  return (
    <dl class={classNames('govuk-summary-list', noBorder && 'govuk-summary-list--no-border')}>
      {rows.map((row, index) => {
        const actions = row.actions ?? [];
        return (
          <div
            key={index}
            class={classNames(
              'govuk-summary-list__row',
              anyRowHasActions && actions.length === 0 && 'govuk-summary-list__row--no-actions',
            )}
          >
            <dt class="govuk-summary-list__key">{row.key}</dt>
            <dd class="govuk-summary-list__value">{row.value}</dd>
            {actions.length === 1 && actions[0] !== undefined && (
              <dd class="govuk-summary-list__actions">
                <SummaryActionLink action={actions[0]} />
              </dd>
            )}
            {actions.length > 1 && (
              <dd class="govuk-summary-list__actions">
                <ul class="govuk-summary-list__actions-list">
                  {actions.map((action) => (
                    <li class="govuk-summary-list__actions-list-item" key={action.href}>
                      <SummaryActionLink action={action} />
                    </li>
                  ))}
                </ul>
              </dd>
            )}
          </div>
        );
      })}
    </dl>
  );
}

export interface TableColumn {
  label: ComponentChildren;
  /** Right-aligned, tabular figures (amounts, counts). */
  numeric?: boolean;
}

export interface TableProps {
  /** Required: describes the table to screen-reader users. */
  caption: ComponentChildren;
  captionSize?: Size;
  columns: TableColumn[];
  rows: ComponentChildren[][];
  /** Render the first cell of each row as a row header (`<th scope="row">`). */
  firstCellIsHeader?: boolean;
}

/** Data table (`govuk-table`) with a caption and column headers. */
export function Table({ caption, captionSize = 'm', columns, rows, firstCellIsHeader = false }: TableProps) {
  // A focusable, labelled scroll region: a wide table scrolls on its own instead of making the
  // whole page scroll sideways on a phone (WCAG 1.4.10 Reflow), and keyboard users can scroll it.
  return (
    <section
      class="guichet-table-scroll"
      aria-label={typeof caption === 'string' ? caption : 'Tableau'}
      // A scrollable region must be reachable by keyboard.
      tabindex={0}
    >
      <table class="govuk-table">
        <caption class={`govuk-table__caption govuk-table__caption--${captionSize}`}>{caption}</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            {columns.map((column, index) => (
              <th
                key={index}
                scope="col"
                class={classNames('govuk-table__header', column.numeric && 'govuk-table__header--numeric')}
              >
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          {rows.map((cells, rowIndex) => (
            <tr class="govuk-table__row" key={rowIndex}>
              {cells.map((cell, index) => {
                const numeric = columns[index]?.numeric === true;
                return index === 0 && firstCellIsHeader ? (
                  <th key={index} scope="row" class="govuk-table__header">
                    {cell}
                  </th>
                ) : (
                  <td key={index} class={classNames('govuk-table__cell', numeric && 'govuk-table__cell--numeric')}>
                    {cell}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export type TagColour =
  | 'grey'
  | 'green'
  | 'teal'
  | 'turquoise'
  | 'purple'
  | 'magenta'
  | 'pink'
  | 'red'
  | 'orange'
  | 'yellow';

/** Status tag (`govuk-tag`); blue by default. */
export function Tag({ colour, children }: { colour?: TagColour; children: ComponentChildren }) {
  return <strong class={classNames('govuk-tag', colour && `govuk-tag--${colour}`)}>{children}</strong>;
}

/** Confirmation panel (green), e.g. "Demande envoyée" with the file number. */
export function Panel({ title, children }: { title: ComponentChildren; children?: ComponentChildren }) {
  return (
    <div class="govuk-panel govuk-panel--confirmation">
      <h1 class="govuk-panel__title">{title}</h1>
      {children !== undefined && <div class="govuk-panel__body">{children}</div>}
    </div>
  );
}

/** Inset text (`govuk-inset-text`). */
export function InsetText({ children }: { children: ComponentChildren }) {
  return <div class="govuk-inset-text">{children}</div>;
}

/** Warning text with the "!" icon; "Attention" is read by screen readers. */
export function WarningText({ children }: { children: ComponentChildren }) {
  return (
    <div class="govuk-warning-text">
      <span class="govuk-warning-text__icon" aria-hidden="true">
        !
      </span>
      <strong class="govuk-warning-text__text">
        <span class="govuk-visually-hidden">Attention</span> {children}
      </strong>
    </div>
  );
}

/** Details / summary disclosure (works without JavaScript). */
export function Details({
  summary,
  open,
  children,
}: {
  summary: ComponentChildren;
  /** Shown unfolded, e.g. when it holds a field in error or already chosen. */
  open?: boolean;
  children: ComponentChildren;
}) {
  return (
    <details class="govuk-details" open={open ? true : undefined}>
      <summary class="govuk-details__summary">
        <span class="govuk-details__summary-text">{summary}</span>
      </summary>
      <div class="govuk-details__text">{children}</div>
    </details>
  );
}

export interface NotificationBannerProps {
  /** `success` is announced as an alert (role=alert) and shown in green. */
  kind: 'success' | 'info';
  title: ComponentChildren;
  text?: ComponentChildren;
}

/** Notification banner; at most one per page (fixed title id). */
export function NotificationBanner({ kind, title, text }: NotificationBannerProps) {
  const content = (
    <>
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="govuk-notification-banner-title">
          {kind === 'success' ? 'Succès' : 'Important'}
        </h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-notification-banner__heading">{title}</p>
        {text !== undefined && <p class="govuk-body">{text}</p>}
      </div>
    </>
  );
  return kind === 'success' ? (
    <div
      class="govuk-notification-banner govuk-notification-banner--success"
      role="alert"
      aria-labelledby="govuk-notification-banner-title"
      data-module="govuk-notification-banner"
    >
      {content}
    </div>
  ) : (
    // A <section> with an accessible name is a region landmark (upstream: div role=region).
    <section
      class="govuk-notification-banner"
      aria-labelledby="govuk-notification-banner-title"
      data-module="govuk-notification-banner"
    >
      {content}
    </section>
  );
}

// ---------------------------------------------------------------------------
// Buttons and forms

export interface ButtonProps {
  /** With `href` the button is a link styled as a button (navigation, no form). */
  href?: string;
  type?: 'submit' | 'button';
  variant?: 'primary' | 'secondary' | 'warning';
  /** Name/value sent with the form, e.g. to tell "Continuer" from "Enregistrer le brouillon". */
  name?: string;
  value?: string;
  /** Ignore a second click within a second (the Button script); default true for submit buttons. */
  preventDoubleClick?: boolean;
  children: ComponentChildren;
}

/** Button (`govuk-button`), as `<button>` or as a link with role=button. */
export function Button({
  href,
  type = 'submit',
  variant = 'primary',
  name,
  value,
  preventDoubleClick,
  children,
}: ButtonProps) {
  const className = classNames('govuk-button', variant !== 'primary' && `govuk-button--${variant}`);
  if (href !== undefined) {
    return (
      // biome-ignore lint/a11y/useSemanticElements: govuk-frontend link button: navigates (GET), so it stays a link; role=button for the space-bar behaviour added by the Button script
      <a href={href} role="button" draggable={false} class={className} data-module="govuk-button">
        {children}
      </a>
    );
  }
  const preventDouble = preventDoubleClick ?? type === 'submit';
  return (
    <button
      type={type}
      class={className}
      data-module="govuk-button"
      name={name}
      value={value}
      data-prevent-double-click={preventDouble ? 'true' : undefined}
    >
      {children}
    </button>
  );
}

/** Groups buttons and links side by side (`govuk-button-group`). */
export function ButtonGroup({ children }: { children: ComponentChildren }) {
  return <div class="govuk-button-group">{children}</div>;
}

/**
 * The form of a confirmation page: one button that posts to `action` (a warning button unless
 * `warning` is false) and a link back ("Annuler"); `hidden` fields go with it.
 */
export function ConfirmForm({
  action,
  csrfToken,
  button,
  cancelHref,
  warning = true,
  hidden = {},
}: {
  action: string;
  csrfToken: string;
  button: ComponentChildren;
  cancelHref: string;
  warning?: boolean;
  hidden?: Record<string, string>;
}) {
  return (
    <form method="post" action={action} novalidate>
      <CsrfField token={csrfToken} />
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <ButtonGroup>
        {warning ? <Button variant="warning">{button}</Button> : <Button>{button}</Button>}
        <a class="govuk-link" href={cancelHref}>
          Annuler
        </a>
      </ButtonGroup>
    </form>
  );
}

/** Hidden CSRF token field; put it first in every POST form. */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/** Field name → French error message; absent or undefined means no error. */
export type FieldErrors = Readonly<Record<string, string | undefined>>;

export interface ErrorSummaryItem {
  /** `#` + id of the field to focus, e.g. `#date-day` for a date input. */
  href: string;
  text: string;
}

/**
 * Error-summary items from field errors, in the order of `fieldOrder` (the
 * order of the fields on the page). `targets` maps a field name to the id to
 * link to when it differs from the name (e.g. `{ date: 'date-day' }`).
 */
export function errorSummaryItems(
  errors: FieldErrors,
  fieldOrder: readonly string[] = Object.keys(errors),
  targets: Readonly<Record<string, string>> = {},
): ErrorSummaryItem[] {
  const items: ErrorSummaryItem[] = [];
  for (const field of fieldOrder) {
    const text = errors[field];
    if (text !== undefined) items.push({ href: `#${targets[field] ?? field}`, text });
  }
  return items;
}

/** Page title prefixed with "Erreur : " when the form has errors (announced first by screen readers). */
export function titleWithErrors(title: string, hasErrors: boolean): string {
  return hasErrors ? `Erreur\u00a0: ${title}` : title;
}

/** Error summary at the top of the main content; renders nothing without errors. */
export function ErrorSummary({ errors, title = 'Il y a un problème' }: { errors: ErrorSummaryItem[]; title?: string }) {
  if (errors.length === 0) return null;
  return (
    <div class="govuk-error-summary" data-module="govuk-error-summary">
      <div role="alert">
        <h2 class="govuk-error-summary__title">{title}</h2>
        <div class="govuk-error-summary__body">
          <ul class="govuk-list govuk-error-summary__list">
            {errors.map((error) => (
              <li key={error.href}>
                <a href={error.href}>{error.text}</a>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

/** Inline error message with the hidden "Erreur :" prefix for screen readers. */
export function ErrorMessage({ id, children }: { id: string; children: ComponentChildren }) {
  return (
    <p id={id} class="govuk-error-message">
      <span class="govuk-visually-hidden">{'Erreur\u00a0:'}</span> {children}
    </p>
  );
}

function Hint({ id, children }: { id: string; children: ComponentChildren }) {
  return (
    <div id={id} class="govuk-hint">
      {children}
    </div>
  );
}

/** Common options of single-control fields (input, textarea, select, file). */
export interface FieldProps {
  name: string;
  /** Defaults to `name`. */
  id?: string;
  label: ComponentChildren;
  labelSize?: Size;
  /** Wrap the label in an `<h1>` when the question is the page's only subject. */
  isPageHeading?: boolean;
  hint?: ComponentChildren;
  /** French error message; its presence switches the field to the error state. */
  error?: string;
}

function Label({
  id,
  label,
  labelSize,
  isPageHeading,
}: Pick<FieldProps, 'label' | 'labelSize' | 'isPageHeading'> & { id: string }) {
  const size = labelSize ?? (isPageHeading ? 'l' : undefined);
  const element = (
    <label class={classNames('govuk-label', size && `govuk-label--${size}`)} for={id}>
      {label}
    </label>
  );
  return isPageHeading ? <h1 class="govuk-label-wrapper">{element}</h1> : element;
}

/** Label, hint and error message of a single-control field, and the ids to describe it. */
function fieldParts(props: FieldProps) {
  const id = props.id ?? props.name;
  const hintId = props.hint !== undefined ? `${id}-hint` : undefined;
  const errorId = props.error !== undefined ? `${id}-error` : undefined;
  const head = (
    <>
      <Label id={id} label={props.label} labelSize={props.labelSize} isPageHeading={props.isPageHeading} />
      {hintId !== undefined && <Hint id={hintId}>{props.hint}</Hint>}
      {errorId !== undefined && <ErrorMessage id={errorId}>{props.error}</ErrorMessage>}
    </>
  );
  return { id, hintId, errorId, head, hasError: props.error !== undefined };
}

export interface InputProps extends FieldProps {
  /** No "number": GOV.UK advises `inputmode="numeric"` on a text input instead. */
  type?: 'text' | 'email' | 'tel' | 'url' | 'password' | 'search';
  value?: string;
  /** e.g. "email", "tel", "given-name", "family-name", "postal-code", "street-address". */
  autocomplete?: string;
  inputmode?: 'text' | 'numeric' | 'decimal' | 'email' | 'tel' | 'url' | 'search';
  spellcheck?: boolean;
  /** Fixed width in characters (`govuk-input--width-N`) or fluid (`govuk-!-width-*`). */
  width?: 2 | 3 | 4 | 5 | 10 | 20 | 30 | 'full' | 'three-quarters' | 'two-thirds' | 'one-half' | 'one-third';
}

function inputWidthClass(width: InputProps['width']): string | undefined {
  if (width === undefined) return undefined;
  return typeof width === 'number' ? `govuk-input--width-${width}` : `govuk-!-width-${width}`;
}

/** Text input with label, hint and error message. */
export function Input(props: InputProps) {
  const { id, hintId, errorId, head, hasError } = fieldParts(props);
  return (
    <div class={classNames('govuk-form-group', hasError && 'govuk-form-group--error')}>
      {head}
      <input
        class={classNames('govuk-input', inputWidthClass(props.width), hasError && 'govuk-input--error')}
        id={id}
        name={props.name}
        // preact types `<input>` as a union discriminated by a literal `type`;
        // all our types share the text-field attributes used here.
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        spellcheck={props.spellcheck}
        aria-describedby={describedBy(hintId, errorId)}
      />
    </div>
  );
}

export interface TextareaProps extends FieldProps {
  value?: string;
  rows?: number;
  autocomplete?: string;
  spellcheck?: boolean;
  /**
   * Adds a character count (`govuk-character-count`). The limit is not enforced
   * by the browser, so users can paste then shorten; validate it on the server.
   */
  maxLength?: number;
}

/** Textarea, with an optional character count. */
export function Textarea(props: TextareaProps) {
  const { id, hintId, errorId, head, hasError } = fieldParts(props);
  const counted = props.maxLength !== undefined;
  const infoId = counted ? `${id}-info` : undefined;
  return (
    <div
      class={classNames('govuk-form-group', hasError && 'govuk-form-group--error', counted && 'govuk-character-count')}
      data-module={counted ? 'govuk-character-count' : undefined}
      data-maxlength={counted ? String(props.maxLength) : undefined}
    >
      {head}
      <textarea
        class={classNames('govuk-textarea', hasError && 'govuk-textarea--error', counted && 'govuk-js-character-count')}
        id={id}
        name={props.name}
        rows={props.rows ?? 5}
        autocomplete={props.autocomplete}
        spellcheck={props.spellcheck}
        aria-describedby={describedBy(infoId, hintId, errorId)}
      >
        {props.value ?? ''}
      </textarea>
      {infoId !== undefined && (
        <div id={infoId} class="govuk-hint govuk-character-count__message">
          Vous pouvez saisir jusqu’à {props.maxLength} caractères
        </div>
      )}
    </div>
  );
}

export interface SelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

export interface SelectProps extends FieldProps {
  options: SelectOption[];
  value?: string;
  autocomplete?: string;
}

/** Select list. Prefer radios below about eight options. */
export function Select(props: SelectProps) {
  const { id, hintId, errorId, head, hasError } = fieldParts(props);
  return (
    <div class={classNames('govuk-form-group', hasError && 'govuk-form-group--error')}>
      {head}
      <select
        class={classNames('govuk-select', hasError && 'govuk-select--error')}
        id={id}
        name={props.name}
        autocomplete={props.autocomplete}
        aria-describedby={describedBy(hintId, errorId)}
      >
        {props.options.map((option) => (
          <option
            key={option.value}
            value={option.value}
            selected={option.value === props.value}
            disabled={option.disabled}
          >
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export interface FileUploadProps extends FieldProps {
  /** e.g. ".pdf,.jpg,.png" or "application/pdf,image/*". */
  accept?: string;
  multiple?: boolean;
  /** Drop-zone enhancement by the FileUpload script (French texts come from app.mjs). */
  enhanced?: boolean;
}

/** File input; remember `enctype="multipart/form-data"` on the form. */
export function FileUpload(props: FileUploadProps) {
  const { id, hintId, errorId, head, hasError } = fieldParts(props);
  const input = (
    <input
      class={classNames('govuk-file-upload', hasError && 'govuk-file-upload--error')}
      id={id}
      name={props.name}
      type="file"
      accept={props.accept}
      multiple={props.multiple}
      aria-describedby={describedBy(hintId, errorId)}
    />
  );
  return (
    <div class={classNames('govuk-form-group', hasError && 'govuk-form-group--error')}>
      {head}
      {props.enhanced ? (
        <div class="govuk-file-upload-wrapper" data-module="govuk-file-upload">
          {input}
        </div>
      ) : (
        input
      )}
    </div>
  );
}

/** Common options of grouped fields (radios, checkboxes, date): a fieldset with a legend. */
export interface FieldsetFieldProps {
  name: string;
  /** Defaults to `name`; also the id of the first control. */
  id?: string;
  legend: ComponentChildren;
  legendSize?: Size;
  /** Wrap the legend in an `<h1>` when the question is the page's only subject. */
  isPageHeading?: boolean;
  hint?: ComponentChildren;
  error?: string;
}

function FieldsetGroup({
  props,
  id,
  role,
  children,
}: {
  props: FieldsetFieldProps;
  id: string;
  role?: 'group';
  children: ComponentChildren;
}) {
  const hintId = props.hint !== undefined ? `${id}-hint` : undefined;
  const errorId = props.error !== undefined ? `${id}-error` : undefined;
  const size = props.legendSize ?? (props.isPageHeading ? 'l' : undefined);
  return (
    <div class={classNames('govuk-form-group', errorId !== undefined && 'govuk-form-group--error')}>
      <fieldset class="govuk-fieldset" role={role} aria-describedby={describedBy(hintId, errorId)}>
        <legend class={classNames('govuk-fieldset__legend', size && `govuk-fieldset__legend--${size}`)}>
          {props.isPageHeading ? <h1 class="govuk-fieldset__heading">{props.legend}</h1> : props.legend}
        </legend>
        {hintId !== undefined && <Hint id={hintId}>{props.hint}</Hint>}
        {errorId !== undefined && <ErrorMessage id={errorId}>{props.error}</ErrorMessage>}
        {children}
      </fieldset>
    </div>
  );
}

export interface ChoiceItem {
  value: string;
  label: ComponentChildren;
  hint?: ComponentChildren;
}

function choiceId(id: string, index: number): string {
  return index === 0 ? id : `${id}-${index + 1}`;
}

function ChoiceItems({
  kind,
  name,
  id,
  items,
  isChecked,
}: {
  kind: 'radios' | 'checkboxes';
  name: string;
  id: string;
  items: ChoiceItem[];
  isChecked: (value: string) => boolean;
}) {
  return (
    <>
      {items.map((item, index) => {
        const itemId = choiceId(id, index);
        const itemHintId = item.hint !== undefined ? `${itemId}-item-hint` : undefined;
        return (
          <div class={`govuk-${kind}__item`} key={item.value}>
            <input
              class={`govuk-${kind}__input`}
              id={itemId}
              name={name}
              type={kind === 'radios' ? 'radio' : 'checkbox'}
              value={item.value}
              checked={isChecked(item.value)}
              aria-describedby={itemHintId}
            />
            <label class={`govuk-label govuk-${kind}__label`} for={itemId}>
              {item.label}
            </label>
            {itemHintId !== undefined && (
              <div id={itemHintId} class={`govuk-hint govuk-${kind}__hint`}>
                {item.hint}
              </div>
            )}
          </div>
        );
      })}
    </>
  );
}

export interface RadiosProps extends FieldsetFieldProps {
  items: ChoiceItem[];
  value?: string;
  /** Side by side (two short options such as Oui / Non). */
  inline?: boolean;
  small?: boolean;
}

/** Radio buttons in a fieldset. */
export function Radios(props: RadiosProps) {
  const id = props.id ?? props.name;
  return (
    <FieldsetGroup props={props} id={id}>
      <div
        class={classNames('govuk-radios', props.inline && 'govuk-radios--inline', props.small && 'govuk-radios--small')}
        data-module="govuk-radios"
      >
        <ChoiceItems
          kind="radios"
          name={props.name}
          id={id}
          items={props.items}
          isChecked={(value) => value === props.value}
        />
      </div>
    </FieldsetGroup>
  );
}

export interface CheckboxesProps extends FieldsetFieldProps {
  items: ChoiceItem[];
  values?: readonly string[];
  small?: boolean;
}

/** Checkboxes in a fieldset. */
export function Checkboxes(props: CheckboxesProps) {
  const id = props.id ?? props.name;
  const values = new Set(props.values ?? []);
  return (
    <FieldsetGroup props={props} id={id}>
      <div
        class={classNames('govuk-checkboxes', props.small && 'govuk-checkboxes--small')}
        data-module="govuk-checkboxes"
      >
        <ChoiceItems kind="checkboxes" name={props.name} id={id} items={props.items} isChecked={(v) => values.has(v)} />
      </div>
    </FieldsetGroup>
  );
}

export interface DateInputValue {
  day?: string;
  month?: string;
  year?: string;
}

export interface DateInputProps extends FieldsetFieldProps {
  value?: DateInputValue;
  /** Which parts to highlight when `error` is set; all three by default. */
  errorParts?: ReadonlyArray<keyof DateInputValue>;
  /** e.g. "bday" for a date of birth. */
  autocompletePrefix?: 'bday';
}

const dateParts: ReadonlyArray<{ part: keyof DateInputValue; label: string; width: 2 | 4 }> = [
  { part: 'day', label: 'Jour', width: 2 },
  { part: 'month', label: 'Mois', width: 2 },
  { part: 'year', label: 'Année', width: 4 },
];

/**
 * Date as three text boxes (jour, mois, année), posted as `${name}-day`,
 * `${name}-month`, `${name}-year`. Link the error summary to `#${id}-day`.
 */
export function DateInput(props: DateInputProps) {
  const id = props.id ?? props.name;
  const highlighted = new Set(props.error !== undefined ? (props.errorParts ?? ['day', 'month', 'year']) : []);
  return (
    <FieldsetGroup props={props} id={id} role="group">
      <div class="govuk-date-input" id={id}>
        {dateParts.map(({ part, label, width }) => (
          <div class="govuk-date-input__item" key={part}>
            <div class="govuk-form-group">
              <label class="govuk-label govuk-date-input__label" for={`${id}-${part}`}>
                {label}
              </label>
              <input
                class={classNames(
                  'govuk-input govuk-date-input__input',
                  `govuk-input--width-${width}`,
                  highlighted.has(part) && 'govuk-input--error',
                )}
                id={`${id}-${part}`}
                name={`${props.name}-${part}`}
                type="text"
                inputmode="numeric"
                value={props.value?.[part]}
                autocomplete={
                  props.autocompletePrefix !== undefined ? `${props.autocompletePrefix}-${part}` : undefined
                }
              />
            </div>
          </div>
        ))}
      </div>
    </FieldsetGroup>
  );
}
