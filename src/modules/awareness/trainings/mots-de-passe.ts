/**
 * Training « mots de passe »: long, unique passwords, no periodic change, and the password
 * manager as everyone's keyring (ANSSI/CNIL, docs/reference/domain-rules.md §8.2; Guichet's own
 * staff policy asks 16 characters, identity/password-policy.ts).
 */
import type { Training } from '../trainings.js';

export const MOTS_DE_PASSE: Training = {
  key: 'mots-de-passe',
  title: 'Des mots de passe solides, et un gestionnaire pour les garder',
  minutes: 5,
  sections: [
    {
      heading: 'Pourquoi c’est important',
      paragraphs: [
        'Votre mot de passe ouvre votre messagerie, les logiciels de la mairie et les données des habitants. Les escrocs essaient automatiquement des millions de mots de passe courants, et réessaient partout ceux qu’ils ont volés sur d’autres sites.',
      ],
    },
    {
      heading: 'Un bon mot de passe : long, unique, imprévisible',
      paragraphs: [
        'Long : l’ANSSI et la CNIL recommandent au moins 12 caractères, et 16 pour les comptes qui administrent. Guichet demande 16 caractères aux agents et aux élus. Le plus simple est une phrase de passe : plusieurs mots sans lien entre eux, tirés au hasard, séparés par des chiffres ou des signes.',
        'Unique : un mot de passe différent pour chaque compte. Jamais le même pour la messagerie de la mairie et pour un site personnel : quand un site se fait voler ses mots de passe, les escrocs les essaient ailleurs.',
        'Imprévisible : ni prénom, ni date de naissance, ni nom de la commune, ni « Mairie2026! ». Un mot de passe ne se prête pas, ne s’écrit pas sur un papier collé à l’écran et ne s’envoie pas par courriel.',
      ],
    },
    {
      heading: 'Plus besoin de le changer tous les trois mois',
      paragraphs: [
        'L’ANSSI et la CNIL ne recommandent plus de changer son mot de passe à date fixe : on finit par choisir « Printemps2026 » puis « Ete2026 ». Guichet ne vous le demandera jamais.',
        'On le change tout de suite, en revanche, quand il a pu être découvert : saisi sur une page douteuse, vu par quelqu’un, ou utilisé sur un site qui a été piraté.',
      ],
    },
    {
      heading: 'Le gestionnaire de mots de passe, votre trousseau de clés',
      paragraphs: [
        'Un gestionnaire de mots de passe garde tous vos mots de passe dans un coffre chiffré. Vous n’en retenez plus qu’un : le mot de passe principal du coffre, long et jamais utilisé ailleurs.',
        'Il fabrique pour chaque compte un mot de passe long et aléatoire, et le remplit pour vous — seulement sur le vrai site : c’est aussi une protection contre les fausses pages.',
        'Demandez à la mairie lequel utiliser. À défaut, KeePassXC est un gestionnaire libre et gratuit, recommandé par l’ANSSI, qui fonctionne sur ordinateur ; il existe des applications compatibles pour téléphone. Sauvegardez le fichier du coffre : sans lui, tous les mots de passe sont perdus.',
      ],
    },
  ],
  quiz: [
    {
      key: 'solide',
      question: 'Lequel de ces mots de passe est le plus solide ?',
      choices: [
        { value: 'mairie', label: 'Mairie2026!' },
        { value: 'phrase', label: 'Une phrase de passe de plusieurs mots tirés au hasard, de plus de 16 caractères' },
        { value: 'court', label: 'x7#Qa' },
      ],
      answer: 'phrase',
      explanation:
        'La longueur fait la solidité : « Mairie2026! » est deviné en quelques secondes, et 5 caractères, même compliqués, ne résistent pas.',
    },
    {
      key: 'reutiliser',
      question: 'Pouvez-vous utiliser le même mot de passe pour la messagerie de la mairie et pour un site de vente ?',
      choices: [
        { value: 'oui', label: 'Oui, s’il est long.' },
        { value: 'non', label: 'Non, chaque compte a son propre mot de passe.' },
      ],
      answer: 'non',
      explanation:
        'Si le site de vente se fait voler ses mots de passe, les escrocs essaieront aussitôt le vôtre sur la messagerie de la mairie.',
    },
    {
      key: 'changer',
      question: 'Quand faut-il changer votre mot de passe ?',
      choices: [
        { value: 'trimestre', label: 'Tous les trois mois, par précaution.' },
        { value: 'soupcon', label: 'Tout de suite, dès qu’il a pu être découvert.' },
        { value: 'jamais', label: 'Jamais.' },
      ],
      answer: 'soupcon',
      explanation:
        'Le changer à date fixe pousse à choisir des mots de passe faibles ; ce qui compte, c’est de le changer aussitôt qu’il a pu être découvert.',
    },
    {
      key: 'gestionnaire',
      question: 'Avec un gestionnaire de mots de passe, combien de mots de passe devez-vous retenir ?',
      choices: [
        { value: 'un', label: 'Un seul : celui du coffre, long et utilisé nulle part ailleurs.' },
        { value: 'tous', label: 'Tous, au cas où.' },
        { value: 'aucun', label: 'Aucun : le coffre peut rester sans mot de passe.' },
      ],
      answer: 'un',
      explanation:
        'Le coffre garde tous les autres ; lui seul doit être retenu, et il doit être solide puisqu’il protège tout le reste.',
    },
  ],
};
