/**
 * The contract of a benchmark file: bench/<name>.bench.ts default-exports a `Benchmark`.
 * bench/run.ts discovers those files and runs them one after the other. Each benchmark measures
 * its own baseline in the same run and reports ratios to it — never absolute thresholds.
 */
import type { MachineInfo } from './machine.js';

export interface BenchContext {
  machine: MachineInfo;
  /** Measure duration in seconds (env BENCH_SECONDS, default 10). */
  seconds: number;
  /** Prints a line of the report (stdout). */
  print(line?: string): void;
  /** Writes the results to bench/results/<name>-<timestamp>.json; returns the path. */
  writeResults(name: string, data: unknown): string;
}

export interface BenchOutcome {
  /** false when a part failed (it is reported; the run exits 1 at the end). Skipped parts are not failures. */
  ok: boolean;
}

export interface Benchmark {
  /** Short name, used to select it (`npm run bench -- http`) and in the results file name. */
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<BenchOutcome>;
}
