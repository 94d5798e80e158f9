/** Small HTTP helpers: wait for a server to be ready, and check what a URL answers. */
import type { ChildHandle } from './process.js';
import { indent } from './process.js';

export interface Probe {
  status: number;
  headers: Headers;
  body: string;
}

export async function probe(url: string, timeoutMs = 5_000): Promise<Probe> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** Polls `url` until it answers 200; fails early if `child` exits, or after `timeoutMs`. */
export async function waitUntilReady(url: string, child: ChildHandle, timeoutMs = 120_000): Promise<number> {
  const started = Date.now();
  let last = 'no answer yet';
  while (Date.now() - started < timeoutMs) {
    if (child.hasExited()) {
      const { code, signal } = await child.exited;
      throw new Error(
        `${child.name} exited (${signal ?? `exit code ${code}`}) before ${url} answered 200:\n${indent(child.output())}`,
      );
    }
    try {
      const { status } = await probe(url, 2_000);
      if (status === 200) return Date.now() - started;
      last = `HTTP ${status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s (last: ${last}):\n${indent(child.output())}`);
}

/** Throws unless `url` answers `status` with a body containing `contains` (checked before a measure). */
export async function expectAnswer(url: string, expected: { status: number; contains: string }): Promise<Probe> {
  const answer = await probe(url);
  if (answer.status !== expected.status || !answer.body.includes(expected.contains)) {
    throw new Error(
      `${url} answered HTTP ${answer.status} (expected ${expected.status} with "${expected.contains}"): ${answer.body.slice(0, 300)}`,
    );
  }
  return answer;
}
