/** Writes a benchmark's results as JSON to bench/results/<name>-<timestamp>.json (git-ignored). */
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_DIR } from './paths.js';

export const RESULTS_DIR = path.join(BENCH_DIR, 'results');

/** e.g. 2026-11-28T16-42-29Z: sortable, safe in file names, one file per run. */
export function fileTimestamp(date = new Date()): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
}

export function writeResults(name: string, data: unknown, date = new Date()): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const gitignore = path.join(RESULTS_DIR, '.gitignore');
  if (!fs.existsSync(gitignore)) fs.writeFileSync(gitignore, '*.json\n');
  const file = path.join(RESULTS_DIR, `${name}-${fileTimestamp(date)}.json`);
  fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
