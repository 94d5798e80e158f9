/**
 * The library of phishing-simulation scenarios (issue 17): realistic French messages an agent of a
 * commune may receive, each with its difficulty, the clues that should have raised doubt (shown on
 * the teachable moment), and whether the link leads to a fake sign-in page (where « submitting »
 * is tracked as a fact, never a value: its inputs have no name). Plain data, no database.
 */

export type Difficulty = 'facile' | 'moyen' | 'difficile';

export const DIFFICULTY_LABELS: Record<Difficulty, string> = {
  facile: 'Facile à repérer',
  moyen: 'Moyennement difficile',
  difficile: 'Difficile à repérer',
};

export interface Scenario {
  key: string;
  /** Its name for the administrator choosing it. */
  title: string;
  difficulty: Difficulty;
  /** The message as received (the commune's name filled in). */
  mail(communeName: string): { subject: string; paragraphs: string[]; linkLabel: string };
  /** The fake page behind the link, or null (the click lands directly on the teachable moment). */
  fakePage: { heading: string; intro: string; button: string } | null;
  /** What should have raised doubt, in the order of the message. */
  clues: string[];
  /** The training that goes with it (phishing, for every scenario). */
  training: TrainingKey;
  /** Another training the message's theme leads to (a password to « confirm » → passwords). */
  furtherTraining?: TrainingKey;
}

export type TrainingKey = 'mots-de-passe' | 'double-authentification' | 'hameconnage' | 'sauvegardes' | 'incident';

