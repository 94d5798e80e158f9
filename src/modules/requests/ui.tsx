/**
 * Shared bits of the citizen pages of requests: page sending with the error summary, form-value
 * helpers, status tags, and the handling of use-case errors that re-render a form.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { AppError } from '../../platform/errors.js';
import {
  ErrorSummary,
  errorSummaryItems,
  type FieldErrors,
  Tag,
  type TagColour,
  titleWithErrors,
} from '../../platform/views/components.js';
import type { NavItem } from '../../platform/views/layout.js';
import { renderRequestPage } from '../../platform/views/page.js';
import type { RequestStatus } from './schema.js';
import { positionLabel, storedWorkflow } from './workflow.js';

export const HTML = 'text/html; charset=utf-8';
export type Body = Record<string, unknown>;

/** A string form value (the first one when repeated), or ''. */
export function str(body: Body | undefined, key: string): string {
  const value = body?.[key];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : '';
  return typeof value === 'string' ? value : '';
}

export interface PageSpec {
  status?: number;
  title: string;
  errors?: FieldErrors;
  fieldOrder?: string[];
  /** Error-summary link targets when they differ from the field name. */
  targets?: Record<string, string>;
  notice?: { kind: 'success' | 'info'; title: string; text?: string };
  breadcrumbs?: NavItem[];
  /** Full width instead of two thirds. */
  wide?: boolean;
  children: ComponentChildren;
}

/** Sends a page of the module (no-store: it may show personal data). */
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
        children: (
          <div class="govuk-grid-row">
            <div class={page.wide ? 'govuk-grid-column-full' : 'govuk-grid-column-two-thirds'}>
              <ErrorSummary errors={errors} />
              {page.children}
            </div>
          </div>
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

const STATUS_COLOURS: Record<RequestStatus, TagColour | undefined> = {
  nouvelle: undefined,
  en_cours: 'yellow',
  attente_usager: 'orange',
  acceptee: 'green',
  refusee: 'red',
  classee: 'grey',
};

/** A request's status as the citizen reads it, in the words of its démarche's workflow. */
export function StatusTag({
  request,
  workflow,
}: {
  request: { status: RequestStatus; step: string | null };
  /** The démarche's stored workflow (null or absent: the default one). */
  workflow?: unknown;
}) {
  const colour = STATUS_COLOURS[request.status];
  const label = positionLabel(storedWorkflow(workflow), request, 'citizen');
  return colour ? <Tag colour={colour}>{label}</Tag> : <Tag>{label}</Tag>;
}
