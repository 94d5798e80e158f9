/**
 * Each commune's map from the standard competences (platform/classifier/competences.ts) to its
 * own services. Until an administrator saves the map, every competence goes to the service whose
 * name or slug matches it (« Services techniques » for the road, « CCAS » for social action…),
 * else to the accueil (the commune's triage service); a saved map is explicit for every competence.
 * Computing the defaults from the current services means a new commune, or a commune that has
 * just created a CCAS service, routes at once.
 */
import { COMPETENCES, type Competence } from '../../platform/classifier/competences.js';
import { normalizeWord } from '../../platform/classifier/tokenize.js';
import type { Tx } from '../../platform/db/tenant.js';
import { listServices, type Service } from '../../platform/tenancy/communes.js';
import { listCompetenceMap } from './repo.js';

/** Services that triage requests, by preference (the village has only its secretariat). */
const TRIAGE_SLUGS = ['accueil', 'secretariat'];

/** The service that triages: accueil, else secretariat, else the first service. */
export function triageService(services: readonly Service[]): Service {
  for (const slug of TRIAGE_SLUGS) {
    const found = services.find((s) => s.slug === slug);
    if (found) return found;
  }
  const first = services[0];
  if (!first) throw new Error('commune without any service');
  return first;
}

export interface CompetenceRoute {
  competence: Competence;
  service: Service;
  /** True when the administrator chose it, false for the default from the services' names. */
  explicit: boolean;
}

const normalise = (s: string) =>
  ` ${normalizeWord(s)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()} `;

/** The default service of a competence: the first of its words found in a service's slug or name, else the triage service. */
export function defaultService(competence: Competence, services: readonly Service[], triage: Service): Service {
  const names = services.map((s) => ({ s, text: `${normalise(s.slug)}${normalise(s.name)}` }));
  for (const word of competence.serviceWords) {
    const needle = ` ${normalise(word).trim()}`;
    const found = names.find((n) => n.text.includes(needle));
    if (found) return found.s;
  }
  return triage;
}

/** The service of every competence in the commune, in the order of the standard map. */
export async function competenceRoutes(
  tx: Tx,
  communeId: string,
  given?: readonly Service[],
): Promise<CompetenceRoute[]> {
  const services = given ?? (await listServices(tx, communeId));
  const triage = triageService(services);
  const saved = await listCompetenceMap(tx, communeId);
  return COMPETENCES.map((competence) => {
    if (saved.has(competence.slug)) {
      const id = saved.get(competence.slug);
      const chosen = id === null ? triage : services.find((s) => s.id === id);
      if (chosen) return { competence, service: chosen, explicit: true };
    }
    return { competence, service: defaultService(competence, services, triage), explicit: false };
  });
}

/**
 * Démarches of the library dedicated to a competence's most frequent requests: after a free-text
 * message about a pothole, the citizen is pointed to the road report.
 */
export const COMPETENCE_DEMARCHES: Readonly<Record<string, readonly string[]>> = {
  'voirie-stationnement': ['signalement-voirie'],
  'eclairage-public': ['signalement-voirie'],
  'proprete-dechets': ['signalement-voirie'],
  'espaces-verts': ['signalement-voirie'],
  'etat-civil': ['acte-etat-civil'],
  elections: ['inscription-liste-electorale'],
  'vie-associative-salles': ['reservation-salle'],
};
