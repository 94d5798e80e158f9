/**
 * The walls between modules, enforced (docs/decisions/0018-module-anatomy.md):
 *
 * 1. the platform (`src/platform/`) never imports a module, the composition root or the runtime;
 * 2. a module reaches another module only through its front door, `src/modules/<m>/index.ts` —
 *    never its `repo.ts`, `schema.ts`, pages or any other file;
 * 3. a front door does not hand out its module's tables or queries (no value re-exported from
 *    its `repo.ts` or `schema.ts`; row *types* may be re-exported);
 * 4. no file both registers routes and runs SQL: handlers parse, call a use case or a query
 *    module, and render.
 *
 * The rules read every production file under `src/` (a module's tests may build fixtures through
 * other modules; the platform's tests may not, so that the platform stands alone); a failure
 * names the file, the line and the way out.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname);

interface ImportSite {
  /** File path relative to the repository root, e.g. `src/modules/admin/repo.ts`. */
  file: string;
  line: number;
  specifier: string;
  /** `export … from` (a re-export) rather than `import`. */
  reexport: boolean;
  /** `import type` / `export type`: erased at compile time. */
  typeOnly: boolean;
}

interface Violation {
  file: string;
  line: number;
  specifier: string;
  rule: 'platform-imports-module' | 'side-door' | 'front-door-leaks-internals';
  message: string;
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/;
const DYNAMIC = /import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The relative imports of a source text, with their line numbers. */
function importsOf(file: string, text: string): ImportSite[] {
  const sites: ImportSite[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // Multi-line import lists: join until the line holding `from '…'`.
    let statement = line;
    let j = i;
    if (/^\s*(import|export)\b/.test(line) && !/['"];?\s*$/.test(line) && line.includes('{') && !line.includes('}')) {
      while (j + 1 < lines.length && !/from\s+['"]/.test(lines[j]!)) statement += ` ${lines[++j]!.trim()}`;
    }
    const match = IMPORT.exec(statement);
    if (match?.[3]?.startsWith('.')) {
      sites.push({
        file,
        line: i + 1,
        specifier: match[3],
        reexport: match[1] === 'export',
        typeOnly: !!match[2],
      });
    }
    for (const dynamic of line.matchAll(DYNAMIC)) {
      if (dynamic[1]!.startsWith('.')) {
        sites.push({ file, line: i + 1, specifier: dynamic[1]!, reexport: false, typeOnly: false });
      }
    }
  }
  return sites;
}

function resolve(from: string, specifier: string): string {
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)).replace(/\.(js|ts|tsx)$/, '');
}

function moduleOf(file: string): string | undefined {
  return /^src\/modules\/([^/]+)\//.exec(file)?.[1];
}

/** Checks the import sites of production files against the three rules. */
function checkImports(sites: readonly ImportSite[]): Violation[] {
  const violations: Violation[] = [];
  for (const site of sites) {
    const target = resolve(site.file, site.specifier);
    const from = moduleOf(site.file);
    const to = moduleOf(`${target}.ts`);
    if (site.file.startsWith('src/platform/')) {
      if (target.startsWith('src/modules/') || ['src/registry', 'src/runtime', 'src/main'].includes(target)) {
        violations.push({
          ...site,
          rule: 'platform-imports-module',
          message: `the platform imports ${target}: pass what it needs through the module contract or the context`,
        });
      }
      continue;
    }
    if (from && to && from !== to && target !== `src/modules/${to}/index`) {
      violations.push({
        ...site,
        rule: 'side-door',
        message: `module ${from} reaches into ${target}: use src/modules/${to}/index.ts, a contribution or an event`,
      });
    }
    if (
      from &&
      /^src\/modules\/[^/]+\/index\.tsx?$/.test(site.file) &&
      site.reexport &&
      !site.typeOnly &&
      /\/([a-z]+-)?(repo|schema)$/.test(target)
    ) {
      violations.push({
        ...site,
        rule: 'front-door-leaks-internals',
        message: `the front door of ${from} re-exports ${target}: expose a use case or a read model instead`,
      });
    }
  }
  return violations;
}

function productionFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'test') out.push(...productionFiles(full));
    } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(full);
  }
  return out;
}

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(full));
    else if (/\.test\.tsx?$/.test(entry.name)) out.push(full);
  }
  return out;
}

function repoPath(full: string): string {
  return `src/${path.relative(SRC, full).split(path.sep).join('/')}`;
}

