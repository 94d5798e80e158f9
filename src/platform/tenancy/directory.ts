/**
 * Commune lookup for request routing, with a short in-process cache (communes change rarely;
 * several web processes each keep their own copy, refreshed every 30 seconds at most).
 */
import type { Database } from '../db/client.js';
import { withInstance } from '../db/tenant.js';
import { type Commune, listCommunes } from './communes.js';

const TTL_MS = 30_000;

export class CommuneDirectory {
  #bySlug = new Map<string, Commune>();
  #byHostname = new Map<string, Commune>();
  #loadedAt = 0;
  #loading: Promise<void> | undefined;

  constructor(private readonly database: Database) {}

  async #refresh(): Promise<void> {
    const communes = await withInstance(this.database, (tx) => listCommunes(tx));
    this.#bySlug = new Map(communes.map((c) => [c.slug, c]));
    this.#byHostname = new Map(communes.filter((c) => c.hostname).map((c) => [c.hostname!, c]));
    this.#loadedAt = Date.now();
  }

  async #fresh(): Promise<void> {
    if (Date.now() - this.#loadedAt < TTL_MS) return;
    this.#loading ??= this.#refresh().finally(() => {
      this.#loading = undefined;
    });
    await this.#loading;
  }

  async bySlug(slug: string): Promise<Commune | undefined> {
    await this.#fresh();
    return this.#bySlug.get(slug);
  }

  async all(): Promise<Commune[]> {
    await this.#fresh();
    return [...this.#bySlug.values()];
  }

  /** Synchronous lookup for URL rewriting; only as fresh as the last refresh. */
  slugForHostname(hostname: string): string | undefined {
    return this.#byHostname.get(hostname.toLowerCase().replace(/:\d+$/, ''))?.slug;
  }

  /** Forces a reload (after a commune was created or changed in this process). */
  async reload(): Promise<void> {
    this.#loadedAt = 0;
    await this.#fresh();
  }
}
