/**
 * Entry of `npm run bench`: prints the machine, then runs every bench/*.bench.ts in turn (or
 * only those named on the command line: `npm run bench -- http`). Each benchmark measures its
 * own baseline in the same run and prints ratios; nothing here asserts on timings.
 * Exit code: 0 all ran (skipped parts allowed), 1 a benchmark failed, 2 bad usage, 130 interrupted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runAllCleanups } from './lib/cleanup.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { BENCH_DIR, REPO_ROOT } from './lib/paths.js';
import { writeResults } from './lib/results.js';
import type { Benchmark } from './lib/types.js';

const print = (line = '') => process.stdout.write(`${line}\n`);

function benchSeconds(): number {
  const raw = process.env.BENCH_SECONDS;
  if (raw === undefined || raw === '') return 10;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) {
    process.stderr.write(`BENCH_SECONDS must be a whole number of seconds between 1 and 3600 (got "${raw}")\n`);
    process.exit(2);
  }
  return seconds;
}

function isBenchmark(value: unknown): value is Benchmark {
  const b = value as Benchmark | undefined;
  return typeof b?.name === 'string' && typeof b.title === 'string' && typeof b.run === 'function';
}

async function loadBenchmarks(only: string[]): Promise<Benchmark[]> {
  const files = fs
    .readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const benchmarks: Benchmark[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(BENCH_DIR, file)).href)) as { default?: unknown };
    if (!isBenchmark(mod.default))
      throw new Error(`bench/${file} must default-export a Benchmark (bench/lib/types.ts)`);
    benchmarks.push(mod.default);
  }
  const unknown = only.filter((name) => !benchmarks.some((b) => b.name === name));
  if (unknown.length > 0) {
    process.stderr.write(
      `Unknown benchmark(s): ${unknown.join(', ')}. Available: ${benchmarks.map((b) => b.name).join(', ')}\n`,
    );
    process.exit(2);
  }
  return only.length > 0 ? benchmarks.filter((b) => only.includes(b.name)) : benchmarks;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping servers and cleaning up (again to force)…\n`);
    void runAllCleanups().finally(() => process.exit(130));
  });
}

const started = performance.now();
const seconds = benchSeconds();
const benchmarks = await loadBenchmarks(process.argv.slice(2));
const machine = machineInfo(REPO_ROOT);
print(`Guichet benchmarks — ${new Date().toISOString()}`);
print(describeMachine(machine));

let ok = true;
for (const benchmark of benchmarks) {
  print();
  print(`== ${benchmark.name}: ${benchmark.title} ==`);
  try {
    const outcome = await benchmark.run({
      machine,
      seconds,
      print,
      writeResults: (name, data) => writeResults(name, data),
    });
    ok &&= outcome.ok;
  } catch (error) {
    ok = false;
    print(`FAILED ${benchmark.name}: ${(error as Error).stack ?? error}`);
  } finally {
    await runAllCleanups();
  }
}

print();
print(
  `Total wall time: ${((performance.now() - started) / 1000).toFixed(1)} s${ok ? '' : ' — some benchmarks FAILED'}`,
);
process.exit(ok ? 0 : 1);
