/** Front door of continuity: the `guichet` commands (backup, verify, restore, drill). */
export { backupCommand, drillCommand, restoreCommand, verifyCommand } from './cli.js';
