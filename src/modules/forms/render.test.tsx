/** @jsxImportSource preact */
import { render } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import type { Answers } from './answers.js';
import { readPageAnswers } from './answers.js';
import { type FormDefinition, findPage, parseFormDefinition } from './definition.js';
import {
  type FileChoice,
  FormPageView,
  FormSummaryView,
  formPageTitle,
  pageHasFileField,
  renderStandalonePage,
} from './render.js';

function parse(json: unknown): FormDefinition {
  const result = parseFormDefinition(json);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.definition;
}

const definition = parse({
  schemaVersion: 1,
  title: 'Démarche de test',
  pages: [
    {
      id: 'identite',
      title: 'Vos informations',
      fields: [
        { id: 'intro', type: 'explanation', label: '', content: 'Premier paragraphe.\n\n- un point\n- un autre point' },
        { id: 'nom', type: 'text', label: 'Votre nom', required: true, prefill: 'familyName' },
        { id: 'surface', type: 'number', label: 'La surface' },
        { id: 'naissance', type: 'date', label: 'Votre date de naissance', required: true, prefill: 'birthDate' },
        { id: 'email', type: 'email', label: 'Votre adresse e-mail', required: true },
        { id: 'tel', type: 'phone', label: 'Votre téléphone' },
        { id: 'adresse', type: 'address', label: 'Votre adresse', required: true },
        { id: 'message', type: 'textarea', label: 'Votre message', validation: { maxLength: 500 } },
        {
          id: 'options',
          type: 'multichoice',
          label: 'Les options',
          options: [
            { value: 'x', label: 'Option X' },
            { value: 'y', label: 'Option Y' },
          ],
        },
        { id: 'accord', type: 'yesno', label: 'Êtes-vous d’accord\u00a0?', required: true },
        {
          id: 'commune',
          type: 'choice',
          label: 'La commune',
          options: Array.from({ length: 12 }, (_, index) => ({ value: `c${index}`, label: `Commune ${index}` })),
        },
        { id: 'precision', type: 'text', label: 'Votre précision', condition: { field: 'accord', equals: false } },
        {
          id: 'coordonnees',
          type: 'group',
          label: 'Un contact',
          fields: [{ id: 'contact', type: 'text', label: 'Le nom du contact' }],
        },
        { id: 'fin', type: 'section', label: 'Pour finir', content: 'Merci.' },
      ],
    },
    {
      id: 'salle',
      title: 'La salle',
      fields: [
        {
          id: 'salle',
          type: 'choice',
          label: 'Quelle salle souhaitez-vous\u00a0?',
          required: true,
          options: [
            { value: 'a', label: 'Salle <A>' },
            { value: 'b', label: 'Salle B' },
          ],
        },
      ],
    },
    {
      id: 'materiel',
      title: 'Matériel',
      fields: [
        {
          id: 'items',
          type: 'group',
          label: 'Le matériel',
          repeat: { min: 1, max: 3, itemLabel: 'équipement', addLabel: 'Ajouter un autre équipement' },
          fields: [
            { id: 'objet', type: 'text', label: 'L’objet', required: true },
            { id: 'quand', type: 'date', label: 'La date' },
          ],
        },
      ],
    },
    {
      id: 'pieces',
      title: 'Pièces jointes',
      fields: [
        {
          id: 'justificatif',
          type: 'file',
          label: 'Votre justificatif',
          hint: 'Une facture récente',
          required: true,
          file: { accept: ['pdf', 'jpeg'], maxBytes: 5242880, maxFiles: 2 },
        },
        { id: 'commentaire', type: 'text', label: 'Un commentaire' },
      ],
    },
  ],
});

function view(
  pageId: string,
  answers: Answers = {},
  errors: Record<string, string> = {},
  step = { current: 2, total: 5 },
  fileChoices: Record<string, FileChoice[]> = {},
) {
  const page = findPage(definition, pageId);
  if (page === undefined) throw new Error(pageId);
  return render(
    <FormPageView
      definition={definition}
      page={page}
      answers={answers}
      errors={errors}
      csrfToken="jeton"
      action={`/c/villebelle/demarches/test/${pageId}`}
      step={step}
      backHref="/c/villebelle/demarches/test"
      multipart={pageHasFileField(page)}
      fileChoices={fileChoices}
    />,
  );
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of tag.matchAll(/\s([a-z-]+)(?:="([^"]*)")?/g)) out[match[1] as string] = match[2] ?? '';
  return out;
}

