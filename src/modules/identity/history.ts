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
  'auth.mfa_verified': 'Double authentification validée',
  'auth.mfa_failed': 'Code de double authentification refusé',
  'auth.mfa_locked': 'Double authentification bloquée temporairement après trop de codes incorrects',
  'auth.recovery_code_used': 'Code de secours utilisé',
  'auth.recovery_codes_regenerated': 'Nouveaux codes de secours générés',
  'auth.step_up': 'Identité confirmée avant une action sensible',
  'auth.step_up_failed': 'Échec de confirmation d’identité (mot de passe incorrect)',
  'auth.passkey_added': 'Clé d’accès ajoutée',
  'auth.passkey_removed': 'Clé d’accès supprimée',
  'auth.passkey_sign_in_failed': 'Échec de connexion avec une clé d’accès',
  'auth.passkey_clone_suspected': 'Clé d’accès refusée : copie possible détectée',
  'account.registered': 'Création du compte',
  'account.email_verified': 'Adresse électronique confirmée',
  'auth.franceconnect_linked': 'Compte relié à FranceConnect',
  'auth.proconnect_linked': 'Compte relié à ProConnect',
  'auth.proconnect_refused': 'Connexion ProConnect refusée : aucun rôle d’agent dans la commune',
  'auth.federated_sign_in_failed': 'Échec de connexion avec FranceConnect ou ProConnect',
  'membership.invited': 'Invitation d’un agent, d’un élu ou d’un administrateur',
  'membership.invitation_accepted': 'Invitation acceptée, mot de passe choisi',
  'membership.role_changed': 'Rôles d’un membre modifiés',
  'membership.removed': 'Accès d’un membre à la commune retiré',
  'audit.exported': 'Export du journal de sécurité',
  'api_token.created': 'Jeton d’API créé',
  'api_token.revoked': 'Jeton d’API révoqué',
  'document_vault.added': 'Justificatif ajouté à « Mes justificatifs »',
  'document_vault.deleted': 'Justificatif supprimé de « Mes justificatifs »',
};

/** French labels of security events, for the commune's security journal. */
export const SECURITY_EVENT_LABELS: Readonly<Record<string, string>> = LABELS;

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
