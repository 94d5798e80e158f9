/**
 * Helpers for signature tests that check results with the real Debian tools (poppler's pdfsig,
 * qpdf, openssl, certutil): they read the files these tools read, independently of our code.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Runs a command and returns its exit code and output (never throws on a non-zero exit). */
export async function tool(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await exec(cmd, args, { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
    return { code: 0, out: `${stdout}${stderr}` };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

export interface Workdir {
  dir: string;
  file(name: string, bytes: Uint8Array | string): Promise<string>;
  /** An NSS database trusting these CA certificates (for `pdfsig -nssdir`). */
  nss(caPems: string[]): Promise<string>;
  close(): Promise<void>;
}

export async function workdir(): Promise<Workdir> {
  const dir = await mkdtemp(join(tmpdir(), 'guichet-sig-'));
  let n = 0;
  return {
    dir,
    async file(name, bytes) {
      const p = join(dir, name);
      await writeFile(p, bytes);
      return p;
    },
    async nss(caPems) {
      n += 1;
      const db = join(dir, `nss${n}`);
      await exec('mkdir', ['-p', db]);
      await exec('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
      for (const [i, pem] of caPems.entries()) {
        const f = join(dir, `nss${n}-ca${i}.pem`);
        await writeFile(f, pem);
        await exec('certutil', ['-A', '-d', `sql:${db}`, '-n', `ca${i}`, '-t', 'CT,C,C', '-i', f]);
      }
      return `sql:${db}`;
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** pdfsig's verdict per signature: [{ valid, trusted, total }] in file order. */
export async function pdfsig(
  file: string,
  nssdir: string,
): Promise<{ valid: boolean; trusted: boolean; total: boolean; out: string }[]> {
  const { out } = await tool('pdfsig', ['-nssdir', nssdir, file]);
  return out
    .split(/^Signature #\d+:/m)
    .slice(1)
    .map((block) => ({
      valid: /Signature Validation: Signature is Valid\./.test(block),
      trusted: /Certificate Validation: Certificate is Trusted\./.test(block),
      total: /Total document signed/.test(block) && !/Not total document signed/.test(block),
      out: block,
    }));
}

/**
 * The signed bytes and the CMS of each signature, read with a plain text scan of /ByteRange and
 * /Contents (not with the code under test).
 */
export function signaturesOf(pdf: Uint8Array): { signed: Buffer; cms: Buffer; range: number[] }[] {
  const text = Buffer.from(pdf).toString('latin1');
  const out: { signed: Buffer; cms: Buffer; range: number[] }[] = [];
  for (const m of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const range = m.slice(1, 5).map(Number);
    const [a, b, c, d] = range as [number, number, number, number];
    const signed = Buffer.concat([Buffer.from(pdf.subarray(a, a + b)), Buffer.from(pdf.subarray(c, c + d))]);
    const all = Buffer.from(text.slice(b + 1, c - 1), 'hex');
    out.push({ signed, cms: all.subarray(0, derLength(all)), range });
  }
  return out;
}

/** Total length of the DER element at the start of `b` (tag, length, content). */
function derLength(b: Buffer): number {
  const first = b[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[2 + i]!;
  return 2 + n + len;
}
