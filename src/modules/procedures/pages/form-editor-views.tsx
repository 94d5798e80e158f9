/**
 * Components of the form editor's pages: a page of the form as a summary card with its
 * questions, the move buttons, the list of what to correct, the condition list, and the inputs
 * of a question's settings (which ones depends on its type, see form-editor-settings.ts).
 */
import { type ComponentChildren, Fragment } from 'preact';
import {
  Button,
  Checkboxes,
  CsrfField,
  ErrorMessage,
  type FieldErrors,
  Input,
  InsetText,
  Radios,
  Select,
  Textarea,
} from '../../../platform/views/components.js';
import {
  APPEARANCE_LABELS,
  type Condition,
  type ConditionChoice,
  conditionChoiceValue,
  type DefinitionProblem,
  describeCondition,
  EXPLANATION_APPEARANCES,
  FILE_KIND_LABELS,
  FILE_KINDS,
  type Field,
  type FormDefinition,
  type FormPage,
  fieldTypeLabel,
  isAnswerable,
  LIMITS,
  quote,
} from '../../forms/index.js';
import { problemAnchor } from '../form-editor.js';
import { type FieldFormValues, PREFILL_LABELS, prefillKeysFor, settingsFor } from '../form-editor-settings.js';

export function displayLabel(field: Field): string {
  return field.label.trim() || fieldTypeLabel(field);
}

export function BackLink({ href, children }: { href: string; children: ComponentChildren }) {
  return (
    <a class="govuk-back-link" href={href}>
      {children}
    </a>
  );
}

export function Caption({ children }: { children: ComponentChildren }) {
  return <span class="govuk-caption-l">{children}</span>;
}

