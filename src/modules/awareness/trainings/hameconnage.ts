/** Training « hameçonnage »: recognising phishing by e-mail and SMS. */
import type { Training } from '../trainings.js';

export const HAMECONNAGE: Training = {
  key: 'hameconnage',
  title: 'Reconnaître un hameçonnage par courriel ou par SMS',
  minutes: 5,
  sections: [
    {
      heading: 'Ce que cherche l’escroc',
      paragraphs: [
        'L’hameçonnage (« phishing ») est un message qui se fait passer pour quelqu’un de confiance — un fournisseur, un transporteur, le service informatique, la DGS, un service public — pour obtenir un mot de passe, un paiement ou l’ouverture d’un fichier piégé.',
        'Une mairie est une cible : elle paie des fournisseurs, détient des données personnelles et ses agents sont joignables par des adresses faciles à deviner.',
      ],
    },
    {
      heading: 'Les signes qui doivent alerter',
      paragraphs: [
        'L’urgence, la menace ou l’appât du gain ; une demande inhabituelle (changer un RIB, garder un secret, confirmer un mot de passe) ; un expéditeur dont l’adresse ne correspond pas au nom affiché ; un lien dont l’adresse réelle n’est pas celle du site attendu.',
        'Sur un ordinateur, survolez le lien sans cliquer pour voir l’adresse réelle ; sur un téléphone, faites un appui long.',
        'Par SMS, c’est pareil : un colis en attente, une amende à payer, un remboursement de l’Assurance maladie… Ne cliquez pas sur le lien : transférez le SMS au 33700, le numéro de signalement des SMS indésirables, puis supprimez-le.',
      ],
    },
    {
      heading: 'Les trois réflexes',
      paragraphs: [
        'Je prends le temps. Je vérifie l’expéditeur et le lien. Je ne saisis jamais mon mot de passe depuis un lien reçu, et je signale le message avec « Signaler un hameçonnage » : un signalement protège toute la commune.',
        'Si vous avez déjà cliqué ou saisi un mot de passe : ce n’est pas une faute, c’est une urgence. Changez le mot de passe depuis le site habituel et prévenez aussitôt l’administrateur de la commune.',
      ],
      links: [{ label: 'Signaler un hameçonnage', path: 'agent/sensibilisation/signaler' }],
    },
  ],
  quiz: [
    {
      key: 'rib',
      question: 'Un fournisseur vous écrit qu’il a changé de banque et joint son nouveau RIB. Que faites-vous ?',
      choices: [
        { value: 'payer', label: 'Je mets à jour le RIB pour ne pas retarder le paiement.' },
        { value: 'appeler', label: 'J’appelle le fournisseur au numéro habituel, pas à celui du message.' },
        { value: 'repondre', label: 'Je réponds au courriel pour demander confirmation.' },
      ],
      answer: 'appeler',
      explanation:
        'Répondre au courriel, c’est écrire à l’escroc : seul un appel au numéro habituel confirme un changement de coordonnées bancaires.',
    },
    {
      key: 'mot-de-passe',
      question: 'Le « service informatique » vous demande de confirmer votre mot de passe actuel par un lien.',
      choices: [
        { value: 'jamais', label: 'Aucun service informatique ne demande cela : je signale le message.' },
        { value: 'confirmer', label: 'Je confirme, sinon je perds l’accès à ma messagerie.' },
      ],
      answer: 'jamais',
      explanation: 'Personne n’a besoin de votre mot de passe : pas même le service informatique.',
    },
    {
      key: 'clic',
      question: 'Vous avez cliqué et saisi votre mot de passe sur une page douteuse. Que faites-vous ?',
      choices: [
        { value: 'rien', label: 'Rien : personne ne le saura.' },
        {
          value: 'prevenir',
          label: 'Je change le mot de passe depuis le site habituel et je préviens l’administrateur.',
        },
      ],
      answer: 'prevenir',
      explanation: 'Chaque minute compte : un mot de passe volé est utilisé vite, et prévenir n’est jamais une faute.',
    },
  ],
};
