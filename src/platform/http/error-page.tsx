/** The HTML page shown for an error (404, 422, 500…), in the layout of the request's commune. */
import type { FastifyRequest } from 'fastify';
import type { AppError } from '../errors.js';
import { renderRequestPage } from '../views/page.js';

const ERROR_TITLES: Record<number, string> = {
  400: 'Demande incorrecte',
  403: 'Action non autorisée',
  404: 'Page introuvable',
  405: 'Action impossible',
  413: 'Envoi trop volumineux',
  415: 'Format non accepté',
  422: 'Informations invalides',
  429: 'Trop de demandes',
  500: 'Erreur inattendue',
  503: 'Service indisponible',
};

export function renderErrorPage(request: FastifyRequest, error: AppError): string {
  const title = ERROR_TITLES[error.status] ?? 'Erreur';
  const home = request.commune ? `/c/${request.commune.slug}/` : '/';
  return renderRequestPage(request, {
    title,
    children: (
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{title}</h1>
          <p class="govuk-body">{error.userMessage}</p>
          {error.fields ? (
            <ul class="govuk-list govuk-list--bullet">
              {Object.entries(error.fields).map(([field, message]) => (
                <li key={field}>
                  {field} : {message}
                </li>
              ))}
            </ul>
          ) : null}
          <p class="govuk-body">
            Vous pouvez revenir à{' '}
            <a class="govuk-link" href={home}>
              la page d’accueil
            </a>
            .
          </p>
          <p class="govuk-body-s">Référence de la requête : {request.id}</p>
        </div>
      </div>
    ),
  });
}
