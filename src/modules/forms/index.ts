/**
 * Front door of the forms engine: versioned JSON definitions (14 field types, conditions, pages,
 * repeatable groups, prefill), their rendering without JavaScript, answer validation, summaries,
 * the form editor's operations, the supporting-document kinds and the library of ready
 * démarches. The engine holds no data of its own: procedures store definitions, requests answers.
 */
export * from './answers.js';
export * from './conditions.js';
export * from './definition.js';
export * from './document-kinds.js';
export * from './editing.js';
export * from './library/index.js';
export * from './render.js';
export * from './summary.js';
