#!/usr/bin/env node
// Builds the static assets served under /static/ into public/build/:
//   css/guichet.css   (assets/scss/guichet.scss, compressed, govuk-frontend 6.6)
//   fonts/ahn-latin-{400,700}.woff2   (Atkinson Hyperlegible Next, OFL 1.1)
//   js/govuk-frontend.min.js, js/simplewebauthn-browser.umd.min.js, js/supported.js, js/app.mjs,
//   js/passkey.mjs
// then runs the brand guard on the CSS. Any Sass warning fails the build. CSS and scripts are
// also written precompressed (.br at brotli's best quality, .gz), served as they are by
// @fastify/static (preCompressed): no compression work per request for assets.
// Usage: node scripts/build-assets.mjs
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import * as sass from 'sass';
import { findRestrictedBrandMarks } from './brand-guard.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'public', 'build');
const modules = join(root, 'node_modules');

const fontFiles = [400, 700].map((weight) => ({
  from: join(
    modules,
    '@fontsource/atkinson-hyperlegible-next/files',
    `atkinson-hyperlegible-next-latin-${weight}-normal.woff2`,
  ),
  to: join(out, 'fonts', `ahn-latin-${weight}.woff2`),
}));

function compileCss() {
  const warnings = [];
  const result = sass.compile(join(root, 'assets/scss/guichet.scss'), {
    loadPaths: [modules],
    style: 'compressed',
    sourceMap: false,
    logger: {
      warn(message, { span, deprecation }) {
        const where = span ? ` (${span.url?.pathname ?? ''}:${span.start.line + 1})` : '';
        warnings.push(`${deprecation ? 'dépréciation' : 'avertissement'} : ${message}${where}`);
      },
      debug() {},
    },
  });
  // The footer mixin styles a crown we never render; drop that one rule so the
  // guard below can stay strict about `__crown`.
  const css = result.css.replace(/\.govuk-footer__crown\{[^}]*\}/g, '');
  return { css, warnings };
}

async function copyScripts() {
  const jsOut = join(out, 'js');
  await copyFile(
    join(modules, 'govuk-frontend/dist/govuk/govuk-frontend.min.js'),
    join(jsOut, 'govuk-frontend.min.js'),
  );
  // @simplewebauthn/browser ships a UMD bundle only (no single-file ESM); imported for its side
  // effect by assets/js/passkey.mjs, it sets globalThis.SimpleWebAuthnBrowser.
  await copyFile(
    join(modules, '@simplewebauthn/browser/dist/bundle/index.umd.min.js'),
    join(jsOut, 'simplewebauthn-browser.umd.min.js'),
  );
  // The ALTCHA widget of the spam ladder, its SHA worker and its CSS (the "external" build: no
  // inline styles nor blob workers, for the strict CSP), loaded by assets/js/altcha-setup.mjs.
  await copyFile(join(modules, 'altcha/dist/external/altcha.min.js'), join(jsOut, 'altcha.min.js'));
  await copyFile(join(modules, 'altcha/dist/workers/sha.js'), join(jsOut, 'altcha-sha-worker.js'));
  await copyFile(join(modules, 'altcha/dist/external/altcha.css'), join(out, 'css', 'altcha.css'));
  const own = (await readdir(join(root, 'assets/js'))).filter((name) => /\.m?js$/.test(name));
  await Promise.all(own.map((name) => copyFile(join(root, 'assets/js', name), join(jsOut, name))));
  return own.length + 4;
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Writes `<file>.br` and `<file>.gz` next to each CSS and script file; returns the bytes saved. */
async function precompress() {
  const files = [];
  for (const dir of ['css', 'js']) {
    for (const name of await readdir(join(out, dir))) if (/\.(css|m?js)$/.test(name)) files.push(join(out, dir, name));
  }
  await Promise.all(
    files.map(async (file) => {
      const bytes = await readFile(file);
      const br = await brotli(bytes, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
      });
      await writeFile(`${file}.br`, br);
      await writeFile(`${file}.gz`, await gzip(bytes, { level: 9 }));
    }),
  );
  return files.length;
}

async function main() {
  const started = performance.now();
  const { css, warnings } = compileCss();
  if (warnings.length > 0) {
    for (const warning of warnings) console.error(warning);
    console.error(`build-assets : échec, ${warnings.length} avertissement(s) Sass.`);
    return 1;
  }
  const marks = findRestrictedBrandMarks(css);
  if (marks.length > 0) {
    console.error(`build-assets : échec, marques réservées dans guichet.css : ${marks.join(', ')}`);
    return 1;
  }
  await rm(out, { recursive: true, force: true });
  await Promise.all(['css', 'fonts', 'js'].map((dir) => mkdir(join(out, dir), { recursive: true })));
  const cssPath = join(out, 'css', 'guichet.css');
  await writeFile(cssPath, css);

  await Promise.all(fontFiles.map(({ from, to }) => copyFile(from, to)));
  const scriptCount = await copyScripts();
  await precompress();

  const cssSize = (await stat(cssPath)).size;
  const ms = Math.round(performance.now() - started);
  console.log(
    `build-assets : guichet.css ${(cssSize / 1024).toFixed(1)} Ko, ${fontFiles.length} polices, ${scriptCount} scripts (+ .br/.gz) → public/build/ en ${ms} ms (0 avertissement Sass, marques réservées : aucune)`,
  );
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`build-assets : échec : ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