function readSites(files: readonly string[]): ImportSite[] {
  return files.flatMap((full) => importsOf(repoPath(full), fs.readFileSync(full, 'utf8')));
}

const ROUTE = /\bapp\.(get|post|put|patch|delete|route)\(/;
const SQL = /\b(tx|db|client|pool|database)\.(select|insert|update|delete|execute|query)\(|\bsql`/;

/** Files that register routes and also run SQL, with the first SQL line. */
function routesWithSql(file: string, text: string): { file: string; line: number }[] {
  if (!ROUTE.test(text)) return [];
  const index = text.split('\n').findIndex((line) => SQL.test(line));
  return index < 0 ? [] : [{ file, line: index + 1 }];
}

describe('architecture', () => {
  const violations = checkImports(readSites(productionFiles(SRC)));

  it('the platform imports no module', () => {
    const found = violations.filter((v) => v.rule === 'platform-imports-module');
    expect(found.map((v) => `${v.file}:${v.line} ${v.message}`)).toEqual([]);
  });

  it('modules meet only at each other’s front door', () => {
    const found = violations.filter((v) => v.rule !== 'platform-imports-module');
    expect(found.map((v) => `${v.file}:${v.line} imports '${v.specifier}' — ${v.message}`)).toEqual([]);
  });

  it('the platform’s own tests import no module either', () => {
    const found = checkImports(readSites(testFiles(path.join(SRC, 'platform'))));
    expect(found.map((v) => `${v.file}:${v.line} ${v.message}`)).toEqual([]);
  });

  it('no file both registers routes and runs SQL', () => {
    const found = productionFiles(SRC).flatMap((full) => routesWithSql(repoPath(full), fs.readFileSync(full, 'utf8')));
    expect(
      found.map((f) => `${f.file}:${f.line} runs SQL beside its routes: move the query to repo.ts or a use case`),
    ).toEqual([]);
  });

  it.each([
    ["app.get('/x', async () => { await tx.select().from(t); });", true],
    ['app.post(`/x`, handler);\nconst rows = await db.execute(sql`SELECT 1`);', true],
    ["app.get('/x', async () => listFolders(tx, id));", false],
    ['const rows = await tx.select().from(t);', false],
  ] as const)('sees routes beside SQL in %j: %s', (text, found) => {
    expect(routesWithSql('src/modules/x/pages.tsx', text).length > 0).toBe(found);
  });

  // The checker itself, on the side doors the renovation found (issue « One anatomy »).
  it.each([
    ['src/modules/admin/repo.ts', "import { membership } from '../identity/schema.js';", 'side-door'],
    ['src/modules/operator/module.tsx', "import { inviteMember } from '../admin/service.js';", 'side-door'],
    [
      'src/platform/http/app.ts',
      "import { registerModules } from '../../modules/registry.js';",
      'platform-imports-module',
    ],
    [
      'src/platform/views/page.ts',
      "import type { Commune } from '../../modules/communes/repo.js';",
      'platform-imports-module',
    ],
    ['src/modules/forms/index.ts', "export { procedure } from '../forms/schema.js';", 'front-door-leaks-internals'],
    ['src/modules/profile/vault.ts', "const m = await import('../requests/files.js');", 'side-door'],
  ] as const)('refuses %s: %s', (file, source, rule) => {
    expect(checkImports(importsOf(file, source)).map((v) => v.rule)).toEqual([rule]);
  });

  it.each([
    ['src/modules/requests/service.ts', "import { findAccount } from '../identity/index.js';"],
    ['src/modules/requests/backoffice/inbox.tsx', "import { x } from '../repo.js';"],
    ['src/modules/forms/index.ts', "export type { FormVersion } from './schema.js';"],
    ['src/platform/http/app.ts', "import { AppError } from '../errors.js';"],
    ['src/registry.ts', "import { adminModule } from './modules/admin/module.js';"],
  ] as const)('allows %s: %s', (file, source) => {
    expect(checkImports(importsOf(file, source))).toEqual([]);
  });

  it('reads multi-line import lists with their first line', () => {
    const text = "import {\n  a,\n  b,\n} from '../identity/repo.js';\n";
    expect(importsOf('src/modules/admin/x.ts', text)).toEqual([
      { file: 'src/modules/admin/x.ts', line: 1, specifier: '../identity/repo.js', reexport: false, typeOnly: false },
    ]);
  });
});
