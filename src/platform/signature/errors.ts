/**
 * The one error the signature machinery throws for input it cannot use (a wrong PKCS#12 password,
 * a file that is not a PDF, a PES file without bordereau…). `frenchMessage` can be shown as is;
 * `message` is for logs and never carries a secret.
 */
export class SignatureInputError extends Error {
  override name = 'SignatureInputError';
  constructor(
    /** A French sentence for the person who supplied the input. */
    readonly frenchMessage: string,
    /** Stable code, e.g. `pkcs12.wrong_password`, for tests and API clients. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${frenchMessage}`, options);
  }
}
