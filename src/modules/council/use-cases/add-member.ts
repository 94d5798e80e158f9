/** Adds a member in office to the council: zod → policy → transaction → audit. */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { canManageCouncil } from '../policy.js';
import { insertMember } from '../repo.js';
import { MEMBER_ROLES, type MemberRow } from '../schema.js';
import { type CouncilCaller, parseOrRefuse } from './common.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
const clean = (v: string) => v.trim().replace(/\s+/g, ' ');

export const memberSchema = z
  .object({
    fullName: z
      .string()
      .transform(clean)
      .pipe(
        z
          .string()
          .min(1, 'Saisissez le nom de l’élu.')
          .max(200, 'Le nom ne doit pas dépasser 200 caractères.')
          .refine((v) => !CONTROL.test(v), 'Le nom contient des caractères non autorisés.'),
      ),
    role: z.enum(MEMBER_ROLES, { message: 'Choisissez la fonction de l’élu.' }),
    politicalGroup: z
      .string()
      .transform(clean)
      .pipe(z.string().max(120, 'Le groupe ne doit pas dépasser 120 caractères.')),
    channel: z.enum(['electronique', 'postal'], { message: 'Choisissez le mode d’envoi des convocations.' }),
    email: z.string().transform((v) => v.trim()),
    consent: z.string().optional(),
    postalAddress: z
      .string()
      .transform((v) => v.trim())
      .pipe(z.string().max(500, 'L’adresse ne doit pas dépasser 500 caractères.')),
  })
  .superRefine((v, ctx) => {
    if (v.email !== '' && !z.email().safeParse(v.email).success)
      ctx.addIssue({
        code: 'custom',
        path: ['email'],
        message: 'Saisissez une adresse électronique valide, comme nom@exemple.fr.',
      });
    if (v.channel === 'electronique') {
      if (v.email === '')
        ctx.addIssue({
          code: 'custom',
          path: ['email'],
          message: 'Saisissez l’adresse électronique qui recevra les convocations.',
        });
      if (v.consent !== 'oui')
        ctx.addIssue({
          code: 'custom',
          path: ['consent'],
          message: 'Cochez l’accord de l’élu pour recevoir ses convocations par voie électronique.',
        });
    }
    if (v.channel === 'postal' && v.postalAddress === '')
      ctx.addIssue({
        code: 'custom',
        path: ['postalAddress'],
        message: 'Saisissez l’adresse postale des convocations.',
      });
  });

export type MemberInput = Partial<
  Record<'fullName' | 'role' | 'politicalGroup' | 'channel' | 'email' | 'consent' | 'postalAddress', string>
>;

export async function addMember(
  database: Database,
  caller: CouncilCaller,
  input: MemberInput,
  options: { accountId?: string | null; now?: Date } = {},
): Promise<MemberRow> {
  if (!canManageCouncil(caller.actor)) throw notFound('council.forbidden', 'not the secretariat');
  const v = parseOrRefuse(
    memberSchema,
    { fullName: '', politicalGroup: '', email: '', postalAddress: '', ...input },
    'council.member_invalid',
  );
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const member = await insertMember(tx, {
      communeId,
      accountId: options.accountId ?? null,
      fullName: v.fullName,
      role: v.role,
      politicalGroup: v.politicalGroup || null,
      channel: v.channel,
      email: v.email || null,
      electronicConsentAt: v.channel === 'electronique' ? (options.now ?? new Date()) : null,
      postalAddress: v.postalAddress || null,
    });
    await recordAudit(tx, {
      action: 'council.member_added',
      actorType: 'agent',
      actorId: caller.actor?.accountId ?? null,
      targetType: 'council_member',
      targetId: member.id,
      data: { fullName: member.fullName, role: member.role, channel: member.channel },
      requestId: caller.httpRequestId ?? null,
    });
    return member;
  });
}
