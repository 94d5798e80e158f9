/**
 * Uploads, for any module that takes files: multipart parsing in the caller's scope only (with
 * limits), validation by content (magic bytes, through file-type) against the accepted types,
 * size and count limits, sanitised names; and serving stored files back as attachments with a
 * safe content type. No business rule here (how many files a request may hold stays in requests).
 */
import { createHash } from 'node:crypto';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { AppError } from '../errors.js';
import { isOfficeZipType, officeArchiveProblem, pdfProblem } from './document-checks.js';

/** Largest file accepted anywhere (a field may accept less). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Most files in one form submission. */
export const MAX_FILES_PER_SUBMISSION = 5;
/** Types accepted when a field says nothing: PDF and common photos. */
export const DEFAULT_ACCEPTED_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;

const MAX_FIELDS = 200;
const MAX_FIELD_BYTES = 64 * 1024;

/** French names of the types a person may be asked for. */
const TYPE_LABELS: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/webp': 'WebP',
  'image/heic': 'HEIC',
  'image/heif': 'HEIF',
  'image/gif': 'GIF',
  'image/tiff': 'TIFF',
  'application/vnd.oasis.opendocument.text': 'ODT',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word (DOCX)',
  'application/vnd.oasis.opendocument.spreadsheet': 'ODS',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel (XLSX)',
  'application/xml': 'XML',
};

/** Archives and programs: refused whatever their name and whatever a field accepts. */
const DANGEROUS_TYPES = new Set([
  'application/zip',
  'application/x-tar',
  'application/x-rar-compressed',
  'application/gzip',
  'application/x-bzip2',
  'application/x-7z-compressed',
  'application/x-xz',
  'application/zstd',
  'application/x-lzip',
  'application/x-lzh-compressed',
  'application/x-arj',
  'application/x-cpio',
  'application/x-compress',
  'application/vnd.ms-cab-compressed',
  'application/x-apple-diskimage',
  'application/x-iso9660-image',
  'application/x-deb',
  'application/x-rpm',
  'application/java-archive',
  'application/x-msdownload',
  'application/x-msi',
  'application/x-elf',
  'application/x-mach-binary',
  'application/wasm',
  'application/x-ms-regedit',
  'application/vnd.android.package-archive',
  'application/x-shockwave-flash',
]);

/** Types served inline-capable but still as attachments; anything else is octet-stream. */
const SAFE_SERVED_TYPES = new Set(['application/pdf', 'image/jpeg', 'image/png', 'image/webp', 'image/gif']);

/** A file part of a multipart form, read into memory within the limits. */
export interface UploadedPart {
  field: string;
  filename: string;
  declaredType: string;
  content: Buffer;
  /** The part went beyond the module's largest accepted size (its content is cut). */
  isTruncated: boolean;
}

/** A file that passed validation, ready to be stored. */
export interface ValidatedUpload {
  name: string;
  mimeType: string;
  content: Buffer;
  sizeBytes: number;
  sha256: string;
}

export interface UploadRule {
  /** Accepted MIME types (by content); DEFAULT_ACCEPTED_TYPES when empty. */
  accept?: readonly string[];
  maxBytes?: number;
  /** How the accepted formats are named to people ("JPEG, PNG ou WebP"); derived when absent. */
  formatsText?: string;
}

const uploads = new WeakMap<FastifyRequest, UploadedPart[]>();

/** The files posted with a multipart request (empty for any other request). */
export function uploadedFiles(request: FastifyRequest, field?: string): UploadedPart[] {
  const all = uploads.get(request) ?? [];
  return field === undefined ? all : all.filter((p) => p.field === field);
}

