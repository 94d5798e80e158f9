/**
 * Front door of the démarches (procedures): their definitions (metadata, form versions, routing
 * rules, status workflow) as other modules may read them. Requests are the instances of a
 * démarche; they read it here and never its tables.
 */

export { installLibrary, serviceForLibraryForm } from './library.js';
export {
  findFormVersion,
  findProcedureById,
  findProcedureBySlug,
  listProcedures,
  listRoutingRules,
  proceduresByIds,
} from './lookups.js';
export type { FormVersion, Procedure, RoutingRule } from './schema.js';
export * from './statuses.js';
export * from './workflow.js';
