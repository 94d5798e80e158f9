/**
 * Files a request for a citizen who came in person (channel "guichet", filed by the agent):
 * a démarche (routed by its rules), or a free-text request for the service the agent chooses
 * (or, left to "orientation automatique", routed by the commune's classifier). Submission is
 * the citizen side's (number, receipt PDF and mail, history, audit). When the e-mail address is
 * that of a verified account, the request appears in that person's "Mes demandes".
 */
import { z } from 'zod';
import { canSeeService } from '../../../platform/authz/actor.js';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { isUuid } from '../../../platform/ids.js';
import { mailAddressSchema } from '../../../platform/mail/address.js';
import { listActiveServices } from '../../../platform/tenancy/communes.js';
import { activeAccountIdByEmail } from '../../identity/index.js';
import { findProcedureById } from '../../procedures/index.js';
import { requestDeps } from '../deps.js';
import { canFileAtCounter } from '../policy.js';
import type { RoutingChoice } from '../routing.js';
import { agentOf, agentText, type Caller, formValue, invalid, parseFields, requestNotFound } from './common.js';
import { submitRequest } from './submit-request.js';

const oneLine = formValue.transform((v) => v.trim().replace(/\s+/g, ' '));

/** The counter's form. */
export const counterForm = {
  demarche: formValue.transform((v) => v.trim().toLowerCase()),
  objet: oneLine.pipe(z.string().max(200, 'L’objet ne doit pas dépasser 200 caractères.')),
  texte: agentText('La demande', 'Décrivez la demande de l’usager.'),
  nom: oneLine.pipe(
    z
      .string()
      .min(1, 'Saisissez le prénom et le nom de l’usager.')
      .max(200, 'Le nom ne doit pas dépasser 200 caractères.'),
  ),
  courriel: formValue.pipe(
    z
      .string()
      .trim()
      .min(1, 'Saisissez l’adresse électronique de l’usager.')
      .max(254, 'L’adresse électronique est trop longue.')
      .pipe(mailAddressSchema()),
  ),
  service: formValue.transform((v) => v.trim().toLowerCase()),
};

export async function fileAtCounter(
  ctx: AppContext,
  caller: Caller,
  body: unknown,
): Promise<{ number: string; visible: boolean }> {
  const { commune, actor } = caller;
  if (!canFileAtCounter(actor)) throw requestNotFound();
  const { values, errors } = parseFields(counterForm, body);
  const fields = { ...errors };
  const text = values.texte ?? '';
  let subject = values.objet ?? '';
  return withTenant(ctx.database, commune.id, async (tx) => {
    const procedureId = values.demarche ?? '';
    const serviceId = values.service ?? '';
    const procedure =
      procedureId && isUuid(procedureId) ? await findProcedureById(tx, commune.id, procedureId) : undefined;
    const services = await listActiveServices(tx, commune.id);
    const chosen = serviceId ? services.find((s) => s.id === serviceId) : undefined;
    if (procedureId && !procedure?.isPublished) fields.demarche = 'Choisissez une démarche de la liste.';
    if (!procedure) {
      if (serviceId && !chosen) fields.service = 'Choisissez un service de la liste.';
      if (!subject && !fields.objet) fields.objet = 'Saisissez l’objet de la demande.';
    } else if (!subject) {
      subject = procedure.title;
    }
    if (Object.keys(fields).length > 0 || values.courriel === undefined || values.nom === undefined) {
      throw invalid(fields);
    }
    const email = values.courriel;
    const accountId = await activeAccountIdByEmail(tx, email);
    // The agent's choice of service is a human routing decision ('agent').
    const routing =
      !procedure && chosen
        ? ({ serviceId: chosen.id, routedBy: 'agent', confidence: null, explanation: null } as unknown as RoutingChoice)
        : undefined;
    const { request: created } = await submitRequest(tx, requestDeps(ctx), {
      commune,
      procedure: procedure ?? null,
      formVersion: procedure?.currentVersion ?? null,
      subject,
      answers: { message: text },
      summary: [
        { label: 'Objet', value: subject },
        { label: 'Demande', value: text },
      ],
      requester: { accountId, name: values.nom, email: email.toLowerCase() },
      channel: 'guichet',
      filedBy: actor.accountId,
      ...(routing ? { routing } : {}),
      ...(procedure ? {} : { freeText: `${subject}\n${text}` }),
      actor: agentOf(actor),
      httpRequestId: caller.httpRequestId,
    });
    return { number: created.number, visible: canSeeService(actor, created.serviceId) };
  });
}
