/**
 * What the global setup hands to the test files (through vitest's provide/inject), and the
 * accessors the tests use. Kept free of Playwright so the global setup can import it.
 */
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** e.g. `http://localhost:41234` (no trailing slash). */
    baseUrl: string;
    port: number;
  }
}

/** Origin of the server under test, without a trailing slash. */
export function baseUrl(): string {
  return inject('baseUrl');
}

/** Port of the server under test (for host routing: `http://villebelle.localhost:PORT/`). */
export function serverPort(): number {
  return inject('port');
}

/** Absolute URL of a path on the server under test. */
export function url(path: string): string {
  return new URL(path, `${baseUrl()}/`).toString();
}
