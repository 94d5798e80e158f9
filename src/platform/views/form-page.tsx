/**
 * Form pages: a page in the two-thirds column with its error summary, answered 422 when it has
 * field errors, never cached; and the helper that turns a use case's field-level AppError into
 * the form shown again (instead of an error page). Used by the identity pages.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { AppError } from '../errors.js';
import { ErrorSummary, errorSummaryItems, type FieldErrors, titleWithErrors } from './components.js';
import { renderRequestPage } from './page.js';

export type FormBody = Record<string, unknown>;

/** A string field of a urlencoded body ('' when absent or repeated). */
export function formString(body: unknown, key: string): string {
  const value = (body as FormBody | undefined)?.[key];
  return typeof value === 'string' ? value : '';
}

export interface FormPage {
  status?: number;
  title: string;
  errors?: FieldErrors;
  fieldOrder?: string[];
  /** Error-summary link targets when they differ from the field name (`{ date: 'date-day' }`). */
  targets?: Record<string, string>;
  notice?: { kind: 'success' | 'info'; title: string; text?: string };
  children: ComponentChildren;
}

export function sendFormPage(request: FastifyRequest, reply: FastifyReply, page: FormPage) {
  const errors = errorSummaryItems(page.errors ?? {}, page.fieldOrder ?? Object.keys(page.errors ?? {}), page.targets);
  return reply
    .status(page.status ?? (errors.length ? 422 : 200))
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      renderRequestPage(request, {
        title: titleWithErrors(page.title, errors.length > 0),
        ...(page.notice ? { notice: page.notice } : {}),
        children: (
          <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
              <ErrorSummary errors={errors} />
              {page.children}
            </div>
          </div>
        ),
      }),
    );
}

/** Runs a form use case; an AppError with field errors re-renders the form instead of an error page. */
export async function handleForm<T>(
  work: () => Promise<T>,
  onInvalid: (errors: Record<string, string>, status: number) => unknown,
): Promise<{ ok: true; value: T } | { ok: false; response: unknown }> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof AppError && error.fields && error.status < 500) {
      return { ok: false, response: onInvalid(error.fields, error.status) };
    }
    throw error;
  }
}