function controls(html: string): Array<Record<string, string> & { tag: string }> {
  return [...html.matchAll(/<(input|select|textarea|button)\b[^>]*>/g)].map((match) => ({
    ...attributes(match[0]),
    tag: match[1] as string,
  }));
}

function allIds(html: string): string[] {
  return [...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1] as string);
}

function summaryLinks(html: string): string[] {
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/href="#([^"]+)"/g)].map((match) => match[1] as string);
}

/** Checks shared by every rendered page: labelled controls, unique ids, no inline style. */
function expectAccessibleMarkup(html: string) {
  const ids = allIds(html);
  expect(new Set(ids).size, `duplicate ids: ${ids.join(' ')}`).toBe(ids.length);
  const fors = new Set([...html.matchAll(/<label[^>]*\sfor="([^"]+)"/g)].map((match) => match[1]));
  for (const control of controls(html)) {
    if (control.tag === 'button' || control.type === 'hidden') continue;
    expect(control.id, `control without id: ${JSON.stringify(control)}`).toBeTruthy();
    expect(fors.has(control.id), `no label for #${control.id}`).toBe(true);
  }
  for (const match of html.matchAll(/aria-describedby="([^"]+)"/g)) {
    for (const id of (match[1] as string).split(' ')) expect(ids, `aria-describedby → #${id}`).toContain(id);
  }
  for (const id of summaryLinks(html)) expect(ids, `error summary → #${id}`).toContain(id);
  expect(html).not.toMatch(/\sstyle=/);
  expect(html.match(/<h1[\s>]/g) ?? []).toHaveLength(1);
}

