/**
 * The conseil municipal (issue 15): the legal rules (seats, convocation delay in jours francs,
 * quorum per item, proxies, votes) as pure functions, members in office, séances with their
 * agenda and the convocations sent with their proof (migration 0025); attendance, proxies and
 * the pages of the secretariat, the session and the élus (migration 0027).
 */
import { subscribe } from '../../platform/events/index.js';
import type { GuichetModule } from '../../platform/module.js';
import './audit.js';
import { councilIndicatorSource } from './indicators.js';
import { COUNCIL_MAILS } from './mail-templates.js';
import { registerActesSettingsPages } from './pages/actes-settings.js';
import { registerEluPages } from './pages/elu.js';
import { registerOpenDataPages } from './pages/open-data.js';
import { registerProjectionPage } from './pages/projection.js';
import { registerPublicPages } from './pages/public.js';
import { registerSecretariatPages } from './pages/secretariat.js';
import { registerSessionPages } from './pages/session.js';
import { deliberationRefused, deliberationSigned } from './use-cases/sign-deliberation.js';

export const councilModule: GuichetModule = {
  name: 'council',
  mailTemplates: Object.values(COUNCIL_MAILS),
  registerRoutes(app, ctx) {
    registerSecretariatPages(app, ctx);
    registerSessionPages(app, ctx);
    registerProjectionPage(app, ctx);
    registerEluPages(app, ctx);
    registerPublicPages(app, ctx);
    registerOpenDataPages(app, ctx);
    registerActesSettingsPages(app, ctx);
  },
  subscribers: (ctx) => [
    subscribe('signature.circuit.completed', 'council.deliberation-signed', (event) => deliberationSigned(ctx, event)),
    subscribe('signature.circuit.refused', 'council.deliberation-refused', (event) => deliberationRefused(ctx, event)),
  ],
  indicators: [councilIndicatorSource],
  adminLinks: [
    {
      path: 'teletransmission',
      label: 'Télétransmission @ctes',
      title: 'Télétransmission des actes (@ctes)',
      description:
        'Identifier la commune dans les paquets @ctes de ses délibérations : département, SIREN, classification.',
      order: 58,
    },
  ],
  nav: [{ path: 'deliberations', label: 'Délibérations', order: 37 }],
  agentTiles: [
    { path: 'agent/conseil', label: 'Conseil municipal', order: 40 },
    { path: 'conseil', label: 'Mes séances du conseil', order: 41 },
  ],
};
