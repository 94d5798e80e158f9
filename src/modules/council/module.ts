/**
 * The conseil municipal (issue 15): the legal rules (seats, convocation delay in jours francs,
 * quorum per item, proxies, votes) as pure functions, members in office, séances with their
 * agenda and the convocations sent with their proof (migration 0025).
 */
import type { GuichetModule } from '../../platform/module.js';
import './audit.js';
import { COUNCIL_MAILS } from './mail-templates.js';

export const councilModule: GuichetModule = {
  name: 'council',
  mailTemplates: Object.values(COUNCIL_MAILS),
};
