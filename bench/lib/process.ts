/**
 * Child processes of the bench (servers under test, CLI commands): output is kept (last lines)
 * for error messages, every started process is registered for cleanup, stop = SIGTERM then wait.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { registerCleanup } from './cleanup.js';

const OUTPUT_LINES_KEPT = 60;
const STOP_TIMEOUT_MS = 15_000;

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildHandle {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ChildExit>;
  /** Whether the process has exited. */
  hasExited(): boolean;
  /** The last lines printed on stdout and stderr. */
  output(): string;
  /** SIGTERM, then wait for exit (SIGKILL after 15 s). Returns how it exited. */
  stop(): Promise<ChildExit>;
}

export interface ChildOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The parent environment without anything that configures Guichet or points at a database, so
 * that a developer's shell settings (DATABASE_URL, GUICHET_*) cannot change what is measured.
 */
export function isolatedEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(GUICHET_|PG[A-Z]+$|DATABASE_URL$|TEST_DATABASE_URL$|SMTP_URL$|PORT$|NODE_OPTIONS$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...overrides };
}

/** Starts `node <args>` (the same Node binary as the bench, without the tsx loader). */
export function startNode(name: string, args: string[], options: ChildOptions): ChildHandle {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return track(name, child);
}

function track(name: string, child: ChildProcess): ChildHandle {
  if (child.pid === undefined) throw new Error(`${name}: could not start the process`);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > OUTPUT_LINES_KEPT) lines.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let done = false;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  const stop = async (): Promise<ChildExit> => {
    if (done) return exited;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
    });
    const first = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (first === 'timeout') {
      process.stderr.write(`${name} (pid ${child.pid}) did not stop within 15 s after SIGTERM: SIGKILL\n`);
      child.kill('SIGKILL');
    }
    return exited;
  };
  const unregister = registerCleanup(`stop ${name}`, async () => {
    await stop();
  });
  void exited.then(unregister);
  return {
    name,
    pid: child.pid,
    exited,
    hasExited: () => done,
    output: () => lines.join('\n'),
    stop,
  };
}

/** Runs `node <args>` to completion; throws with its output unless it exits with code 0. */
export async function runNode(name: string, args: string[], options: ChildOptions): Promise<string> {
  const child = startNode(name, args, options);
  const { code, signal } = await child.exited;
  if (code !== 0) {
    throw new Error(`${name} failed (${signal ?? `exit code ${code}`}):\n${indent(child.output())}`);
  }
  return child.output();
}

export function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}
