/**
 * The commune's services, managed by its administrators: create, rename (and set the address
 * that receives and answers their mails), retire. Retiring a service that still has requests
 * in progress, or démarches sent to it, is refused with a French message naming what to move
 * first (decision 0023): nothing is moved behind the administrator's back. A retired service
 * keeps its history and can be restored.
 */
import { v7 as uuidv7 } from 'uuid';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { mailAddressError } from '../../../platform/mail/address.js';
import type { Contributions } from '../../../platform/module.js';
import {
  type Commune,
  findServiceById,
  insertService,
  listServices,
  type Service,
} from '../../../platform/tenancy/communes.js';
import { updateServiceRow } from '../repo.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface ServiceInput {
  name: string;
  email: string;
  description: string;
}

interface Actor {
  accountId: string;
  httpRequestId?: string;
}

function checkService(
  input: ServiceInput,
  others: readonly Service[],
): { name: string; email: string | null; description: string } {
  const name = input.name.trim();
  const email = input.email.trim();
  const description = input.description.replace(/\r\n/g, '\n').trim();
  const fields: Record<string, string> = {};
  if (name === '') fields.name = 'Saisissez le nom du service.';
  else if (name.length > 200) fields.name = 'Le nom du service ne doit pas dépasser 200 caractères.';
  else if (CONTROL.test(name)) fields.name = 'Le nom du service contient des caractères non autorisés.';
  else if (others.some((s) => s.name.localeCompare(name, 'fr', { sensitivity: 'base' }) === 0))
    fields.name = 'La commune a déjà un service de ce nom.';
  if (email !== '') {
    const error = mailAddressError(email, 'urbanisme@mairie-exemple.fr');
    if (error) fields.email = error;
  }
  if (description.length > 2000) fields.description = 'La présentation ne doit pas dépasser 2000 caractères.';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  else if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(description))
    fields.description = 'La présentation contient des caractères non autorisés.';
  if (Object.keys(fields).length > 0) throw new AppError('service.invalid', 'invalid service', 422, { fields });
  return { name, email: email === '' ? null : email, description };
}

/** A URL-safe identifier from a French name: « Services techniques » → services-techniques. */
export function serviceSlug(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .normalize('NFD')
      .replace(/\p{Diacritic}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50)
      .replace(/-+$/, '') || 'service';
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

async function loadService(tx: Tx, commune: Commune, id: string): Promise<Service> {
  const found = isUuid(id) ? await findServiceById(tx, commune.id, id) : undefined;
  if (!found) throw notFound('service.not_found', 'no such service in this commune');
  return found;
}

export function createService(database: Database, commune: Commune, input: ServiceInput, actor: Actor) {
  return withTenant(database, commune.id, async (tx) => {
    const services = await listServices(tx, commune.id);
    const values = checkService(input, services);
    const created = await insertService(tx, {
      id: uuidv7(),
      communeId: commune.id,
      slug: serviceSlug(values.name, new Set(services.map((s) => s.slug))),
      name: values.name,
      email: values.email,
      description: values.description,
    });
    await recordAudit(tx, {
      action: 'service.created',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'service',
      targetId: created.id,
      data: { slug: created.slug, name: created.name },
      requestId: actor.httpRequestId ?? null,
    });
    return created;
  });
}

export function updateService(database: Database, commune: Commune, id: string, input: ServiceInput, actor: Actor) {
  return withTenant(database, commune.id, async (tx) => {
    const current = await loadService(tx, commune, id);
    const others = (await listServices(tx, commune.id)).filter((s) => s.id !== current.id);
    const values = checkService(input, others);
    const updated = await updateServiceRow(tx, commune.id, current.id, values);
    await recordAudit(tx, {
      action: 'service.updated',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'service',
      targetId: current.id,
      data: { from: current.name, to: updated.name, emailChanged: current.email !== updated.email },
      requestId: actor.httpRequestId ?? null,
    });
    return updated;
  });
}

/** Retires a service, refused while requests in progress or démarches still go to it. */
export function retireService(
  database: Database,
  contributions: Contributions,
  commune: Commune,
  id: string,
  actor: Actor,
) {
  return withTenant(database, commune.id, async (tx) => {
    const current = await loadService(tx, commune, id);
    if (current.retiredAt) return current;
    const openRequests = (await contributions.usage('service-open-requests', tx, commune.id)).get(current.id) ?? 0;
    const procedures = (await contributions.usage('service-procedures', tx, commune.id)).get(current.id) ?? 0;
    if (openRequests > 0 || procedures > 0) {
      const what = [
        openRequests > 0 ? `${openRequests} demande${openRequests > 1 ? 's' : ''} en cours` : null,
        procedures > 0
          ? `${procedures} démarche${procedures > 1 ? 's' : ''} qui lui ${procedures > 1 ? 'sont' : 'est'} adressée${procedures > 1 ? 's' : ''}`
          : null,
      ]
        .filter(Boolean)
        .join(' et ');
      throw new AppError('service.in_use', 'service still in use', 409, {
        userMessage: `Le service « ${current.name} » ne peut pas être retiré : il a encore ${what}. Réorientez les demandes vers un autre service et changez le service des démarches, puis recommencez.`,
      });
    }
    const active = (await listServices(tx, commune.id)).filter((s) => !s.retiredAt && s.id !== current.id);
    if (active.length === 0) {
      throw new AppError('service.last_one', 'last active service', 409, {
        userMessage: `Le service « ${current.name} » est le dernier service de la commune : créez-en un autre avant de le retirer.`,
      });
    }
    const updated = await updateServiceRow(tx, commune.id, current.id, { retiredAt: new Date() });
    await recordAudit(tx, {
      action: 'service.retired',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'service',
      targetId: current.id,
      data: { slug: current.slug },
      requestId: actor.httpRequestId ?? null,
    });
    return updated;
  });
}

/** Puts a retired service back into use. */
export function restoreService(database: Database, commune: Commune, id: string, actor: Actor) {
  return withTenant(database, commune.id, async (tx) => {
    const current = await loadService(tx, commune, id);
    if (!current.retiredAt) return current;
    const updated = await updateServiceRow(tx, commune.id, current.id, { retiredAt: null });
    await recordAudit(tx, {
      action: 'service.restored',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'service',
      targetId: current.id,
      data: { slug: current.slug },
      requestId: actor.httpRequestId ?? null,
    });
    return updated;
  });
}
