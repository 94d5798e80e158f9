/** Name of the session cookie (set by identity; the platform binds the CSRF token to it). */
export const SESSION_COOKIE = 'guichet_session';
