/**
 * Runs the compiled Guichet (bin/guichet.js → dist/) as child processes: `serve` on a free port
 * of 127.0.0.1, ready when GET /readyz answers 200; CLI commands (migrate, demo) to completion.
 */
import fs from 'node:fs';
import path from 'node:path';
import { waitUntilReady } from './http.js';
import { REPO_ROOT } from './paths.js';
import { freePort } from './port.js';
import { type ChildExit, isolatedEnv, runNode, startNode } from './process.js';

const BIN = path.join(REPO_ROOT, 'bin', 'guichet.js');

/**
 * The app counts requests per IP in the database; the bench must never be answered 429. The
 * configuration accepts at most 1 000 000 per minute (src/config/config.ts), far above what
 * one run sends in a minute.
 */
export const BENCH_RATE_LIMIT_PER_MINUTE = 1_000_000;

export function assertBuilt(): void {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'cli.js'))) {
    throw new Error('dist/cli.js is missing: run `npm run build` first (npm run bench does it).');
  }
}

/** Environment for a Guichet process: isolated from the caller's GUICHET_* and DATABASE_URL. */
export function guichetEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  return isolatedEnv({
    GUICHET_LOG_LEVEL: 'warn',
    GUICHET_RATE_LIMIT_PER_MINUTE: String(BENCH_RATE_LIMIT_PER_MINUTE),
    GUICHET_HOST: '127.0.0.1',
    ...settings,
  });
}

/** Runs `guichet <args>` to completion; throws with its output on failure. */
export function guichetCommand(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return runNode(`guichet ${args.join(' ')}`, [BIN, ...args], { cwd: REPO_ROOT, env });
}

export interface GuichetServer {
  baseUrl: string;
  /** Time from spawn to the first 200 on /readyz. */
  startupMs: number;
  /** Whether the process has exited, and its last lines of output. */
  hasExited(): boolean;
  output(): string;
  stop(): Promise<ChildExit>;
}

/** Starts `guichet serve` on a free port of 127.0.0.1 and waits for /readyz. */
export async function startGuichet(name: string, env: NodeJS.ProcessEnv): Promise<GuichetServer> {
  assertBuilt();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = startNode(name, [BIN, 'serve'], {
    cwd: REPO_ROOT,
    env: { ...env, PORT: String(port), GUICHET_PUBLIC_URL: baseUrl },
  });
  try {
    const startupMs = await waitUntilReady(`${baseUrl}/readyz`, child);
    return {
      baseUrl,
      startupMs,
      hasExited: () => child.hasExited(),
      output: () => child.output(),
      stop: () => child.stop(),
    };
  } catch (error) {
    await child.stop();
    throw error;
  }
}
