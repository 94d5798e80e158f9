/**
 * Demo accounts, one per role, documented in the README. They share one password that passes
 * the staff password policy; they exist only on demo instances.
 */

import type { Role } from '../../platform/authz/roles.js';
import type { Tx } from '../../platform/db/tenant.js';
import { findServiceBySlug } from '../../platform/tenancy/communes.js';
import { seedMember } from '../identity/index.js';

export const DEMO_PASSWORD = 'Pivoine-Tracteur-Lagune-2026';

/**
 * The authenticator-app key (TOTP, base32) of the demo administrators and operator, printed with
 * the accounts: public, like the password — acceptable on a demo instance only, whose data is
 * fictional (decision 0029). Administrators and operators must have a second factor before any
 * back-office page; with this key anyone can try the demo as they would.
 */
export const DEMO_TOTP_KEY = 'GUICHETDEMOADMINTOTPCLEPUBLIQUE2';

/** The 20 bytes of the demo key. */
export function demoTotpSecret(): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of DEMO_TOTP_KEY) {
    buffer = (buffer << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Uint8Array.from(bytes);
}

/** Whether a demo person signs in with the demo key (administrators and the operator). */
export function usesDemoTotpKey(person: DemoPerson): boolean {
  return person.role === 'admin' || person.isOperator === true;
}

export interface DemoPerson {
  email: string;
  givenName: string;
  familyName: string;
  role: Role;
  services?: string[];
  /** Second factor mandatory from the first sign-in (grace period already over). */
  mfaGraceOver?: boolean;
  isOperator?: boolean;
}

export const DEMO_PEOPLE: Record<string, DemoPerson[]> = {
  villebelle: [
    { email: 'camille.martin@courriel.example', givenName: 'Camille', familyName: 'Martin', role: 'citizen' },
    {
      email: 'agent.etat-civil@villebelle.example',
      givenName: 'Nadia',
      familyName: 'Benali',
      role: 'agent',
      services: ['etat-civil', 'accueil'],
    },
    {
      email: 'agent.urbanisme@villebelle.example',
      givenName: 'Hugo',
      familyName: 'Lefèvre',
      role: 'agent',
      services: ['urbanisme'],
    },
    {
      email: 'agent.technique@villebelle.example',
      givenName: 'Karim',
      familyName: 'Haddad',
      role: 'agent',
      services: ['services-techniques'],
    },
    {
      email: 'agent.enfance@villebelle.example',
      givenName: 'Léa',
      familyName: 'Rousseau',
      role: 'agent',
      services: ['enfance-scolaire'],
      mfaGraceOver: true,
    },
    {
      email: 'agent.finances@villebelle.example',
      givenName: 'Nadia',
      familyName: 'Roux',
      role: 'agent',
      services: ['finances'],
    },
    { email: 'elu@villebelle.example', givenName: 'Paul', familyName: 'Girard', role: 'councillor' },
    { email: 'maire@villebelle.example', givenName: 'Sophie', familyName: 'Moreau', role: 'mayor' },
    { email: 'dgs@villebelle.example', givenName: 'Julien', familyName: 'Faure', role: 'dgs' },
    { email: 'admin@villebelle.example', givenName: 'Inès', familyName: 'Garnier', role: 'admin' },
    { email: 'operateur@opsn.example', givenName: 'Marc', familyName: 'Perrin', role: 'citizen', isOperator: true },
  ],
  'saint-aubin-les-pres': [
    { email: 'camille.martin@courriel.example', givenName: 'Camille', familyName: 'Martin', role: 'citizen' },
    { email: 'secretariat@saint-aubin-les-pres.example', givenName: 'Martine', familyName: 'Lebrun', role: 'admin' },
    {
      email: 'secretariat@saint-aubin-les-pres.example',
      givenName: 'Martine',
      familyName: 'Lebrun',
      role: 'agent',
      services: ['secretariat', 'ecole-cantine'],
    },
    { email: 'maire@saint-aubin-les-pres.example', givenName: 'Gérard', familyName: 'Vasseur', role: 'mayor' },
  ],
};

/** Creates (or reuses) each demo person's account and gives it its role in the commune. */
export async function seedDemoAccounts(
  tx: Tx,
  communeSlug: string,
  passwordHash: string,
  appSecret: string,
): Promise<void> {
  const communeId = tx.communeId!;
  for (const person of DEMO_PEOPLE[communeSlug] ?? []) {
    const serviceIds: string[] = [];
    for (const slug of person.services ?? []) {
      const service = await findServiceBySlug(tx, communeId, slug);
      if (service) serviceIds.push(service.id);
    }
    await seedMember(tx, {
      email: person.email,
      givenName: person.givenName,
      familyName: person.familyName,
      role: person.role,
      serviceIds,
      passwordHash,
      isOperator: person.isOperator ?? false,
      mfaRequiredFrom: person.mfaGraceOver ? new Date(Date.now() - 86_400_000) : null,
      ...(usesDemoTotpKey(person) ? { totp: { secret: demoTotpSecret(), appSecret } } : {}),
    });
  }
}
