/**
 * Where a citizen's reply to a mail about their request goes (decision 0023): the address of the
 * service that handles it when set, otherwise the commune's contact address, otherwise nowhere
 * (the mail's From, the commune's sender address, may be a no-reply box).
 */
import type { Tx } from '../../platform/db/tenant.js';
import { isMailAddress } from '../../platform/mail/address.js';
import { type Commune, listServices } from '../../platform/tenancy/communes.js';

export async function replyToFor(
  tx: Tx,
  commune: Pick<Commune, 'id' | 'email'>,
  serviceId: string | null,
): Promise<{ replyTo?: string }> {
  const services = serviceId ? await listServices(tx, commune.id) : [];
  const serviceEmail = services.find((s) => s.id === serviceId)?.email ?? null;
  if (serviceEmail && isMailAddress(serviceEmail)) return { replyTo: serviceEmail };
  if (commune.email && isMailAddress(commune.email)) return { replyTo: commune.email };
  return {};
}
