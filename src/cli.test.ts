import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
// Node with tsx's loader, in one process: the `tsx` command runs a parent process that kills its
// child with SIGKILL when the child does not acknowledge a signal within 30 ms (under load).
const node = process.execPath;
const withTsx = (script: string, args: string[]) => ['--import', 'tsx', script, ...args];
const dirs: string[] = [];
/** Process groups started detached by a test, killed at the end whatever happened. */
const groups: number[] = [];

function guichet(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(node, withTsx(path.join(root, 'src/cli.ts'), args), {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GUICHET_LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-cli-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('guichet CLI', () => {
  it.each(['serve', 'worker', 'migrate', 'demo', 'audit', 'backup', 'restore', 'drill', 'export'])(
    'documents %s with --help',
    (command) => {
      const { code, stdout } = guichet([command, '--help']);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage : guichet/);
    },
  );

  it('rejects an unknown command with the usage', () => {
    const { code, stderr } = guichet(['decoller']);
    expect(code).toBe(2);
    expect(stderr).toContain('Commande inconnue : decoller');
  });

  it('exits non-zero on bad configuration, naming the variable and the fix', () => {
    const { code, stderr } = guichet(['serve'], { PORT: 'quatre-mille' });
    expect(code).toBe(2);
    expect(stderr).toContain('PORT : valeur invalide');
    expect(stderr).toContain('par exemple PORT=3000');
  });

  it('creates the demo, verifies the audit journal, then detects a row altered in SQL', async () => {
    const dataDir = tempDataDir();
    const demo = guichet(['demo'], { GUICHET_DATA_DIR: dataDir });
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('Communes de démonstration créées : villebelle, saint-aubin-les-pres');

    const intact = guichet(['audit', 'verify'], { GUICHET_DATA_DIR: dataDir });
    expect(intact.code).toBe(0);
    // Each demo commune's journal: its creation, then the import of its generated addresses.
    expect(intact.stdout).toMatch(/OK +villebelle : 2 entrées, chaîne intègre/);

    // Tamper as the embedded superuser, as someone with direct access to the data would.
    const db = await PGlite.create({ dataDir: path.join(dataDir, 'pglite') });
    await db.exec(`ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only;
      UPDATE audit_entry SET data = '{"slug":"villebelle","name":"Villemoche"}'
        WHERE commune_id = (SELECT id FROM commune WHERE slug = 'villebelle') AND seq = 1;`);
    await db.close();

    const broken = guichet(['audit', 'verify'], { GUICHET_DATA_DIR: dataDir });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('ALTÉRÉ  villebelle : premier maillon rompu à l’entrée n° 1 (hash_mismatch)');
    expect(broken.stdout).toMatch(/OK +saint-aubin-les-pres/);
  }, 240_000);

  it('backs up, verifies, and a backup killed with SIGKILL leaves the earlier one intact and nothing complete-looking', async () => {
    const dataDir = tempDataDir();
    const identity = path.join(dataDir, 'cle.txt');
    execFileSync('age-keygen', ['-o', identity], { stdio: 'ignore' });
    const env = {
      GUICHET_DATA_DIR: dataDir,
      GUICHET_BACKUP_RECIPIENTS: execFileSync('age-keygen', ['-y', identity], { encoding: 'utf8' }).trim(),
    };
    expect(guichet(['migrate'], env).code).toBe(0);
    const first = guichet(['backup'], env);
    expect(first.code).toBe(0);
    const archive = /Sauvegarde écrite : (\S+)/.exec(first.stdout)![1]!;

    // A `tar` that writes part of the archive, says so, and hangs: the backup is then killed.
    const shims = tempDataDir();
    const marker = path.join(shims, 'en-cours');
    fs.writeFileSync(
      path.join(shims, 'tar'),
      `#!/bin/sh\nfor a in "$@"; do case "$a" in *.partial) printf incomplet > "$a"; : > "${marker}"; exec sleep 600;; esac; done\nexec /usr/bin/tar "$@"\n`,
      { mode: 0o755 },
    );
    const child = spawn(node, withTsx(path.join(root, 'src/cli.ts'), ['backup']), {
      cwd: root,
      env: {
        PATH: `${shims}:${process.env.PATH ?? ''}`,
        HOME: process.env.HOME ?? '',
        GUICHET_LOG_LEVEL: 'silent',
        ...env,
      },
      detached: true,
      stdio: 'ignore',
    });
    groups.push(child.pid!);
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await new Promise<void>((resolve) => {
      const watcher = fs.watch(shims, () => {
        if (fs.existsSync(marker)) {
          watcher.close();
          resolve();
        }
      });
      if (fs.existsSync(marker)) {
        watcher.close();
        resolve();
      }
    });
    process.kill(-child.pid!, 'SIGKILL'); // the backup's process group: node and its tar
    await exited;

    const left = fs.readdirSync(path.dirname(archive));
    expect(left.filter((n) => n.endsWith('.tar'))).toEqual([path.basename(archive)]);
    expect(left.filter((n) => n.endsWith('.partial'))).toHaveLength(1);
    const verified = guichet(['backup', 'verify', archive, '--identity', identity]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('Sauvegarde intègre');

    const stranger = path.join(dataDir, 'autre-cle.txt');
    execFileSync('age-keygen', ['-o', stranger], { stdio: 'ignore' });
    const refused = guichet(['backup', 'verify', archive, '--identity', stranger]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('La clé fournie ne déchiffre pas la partie « manifest.json.age »');
  }, 300_000);
});
