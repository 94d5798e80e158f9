/**
 * The security of the commune's accounts, for pilotage's cyber posture (issue 16 §4): failed
 * sign-ins and lockouts over the period (from the security journal, so the monthly series shows
 * their trend), and, as of today whatever the period, the staff's second-factor and passkey
 * coverage and the accounts unused for 90 days. Staff only: citizens' accounts are theirs.
 */
import type { Tx } from '../../platform/db/tenant.js';
import type { IndicatorQuery, IndicatorSource } from '../../platform/module.js';
import { parisDayRange } from '../../platform/time/calendar.js';

/** Every way a sign-in can fail, as the journal names it. */
export const FAILED_SIGN_IN_ACTIONS = [
  'auth.sign_in_failed',
  'auth.passkey_sign_in_failed',
  'auth.federated_sign_in_failed',
] as const;
const LOCKOUT_ACTIONS = ['auth.locked', 'auth.mfa_locked'] as const;

interface Row {
  failed: number;
  lockouts: number;
  staff: number;
  second_factor: number;
  passkey: number;
  inactive: number;
}

export async function securityIndicators(
  tx: Tx,
  communeId: string,
  query: IndicatorQuery,
): Promise<Map<string, number | null>> {
  const { start, end } = parisDayRange(query.from, query.to);
  const { rows } = await tx.client.query<Row>(
    `WITH staff AS (
       SELECT DISTINCT a.id, a.last_login_at, a.created_at
         FROM membership m JOIN account a ON a.id = m.account_id
        WHERE m.commune_id = $1 AND m.role <> 'citizen'),
     journal AS (
       SELECT action FROM audit_entry
        WHERE commune_id = $1 AND occurred_at >= $2::timestamptz AND occurred_at < $3::timestamptz
          AND action = ANY($4::text[] || $5::text[]))
     SELECT (SELECT count(*)::int FROM journal) AS failed,
            (SELECT count(*)::int FROM journal WHERE action = ANY($5::text[])) AS lockouts,
            (SELECT count(*)::int FROM staff) AS staff,
            (SELECT count(*)::int FROM staff s
              WHERE EXISTS (SELECT 1 FROM passkey p WHERE p.account_id = s.id)
                 OR EXISTS (SELECT 1 FROM totp_factor t WHERE t.account_id = s.id AND t.confirmed_at IS NOT NULL)) AS second_factor,
            (SELECT count(*)::int FROM staff s WHERE EXISTS (SELECT 1 FROM passkey p WHERE p.account_id = s.id)) AS passkey,
            (SELECT count(*)::int FROM staff
              WHERE coalesce(last_login_at, created_at) < now() - interval '90 days') AS inactive`,
    [communeId, start.toISOString(), end.toISOString(), [...FAILED_SIGN_IN_ACTIONS], [...LOCKOUT_ACTIONS]],
  );
  const r = rows[0]!;
  const staff = Number(r.staff);
  const share = (n: number) => (staff === 0 ? null : (n * 100) / staff);
  return new Map<string, number | null>([
    ['identity.failed_sign_ins', Number(r.failed)],
    ['identity.lockouts', Number(r.lockouts)],
    ['identity.second_factor_coverage', share(Number(r.second_factor))],
    ['identity.passkey_coverage', share(Number(r.passkey))],
    ['identity.inactive_staff', Number(r.inactive)],
  ]);
}

export const identityIndicators: IndicatorSource = {
  title: 'Sécurité des comptes',
  byService: false,
  panel: 'cyber',
  order: 90,
  compute: (tx, communeId, query) => securityIndicators(tx, communeId, query),
  indicators: [
    {
      key: 'identity.failed_sign_ins',
      label: 'Échecs de connexion',
      unit: 'count',
      definition:
        'Mots de passe, codes, clés d’accès ou connexions fédérées refusés dans la période, y compris l’échec qui a bloqué un compte (journal de sécurité).',
    },
    {
      key: 'identity.lockouts',
      label: 'Blocages de comptes',
      unit: 'count',
      definition: 'Comptes bloqués après trop d’échecs, dans la période.',
    },
    {
      key: 'identity.second_factor_coverage',
      label: 'Personnel avec double authentification',
      unit: 'percent',
      definition:
        'À ce jour, quelle que soit la période : agents, élus et administrateurs avec une clé d’accès ou une application d’authentification.',
    },
    {
      key: 'identity.passkey_coverage',
      label: 'Personnel avec une clé d’accès',
      unit: 'percent',
      definition: 'À ce jour, quelle que soit la période.',
    },
    {
      key: 'identity.inactive_staff',
      label: 'Comptes du personnel inactifs depuis 90 jours',
      unit: 'count',
      definition: 'À ce jour : à désactiver s’ils ne servent plus (un compte oublié est une porte ouverte).',
    },
  ],
};
