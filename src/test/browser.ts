/**
 * A tiny cookie-keeping client over app.inject, for integration tests of form flows: it keeps
 * cookies like a browser, and posts forms with the CSRF token of the last page it loaded.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** Fields of a posted form; an array is a field sent several times (checkboxes). */
export type FormFields = Record<string, string | readonly string[]>;

export class TestBrowser {
  readonly cookies = new Map<string, string>();
  lastPage = '';

  constructor(
    private readonly app: FastifyInstance,
    private readonly options: { remoteAddress?: string; userAgent?: string } = {},
  ) {}

  /** The client address the app sees for this browser's requests (undefined: app.inject's default). */
  get remoteAddress(): string | undefined {
    return this.options.remoteAddress;
  }

  #cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  #keep(res: LightMyRequestResponse): LightMyRequestResponse {
    const set = res.headers['set-cookie'];
    for (const line of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair, ...attrs] = line.split(';');
      const [name, ...value] = pair!.split('=');
      const expired = attrs.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (expired || value.join('=') === '') this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
    if (res.headers['content-type']?.toString().includes('text/html')) this.lastPage = res.body;
    return res;
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.#keep(
      await this.app.inject({
        url,
        headers: { cookie: this.#cookieHeader(), 'user-agent': this.options.userAgent ?? 'TestBrowser/1.0' },
        ...(this.options.remoteAddress ? { remoteAddress: this.options.remoteAddress } : {}),
      }),
    );
  }

  /** The CSRF token of the last loaded page. */
  csrf(): string {
    const token = /name="_csrf" value="([^"]+)"/.exec(this.lastPage)?.[1];
    if (!token) throw new Error('no CSRF token on the last page');
    return token;
  }

  /** Posts a form (urlencoded) with the last page's CSRF token; an array is a field sent several times (checkboxes). */
  async post(url: string, form: FormFields, options: { withCsrf?: boolean } = {}) {
    const fields: FormFields = options.withCsrf === false ? form : { _csrf: this.csrf(), ...form };
    const payload = new URLSearchParams();
    for (const [name, value] of Object.entries(fields))
      for (const one of typeof value === 'string' ? [value] : value) payload.append(name, one);
    return this.#keep(
      await this.app.inject({
        method: 'POST',
        url,
        payload: payload.toString(),
        headers: {
          cookie: this.#cookieHeader(),
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': this.options.userAgent ?? 'TestBrowser/1.0',
        },
        ...(this.options.remoteAddress ? { remoteAddress: this.options.remoteAddress } : {}),
      }),
    );
  }

  /**
   * Posts a multipart form like a browser (fields, then files; a field given an array is
   * repeated) with the last page's CSRF token.
   */
  async postMultipart(
    url: string,
    fields: Record<string, string | string[]>,
    files: Array<{ name: string; filename: string; type: string; content: Buffer }> = [],
  ): Promise<LightMyRequestResponse> {
    const boundary = `----guichet${Math.random().toString(16).slice(2)}`;
    const chunks: Buffer[] = [];
    for (const [name, value] of Object.entries({ _csrf: this.csrf(), ...fields })) {
      for (const one of Array.isArray(value) ? value : [value]) {
        chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${one}\r\n`));
      }
    }
    for (const file of files) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
        ),
        file.content,
        Buffer.from('\r\n'),
      );
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return this.#keep(
      await this.app.inject({
        method: 'POST',
        url,
        payload: Buffer.concat(chunks),
        headers: {
          cookie: this.#cookieHeader(),
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'user-agent': this.options.userAgent ?? 'TestBrowser/1.0',
        },
        ...(this.options.remoteAddress ? { remoteAddress: this.options.remoteAddress } : {}),
      }),
    );
  }

  /** Loads `page`, then posts `form` to `action` (defaults to the same URL). */
  async submit(page: string, form: FormFields, action = page) {
    await this.get(page);
    return this.post(action, form);
  }
}

/**
 * The text of a page as a screen shows it: tags removed, the usual entities decoded, every run
 * of spaces (non-breaking ones included) as one space.
 */
export function shownText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[\s\u00a0\u202f]+/g, ' ');
}