/** The condition list: always, or one simple test of an earlier question; a combined condition is kept. */
export function ConditionSelect({
  label,
  hint,
  choices,
  current,
  value,
  error,
  definition,
}: {
  label: string;
  hint: string;
  choices: readonly ConditionChoice[];
  current: Condition | undefined;
  value: string;
  error: string | undefined;
  definition: FormDefinition;
}) {
  const keep = current !== undefined && !choices.some((choice) => choice.value === conditionChoiceValue(current));
  const selected = keep && (value === conditionChoiceValue(current) || value === 'garder') ? 'garder' : value;
  const groups: Array<{ label: string; choices: ConditionChoice[] }> = [];
  for (const choice of choices) {
    const last = groups[groups.length - 1];
    if (last && last.label === choice.group) last.choices.push(choice);
    else groups.push({ label: choice.group, choices: [choice] });
  }
  return (
    <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <label class="govuk-label govuk-label--s" for="condition">
        {label}
      </label>
      <div id="condition-hint" class="govuk-hint">
        {hint}
      </div>
      {error && <ErrorMessage id="condition-error">{error}</ErrorMessage>}
      <select
        class={`govuk-select${error ? ' govuk-select--error' : ''}`}
        id="condition"
        name="condition"
        aria-describedby={error ? 'condition-hint condition-error' : 'condition-hint'}
      >
        <option value="" selected={selected === ''}>
          Toujours
        </option>
        {keep && current && (
          <option value="garder" selected={selected === 'garder'}>
            Garder la condition actuelle : si {describeCondition(definition, current)}
          </option>
        )}
        {groups.map((group) => (
          <optgroup key={group.label} label={group.label}>
            {group.choices.map((choice) => (
              <option key={choice.value} value={choice.value} selected={selected === choice.value}>
                si {choice.label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}

export function ProblemList({ problems, base }: { problems: readonly DefinitionProblem[]; base: string }) {
  if (problems.length === 0) return null;
  return (
    <div class="govuk-inset-text" id="a-corriger">
      <h2 class="govuk-heading-m">À corriger avant d’enregistrer une nouvelle version ({problems.length})</h2>
      <ul class="govuk-list govuk-list--bullet">
        {problems.map((problem, index) => (
          <li key={index}>
            {problem.fieldId || problem.pageId ? (
              <a class="govuk-link" href={`${base}#${problemAnchor(problem)}`}>
                {problem.message}
              </a>
            ) : (
              problem.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

// ---------------------------------------------------------------------------
// The main page: pages and their questions

export function MoveButtons({
  action,
  csrf,
  canUp,
  canDown,
  what,
}: {
  action: string;
  csrf: string;
  canUp: boolean;
  canDown: boolean;
  what: string;
}) {
  if (!canUp && !canDown) return null;
  return (
    <form method="post" action={action} class="govuk-!-margin-top-2" novalidate>
      <CsrfField token={csrf} />
      <div class="govuk-button-group govuk-!-margin-bottom-0">
        {canUp && (
          <Button variant="secondary" name="sens" value="haut">
            Monter<span class="govuk-visually-hidden"> {what}</span>
          </Button>
        )}
        {canDown && (
          <Button variant="secondary" name="sens" value="bas">
            Descendre<span class="govuk-visually-hidden"> {what}</span>
          </Button>
        )}
      </div>
    </form>
  );
}

export function FieldRow({
  field,
  group,
  index,
  count,
  page,
  base,
  csrf,
  definition,
  problems,
}: {
  field: Field;
  group?: Field;
  index: number;
  count: number;
  page: FormPage;
  base: string;
  csrf: string;
  definition: FormDefinition;
  problems: readonly DefinitionProblem[];
}) {
  const name = displayLabel(field);
  const what = `la question ${quote(name)}`;
  const mine = problems.filter((problem) => problem.fieldId === field.id);
  return (
    <div class="govuk-summary-list__row" id={`question-${field.id}`}>
      <dt class="govuk-summary-list__key">
        {group && (
          <>
            <span aria-hidden="true">↳ </span>
            <span class="govuk-visually-hidden">Dans le groupe {quote(displayLabel(group))} : </span>
          </>
        )}
        {name}
      </dt>
      <dd class="govuk-summary-list__value">
        <p class="govuk-body govuk-!-margin-bottom-1">
          {fieldTypeLabel(field)}
          {isAnswerable(field) ? (field.required ? ', obligatoire' : ', facultative') : ''}
        </p>
        <p class="govuk-body-s govuk-!-margin-bottom-1">
          {field.condition ? `Affichée si ${describeCondition(definition, field.condition)}` : 'Toujours affichée'}
        </p>
        <p class="govuk-body-s govuk-!-margin-bottom-1">Identifiant : {field.id}</p>
        {mine.map((problem, n) => (
          <p class="govuk-error-message govuk-!-margin-bottom-1" key={n}>
            <span class="govuk-visually-hidden">Erreur :</span> {problem.message}
          </p>
        ))}
        <MoveButtons
          action={`${base}/questions/${field.id}/deplacer`}
          csrf={csrf}
          canUp={index > 0}
          canDown={index < count - 1}
          what={what}
        />
        {field.type === 'group' && (
          <p class="govuk-body govuk-!-margin-top-2 govuk-!-margin-bottom-0">
            <a
              class="govuk-link"
              href={`${base}/pages/${page.id}/nouvelle-question?groupe=${encodeURIComponent(field.id)}`}
            >
              Ajouter une question dans le groupe<span class="govuk-visually-hidden"> {quote(name)}</span>
            </a>
          </p>
        )}
      </dd>
      <dd class="govuk-summary-list__actions">
        <ul class="govuk-summary-list__actions-list">
          <li class="govuk-summary-list__actions-list-item">
            <a class="govuk-link" href={`${base}/questions/${field.id}`}>
              Modifier<span class="govuk-visually-hidden"> {what}</span>
            </a>
          </li>
          <li class="govuk-summary-list__actions-list-item">
            <a class="govuk-link" href={`${base}/questions/${field.id}/supprimer`}>
              Supprimer<span class="govuk-visually-hidden"> {what}</span>
            </a>
          </li>
        </ul>
      </dd>
    </div>
  );
}

export function PageCard({
  page,
  index,
  count,
  base,
  csrf,
  definition,
  problems,
}: {
  page: FormPage;
  index: number;
  count: number;
  base: string;
  csrf: string;
  definition: FormDefinition;
  problems: readonly DefinitionProblem[];
}) {
  const what = `la page ${quote(page.title)}`;
  const pageProblems = problems.filter((problem) => problem.pageId === page.id && problem.fieldId === undefined);
  return (
    <div class="govuk-summary-card" id={`page-${page.id}`}>
      <div class="govuk-summary-card__title-wrapper">
        <h2 class="govuk-summary-card__title">
          Page {index + 1} : {page.title}
        </h2>
        <ul class="govuk-summary-card__actions">
          <li class="govuk-summary-card__action">
            <a class="govuk-link" href={`${base}/pages/${page.id}`}>
              Modifier<span class="govuk-visually-hidden"> {what}</span>
            </a>
          </li>
          <li class="govuk-summary-card__action">
            <a class="govuk-link" href={`${base}/pages/${page.id}/supprimer`}>
              Supprimer<span class="govuk-visually-hidden"> {what}</span>
            </a>
          </li>
        </ul>
      </div>
      <div class="govuk-summary-card__content">
        <p class="govuk-body">
          {page.condition
            ? `Page affichée si ${describeCondition(definition, page.condition)}.`
            : 'Page toujours affichée.'}
        </p>
        {pageProblems.map((problem, n) => (
          <p class="govuk-error-message" key={n}>
            <span class="govuk-visually-hidden">Erreur :</span> {problem.message}
          </p>
        ))}
        <MoveButtons
          action={`${base}/pages/${page.id}/deplacer`}
          csrf={csrf}
          canUp={index > 0}
          canDown={index < count - 1}
          what={what}
        />
        {page.fields.length === 0 ? (
          <p class="govuk-body govuk-!-margin-top-4">Aucune question pour l’instant.</p>
        ) : (
          <dl class="govuk-summary-list govuk-!-margin-top-4">
            {page.fields.map((field, fieldIndex) => (
              <Fragment key={field.id}>
                <FieldRow
                  field={field}
                  index={fieldIndex}
                  count={page.fields.length}
                  page={page}
                  base={base}
                  csrf={csrf}
                  definition={definition}
                  problems={problems}
                />
                {(field.fields ?? []).map((child, childIndex) => (
                  <FieldRow
                    key={child.id}
                    field={child}
                    group={field}
                    index={childIndex}
                    count={field.fields?.length ?? 0}
                    page={page}
                    base={base}
                    csrf={csrf}
                    definition={definition}
                    problems={problems}
                  />
                ))}
              </Fragment>
            ))}
          </dl>
        )}
        <p class="govuk-body govuk-!-margin-bottom-0">
          <a class="govuk-link" href={`${base}/pages/${page.id}/nouvelle-question`}>
            Ajouter une question<span class="govuk-visually-hidden"> à {what}</span>
          </a>
        </p>
      </div>
    </div>
  );
}

/** The settings inputs of a question, those that make sense for its type. */
export function FieldSettingsInputs({
  field,
  group,
  values: shown,
  errors,
  choices,
  definition,
}: {
  field: Field;
  group: Field | undefined;
  values: FieldFormValues;
  errors: FieldErrors;
  choices: readonly ConditionChoice[];
  definition: FormDefinition;
}) {
  const settings = settingsFor(field, group);
  const has = (name: keyof FieldFormValues) => settings.has(name);
  const labelText =
    field.type === 'explanation'
      ? 'Titre (facultatif ; obligatoire pour un bloc repliable)'
      : field.type === 'section'
        ? 'Titre de la section'
        : field.type === 'group'
          ? 'Titre du groupe'
          : 'Libellé de la question';
  return (
    <>
      <Input name="label" label={labelText} value={shown.label} error={errors.label} />
      {has('hint') && (
        <Input
          name="hint"
          label="Aide (facultatif)"
          hint="Une précision affichée sous le libellé, par exemple : Tel qu’il figure sur votre pièce d’identité."
          value={shown.hint}
          error={errors.hint}
        />
      )}
      {has('content') && (
        <Textarea
          name="content"
          label={field.type === 'section' ? 'Introduction (facultatif)' : 'Texte'}
          hint="Séparez les paragraphes par une ligne vide ; des lignes commençant par « - » forment une liste."
          rows={6}
          value={shown.content}
          error={errors.content}
        />
      )}
      {has('appearance') && (
        <Radios
          name="appearance"
          legend="Présentation"
          legendSize="s"
          value={shown.appearance}
          error={errors.appearance}
          items={EXPLANATION_APPEARANCES.map((value) => ({ value, label: APPEARANCE_LABELS[value] }))}
        />
      )}
      {has('required') && (
        <Radios
          name="required"
          legend="La réponse est-elle obligatoire ?"
          legendSize="s"
          inline
          value={shown.required === 'oui' ? 'oui' : 'non'}
          error={errors.required}
          items={[
            { value: 'oui', label: 'Oui' },
            { value: 'non', label: 'Non, facultative' },
          ]}
        />
      )}
      {has('requiredMessage') && (
        <Input
          name="requiredMessage"
          label="Message si la réponse manque (facultatif)"
          hint="Par défaut, le message est tiré du libellé, par exemple : Saisissez votre date de naissance."
          value={shown.requiredMessage}
          error={errors.requiredMessage}
        />
      )}
      {has('options') && (
        <Textarea
          name="options"
          label="Choix proposés"
          hint="Un choix par ligne, dans l’ordre d’affichage. Un choix dont vous gardez le libellé reste le même pour les conditions et les règles d’orientation."
          rows={Math.max(4, (field.options?.length ?? 0) + 2)}
          value={shown.options}
          error={errors.options}
        />
      )}
      {has('minLength') && (
        <>
          <Input
            name="minLength"
            label="Nombre minimal de caractères (facultatif)"
            inputmode="numeric"
            width={5}
            value={shown.minLength}
            error={errors.minLength}
          />
          <Input
            name="maxLength"
            label="Nombre maximal de caractères (facultatif)"
            hint={`Sans limite indiquée : ${field.type === 'textarea' ? LIMITS.textareaMaxLength : LIMITS.textMaxLength} caractères.`}
            inputmode="numeric"
            width={5}
            value={shown.maxLength}
            error={errors.maxLength}
          />
        </>
      )}
      {has('min') && (
        <>
          <Input
            name="min"
            label={
              field.type === 'multichoice'
                ? 'Nombre minimal de cases à cocher (facultatif)'
                : 'Valeur minimale (facultatif)'
            }
            inputmode={field.type === 'multichoice' ? 'numeric' : 'decimal'}
            width={10}
            value={shown.min}
            error={errors.min}
          />
          <Input
            name="max"
            label={
              field.type === 'multichoice'
                ? 'Nombre maximal de cases à cocher (facultatif)'
                : 'Valeur maximale (facultatif)'
            }
            inputmode={field.type === 'multichoice' ? 'numeric' : 'decimal'}
            width={10}
            value={shown.max}
            error={errors.max}
          />
        </>
      )}
      {has('integer') && (
        <Radios
          name="integer"
          legend="Nombre entier uniquement ?"
          legendSize="s"
          inline
          value={shown.integer === 'oui' ? 'oui' : 'non'}
          items={[
            { value: 'oui', label: 'Oui' },
            { value: 'non', label: 'Non, décimales acceptées' },
          ]}
        />
      )}
      {has('minDate') && (
        <>
          <Input
            name="minDate"
            label="Date au plus tôt (facultatif)"
            hint="Par exemple : aujourd’hui, aujourd’hui+15 (dans 15 jours), aujourd’hui-30 (il y a 30 jours) ou 31/12/2026."
            width={20}
            value={shown.minDate}
            error={errors.minDate}
          />
          <Input
            name="maxDate"
            label="Date au plus tard (facultatif)"
            hint="Même format. Pour une date de naissance : aujourd’hui."
            width={20}
            value={shown.maxDate}
            error={errors.maxDate}
          />
        </>
      )}
      {has('fileKinds') && (
        <>
          <Checkboxes
            name="fileKinds"
            legend="Formats acceptés"
            legendSize="s"
            hint="Le contenu de chaque fichier est vérifié, pas seulement son nom."
            values={shown.fileKinds}
            error={errors.fileKinds}
            items={FILE_KINDS.map((kind) => ({ value: kind, label: FILE_KIND_LABELS[kind] }))}
          />
          <Input
            name="maxSizeMb"
            label="Taille maximale par fichier, en Mo"
            hint={`Entre 1 et ${LIMITS.maxBytes / (1024 * 1024)} Mo.`}
            inputmode="decimal"
            width={4}
            value={shown.maxSizeMb}
            error={errors.maxSizeMb}
          />
          <Input
            name="maxFiles"
            label="Nombre maximal de fichiers"
            inputmode="numeric"
            width={4}
            value={shown.maxFiles}
            error={errors.maxFiles}
          />
        </>
      )}
      {has('repeatable') && (
        <>
          <Radios
            name="repeatable"
            legend="L’usager peut-il remplir ce groupe plusieurs fois ?"
            legendSize="s"
            hint="Par exemple, une fois par enfant : « Ajouter un autre enfant »."
            value={shown.repeatable === 'oui' ? 'oui' : 'non'}
            error={errors.repeatable}
            items={[
              { value: 'oui', label: 'Oui, groupe répétable' },
              { value: 'non', label: 'Non, une seule fois' },
            ]}
          />
          <Input
            name="repeatMin"
            label="Groupe répétable : nombre minimal d’éléments"
            inputmode="numeric"
            width={4}
            value={shown.repeatMin}
            error={errors.repeatMin}
          />
          <Input
            name="repeatMax"
            label="Groupe répétable : nombre maximal d’éléments"
            inputmode="numeric"
            width={4}
            value={shown.repeatMax}
            error={errors.repeatMax}
          />
          <Input
            name="itemLabel"
            label="Groupe répétable : nom d’un élément"
            hint="Au singulier, par exemple : enfant. Les éléments sont numérotés : Enfant 1, Enfant 2…"
            value={shown.itemLabel}
            error={errors.itemLabel}
          />
          <Input
            name="addLabel"
            label="Groupe répétable : libellé du bouton d’ajout (facultatif)"
            hint="Par défaut : Ajouter un autre élément."
            value={shown.addLabel}
            error={errors.addLabel}
          />
        </>
      )}
      {has('prefill') && (
        <Select
          name="prefill"
          label="Pré-remplir avec le compte de l’usager"
          hint="Si l’usager est connecté, sa réponse est proposée à partir de son compte (« dites-le-nous une fois »)."
          value={shown.prefill}
          error={errors.prefill}
          options={[
            { value: '', label: 'Non' },
            ...prefillKeysFor(field, group).map((key) => ({ value: key, label: PREFILL_LABELS[key] })),
          ]}
        />
      )}
      {choices.length > 0 || field.condition ? (
        <ConditionSelect
          label="Afficher la question"
          hint="Toujours, ou selon la réponse à une question placée avant elle. Une question masquée n’est pas posée."
          choices={choices}
          current={field.condition}
          value={shown.condition}
          error={errors.condition}
          definition={definition}
        />
      ) : (
        <InsetText>
          Cette question est toujours affichée : aucune question placée avant elle ne peut servir de condition.
        </InsetText>
      )}
    </>
  );
}
