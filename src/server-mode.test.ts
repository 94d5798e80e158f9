/**
 * Server mode end to end against a real PostgreSQL (only when TEST_DATABASE_URL is set): the
 * migrate/serve split, the refusal of a privileged login, and no demo data unless asked.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const baseUrl = process.env.TEST_DATABASE_URL;
const root = path.resolve(import.meta.dirname, '..');
// Node with tsx's loader, in one process: the `tsx` command runs a parent process that kills its
// child with SIGKILL when the child does not acknowledge a signal within 30 ms (under load).
const node = process.execPath;
const withTsx = (script: string, args: string[]) => ['--import', 'tsx', script, ...args];
const cli = path.join(root, 'src/cli.ts');

function urlFor(user: string, database: string): string {
  const url = new URL(baseUrl!);
  url.username = user;
  url.pathname = `/${database}`;
  return url.toString();
}

describe.skipIf(!baseUrl)('server mode on PostgreSQL', () => {
  const name = `guichet_srv_${randomBytes(5).toString('hex')}`;
  const owner = 'guichet_srv_owner';
  const appRole = 'guichet_srv_app';
  let env: Record<string, string>;
  let server: ChildProcess | undefined;

  function guichet(args: string[], extra: Record<string, string> = {}) {
    const r = spawnSync(node, withTsx(cli, args), {
      cwd: root,
      env: { ...env, ...extra },
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    for (const [role, attrs] of [
      [owner, 'LOGIN NOSUPERUSER'],
      [appRole, 'LOGIN NOSUPERUSER NOBYPASSRLS'],
    ] as const) {
      const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (exists.rowCount === 0) await admin.query(`CREATE ROLE ${role} ${attrs}`).catch(() => {});
    }
    await admin.query(`CREATE DATABASE ${name} OWNER ${owner}`);
    await admin.end();
    env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      GUICHET_LOG_LEVEL: 'silent',
      DATABASE_URL: urlFor(appRole, name),
      GUICHET_MIGRATION_DATABASE_URL: urlFor(owner, name),
      GUICHET_DB_APP_ROLE: appRole,
      GUICHET_SECRET: randomBytes(32).toString('hex'),
    };
  });

  afterAll(async () => {
    server?.kill('SIGTERM');
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('refuses to serve before `guichet migrate`, then migrates with the owner role', () => {
    const before = guichet(['worker']);
    expect(before.code).toBe(2);
    expect(before.stderr).toContain('Lancez d’abord : guichet migrate');
    const migrated = guichet(['migrate']);
    expect(migrated.stdout).toContain('Migrations appliquées : 0001');
    expect(migrated.code).toBe(0);
    expect(guichet(['migrate']).stdout).toContain('Aucune migration en attente.');
  }, 240_000);

  it('refuses to run as a superuser login, which would bypass Row-Level Security', () => {
    const r = guichet(['worker'], { DATABASE_URL: urlFor(new URL(baseUrl!).username || 'postgres', name) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/est superutilisateur/);
    expect(r.stderr).toContain('GUICHET_MIGRATION_DATABASE_URL');
  });

  async function startServer(): Promise<{ port: number; stop(): Promise<number | null> }> {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(node, withTsx(cli, ['serve']), { cwd: root, env: { ...env, PORT: String(port) } });
    server = child;
    let output = '';
    child.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    const deadline = Date.now() + 60_000;
    while (!output.includes('Guichet écoute')) {
      if (Date.now() > deadline) throw new Error(`server did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return {
      port,
      async stop() {
        const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        server = undefined;
        return exited;
      },
    };
  }

  it('creates no demo data on start, only through `guichet demo`', async () => {
    const first = await startServer();
    expect(await (await fetch(`http://127.0.0.1:${first.port}/api/v1/communes`)).json()).toEqual({ communes: [] });
    expect((await fetch(`http://127.0.0.1:${first.port}/readyz`)).status).toBe(200);
    expect(await first.stop()).toBe(0); // graceful shutdown

    const demo = guichet(['demo']);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('Communes de démonstration créées : villebelle, saint-aubin-les-pres');

    const second = await startServer();
    const after = (await (await fetch(`http://127.0.0.1:${second.port}/api/v1/communes`)).json()) as {
      communes: { slug: string }[];
    };
    expect(after.communes.map((c) => c.slug)).toEqual(['saint-aubin-les-pres', 'villebelle']);
    expect(await second.stop()).toBe(0);
  }, 120_000);
});
