/** Front door of addresses: the import (admin page, CLI, demo) and the lookups of other modules. */
export { type BanAddress, normalizeSearch, parseBanCsv } from './ban-csv.js';
export { addressesImportCommand } from './cli.js';
export { communePostcode } from './lookups.js';
export { type ImportOutcome, importAddresses } from './use-cases/import-addresses.js';
