/**
 * Response compression (brotli, then gzip) for text only: pages, CSS, JavaScript, JSON, SVG,
 * CSV. PDFs, images, XLSX and other archives are already compressed and are sent as they are;
 * request bodies are never decompressed (a compressed upload is refused by the parsers, no
 * zip bomb to inflate). Decision: docs/decisions/0016-compression-text-only.md.
 */
import zlib from 'node:zlib';
import type { FastifyCompressOptions } from '@fastify/compress';

/** The content types worth compressing (with or without `; charset=…`). */
export const COMPRESSIBLE_TYPES =
  /^(?:text\/(?:html|css|plain|csv|javascript|xml|calendar)|application\/(?:json|javascript|xml|manifest\+json|[a-z0-9.-]+\+(?:json|xml))|image\/svg\+xml)\s*(?:;|$)/i;

export const compressionOptions: FastifyCompressOptions = {
  global: true,
  encodings: ['br', 'gzip'],
  customTypes: COMPRESSIBLE_TYPES,
  threshold: 1024,
  // Quality 4: most of brotli's gain for a fraction of its CPU (11 costs ~20× more per page).
  brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
  zlibOptions: { level: 6 },
  globalDecompression: false,
};
