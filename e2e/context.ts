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
    /** The server's GUICHET_DATA_DIR (its `mail/` holds the .eml files it sent). */
    dataDir: string;
    /** The local stand-ins for FranceConnect and ProConnect, and their control endpoint. */
    identityProviders: E2eIdentityProviders;
    /** Control endpoint of the local ANTS simulator (see global-setup.ts). */
    antsControl: string;
    /** Control endpoint of the local LRE provider simulator (see global-setup.ts). */
    lreControl: string;
  }
}

/** The federated sign-in providers the server under test is configured with. */
export const E2E_PROVIDERS = ['franceconnect', 'proconnect'] as const;
export type E2eProvider = (typeof E2E_PROVIDERS)[number];

export interface E2eIdentityProviders {
  /** Issuer of the local FranceConnect, e.g. `http://127.0.0.1:41235`. */
  franceconnect: string;
  /** Issuer of the local ProConnect. */
  proconnect: string;
  /** Origin of the control endpoint: `POST <control>/<provider>/suivant` (see global-setup.ts). */
  control: string;
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

/** Issuers of the local identity providers and their control endpoint. */
export function identityProviders(): E2eIdentityProviders {
  return inject('identityProviders');
}
