/**
 * The actions this module writes to the commune's journal (see `AuditActions` in the platform's
 * journal): an undeclared action is a type error.
 */
import type { AuditData } from '../../platform/audit/journal.js';

declare module '../../platform/audit/journal.js' {
  interface AuditActions {
    'account.data_exported': AuditData;
    'account.email_verified': AuditData;
    'account.erased': AuditData;
    'account.registered': AuditData;
    'account.registration_existing': AuditData;
    'api_token.created': AuditData;
    'api_token.revoked': AuditData;
    'audit.exported': AuditData;
    'auth.federated_sign_in_failed': AuditData;
    'auth.franceconnect_linked': AuditData;
    'auth.locked': AuditData;
    'auth.mfa_disabled': AuditData;
    'auth.mfa_enabled': AuditData;
    'auth.mfa_failed': AuditData;
    'auth.mfa_locked': AuditData;
    'auth.mfa_verified': AuditData;
    'auth.passkey_added': AuditData;
    'auth.passkey_clone_suspected': AuditData;
    'auth.passkey_removed': AuditData;
    'auth.passkey_sign_in_failed': AuditData;
    'auth.password_changed': AuditData;
    'auth.password_reset_requested': AuditData;
    'auth.proconnect_linked': AuditData;
    'auth.proconnect_refused': AuditData;
    'auth.recovery_code_used': AuditData;
    'auth.recovery_codes_regenerated': AuditData;
    'auth.sign_in': AuditData;
    'auth.sign_in_failed': AuditData;
    'auth.sign_out': AuditData;
    'auth.step_up': AuditData;
    'auth.step_up_failed': AuditData;
    'membership.invitation_accepted': AuditData;
    'membership.invited': AuditData;
    'membership.removed': AuditData;
    'membership.role_changed': AuditData;
  }
}
