/** Front door of continuity: the `guichet` commands (backup, verify, offline copy, restore, drill, export). */
export {
  backupCommand,
  drillCommand,
  exportCommand,
  offlineCopyCommand,
  restoreCommand,
  verifyCommand,
} from './cli.js';
