import { spawnSync } from 'node:child_process';
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
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('guichet CLI', () => {
  it.each(['serve', 'worker', 'migrate', 'demo', 'audit'])('documents %s with --help', (command) => {
    const { code, stdout } = guichet([command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage : guichet/);
  });

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
  });
});
