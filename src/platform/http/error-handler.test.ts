import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { registerErrorHandling } from './error-handler.js';

function appWith(route: () => unknown) {
  const app = Fastify({ logger: false });
  app.decorateRequest('commune', null);
  registerErrorHandling(app, (_request, error) => `<h1>${error.status}</h1><p>${error.userMessage}</p>`);
  app.get('/boom', async () => route());
  app.get('/api/boom', async () => route());
  return app;
}

describe('error handler', () => {
  it('turns an unexpected error into a generic French 500 without details', async () => {
    const app = appWith(() => {
      throw new Error('connexion perdue à 10.0.0.5 mot de passe=hunter2');
    });
    const page = await app.inject({ url: '/boom' });
    expect(page.statusCode).toBe(500);
    expect(page.body).toContain('Une erreur inattendue s’est produite');
    expect(page.body).not.toContain('hunter2');
    const api = await app.inject({ url: '/api/boom' });
    expect(api.json()).toEqual({
      error: { code: 'internal', message: expect.stringContaining('erreur inattendue'), requestId: expect.any(String) },
    });
    expect(api.body).not.toContain('10.0.0.5');
  });

  it('keeps the status, code, French message and field errors of an AppError', async () => {
    const app = appWith(() => {
      throw new AppError('commune.invalid', 'bad slug', 422, { fields: { slug: 'Identifiant invalide.' } });
    });
    const api = await app.inject({ url: '/api/boom' });
    expect(api.statusCode).toBe(422);
    expect(api.json().error).toMatchObject({
      code: 'commune.invalid',
      message: 'Certaines informations saisies ne sont pas valides.',
      fields: { slug: 'Identifiant invalide.' },
    });
  });

  it('answers a lost database (a failover) with a French 503 and Retry-After, never a 500 or its details', async () => {
    const lost = Object.assign(new Error('terminating connection due to unexpected postmaster exit at 10.0.0.7'), {
      code: '57P01',
    });
    // drizzle wraps the driver's error in its own, the cause kept.
    const app = appWith(() => {
      throw new Error('Failed query: insert into citizen_request …', { cause: lost });
    });
    const page = await app.inject({ url: '/boom' });
    expect(page.statusCode).toBe(503);
    expect(page.headers['retry-after']).toBe('30');
    expect(page.body).toContain('Le service est momentanément indisponible. Réessayez dans une minute.');
    expect(page.body).not.toContain('10.0.0.7');
    const api = await app.inject({ url: '/api/boom' });
    expect(api.statusCode).toBe(503);
    expect(api.json().error.code).toBe('service.unavailable');
  });
});
