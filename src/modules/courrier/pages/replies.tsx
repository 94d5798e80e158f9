/** The replies of a mail (drafted from a template, signed in the parapheur, sent): section and routes. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import type { MailPage } from '../queries.js';
import type { FormState } from './mail.js';

export function RepliesSection(_props: {
  request: FastifyRequest;
  data: MailPage;
  csrf: string;
  state: FormState | null;
}) {
  return null;
}

export function registerReplyRoutes(_app: FastifyInstance, _ctx: AppContext): void {}
