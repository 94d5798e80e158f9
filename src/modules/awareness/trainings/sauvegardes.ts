/**
 * Training « sauvegardes et supports amovibles »: the 3-2-1 rule with a disconnected copy and
 * tested restores (docs/reference/domain-rules.md §8.3), where to save one's work, USB keys.
 */
import type { Training } from '../trainings.js';

export const SAUVEGARDES: Training = {
  key: 'sauvegardes',
  title: 'Les sauvegardes, les clés USB et les supports amovibles',
  minutes: 5,
  sections: [
    {
      heading: 'Une sauvegarde, c’est ce qui sauve la commune',
      paragraphs: [
        'Une panne, un vol, une erreur ou un rançongiciel (un programme qui chiffre tous les fichiers et réclame une rançon) peuvent faire disparaître d’un coup l’état civil, les délibérations ou la comptabilité. Avec une bonne sauvegarde, on repart ; sans elle, tout est perdu.',
        'La règle est simple : trois copies des données, sur deux supports différents, dont une hors de la mairie — et une copie déconnectée, car un rançongiciel chiffre aussi les sauvegardes qu’il peut atteindre. Une sauvegarde se teste : on vérifie régulièrement qu’on sait la restaurer.',
      ],
    },
    {
      heading: 'Ce que vous faites, vous',
      paragraphs: [
        'Enregistrez vos documents de travail dans l’espace prévu par la mairie (serveur, dossier partagé, logiciel métier), qui est sauvegardé — pas seulement sur le bureau de votre ordinateur ni sur une clé USB.',
        'Si l’on vous confie un disque de sauvegarde, débranchez-le dès la sauvegarde terminée et rangez-le à part. Si un fichier a disparu, ne recréez rien en vitesse : prévenez l’administrateur, il peut souvent le restaurer.',
      ],
    },
    {
      heading: 'Les clés USB et les supports amovibles',
      paragraphs: [
        'Une clé USB trouvée sur le parking, reçue par courrier ou offerte sur un salon ne se branche jamais : c’est une ruse connue pour installer un programme malveillant. Remettez-la à l’administrateur de la commune.',
        'Ne branchez pas de clé personnelle sur un ordinateur de la mairie. Pour transporter des données personnelles (listes d’habitants, dossiers d’aide sociale), préférez l’espace partagé de la mairie ; sinon, une clé chiffrée fournie par la mairie.',
        'Une clé ou un disque perdu avec des données personnelles, c’est un incident : déclarez-le tout de suite, la commune a 72 heures pour prévenir la CNIL.',
      ],
    },
  ],
  quiz: [
    {
      key: 'cle-trouvee',
      question: 'Vous trouvez une clé USB sur le parking de la mairie. Que faites-vous ?',
      choices: [
        { value: 'brancher', label: 'Je la branche pour retrouver son propriétaire.' },
        { value: 'remettre', label: 'Je la remets à l’administrateur de la commune, sans la brancher.' },
        { value: 'garder', label: 'Je la garde pour mes propres fichiers.' },
      ],
      answer: 'remettre',
      explanation:
        'Une clé abandonnée peut installer un programme malveillant dès qu’on la branche : c’est une ruse classique.',
    },
    {
      key: 'ou-enregistrer',
      question: 'Où enregistrez-vous vos documents de travail ?',
      choices: [
        { value: 'bureau', label: 'Sur le bureau de mon ordinateur, c’est plus pratique.' },
        { value: 'espace-mairie', label: 'Dans l’espace prévu par la mairie, qui est sauvegardé.' },
        { value: 'cle-perso', label: 'Sur ma clé USB personnelle.' },
      ],
      answer: 'espace-mairie',
      explanation:
        'Seul l’espace prévu par la mairie est sauvegardé : un document laissé sur le bureau ou sur une clé disparaît avec elle ou avec l’ordinateur.',
    },
    {
      key: 'copie-debranchee',
      question: 'Pourquoi garder une copie de sauvegarde débranchée ?',
      choices: [
        {
          value: 'rancongiciel',
          label: 'Parce qu’un rançongiciel chiffre aussi les sauvegardes qu’il peut atteindre.',
        },
        { value: 'economie', label: 'Pour économiser l’électricité.' },
      ],
      answer: 'rancongiciel',
      explanation:
        'Une sauvegarde restée branchée est chiffrée en même temps que le reste : seule une copie déconnectée permet de repartir.',
    },
    {
      key: 'cle-perdue',
      question: 'Vous avez perdu une clé USB contenant la liste des enfants inscrits à la cantine. Que faites-vous ?',
      choices: [
        { value: 'attendre', label: 'J’attends quelques jours, elle va peut-être réapparaître.' },
        { value: 'declarer', label: 'Je déclare tout de suite l’incident : il y a des données personnelles.' },
      ],
      answer: 'declarer',
      explanation:
        'La perte de données personnelles se notifie à la CNIL dans les 72 heures : chaque heure d’attente réduit le temps de la commune.',
    },
  ],
};
