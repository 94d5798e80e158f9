/**
 * Front door of the profile ("dites-le-nous une fois"): the prefill of démarches from the
 * citizen's profile, and the vault's documents offered on file questions.
 */
export { profilePrefill } from './profile.js';
export {
  listDocuments,
  readDocument,
  usableDocuments,
  VAULT_ACCEPTED_TYPES,
  VAULT_MAX_BYTES,
  validityText,
} from './vault.js';
