/**
 * Demo data of requests: the démarches of the form library (procedure + form version 1) in each
 * demo commune, each sent to the commune's service for it, and the classifier's labelled training
 * set as the routing examples of the town (Villebelle).
 */
import type { Tx } from '../../platform/db/tenant.js';
import { type Commune, listServices, type Service } from '../../platform/tenancy/communes.js';
import { FORM_CATEGORIES, FORM_LIBRARY, type LibraryForm } from '../forms/index.js';
import { DEMO_REQUESTS } from './classifier/training-data.js';
import { insertFormVersion, insertProcedure, insertRoutingExamples } from './repo.js';
import type { Workflow } from './workflow.js';

/** Démarches of the demo whose status workflow is not the default one (see workflow.ts). */
const DEMO_WORKFLOWS: Record<string, Workflow> = {
  'occupation-domaine-public': {
    statuses: ['nouvelle', 'en_cours', 'attente_usager', 'acceptee', 'refusee', 'classee'],
    labels: { en_cours: 'En instruction', acceptee: 'Autorisation accordée', refusee: 'Autorisation refusée' },
    steps: [
      { key: 'instruction-technique', label: 'Instruction technique' },
      { key: 'avis-de-la-police-municipale', label: 'Avis de la police municipale' },
      { key: 'arrete-a-la-signature', label: 'Arrêté à la signature' },
    ],
  },
  'signalement-voirie': {
    statuses: ['nouvelle', 'en_cours', 'attente_usager', 'acceptee', 'classee'],
    labels: { acceptee: 'Intervention réalisée', classee: 'Classé sans suite' },
    steps: [{ key: 'intervention-programmee', label: 'Intervention programmée' }],
  },
};

/** Communes whose routing examples are the demo training set (its labels are their services). */
const TRAINED_COMMUNES = new Set(['villebelle']);

/**
 * The commune's service for a library démarche: the same slug when it exists; in a village with
 * fewer services, the school service for school matters and the secretariat for everything else.
 */
export function serviceForLibraryForm(form: Pick<LibraryForm, 'serviceSlug'>, services: readonly Service[]): Service {
  const bySlug = (slug: string) => services.find((s) => s.slug === slug);
  const found =
    bySlug(form.serviceSlug) ??
    (form.serviceSlug === 'enfance-scolaire' ? bySlug('ecole-cantine') : undefined) ??
    bySlug('secretariat') ??
    bySlug('accueil') ??
    services[0];
  if (!found) throw new Error('commune without any service');
  return found;
}

/** Installs the form library (and, for the town, the routing examples) in a new demo commune. */
export async function seedDemoRequests(tx: Tx, commune: Commune): Promise<void> {
  const services = await listServices(tx, commune.id);
  for (const form of FORM_LIBRARY) {
    const service = serviceForLibraryForm(form, services);
    const procedure = await insertProcedure(tx, {
      communeId: commune.id,
      slug: form.slug,
      title: form.title,
      category: FORM_CATEGORIES[form.category],
      audience: form.audience,
      serviceId: service.id,
      silenceKind: form.silence?.kind ?? null,
      silenceDays: form.silence?.days ?? null,
      silenceMonths: form.silence?.months ?? null,
      silenceBasis: form.silence?.legalBasis ?? null,
      processingDays: form.silence ? Math.min(30, form.silence.days) : 30,
      isPublished: true,
      currentVersion: 1,
      workflow: DEMO_WORKFLOWS[form.slug] ?? null,
    });
    await insertFormVersion(tx, {
      communeId: commune.id,
      procedureId: procedure.id,
      version: 1,
      definition: form.definition,
      createdBy: null,
    });
  }
  if (TRAINED_COMMUNES.has(commune.slug)) {
    const known = new Set(services.map((s) => s.slug));
    await insertRoutingExamples(
      tx,
      commune.id,
      DEMO_REQUESTS.filter((r) => known.has(r.serviceSlug)).map((r) => ({
        text: r.text,
        serviceSlug: r.serviceSlug,
        source: 'seed' as const,
      })),
    );
  }
}
