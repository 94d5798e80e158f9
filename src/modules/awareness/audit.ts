/**
 * The actions this module writes to the commune's journal (see `AuditActions` in the platform's
 * journal): an undeclared action is a type error.
 */
import type { AuditData } from '../../platform/audit/journal.js';

declare module '../../platform/audit/journal.js' {
  interface AuditActions {
    'awareness.notice_published': AuditData;
    'awareness.campaign_launched': { name: string; scenario: string; recipients: number; windowHours: number };
    'awareness.phishing_reported': { simulation: boolean };
    'awareness.training_completed': { training: string; score: number };
    'awareness.incident_declared': { personalData: string };
    'awareness.incident_step_done': { step: string };
    'awareness.training_reminders_set': { on: boolean };
  }
}
