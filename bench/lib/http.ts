/** Small HTTP helpers: wait for a server to be ready, and check what a URL answers. */

import type { RequestSpec } from './load.js';
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

/**
 * Opens a form page the way a browser does and returns what a submission of `fields` sends: the
 * cookies set by the page (the CSRF secret) and its `_csrf` token in an urlencoded body.
 */
export async function prepareFormSubmission(url: string, fields: Record<string, string>): Promise<RequestSpec> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const html = await response.text();
  if (response.status !== 200) throw new Error(`${url} answered HTTP ${response.status}: ${html.slice(0, 300)}`);
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error(`${url}: no _csrf field in the form`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ ...fields, _csrf: token }).toString(),
  };
}

/** Throws unless one submission of `spec` to `url` answers `status` with a Location containing `location`. */
export async function expectSubmission(
  url: string,
  spec: RequestSpec,
  expected: { status: number; location: string },
): Promise<Probe> {
  const response = await fetch(url, {
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(5_000),
  });
  const body = await response.text();
  const location = response.headers.get('location') ?? '';
  if (response.status !== expected.status || !location.includes(expected.location)) {
    throw new Error(
      `POST ${url} answered HTTP ${response.status} → "${location}" (expected ${expected.status} → "${expected.location}"): ${body.slice(0, 300)}`,
    );
  }
  return { status: response.status, headers: response.headers, body };
}
