// Progressive enhancement with govuk-frontend (same-origin ES module, no
// inline script). Every page also works without it. French texts for the
// components are given here once rather than on every element.
import {
  Button,
  CharacterCount,
  Checkboxes,
  createAll,
  ErrorSummary,
  FileUpload,
  NotificationBanner,
  Radios,
  ServiceNavigation,
  SkipLink,
} from './govuk-frontend.min.js';

const frenchConfig = new Map([
  [
    CharacterCount,
    {
      i18n: {
        charactersUnderLimit: {
          one: 'Il vous reste %{count} caractère',
          other: 'Il vous reste %{count} caractères',
        },
        charactersAtLimit: 'Il vous reste 0 caractère',
        charactersOverLimit: {
          one: '%{count} caractère de trop',
          other: '%{count} caractères de trop',
        },
        wordsUnderLimit: {
          one: 'Il vous reste %{count} mot',
          other: 'Il vous reste %{count} mots',
        },
        wordsAtLimit: 'Il vous reste 0 mot',
        wordsOverLimit: {
          one: '%{count} mot de trop',
          other: '%{count} mots de trop',
        },
      },
    },
  ],
  [
    FileUpload,
    {
      i18n: {
        chooseFilesButton: 'Choisir un fichier',
        dropInstruction: 'ou déposez un fichier ici',
        noFileChosen: 'Aucun fichier choisi',
        multipleFilesChosen: {
          one: '%{count} fichier choisi',
          other: '%{count} fichiers choisis',
        },
        enteredDropZone: 'Entrée dans la zone de dépôt',
        leftDropZone: 'Sortie de la zone de dépôt',
      },
    },
  ],
]);

/** Report enhancement failures without breaking the rest of the page. */
function onError(error, context) {
  console.error('Guichet : un composant n’a pas pu être initialisé', error, context?.element);
}

if (!document.body.classList.contains('govuk-frontend-supported')) {
  // supported.js did not run (blocked or cached page): set the classes here.
  document.body.classList.add('js-enabled', 'govuk-frontend-supported');
}

for (const Component of [
  Button,
  CharacterCount,
  Checkboxes,
  ErrorSummary,
  FileUpload,
  NotificationBanner,
  Radios,
  ServiceNavigation,
  SkipLink,
]) {
  createAll(Component, frenchConfig.get(Component), { onError });
}
