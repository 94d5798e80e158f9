/**
 * Installing the library of ready démarches in a commune (procedure + form version 1 each), each
 * sent to the commune's service for it.
 */
import type { Tx } from '../../platform/db/tenant.js';
import { type Commune, listServices, type Service } from '../../platform/tenancy/communes.js';
import { FORM_CATEGORIES, FORM_LIBRARY, type LibraryForm } from '../forms/index.js';
import { insertFormVersion, insertProcedure } from './repo.js';
import type { Workflow } from './workflow.js';

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

/** Installs the form library in a commune, published, with the given status workflows by slug. */
export async function installLibrary(
  tx: Tx,
  commune: Commune,
  workflows: Readonly<Record<string, Workflow>> = {},
): Promise<void> {
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
      processingDays: form.processingDays ?? (form.silence ? Math.min(30, form.silence.days) : 30),
      isPublished: true,
      currentVersion: 1,
      workflow: workflows[form.slug] ?? null,
    });
    await insertFormVersion(tx, {
      communeId: commune.id,
      procedureId: procedure.id,
      version: 1,
      definition: form.definition,
      createdBy: null,
    });
  }
}