describe('FormPageView', () => {
  it('renders a page of several questions: caption, title, labelled fields, buttons', () => {
    const html = view('identite', {
      nom: 'Martin',
      surface: 12.5,
      naissance: '1985-03-27',
      accord: true,
      options: ['y'],
    });
    expectAccessibleMarkup(html);
    expect(html).toContain('<a href="/c/villebelle/demarches/test" class="govuk-back-link">Retour</a>');
    expect(html).toContain('<span class="govuk-caption-l">Étape 2 sur 5</span>');
    expect(html).toContain('<h1 class="govuk-heading-l">Vos informations</h1>');
    expect(html).toContain(
      '<form id="formulaire-demarche" method="post" action="/c/villebelle/demarches/test/identite" novalidate>',
    );
    expect(html).toContain('<input type="hidden" name="_csrf" value="jeton"/>');
    expect(html).toMatch(/name="action" value="continuer"[^>]*>Continuer<\/button>/);
    expect(html).toMatch(/name="action" value="brouillon"[^>]*>Enregistrer et continuer plus tard<\/button>/);
    // Values as typed or stored, in French.
    expect(html).toMatch(/id="nom" name="nom" type="text" value="Martin" autocomplete="family-name"/);
    expect(html).toMatch(/id="surface" name="surface" type="text" value="12,5"/);
    expect(html).toMatch(
      /id="naissance-day" name="naissance-day" type="text" inputmode="numeric" value="27" autocomplete="bday-day"/,
    );
    expect(html).toMatch(/id="naissance-month"[^>]*value="3"/);
    expect(html).toMatch(/id="options-2"[^>]*value="y" checked/);
    expect(html).toMatch(/id="accord" name="accord" type="radio" value="oui" checked/);
    // Optional fields say so; required ones do not.
    expect(html).toContain('La surface (facultatif)');
    expect(html).not.toContain('Votre nom (facultatif)');
    // More than ten options: a select list.
    expect(html).toMatch(/<select class="govuk-select" id="commune" name="commune"/);
    // Hidden by its condition.
    expect(html).not.toContain('precision');
    // Explanation, section and plain group.
    expect(html).toContain('<p class="govuk-body">Premier paragraphe.</p>');
    expect(html).toContain('<ul class="govuk-list govuk-list--bullet"><li>un point</li><li>un autre point</li></ul>');
    expect(html).toContain('<h2 class="govuk-heading-m">Pour finir</h2>');
    expect(html).toContain('<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Un contact</legend>');
    expect(html).toMatch(/<textarea[^>]*id="message"/);
    expect(html).toContain('Vous pouvez saisir jusqu’à 500 caractères');
    expect(html).not.toContain('enctype');
    // The inputs shown are listed for readPageAnswers.
    expect(html).toContain(
      'name="champs-affiches" value="nom,surface,naissance,email,tel,adresse,message,options,accord,commune,contact"',
    );
  });

  it('links the error summary to the inputs, the faulty part of a date or address first', () => {
    const page = findPage(definition, 'identite');
    if (page === undefined) throw new Error('no page');
    const { answers, errors } = readPageAnswers(
      definition,
      'identite',
      {
        nom: '',
        'naissance-day': '12',
        'naissance-month': '',
        'naissance-year': '1985',
        email: 'pas-une-adresse',
        tel: '12',
        'adresse-line1': '1 rue de la Paix',
        'adresse-postcode': '750',
        'adresse-city': 'Paris',
        surface: 'douze',
      },
      {},
    );
    const html = view('identite', answers, { ...errors, autre: 'Le fichier n’a pas pu être enregistré' });
    expectAccessibleMarkup(html);
    expect(summaryLinks(html)).toEqual([
      'nom',
      'surface',
      'naissance-month',
      'email',
      'tel',
      'adresse-postcode',
      'accord',
      'formulaire-demarche',
    ]);
    expect(html).toContain('<h2 class="govuk-error-summary__title">Il y a un problème</h2>');
    // Each field shows its message and keeps what was typed.
    expect(html).toContain('<p id="nom-error" class="govuk-error-message">');
    expect(html).toMatch(/id="surface" name="surface" type="text" value="douze"/);
    expect(html).toMatch(
      /class="govuk-input govuk-date-input__input govuk-input--width-2 govuk-input--error" id="naissance-month"/,
    );
    expect(html).toMatch(
      /class="govuk-input govuk-date-input__input govuk-input--width-2" id="naissance-day"[^>]*value="12"/,
    );
    expect(html).toMatch(
      /class="govuk-input govuk-input--width-5 govuk-input--error" id="adresse-postcode" name="adresse-postcode" type="text" value="750"/,
    );
    expect(html).toMatch(/<fieldset class="govuk-fieldset" aria-describedby="adresse-error">/);
    expect(formPageTitle(definition, page, errors)).toBe('Erreur\u00a0: Vos informations – Démarche de test');
    expect(formPageTitle(definition, page, {})).toBe('Vos informations – Démarche de test');
  });

  it('makes the single question of a page its heading', () => {
    const html = view('salle', {}, { salle: 'Sélectionnez une salle' });
    expectAccessibleMarkup(html);
    expect(html).toContain('<h1 class="govuk-fieldset__heading">Quelle salle souhaitez-vous\u00a0?</h1>');
    expect(html).toContain('govuk-fieldset__legend--l');
    expect(html).not.toContain('govuk-heading-l');
    expect(summaryLinks(html)).toEqual(['salle']);
    // Text is escaped.
    expect(html).toContain('Salle &lt;A>');
  });

  it('manages repeatable-group items with buttons that work without JavaScript', () => {
    const one = view('materiel', {});
    expectAccessibleMarkup(one);
    expect(one).toContain('<input type="hidden" name="items-count" value="1"/>');
    expect(one).toContain('<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Équipement 1</legend>');
    expect(one).toMatch(/name="action" value="ajouter:items"[^>]*>Ajouter un autre équipement<\/button>/);
    expect(one).not.toContain('supprimer:items');
    expect(one).toMatch(/id="items-0-objet" name="items-0-objet"/);
    expect(one).toMatch(/id="items-0-quand-day" name="items-0-quand-day"/);
    // Enter in a text box must mean "Continuer", not "Ajouter": the first submit button is a hidden "Continuer".
    const firstSubmit = controls(one).find((control) => control.tag === 'button');
    expect(firstSubmit).toMatchObject({ value: 'continuer', hidden: '' });

    const three = view(
      'materiel',
      { items: [{ objet: 'Tables' }, { objet: 'Chaises' }, {}] },
      { 'items-2-objet': 'Saisissez l’objet (équipement 3)' },
    );
    expectAccessibleMarkup(three);
    expect(three).toContain('<input type="hidden" name="items-count" value="3"/>');
    expect(three).toMatch(
      /value="supprimer:items:0"[^>]*>Supprimer<span class="govuk-visually-hidden"> équipement 1<\/span><\/button>/,
    );
    expect(three).toContain('value="supprimer:items:2"');
    expect(three).not.toContain('ajouter:items');
    expect(summaryLinks(three)).toEqual(['items-2-objet']);
  });

  it('posts file pages as multipart and lists the attached files with a remove button', () => {
    const empty = view('pieces');
    expectAccessibleMarkup(empty);
    expect(empty).toContain('enctype="multipart/form-data"');
    expect(empty).toMatch(
      /<input class="govuk-file-upload" id="justificatif" name="justificatif" type="file" accept=".pdf,.jpg,.jpeg" multiple aria-describedby="justificatif-hint"\/>/,
    );
    expect(empty.replace(/\u00a0/g, ' ')).toContain(
      'Une facture récente<br/>Formats acceptés : PDF ou JPEG. Taille maximale : 5 Mo par fichier. Vous pouvez joindre jusqu’à 2 fichiers.',
    );
    expect(empty).not.toMatch(/<button type="submit" name="action" value="continuer" hidden/);

    const attached = view('pieces', {
      justificatif: [{ id: 'f1', name: 'facture.pdf', size: 122880, type: 'application/pdf' }],
    });
    expectAccessibleMarkup(attached);
    expect(attached.replace(/\u00a0/g, ' ')).toContain('facture.pdf (120 Ko)');
    expect(attached).toMatch(
      /value="retirer:justificatif:f1"[^>]*>Supprimer<span class="govuk-visually-hidden"> facture.pdf<\/span>/,
    );
    expect(controls(attached).find((control) => control.tag === 'button')).toMatchObject({
      value: 'continuer',
      hidden: '',
    });
  });

  it('offers documents to use instead of an upload as labelled checkboxes in a fieldset', () => {
    const offered = view('pieces', {}, {}, undefined, {
      justificatif: [
        { value: 'd1', label: 'Utiliser « facture.pdf » de mes justificatifs (valable jusqu’au 3 mai 2026)' },
      ],
    });
    expectAccessibleMarkup(offered);
    expect(offered).toMatch(
      /<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Ou utilisez un document de mes justificatifs<\/legend>/,
    );
    expect(offered).toContain('name="justificatif-justificatif" type="checkbox" value="d1"');
    expect(offered).toContain('Utiliser « facture.pdf » de mes justificatifs (valable jusqu’au 3 mai 2026)');
    expect(view('pieces')).not.toContain('mes justificatifs');
  });
});

