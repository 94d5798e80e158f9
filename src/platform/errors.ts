/**
 * One error type for everything the application expects to go wrong. It carries a stable code
 * (for logs, tests and API clients), an internal message (logs only) and a French message for
 * people. src/platform/http/error-handler.ts maps it to an HTML page or a JSON body.
 */

/** French messages shown when an AppError has none of its own. */
export const DEFAULT_USER_MESSAGES: Record<number, string> = {
  400: 'La demande est mal formée. Vérifiez les informations saisies et réessayez.',
  401: 'Vous devez vous connecter pour accéder à cette page.',
  403: 'Vous n’avez pas le droit d’effectuer cette action.',
  404: 'La page que vous cherchez n’existe pas ou n’est plus disponible.',
  405: 'Cette action n’est pas possible sur cette adresse.',
  406: 'Le format de réponse demandé n’est pas disponible.',
  409: 'Cette action entre en conflit avec une modification récente. Rechargez la page et réessayez.',
  413: 'L’envoi est trop volumineux.',
  414: 'L’adresse demandée est trop longue.',
  415: 'Le format des données envoyées n’est pas accepté.',
  422: 'Certaines informations saisies ne sont pas valides.',
  429: 'Trop de demandes en peu de temps. Patientez une minute puis réessayez.',
  500: 'Une erreur inattendue s’est produite. L’équipe technique a été prévenue ; réessayez plus tard.',
  503: 'Le service est momentanément indisponible. Réessayez dans quelques minutes.',
};

export interface AppErrorOptions {
  /** French message for people; defaults to the generic message of the status. */
  userMessage?: string;
  /** Field-level French messages (field name → message), for forms and API clients. */
  fields?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly userMessage: string;
  readonly fields: Record<string, string> | undefined;

  constructor(
    /** Stable, dotted code, e.g. `commune.not_found`. */
    readonly code: string,
    /** Internal message for the logs (never shown). */
    message: string,
    readonly status: number = 400,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.userMessage = options.userMessage ?? DEFAULT_USER_MESSAGES[status] ?? DEFAULT_USER_MESSAGES[400]!;
    this.fields = options.fields;
  }
}

/** A resource that does not exist — or exists in another commune: never say which. */
export function notFound(code = 'not_found', message = 'resource not found'): AppError {
  return new AppError(code, message, 404);
}
