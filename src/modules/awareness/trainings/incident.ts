/**
 * Training « que faire en cas d’incident »: the first gestures (disconnect, do not switch off),
 * who to call (the commune's security officer, the OPSN, which alerts CERT-FR;
 * cybermalveillance.gouv.fr and 17Cyber), and declaring it in Guichet (the CNIL's 72 hours).
 */
import type { Training } from '../trainings.js';

export const INCIDENT: Training = {
  key: 'incident',
  title: 'Que faire en cas d’incident de sécurité',
  minutes: 5,
  sections: [
    {
      heading: 'Reconnaître un incident',
      paragraphs: [
        'Des fichiers qui changent de nom ou ne s’ouvrent plus, un message qui réclame une rançon, un ordinateur qui agit tout seul, un mot de passe saisi sur une page douteuse, des courriels envoyés de votre adresse sans vous, un téléphone, un ordinateur ou une clé USB perdus ou volés : ce sont des incidents.',
        'Dans le doute, faites comme si c’en était un. Prévenir n’est jamais une faute ; attendre peut coûter cher.',
      ],
    },
    {
      heading: 'Les premiers gestes',
      paragraphs: [
        'Déconnectez l’appareil du réseau : débranchez le câble réseau, coupez le Wi-Fi. Cela empêche l’attaque de s’étendre aux autres postes et aux serveurs.',
        'N’éteignez pas l’ordinateur et n’effacez rien : les traces qu’il garde servent à comprendre ce qui s’est passé. N’essayez pas de réparer vous-même et ne payez jamais de rançon.',
        'Notez ce que vous avez vu et à quelle heure ; photographiez l’écran avec votre téléphone si un message s’affiche.',
      ],
    },
    {
      heading: 'Qui prévenir',
      paragraphs: [
        'Tout de suite : la personne chargée de la sécurité informatique de la commune (l’administrateur de Guichet), et déclarez l’incident dans Guichet, depuis la page « Sensibilisation » : ce qui s’est passé, quand, sur quel appareil ou quel compte.',
        'La commune prévient son OPSN (l’opérateur public de services numériques qui l’accompagne), qui alerte au besoin le CERT-FR, le centre d’alerte de l’ANSSI.',
        'Cybermalveillance.gouv.fr et 17Cyber (17cyber.gouv.fr) aident gratuitement les victimes, collectivités comprises, jour et nuit : diagnostic, conseils, mise en relation avec un policier ou un gendarme, prestataires de confiance. Une plainte peut ensuite être déposée.',
        'Si des données personnelles sont touchées, la commune a 72 heures pour le notifier à la CNIL : c’est pourquoi chaque heure compte.',
      ],
      links: [
        { label: 'Déclarer un incident de sécurité', path: 'agent/sensibilisation/incident' },
        { label: '17Cyber', path: 'https://17cyber.gouv.fr' },
        { label: 'Cybermalveillance.gouv.fr', path: 'https://www.cybermalveillance.gouv.fr' },
      ],
    },
  ],
  quiz: [
    {
      key: 'premier-geste',
      question:
        'Les fichiers de votre ordinateur changent de nom et un message réclame une rançon. Quel est le premier geste ?',
      choices: [
        { value: 'eteindre', label: 'J’éteins l’ordinateur.' },
        {
          value: 'deconnecter',
          label: 'Je débranche le câble réseau et coupe le Wi-Fi, sans éteindre, et je préviens.',
        },
        { value: 'payer', label: 'Je paie la rançon pour récupérer les fichiers.' },
      ],
      answer: 'deconnecter',
      explanation:
        'Déconnecter empêche l’attaque de s’étendre ; éteindre efface des traces utiles, et payer ne garantit rien.',
    },
    {
      key: 'qui-prevenir',
      question: 'Qui prévenez-vous d’abord ?',
      choices: [
        {
          value: 'securite',
          label:
            'La personne chargée de la sécurité informatique de la commune, et je déclare l’incident dans Guichet.',
        },
        { value: 'personne', label: 'Personne : j’attends de voir si cela recommence.' },
      ],
      answer: 'securite',
      explanation:
        'La commune ne peut agir, prévenir son OPSN et le CERT-FR que si elle est prévenue : déclarez tout de suite, même en cas de doute.',
    },
    {
      key: 'delai',
      question:
        'Si des données personnelles sont touchées, de combien de temps la commune dispose-t-elle pour prévenir la CNIL ?',
      choices: [
        { value: '72h', label: '72 heures.' },
        { value: 'mois', label: 'Un mois.' },
        { value: 'aucun', label: 'Il n’y a pas de délai.' },
      ],
      answer: '72h',
      explanation:
        'Le RGPD donne 72 heures après la découverte d’une violation de données personnelles : déclarer tôt laisse à la commune le temps de le faire.',
    },
    {
      key: 'aide',
      question:
        'Un samedi, l’administrateur est injoignable et vous pensez être victime d’une attaque. Qui peut vous aider ?',
      choices: [
        { value: '17cyber', label: '17Cyber (17cyber.gouv.fr), avec Cybermalveillance.gouv.fr, jour et nuit.' },
        { value: 'escroc', label: 'L’auteur du message, en lui répondant.' },
      ],
      answer: '17cyber',
      explanation:
        '17Cyber aide gratuitement les victimes, collectivités comprises, 24 heures sur 24 ; on ne répond jamais à l’escroc.',
    },
  ],
};
