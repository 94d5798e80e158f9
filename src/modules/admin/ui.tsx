/** Page helpers of the administration pages: layout with the admin sub-navigation, form handling. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { hasRole } from '../../platform/authz/actor.js';
import { AppError } from '../../platform/errors.js';
import { ErrorSummary, errorSummaryItems, type FieldErrors, titleWithErrors } from '../../platform/views/components.js';
import { renderRequestPage } from '../../platform/views/page.js';

export type Body = Record<string, unknown>;

export function adminBase(request: FastifyRequest): string {
  return `/c/${request.commune!.slug}/admin`;
}

interface AdminPage {
  status?: number;
  title: string;
  errors?: FieldErrors;
  fieldOrder?: string[];
  notice?: { kind: 'success' | 'info'; title: string; text?: string };
  /** Full width (tables) instead of two thirds (forms). */
  wide?: boolean;
  /** Shows the administration sub-navigation (signed-in staff pages). */
  adminNav?: boolean;
  children: ComponentChildren;
}

/** The sub-navigation of the administration, with the links the actor may follow. */
function AdminNav({ request }: { request: FastifyRequest }) {
  const base = adminBase(request);
  const actor = request.actor;
  const items = [
    { href: base, label: 'Administration', show: true },
    { href: `${base}/membres`, label: 'Membres', show: hasRole(actor, 'admin') },
    { href: `${base}/journal`, label: 'Journal de sécurité', show: true },
    { href: `${base}/cyber`, label: 'Cyber-hygiène', show: true },
    { href: `${base}/api`, label: 'Jetons d’API', show: hasRole(actor, 'admin') },
    { href: `${base}/webhooks`, label: 'Webhooks', show: hasRole(actor, 'admin') },
    { href: `${base}/notifications`, label: 'Notifications', show: hasRole(actor, 'admin') },
    { href: `${base}/demarches`, label: 'Démarches', show: hasRole(actor, 'admin') },
  ].filter((i) => i.show);
  const current = request.url.split('?')[0];
  return (
    <nav class="govuk-!-margin-bottom-6" aria-label="Administration">
      <ul class="govuk-list">
        {items.map((item) => (
          <li key={item.href} class="govuk-!-display-inline-block govuk-!-margin-right-4">
            <a class="govuk-link" href={item.href} aria-current={current === item.href ? 'page' : undefined}>
              {item.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function sendAdminPage(request: FastifyRequest, reply: FastifyReply, page: AdminPage) {
  const errors = errorSummaryItems(page.errors ?? {}, page.fieldOrder ?? Object.keys(page.errors ?? {}));
  return reply
    .status(page.status ?? (errors.length ? 422 : 200))
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      renderRequestPage(request, {
        title: titleWithErrors(page.title, errors.length > 0),
        ...(page.notice ? { notice: page.notice } : {}),
        children: (
          <>
            {page.adminNav === false ? null : <AdminNav request={request} />}
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
