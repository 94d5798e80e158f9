/** A person's own security events (sign-ins, failures, password changes), read from the audit journal. */
import type { Tx } from '../../platform/db/tenant.js';

const LABELS: Record<string, string> = {
  'auth.sign_in': 'Connexion',
  'auth.sign_in_failed': 'Échec de connexion (mot de passe incorrect)',
  'auth.locked': 'Compte bloqué temporairement après trop d’échecs',
  'auth.sign_out': 'Déconnexion',
  'auth.password_changed': 'Mot de passe modifié',
  'auth.password_reset_requested': 'Demande de réinitialisation du mot de passe',
  'auth.sessions_revoked': 'Sessions fermées',
  'auth.mfa_enabled': 'Double authentification activée',
  'auth.mfa_disabled': 'Double authentification désactivée',
  'auth.passkey_added': 'Clé d’accès ajoutée',
  'auth.passkey_removed': 'Clé d’accès supprimée',
  'account.registered': 'Création du compte',
  'account.email_verified': 'Adresse électronique confirmée',
};

export interface HistoryEvent {
  occurredAt: Date;
  action: string;
  label: string;
  clientAddress: string | null;
  userAgent: string | null;
}

export async function connectionHistory(tx: Tx, accountId: string, limit = 50): Promise<HistoryEvent[]> {
  const { rows } = await tx.client.query<{ occurred_at: Date; action: string; data: Record<string, unknown> }>(
    `SELECT occurred_at, action, data FROM audit_entry
      WHERE commune_id = $1 AND actor_id = $2 AND action = ANY($3::text[])
      ORDER BY seq DESC LIMIT $4`,
    [tx.communeId, accountId, Object.keys(LABELS), limit],
  );
  return rows.map((r) => ({
    occurredAt: r.occurred_at,
    action: r.action,
    label: LABELS[r.action] ?? r.action,
    clientAddress: typeof r.data.clientAddress === 'string' ? r.data.clientAddress : null,
    userAgent: typeof r.data.userAgent === 'string' ? r.data.userAgent : null,
  }));
}
