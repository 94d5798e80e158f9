/** Front door of continuity: the `guichet` commands (backup, verify, offline copy, restore, drill, export, import). */
export {
  backupCommand,
  drillCommand,
  exportCommand,
  importCommand,
  offlineCopyCommand,
  restoreCommand,
  verifyCommand,
} from './cli.js';