export const SCENARIOS: readonly Scenario[] = [
  {
    key: 'facture-fournisseur',
    title: 'Facture impayée d’un fournisseur',
    difficulty: 'facile',
    mail: (commune) => ({
      subject: 'RELANCE URGENTE – Facture n° FA-2026-11873 impayée',
      paragraphs: [
        'Bonjour,',
        `Sauf erreur de notre part, la facture FA-2026-11873 adressée à la mairie de ${commune} reste impayée à ce jour malgré nos relances.`,
        'Sans règlement sous 48 heures, nous serons contraints de suspendre nos prestations et d’engager une procédure de recouvrement.',
        'Vous trouverez la facture et le nouveau RIB de notre société à l’adresse ci-dessous.',
        'Cordialement,\nService comptabilité – Fournitures Bureau Express',
      ],
      linkLabel: 'Télécharger la facture et le nouveau RIB',
    }),
    fakePage: null,
    clues: [
      'L’urgence et la menace (« sous 48 heures », « recouvrement ») pour vous faire agir sans réfléchir.',
      'Un « nouveau RIB » : un changement de coordonnées bancaires se vérifie toujours par téléphone, au numéro habituel du fournisseur.',
      'Une facture se consulte dans le logiciel de la commune ou arrive par Chorus Pro, pas par un lien dans un courriel.',
      'L’adresse de l’expéditeur ne correspond à aucun fournisseur connu de la commune.',
    ],
    training: 'hameconnage',
    furtherTraining: 'incident',
  },
  {
    key: 'colis',
    title: 'Livraison de colis en attente',
    difficulty: 'facile',
    mail: () => ({
      subject: 'Votre colis n’a pas pu être livré – action requise',
      paragraphs: [
        'Bonjour,',
        'Votre colis n° 6A28194755 n’a pas pu être livré : les frais de douane de 1,99 € n’ont pas été réglés.',
        'Programmez une nouvelle livraison dans les 24 heures, faute de quoi le colis sera retourné à l’expéditeur.',
      ],
      linkLabel: 'Programmer la livraison',
    }),
    fakePage: null,
    clues: [
      'Vous n’attendiez aucun colis à l’adresse de la mairie.',
      'Une petite somme à payer (1,99 €) : c’est pour obtenir votre numéro de carte bancaire.',
      'Le délai très court (24 heures) pour vous presser.',
      'Le message ne donne ni votre nom ni l’expéditeur du colis.',
    ],
    training: 'hameconnage',
  },
  {
    key: 'expiration-mot-de-passe',
    title: 'Expiration du mot de passe de messagerie',
    difficulty: 'moyen',
    mail: (commune) => ({
      subject: 'Votre mot de passe expire aujourd’hui',
      paragraphs: [
        'Bonjour,',
        `Le mot de passe de votre messagerie ${commune} expire aujourd’hui à 23 h 59.`,
        'Pour conserver l’accès à vos courriels, confirmez votre mot de passe actuel sur le portail de l’informatique.',
        'Le service informatique',
      ],
      linkLabel: 'Conserver mon mot de passe',
    }),
    fakePage: {
      heading: 'Portail de messagerie',
      intro: 'Confirmez votre identifiant et votre mot de passe actuel pour conserver l’accès à vos courriels.',
      button: 'Confirmer',
    },
    clues: [
      'Aucun service informatique ne demande de « confirmer » un mot de passe actuel : il ne vous le demandera jamais.',
      'Le lien mène à une page qui n’est pas à l’adresse habituelle de votre messagerie.',
      'La signature « Le service informatique » n’a ni nom ni numéro de téléphone.',
      'L’échéance le jour même, pour vous presser.',
    ],
    training: 'hameconnage',
    furtherTraining: 'mots-de-passe',
  },
  {
    key: 'message-dgs',
    title: 'Un message « de la DGS »',
    difficulty: 'difficile',
    mail: (commune) => ({
      subject: 'Demande confidentielle',
      paragraphs: [
        'Bonjour,',
        `Je suis en réunion toute la journée avec la préfecture et j’ai besoin de votre aide pour un dossier confidentiel de la mairie de ${commune}.`,
        'Merci de prendre connaissance de la note ci-dessous et de me confirmer votre disponibilité, sans en parler pour l’instant.',
        'La directrice générale des services\nEnvoyé depuis mon mobile',
      ],
      linkLabel: 'Lire la note confidentielle',
    }),
    fakePage: null,
    clues: [
      'L’adresse de l’expéditeur n’est pas l’adresse professionnelle de la DGS, même si le nom affiché est le bon.',
      'La demande de secret (« sans en parler ») : c’est le procédé de la « fraude au président ».',
      'L’indisponibilité annoncée (« en réunion », « depuis mon mobile ») pour que vous ne vérifiiez pas.',
      'Dans le doute, appelez la personne à son numéro habituel, jamais à celui donné dans le message.',
    ],
    training: 'hameconnage',
  },
  {
    key: 'document-partage',
    title: 'Un document partagé avec vous',
    difficulty: 'moyen',
    mail: () => ({
      subject: 'Un document a été partagé avec vous : « Planning des congés 2027.xlsx »',
      paragraphs: [
        'Bonjour,',
        'Le service des ressources humaines a partagé avec vous le document « Planning des congés 2027.xlsx ».',
        'Ce lien expire dans 7 jours.',
      ],
      linkLabel: 'Ouvrir le document',
    }),
    fakePage: {
      heading: 'Connexion requise pour ouvrir le document',
      intro: 'Le document est protégé : saisissez l’adresse et le mot de passe de votre messagerie pour l’ouvrir.',
      button: 'Ouvrir le document',
    },
    clues: [
      'Un sujet qui intéresse tout le monde (les congés) pour donner envie de cliquer.',
      'Le partage ne vient pas de l’outil habituel de la commune, et personne ne vous l’a annoncé.',
      'Pour « ouvrir le document », la page demande le mot de passe de votre messagerie : c’est lui qui est visé.',
    ],
    training: 'hameconnage',
    furtherTraining: 'mots-de-passe',
  },
  {
    key: 'franceconnect',
    title: 'Une fausse page de connexion FranceConnect',
    difficulty: 'difficile',
    mail: () => ({
      subject: 'Remboursement en attente : confirmez votre identité',
      paragraphs: [
        'Bonjour,',
        'Suite à un trop-perçu, un remboursement de 143,80 € est en attente sur votre espace.',
        'Pour le recevoir, connectez-vous avec FranceConnect avant la fin de la semaine.',
        'L’équipe des services en ligne',
      ],
      linkLabel: 'Me connecter avec FranceConnect',
    }),
    fakePage: {
      heading: 'Connexion avec FranceConnect',
      intro: 'Choisissez votre compte puis saisissez votre identifiant et votre mot de passe.',
      button: 'Se connecter',
    },
    clues: [
      'Un remboursement inattendu : l’appât classique.',
      'FranceConnect ne vous écrit jamais pour vous demander de vous connecter ; on y arrive depuis le site du service que l’on a soi-même ouvert.',
      'L’adresse de la page n’était pas celle de FranceConnect (franceconnect.gouv.fr) ni d’un site en .gouv.fr.',
      'Un expéditeur vague (« l’équipe des services en ligne »).',
    ],
    training: 'hameconnage',
    furtherTraining: 'double-authentification',
  },
];

export function findScenario(key: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.key === key);
}

/** The three reflexes, shown on every teachable moment. */
export const REFLEXES = [
  'Je prends le temps : l’urgence, la menace ou l’appât du gain sont les armes de l’escroc.',
  'Je vérifie l’expéditeur et l’adresse réelle du lien avant de cliquer (en survolant le lien, ou par un appui long sur un téléphone).',
  'Je ne saisis jamais mon mot de passe depuis un lien reçu, et je signale le message avec « Signaler un hameçonnage ».',
] as const;
