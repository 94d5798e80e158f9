/**
 * Issue 8, finding 1, from outside: `guichet serve` on an empty data directory is no demo (no
 * /_demo route); `guichet serve --demo` says loudly that it is one, and even then its mailbox is
 * not shown to an anonymous visitor. Real processes, real HTTP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
let child: ChildProcess | undefined;
let dataDir: string | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `guichet serve <args>` and resolves once its output matches `ready`. */
async function serve(args: string[], ready: RegExp): Promise<{ port: number; output: () => string }> {
  const port = await freePort();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-demo-cli-'));
  let output = '';
  child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli.ts'), 'serve', ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      GUICHET_LOG_LEVEL: 'warn',
      GUICHET_DATA_DIR: dataDir,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (ready.test(output)) resolve();
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child!.once('exit', (code) => reject(new Error(`guichet serve s’est arrêté (code ${code}) :\n${output}`)));
  });
  return { port, output: () => output };
}

afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('guichet serve and the demo', () => {
  it('starts no demo by default: no communes, no /_demo route', async () => {
    const { port, output } = await serve([], /guichet serve --demo/);
    expect(output()).toContain('Aucune commune pour l’instant');
    expect(output()).not.toContain('INSTANCE DE DÉMONSTRATION');
    for (const page of ['/_demo/courriels', '/_demo/sms', '/_demo/taches']) {
      expect((await fetch(`http://127.0.0.1:${port}${page}`)).status, page).toBe(404);
    }
    expect((await fetch(`http://127.0.0.1:${port}/c/villebelle/`)).status).toBe(404);
  }, 120_000);

  it('with --demo, says so loudly and keeps the mailbox from anonymous visitors', async () => {
    const { port, output } = await serve(['--demo'], /Comptes de démonstration/);
    expect(output()).toContain('INSTANCE DE DÉMONSTRATION');
    expect(output()).toContain('Communes de démonstration créées : villebelle, saint-aubin-les-pres');
    expect((await fetch(`http://127.0.0.1:${port}/c/villebelle/`)).status).toBe(200);
    const mailbox = await fetch(`http://127.0.0.1:${port}/_demo/courriels`);
    expect(mailbox.status).toBe(404);
    expect(await mailbox.text()).not.toContain('Bienvenue sur le guichet numérique');
  }, 120_000);
});
