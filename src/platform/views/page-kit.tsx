/**
 * The page kit: the one way a module sends an HTML page (commune layout, error summary, 422 when
 * the page has field errors, never cached since pages may show personal data), reads a form
 * value, and turns a use case's field-level AppError into the form shown again.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { AppError } from '../errors.js';
import { ErrorSummary, errorSummaryItems, type FieldErrors, titleWithErrors } from './components.js';
import type { NavItem } from './layout.js';
import { renderRequestPage } from './page.js';

export const HTML = 'text/html; charset=utf-8';

/** A parsed urlencoded or multipart body. */
export type FormBody = Record<string, unknown>;

/** A single string value, or '' for anything else (absent, repeated, a file…). */
export function stringValue(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A string value of a form body or query (the first one when repeated), or ''. */
export function formString(body: unknown, key: string): string {
  const value = (body as FormBody | undefined)?.[key];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : '';
  return typeof value === 'string' ? value : '';
}

export interface PageSpec {
  status?: number;
  title: string;
  errors?: FieldErrors;
  fieldOrder?: string[];
  /** Error-summary link targets when they differ from the field name (`{ date: 'date-day' }`). */
  targets?: Record<string, string>;
  notice?: { kind: 'success' | 'info'; title: string; text?: string };
  breadcrumbs?: NavItem[];
  /** Full width (tables, workspaces) instead of two thirds (forms, reading). */
  wide?: boolean;
  /** Module scripts of the page (progressive enhancement only). */
  scripts?: string[];
  /** Shown above the page's column (e.g. an area's sub-navigation). */
  header?: ComponentChildren;
  /** The back-office chrome (full width, the agent's navigation): staff pages. */
  workspace?: boolean;
  children: ComponentChildren;
}

/** Sends a page in the layout of the request's commune (or of the instance). */
export function sendPage(request: FastifyRequest, reply: FastifyReply, page: PageSpec) {
  const errors = errorSummaryItems(page.errors ?? {}, page.fieldOrder ?? Object.keys(page.errors ?? {}), page.targets);
  return reply
    .status(page.status ?? (errors.length ? 422 : 200))
    .type(HTML)
    .header('cache-control', 'no-store')
    .send(
      renderRequestPage(request, {
        title: titleWithErrors(page.title, errors.length > 0),
        ...(page.notice ? { notice: page.notice } : {}),
        ...(page.breadcrumbs ? { breadcrumbs: page.breadcrumbs } : {}),
        ...(page.scripts ? { scripts: page.scripts } : {}),
        ...(page.workspace ? { workspace: true } : {}),
        children: (
          <>
            {page.header}
            <div class="govuk-grid-row">
              <div class={page.wide ? 'govuk-grid-column-full' : 'govuk-grid-column-two-thirds'}>
                <ErrorSummary errors={errors} />
                {page.children}
              </div>
            </div>
          </>
        ),
      }),
    );
}

/** Runs a use case; an AppError with field messages re-renders the form (with its status). */
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
