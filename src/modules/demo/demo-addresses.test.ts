/**
 * The demo's address files are generated (scripts/generate-demo-addresses.mjs) from the demo
 * communes of seed.ts: when a commune's postcode changes there, the file must follow.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBanCsv } from '../addresses/index.js';

const root = path.resolve(import.meta.dirname, '../../..');

describe('the demo communes’ generated addresses', () => {
  it('are up to date with the script and the demo communes (node scripts/generate-demo-addresses.mjs)', () => {
    expect(() =>
      execFileSync(process.execPath, [path.join(root, 'scripts/generate-demo-addresses.mjs'), '--check'], {
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });

  it.each([
    ['villebelle', 351],
    ['saint-aubin-les-pres', 64],
  ])('%s: %i addresses, every line readable as a BAN file', (slug, count) => {
    const parsed = parseBanCsv(readFileSync(path.join(import.meta.dirname, 'data', `adresses-${slug}.csv`), 'utf8'));
    expect(parsed.rejected).toEqual([]);
    expect(parsed.addresses).toHaveLength(count);
  });
});
