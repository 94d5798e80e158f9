/** Use cases on communes: creation (with its services), validated, audited, in one transaction. */
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { recordAudit } from '../../platform/audit/journal.js';
import type { Database } from '../../platform/db/client.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import { mailAddressSchema } from '../../platform/mail/address.js';
import { type Commune, findCommuneBySlug, insertCommune, insertService } from '../../platform/tenancy/communes.js';

const slug = z
  .string()
  .min(2)
  .max(63)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lettres minuscules sans accent, chiffres et tirets');

export const newCommuneSchema = z
  .object({
    slug,
    name: z.string().trim().min(1).max(200),
    inseeCode: z
      .string()
      .regex(/^[0-9][0-9AB][0-9]{3}$/, 'code INSEE à 5 caractères')
      .nullable()
      .default(null),
    population: z.number().int().min(0).nullable().default(null),
    hostname: z
      .string()
      .toLowerCase()
      .regex(/^[a-z0-9.-]+$/)
      .nullable()
      .default(null),
    brandColour: z
      .string()
      .toLowerCase()
      .regex(/^#[0-9a-f]{6}$/, 'couleur au format #rrggbb')
      .default('#1d70b8'),
    address: z.string().max(300).nullable().default(null),
    phone: z.string().max(30).nullable().default(null),
    email: mailAddressSchema().nullable().default(null),
    openingHours: z.string().max(300).nullable().default(null),
    simpleMode: z.boolean().default(false),
    /** The home page's top tasks (PublicTask keys), in order; chosen later in the settings. */
    topTasks: z.array(z.string().max(200)).max(6).default([]),
    services: z
      .array(
        z.object({
          slug,
          name: z.string().min(1).max(200),
          description: z.string().max(2000).default(''),
          email: mailAddressSchema().nullable().default(null),
        }),
      )
      .default([]),
  })
  .strict();

export type NewCommune = z.input<typeof newCommuneSchema>;

/**
 * Creates a commune and its services. `afterCreate` runs inside the same transaction (the demo
 * uses it to queue its welcome mail).
 */
export async function createCommune(
  database: Database,
  input: NewCommune,
  actor: { type: 'system' | 'operator'; id?: string },
  afterCreate?: (tx: Tx, commune: Commune) => Promise<void>,
): Promise<Commune> {
  const parsed = newCommuneSchema.safeParse(input);
  if (!parsed.success) {
    const fields = Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), i.message]));
    throw new AppError('commune.invalid', 'invalid commune', 422, { fields });
  }
  const { services, ...values } = parsed.data;
  const id = uuidv7();
  return withTenant(database, id, async (tx) => {
    if (await findCommuneBySlug(tx, values.slug)) {
      throw new AppError('commune.slug_taken', `slug ${values.slug} taken`, 409, {
        fields: { slug: 'Une commune utilise déjà cet identifiant.' },
      });
    }
    const commune = await insertCommune(tx, { id, ...values });
    for (const s of services) await insertService(tx, { id: uuidv7(), communeId: id, ...s });
    await recordAudit(tx, {
      action: 'commune.created',
      actorType: actor.type,
      actorId: actor.id ?? null,
      targetType: 'commune',
      targetId: id,
      data: { slug: values.slug, name: values.name, services: services.map((s) => s.slug) },
    });
    await afterCreate?.(tx, commune);
    return commune;
  });
}