describe('FormSummaryView', () => {
  it('renders one summary list per page with "Modifier" links and line breaks', () => {
    const html = render(
      <FormSummaryView
        definition={definition}
        answers={{ salle: 'b', items: [{ objet: 'Tables' }] }}
        changeHref={(pageId, fieldId) => `/modifier/${pageId}#${fieldId}`}
      />,
    );
    expect(html).toContain('<h2 class="govuk-heading-m">La salle</h2>');
    expect(html).toContain('<dd class="govuk-summary-list__value">Salle B</dd>');
    expect(html).toContain(
      '<a class="govuk-link" href="/modifier/salle#salle">Modifier<span class="govuk-visually-hidden"> Quelle salle souhaitez-vous',
    );
    expect(html).toMatch(/<span>L’objet\u00a0: Tables<\/span><span><br\/>La date\u00a0: Non renseigné<\/span>/);
    expect(html).not.toMatch(/\sstyle=/);
  });
});

describe('renderStandalonePage', () => {
  it('renders a whole page with the layout, for the browser tests', () => {
    const html = renderStandalonePage(definition, 'salle');
    expect(html.startsWith('<!doctype html><html lang="fr"')).toBe(true);
    expect(html).toContain('<title>La salle – Démarche de test – Guichet</title>');
    expect(html).toContain('<main class="govuk-main-wrapper" id="contenu">');
    expect(html).toContain('<span class="govuk-caption-l">Étape 2 sur 4</span>');
    expectAccessibleMarkup(html);
    expect(() => renderStandalonePage(definition, 'inconnue')).toThrow(RangeError);
  });
});
