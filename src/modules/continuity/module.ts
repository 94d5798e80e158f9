/**
 * Continuity (issue 13, decision 0031): encrypted backups, their verification, restores into an
 * empty target and rehearsed restores (drills) whose duration is recorded. Commands in cli.ts; the
 * machinery (PGlite snapshot, age, archive, inventory) in src/platform/db/backup/.
 */
import type { GuichetModule } from '../../platform/module.js';

export const continuityModule: GuichetModule = {
  name: 'continuity',
};
