/** Archives read back in tests, as a user's tools would see them. */
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';

/** Reads a ustar archive back (what `tar -xzf` would see): names, contents, modes. */
export function untarGz(archive: Buffer): Array<{ name: string; content: Buffer; mtime: number }> {
  const tar = gunzipSync(archive);
  const out: Array<{ name: string; content: Buffer; mtime: number }> = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (offset: number, width: number) =>
      header
        .subarray(offset, offset + width)
        .toString('ascii')
        .replace(/\0.*$/s, '')
        .trim();
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    expect(Number.parseInt(field(148, 8), 8)).toBe(sum);
    expect(field(257, 6)).toBe('ustar');
    const size = Number.parseInt(field(124, 12), 8);
    out.push({
      name: field(0, 100),
      content: tar.subarray(at + 512, at + 512 + size),
      mtime: Number.parseInt(field(136, 12), 8),
    });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}
