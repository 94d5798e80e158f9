/**
 * Security parameters of the identity module, with their sources. Changing one is a decision:
 * record it in docs/decisions/.
 */
import { STEP_UP_MINUTES } from '../../platform/authz/step-up.js';

export const IDENTITY_SETTINGS = {
  /** Session ends after this much inactivity (ANSSI recommends short sessions for admin access). */
  sessionIdleMinutes: 30,
  /** Session ends this long after sign-in whatever the activity (ProConnect sessions: 12 h). */
  sessionAbsoluteHours: 12,
  /** last_seen_at is written at most this often (one write per request would serialize PGlite). */
  sessionTouchSeconds: 60,
  /** A sensitive action needs a credential entered less than this long ago (step-up). */
  stepUpMinutes: STEP_UP_MINUTES,
  /** Reset links expire after 30 minutes (issue #3) and are single-use. */
  resetTokenMinutes: 30,
  /** E-mail verification links. */
  verifyTokenHours: 48,
  /** Invitations of agents, élus and admins. */
  invitationDays: 7,
  /** Days an invited staff member may work before a second factor becomes mandatory. */
  mfaGraceDays: 7,
  /** Failed sign-ins before a temporary lockout, per account and per network. */
  lockoutAfterFailures: 10,
  networkLockoutAfterFailures: 50,
  /** Lockout duration, doubled at each further lockout, capped. */
  lockoutMinutes: 15,
  lockoutMaxMinutes: 24 * 60,
  /** Progressive delay: from the 3rd failure, the answer waits failures × this (capped). */
  delayStepMs: 250,
  delayMaxMs: 3_000,
} as const;

export { SESSION_COOKIE } from '../../platform/authz/session-cookie.js';
