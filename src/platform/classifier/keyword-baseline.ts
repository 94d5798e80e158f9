/**
 * The baseline the classifier must beat: hand-written keywords per service (what an
 * administrator would type into a rules screen, taken from the services' descriptions in the
 * demo seed plus the obvious words), matched with the same French normalisation as the model.
 * The service with the most matching keywords wins; no match goes to the fallback (accueil).
 */
import { tokenize } from './tokenize.js';

/** Keywords of the Villebelle demo services, as written. */
export const DEMO_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  accueil: [
    'horaires',
    'ouverture',
    'renseignement',
    'maire',
    'élu',
    'rendez-vous',
    'salle',
    'association',
    'objet trouvé',
  ],
  'etat-civil': [
    'acte',
    'naissance',
    'mariage',
    'décès',
    'livret de famille',
    'pacs',
    'recensement',
    'électorale',
    'carte d’identité',
    'passeport',
  ],
  urbanisme: [
    'permis de construire',
    'déclaration préalable',
    'certificat d’urbanisme',
    'urbanisme',
    'PLU',
    'cadastre',
    'abri de jardin',
    'clôture',
    'extension',
    'façade',
  ],
  'enfance-scolaire': [
    'école',
    'scolaire',
    'inscription',
    'cantine',
    'restauration',
    'périscolaire',
    'garderie',
    'centre de loisirs',
    'crèche',
    'enfant',
  ],
  'services-techniques': [
    'voirie',
    'route',
    'trottoir',
    'éclairage',
    'lampadaire',
    'propreté',
    'déchets',
    'espaces verts',
    'arbre',
    'nid-de-poule',
  ],
  finances: [
    'facture',
    'paiement',
    'payer',
    'budget',
    'prélèvement',
    'remboursement',
    'tarif',
    'caution',
    'subvention',
  ],
};

/**
 * Keywords of the standard competences, as an administrator would type them into a rules
 * screen: the obvious words of each competence's title and of its most frequent requests.
 */
export const COMPETENCE_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  accueil: ['horaires', 'ouverture', 'renseignement', 'rendez-vous maire', 'élu', 'objet trouvé', 'candidature'],
  'etat-civil': [
    'acte',
    'naissance',
    'mariage',
    'décès',
    'livret de famille',
    'pacs',
    'passeport',
    'carte d’identité',
    'recensement',
  ],
  elections: ['électorale', 'élection', 'vote', 'procuration', 'bureau de vote', 'scrutin'],
  cimetiere: ['cimetière', 'concession', 'tombe', 'columbarium', 'inhumation', 'caveau'],
  urbanisme: [
    'permis de construire',
    'déclaration préalable',
    'PLU',
    'cadastre',
    'urbanisme',
    'certificat d’urbanisme',
  ],
  'voirie-stationnement': ['voirie', 'trottoir', 'chaussée', 'nid de poule', 'stationnement', 'feu', 'travaux'],
  'proprete-dechets': ['poubelle', 'déchets', 'encombrants', 'dépôt sauvage', 'tags', 'collecte', 'déchetterie'],
  'eclairage-public': ['lampadaire', 'éclairage', 'réverbère', 'illuminations'],
  'espaces-verts': ['arbre', 'élagage', 'parc', 'haie', 'pelouse', 'aire de jeux', 'espaces verts'],
  'enfance-scolaire': ['école', 'cantine', 'périscolaire', 'garderie', 'centre de loisirs', 'inscription scolaire'],
  'petite-enfance': ['crèche', 'assistante maternelle', 'halte-garderie', 'bébé', 'relais petite enfance'],
  'action-sociale': ['CCAS', 'aide', 'logement social', 'personnes âgées', 'difficulté', 'assistante sociale'],
  'police-tranquillite': ['bruit', 'police', 'voisins', 'garée', 'fourrière', 'chien', 'rodéo'],
  'vie-associative-salles': ['association', 'salle des fêtes', 'location salle', 'subvention', 'salle polyvalente'],
  sport: ['piscine', 'gymnase', 'stade', 'club', 'sport', 'tennis'],
  culture: ['médiathèque', 'bibliothèque', 'musique', 'théâtre', 'spectacle', 'musée', 'patrimoine'],
  'finances-facturation': ['facture', 'paiement', 'prélèvement', 'remboursement', 'trésor public', 'impôts'],
  'eau-assainissement': ['eau', 'compteur', 'fuite', 'égout', 'assainissement', 'fosse septique'],
};

export interface KeywordClassifier {
  /** The service with the most matching keywords, or the fallback when none matches. */
  classify(text: string): string;
}

/**
 * Builds a keyword matcher. A keyword of several words matches when all its words are in the
 * text; ties go to the service listed first.
 */
export function keywordClassifier(
  keywords: Readonly<Record<string, readonly string[]>> = DEMO_KEYWORDS,
  fallback = 'accueil',
): KeywordClassifier {
  const rules = Object.entries(keywords).map(([serviceSlug, words]) => ({
    serviceSlug,
    keywords: words.map((w) => tokenize(w).map((t) => t.term)).filter((terms) => terms.length > 0),
  }));
  return {
    classify(text: string): string {
      const terms = new Set(tokenize(text).map((t) => t.term));
      let best = fallback;
      let bestHits = 0;
      for (const rule of rules) {
        const hits = rule.keywords.filter((kw) => kw.every((term) => terms.has(term))).length;
        if (hits > bestHits) {
          best = rule.serviceSlug;
          bestHits = hits;
        }
      }
      return best;
    },
  };
}
