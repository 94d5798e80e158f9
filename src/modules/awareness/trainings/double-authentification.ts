/**
 * Training « double authentification et clés d’accès »: what a second factor is, authenticator
 * apps and codes, passkeys, and where to set them up in Guichet (« Mon compte »).
 */
import type { Training } from '../trainings.js';

export const DOUBLE_AUTHENTIFICATION: Training = {
  key: 'double-authentification',
  title: 'La double authentification et les clés d’accès',
  minutes: 5,
  sections: [
    {
      heading: 'Un mot de passe ne suffit plus',
      paragraphs: [
        'Un mot de passe peut être volé par une fausse page, deviné ou récupéré sur un site piraté. La double authentification ajoute une deuxième preuve, que l’escroc n’a pas : votre téléphone, une clé de sécurité ou votre empreinte.',
        'L’ANSSI et la CNIL la recommandent pour tous, et Guichet l’exige des agents, des élus et des administrateurs.',
      ],
    },
    {
      heading: 'Les codes d’une application',
      paragraphs: [
        'Une application d’authentification installée sur votre téléphone affiche un code à six chiffres qui change toutes les 30 secondes. Après le mot de passe, vous saisissez ce code.',
        'Personne — ni l’informatique, ni un collègue, ni la banque — n’a à vous demander ce code. Quelqu’un qui vous le demande au téléphone ou par message est un escroc : il est en train de se connecter à votre place.',
        'Gardez vos codes de secours dans un endroit sûr, par exemple votre gestionnaire de mots de passe : ils servent si vous perdez votre téléphone.',
      ],
    },
    {
      heading: 'Les clés d’accès (« passkeys »)',
      paragraphs: [
        'Une clé d’accès vous connecte sans mot de passe : votre téléphone ou votre ordinateur vous demande simplement votre empreinte, votre visage ou votre code de déverrouillage.',
        'Elle ne fonctionne que sur le vrai site pour lequel elle a été créée : une fausse page ne peut pas s’en servir, même si vous cliquez sur le lien d’un hameçonnage. Elle compte aussi comme double authentification.',
        'Dans Guichet, ouvrez « Mon compte », puis « Mes clés d’accès », et choisissez « Ajouter une clé d’accès ». La double authentification par application se règle dans « Mon compte », « Sécurité du compte ».',
      ],
      links: [
        { label: 'Mes clés d’accès', path: 'compte/cles-d-acces' },
        { label: 'Sécurité du compte (double authentification)', path: 'compte/securite' },
      ],
    },
  ],
  quiz: [
    {
      key: 'code-telephone',
      question:
        'Une personne qui se présente comme le service informatique vous appelle et vous demande le code à six chiffres qui vient de s’afficher. Que faites-vous ?',
      choices: [
        { value: 'donner', label: 'Je le lui donne, c’est le service informatique.' },
        { value: 'refuser', label: 'Je refuse, je raccroche et je préviens l’administrateur de la commune.' },
      ],
      answer: 'refuser',
      explanation:
        'Ce code ne se donne jamais : la personne qui le demande est en train de se connecter à votre compte avec votre mot de passe.',
    },
    {
      key: 'cle-faux-site',
      question: 'Pourquoi une clé d’accès protège-t-elle de l’hameçonnage ?',
      choices: [
        {
          value: 'vrai-site',
          label: 'Elle ne fonctionne que sur le vrai site : une fausse page ne peut pas s’en servir.',
        },
        { value: 'antivirus', label: 'Elle contient un antivirus.' },
        { value: 'rien', label: 'Elle ne protège pas de l’hameçonnage.' },
      ],
      answer: 'vrai-site',
      explanation:
        'Une clé d’accès est liée à l’adresse du vrai site ; sur une fausse page, votre appareil ne la propose même pas.',
    },
    {
      key: 'ou-activer',
      question: 'Où ajoutez-vous une clé d’accès à votre compte Guichet ?',
      choices: [
        { value: 'mon-compte', label: 'Dans « Mon compte », rubrique « Mes clés d’accès ».' },
        { value: 'courriel', label: 'En répondant au courriel qui vous le propose.' },
      ],
      answer: 'mon-compte',
      explanation:
        'On ajoute une clé d’accès depuis « Mon compte », jamais depuis un lien reçu par courriel ou par SMS.',
    },
  ],
};
