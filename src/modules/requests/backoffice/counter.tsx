/**
 * Counter filing: an agent records the request of a citizen who came in person (or called):
 * a démarche, or a free-text request for the service the agent chooses, with the citizen's name
 * and e-mail address. The request is numbered like any other (channel "guichet", filed by the
 * agent) and the citizen receives the acknowledgement by e-mail.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { listActiveServices } from '../../../platform/tenancy/communes.js';
import {
  Button,
  ButtonGroup,
  CsrfField,
  type FieldErrors,
  Input,
  Select,
  Textarea,
} from '../../../platform/views/components.js';
import { stringValue } from '../../../platform/views/page-kit.js';
import { listProcedures } from '../../procedures/index.js';
import { MAX_MESSAGE_LENGTH } from '../deps.js';
import { callerOf } from '../use-cases/common.js';
import { fileAtCounter } from '../use-cases/file-at-counter.js';
import { requireInbox } from './inbox.js';
import { agentBreadcrumbs, inboxBase, requestPath, sendBackofficePage } from './ui.js';

/** What the agent typed, shown again with the errors. */
interface CounterValues {
  procedure: string;
  subject: string;
  text: string;
  name: string;
  email: string;
  service: string;
}

function counterValues(body: Record<string, unknown>): CounterValues {
  return {
    procedure: stringValue(body.demarche),
    subject: stringValue(body.objet),
    text: stringValue(body.texte),
    name: stringValue(body.nom),
    email: stringValue(body.courriel),
    service: stringValue(body.service),
  };
}

export function registerCounterPages(app: FastifyInstance, ctx: AppContext): void {
  async function counterForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Partial<CounterValues>,
    errors: FieldErrors = {},
    status?: number,
  ) {
    requireInbox(request);
    const commune = request.commune!;
    const [procedures, services] = await withTenant(ctx.database, commune.id, async (tx) => [
      await listProcedures(tx, commune.id),
      await listActiveServices(tx, commune.id),
    ]);
    const base = inboxBase(request);
    return sendBackofficePage(request, reply, {
      title: 'Enregistrer une demande au guichet',
      narrow: true,
      errors,
      ...(status ? { status } : {}),
      fieldOrder: ['demarche', 'objet', 'texte', 'service', 'nom', 'courriel'],
      breadcrumbs: agentBreadcrumbs(request),
      children: (
        <>
          <h1 class="govuk-heading-xl">Enregistrer une demande au guichet</h1>
          <p class="govuk-body">
            Pour un usager venu en mairie ou qui a téléphoné. La demande reçoit un numéro et l’usager un accusé de
            réception par courriel ; si son adresse est celle de son compte, il la suit dans « Mes demandes ».
          </p>
          <form method="post" action={`${base}/nouvelle`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <h2 class="govuk-heading-m">La demande</h2>
            <Select
              name="demarche"
              label="Démarche"
              hint="Le service de la démarche recevra la demande. Sans démarche, choisissez le service plus bas."
              value={values.procedure ?? ''}
              error={errors.demarche}
              options={[
                { value: '', label: 'Aucune : demande libre' },
                ...procedures.map((p) => ({ value: p.id, label: p.title })),
              ]}
            />
            <Input
              name="objet"
              label="Objet"
              hint="Facultatif avec une démarche (son titre est repris)."
              value={values.subject ?? ''}
              error={errors.objet}
            />
            <Textarea
              name="texte"
              label="Demande de l’usager"
              hint="Ce que l’usager demande, avec les précisions utiles au service."
              rows={6}
              maxLength={MAX_MESSAGE_LENGTH}
              value={values.text ?? ''}
              error={errors.texte}
            />
            <Select
              name="service"
              label="Service (demande libre)"
              hint="Sans choix, la demande est orientée d’après son texte, ou vers l’accueil en cas de doute."
              value={values.service ?? ''}
              error={errors.service}
              options={[
                { value: '', label: 'Orientation automatique' },
                ...services.map((s) => ({ value: s.id, label: s.name })),
              ]}
            />
            <h2 class="govuk-heading-m">L’usager</h2>
            <Input
              name="nom"
              label="Prénom et nom"
              autocomplete="off"
              spellcheck={false}
              value={values.name ?? ''}
              error={errors.nom}
            />
            <Input
              name="courriel"
              type="email"
              label="Adresse électronique"
              hint="L’accusé de réception et les réponses de la mairie y seront envoyés."
              autocomplete="off"
              spellcheck={false}
              value={values.email ?? ''}
              error={errors.courriel}
            />
            <ButtonGroup>
              <Button>Enregistrer la demande</Button>
              <a class="govuk-link" href={base}>
                Annuler
              </a>
            </ButtonGroup>
          </form>
        </>
      ),
    });
  }

  app.get('/c/:slug/agent/demandes/nouvelle', { config: { policy: 'requestsInbox' } }, (request, reply) =>
    counterForm(request, reply, {}),
  );

  app.post('/c/:slug/agent/demandes/nouvelle', { config: { policy: 'requestsInbox' } }, async (request, reply) => {
    requireInbox(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      const { number, visible } = await fileAtCounter(ctx, callerOf(request), body);
      return reply.redirect(
        visible
          ? `${requestPath(request, number)}?fait=deposee`
          : `${inboxBase(request)}?deposee=${encodeURIComponent(number)}`,
        303,
      );
    } catch (error) {
      if (error instanceof AppError && error.fields && error.status < 500) {
        return counterForm(request, reply, counterValues(body), error.fields, error.status);
      }
      throw error;
    }
  });
}
