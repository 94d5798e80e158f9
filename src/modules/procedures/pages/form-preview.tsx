/**
 * The preview of a démarche's form as the citizen sees it, page by page, with no way to submit:
 * of the current version (démarches editor) or of the working copy (form editor).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../platform/errors.js';
import { renderRequestPage } from '../../../platform/views/page.js';
import type { FormDefinition } from '../../forms/index.js';
import { FormPageView, pageHasFileField } from '../../forms/index.js';

export interface FormPreview {
  definition: FormDefinition;
  /** What is shown, after "Aperçu ": "de la version 3", "des modifications non enregistrées". */
  subject: string;
  /** The preview's own address (without query). */
  url: string;
  back: { href: string; label: string };
}

/** Sends the page `?page=<id>` of the preview (the first page by default). */
export function sendFormPreview(request: FastifyRequest, reply: FastifyReply, preview: FormPreview) {
  const def = preview.definition;
  const query = request.query as Record<string, unknown>;
  const index = Math.max(
    0,
    def.pages.findIndex((page) => page.id === query.page),
  );
  const page = def.pages[index];
  if (!page) throw new AppError('procedure.not_found', 'definition without pages', 404);
  const pageHref = (id: string) => `${preview.url}?page=${encodeURIComponent(id)}`;
  const previous = def.pages[index - 1];
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      renderRequestPage(request, {
        title: `Aperçu : ${page.title} – ${def.title}`,
        notice: {
          kind: 'info',
          title: `Aperçu ${preview.subject}, page ${index + 1} sur ${def.pages.length}`,
          text: 'Les boutons du formulaire n’envoient rien : aucune demande ne peut être faite depuis l’aperçu.',
        },
        children: (
          <>
            <nav class="govuk-!-margin-bottom-6" aria-label="Pages du formulaire">
              <p class="govuk-body">
                <a class="govuk-link" href={preview.back.href}>
                  {preview.back.label}
                </a>
              </p>
              <ol class="govuk-list govuk-list--number">
                {def.pages.map((p) => (
                  <li key={p.id}>
                    <a class="govuk-link" href={pageHref(p.id)} aria-current={p.id === page.id ? 'page' : undefined}>
                      {p.title}
                    </a>
                    {p.condition ? ' (page affichée selon les réponses)' : ''}
                  </li>
                ))}
              </ol>
            </nav>
            <FormPageView
              definition={def}
              page={page}
              answers={{}}
              errors={{}}
              csrfToken="apercu"
              action={preview.url}
              step={{ current: index + 1, total: def.pages.length }}
              {...(previous ? { backHref: pageHref(previous.id) } : {})}
              multipart={pageHasFileField(page)}
            />
          </>
        ),
      }),
    );
}
