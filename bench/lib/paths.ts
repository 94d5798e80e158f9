import path from 'node:path';

/** The bench/ folder and the repository root. */
export const BENCH_DIR = path.resolve(import.meta.dirname, '..');
export const REPO_ROOT = path.resolve(BENCH_DIR, '..');