/** "5 Mo", "200 ko". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} Mo`.replace('.', ',');
  if (bytes < 1024) return `${bytes} octet${bytes > 1 ? 's' : ''}`;
  return `${Math.round(bytes / 1024)} ko`;
}

/** "PDF, JPEG ou PNG". */
export function describeTypes(types: readonly string[]): string {
  const labels = [...new Set(types.map((t) => TYPE_LABELS[t] ?? t))];
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} ou ${labels.at(-1)}`;
}

/**
 * Registers @fastify/multipart in the caller's (encapsulated) scope, with limits, and a
 * preValidation hook that reads the parts: text fields become `request.body` (like a URL-encoded
 * form, so the CSRF check and the handlers see the same shape), files are kept for
 * `uploadedFiles(request)`. Parser failures become French 4xx errors.
 */
export async function registerMultipart(app: FastifyInstance): Promise<void> {
  await app.register(fastifyMultipart, {
    throwFileSizeLimit: false,
    limits: {
      fileSize: MAX_UPLOAD_BYTES,
      files: MAX_FILES_PER_SUBMISSION,
      fields: MAX_FIELDS,
      parts: MAX_FIELDS + MAX_FILES_PER_SUBMISSION,
      fieldSize: MAX_FIELD_BYTES,
      fieldNameSize: 200,
      headerPairs: 100,
    },
    // Busboy decodes file names as latin1 unless told otherwise.
    defParamCharset: 'utf8',
  } as Parameters<typeof fastifyMultipart>[1]);
  app.addHook('preValidation', async (request) => {
    if (!request.isMultipart()) return;
    const fields: Record<string, string | string[]> = {};
    const files: UploadedPart[] = [];
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          if (part.valueTruncated || part.fieldnameTruncated) {
            throw new AppError('upload.field_too_long', `field ${part.fieldname} truncated`, 413, {
              userMessage: 'Un des champs du formulaire est trop long.',
            });
          }
          const value = typeof part.value === 'string' ? part.value : String(part.value ?? '');
          const existing = fields[part.fieldname];
          if (existing === undefined) fields[part.fieldname] = value;
          else if (Array.isArray(existing)) existing.push(value);
          else fields[part.fieldname] = [existing, value];
          continue;
        }
        const chunks: Buffer[] = [];
        for await (const chunk of part.file) chunks.push(chunk as Buffer);
        const content = Buffer.concat(chunks);
        // A file input left empty is sent as a part without name nor content.
        if (part.filename === '' && content.length === 0) continue;
        files.push({
          field: part.fieldname,
          filename: part.filename,
          declaredType: part.mimetype,
          content,
          isTruncated: part.file.truncated,
        });
      }
    } catch (error) {
      throw multipartError(error);
    }
    request.body = { ...fields };
    uploads.set(request, files);
  });
}

function multipartError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code ?? '';
  if (code === 'FST_FILES_LIMIT') {
    return new AppError('upload.too_many_files', 'files limit', 413, {
      userMessage: `Vous pouvez joindre au plus ${MAX_FILES_PER_SUBMISSION} fichiers à la fois.`,
    });
  }
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return new AppError('upload.too_many_parts', code, 413, {
      userMessage: 'Le formulaire envoyé contient trop de champs.',
    });
  }
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    return new AppError('upload.too_large', code, 413, {
      userMessage: `Un fichier dépasse la taille maximale de ${formatBytes(MAX_UPLOAD_BYTES)}.`,
    });
  }
  return new AppError('upload.malformed', (error as Error)?.message ?? 'malformed multipart', 400, {
    userMessage: 'Le formulaire envoyé est incomplet ou mal formé. Réessayez.',
  });
}

/** Keeps a file name readable and harmless: no path, no control or reserved characters. */
export function sanitizeFileName(raw: string, extension: string): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we remove
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  const stem = cleaned
    .replace(/\.[^.]*$/, '')
    .slice(0, 100)
    .trim();
  return `${stem || 'fichier'}.${extension}`;
}

/**
 * Checks an uploaded file by its content. Throws an AppError with a field message: 413 when too
 * large, 422 when empty, of a refused type (archives and programs, whatever their name), of a
 * type the field does not accept, an office document that expands into far more than its size
 * (zip bomb) or a PDF carrying JavaScript or a launch action (document-checks.ts).
 */
export async function validateUpload(part: UploadedPart, rule: UploadRule = {}): Promise<ValidatedUpload> {
  const accept = rule.accept && rule.accept.length > 0 ? rule.accept : DEFAULT_ACCEPTED_TYPES;
  const maxBytes = Math.min(rule.maxBytes ?? MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES);
  const formats = rule.formatsText ?? describeTypes(accept);
  const shownName = part.filename.split(/[/\\]/).pop()?.slice(0, 80) || 'envoyé';
  const fail = (code: string, status: number, message: string) =>
    new AppError(code, `${code}: ${part.field}`, status, { userMessage: message, fields: { [part.field]: message } });
  if (part.isTruncated || part.content.length > maxBytes) {
    throw fail(
      'upload.too_large',
      413,
      `Le fichier « ${shownName} » dépasse la taille maximale de ${formatBytes(maxBytes)}.`,
    );
  }
  if (part.content.length === 0) throw fail('upload.empty', 422, `Le fichier « ${shownName} » est vide.`);
  // XML without its `<?xml` declaration has no magic bytes: a field that accepts XML takes text
  // starting with an element (a byte-order mark and blank lines allowed); its parser checks the rest.
  const detected =
    (await fileTypeFromBuffer(part.content)) ??
    (accept.includes('application/xml') &&
    /^(\uFEFF)?\s*<[A-Za-z_]/.test(part.content.subarray(0, 256).toString('utf8'))
      ? { mime: 'application/xml' as const, ext: 'xml' as const }
      : undefined);
  if (detected && DANGEROUS_TYPES.has(detected.mime)) {
    throw fail(
      'upload.dangerous_type',
      422,
      `Le fichier « ${shownName} » est une archive ou un programme : ce type de fichier est refusé. Joignez un fichier au format ${formats}.`,
    );
  }
  if (!detected || !accept.includes(detected.mime)) {
    throw fail(
      'upload.wrong_type',
      422,
      `Le fichier « ${shownName} » n’est pas au bon format : joignez un fichier au format ${formats}.`,
    );
  }
  const problem =
    detected.mime === 'application/pdf'
      ? await pdfProblem(part.content)
      : isOfficeZipType(detected.mime)
        ? officeArchiveProblem(part.content)
        : null;
  if (problem) throw fail('upload.unsafe_content', 422, `Le fichier « ${shownName} » est refusé : ${problem}`);
  return {
    name: sanitizeFileName(part.filename, detected.ext),
    mimeType: detected.mime,
    content: part.content,
    sizeBytes: part.content.length,
    sha256: createHash('sha256').update(part.content).digest('hex'),
  };
}

/** RFC 6266 Content-Disposition for a download, with an ASCII fallback name. */
export function attachmentDisposition(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Sends a stored file as a download: never rendered by the browser, never sniffed. */
export function sendFile(reply: FastifyReply, file: { name: string; mimeType: string; content: Buffer }) {
  const type = SAFE_SERVED_TYPES.has(file.mimeType) ? file.mimeType : 'application/octet-stream';
  return reply
    .type(type)
    .header('content-disposition', attachmentDisposition(file.name))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .send(file.content);
}

/** Image types shown inline (as a thumbnail), when the bytes are really of that type. */
const PREVIEW_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);

/**
 * Sends a stored image to be shown inline (a thumbnail in a page): only JPEG, PNG or WebP whose
 * bytes say so (magic bytes, checked again at every read), with that type, an inline
 * disposition with its name, nosniff and a sandboxing CSP. Anything else: false, nothing sent
 * (the caller answers 404; the file stays downloadable as an attachment).
 */
export async function sendImagePreview(
  reply: FastifyReply,
  file: { name: string; mimeType: string; content: Buffer },
): Promise<boolean> {
  if (!PREVIEW_TYPES.has(file.mimeType)) return false;
  const detected = await fileTypeFromBuffer(file.content);
  if (!detected || detected.mime !== file.mimeType) return false;
  await reply
    .type(detected.mime)
    .header('content-disposition', attachmentDisposition(file.name).replace(/^attachment/, 'inline'))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .send(file.content);
  return true;
}
