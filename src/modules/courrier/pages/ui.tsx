/** What the courrier's pages share: paths, breadcrumbs, the caller, the status tag. */
import type { FastifyRequest } from 'fastify';
import { Radios, Tag } from '../../../platform/views/components.js';
import type { MailStatus } from '../schema.js';
import { STATUS_LABELS } from '../texts.js';
import type { Caller } from '../use-cases/common.js';

export const POLICY = { config: { policy: 'requestsInbox' } } as const;

export function courrierBase(request: FastifyRequest): string {
  return `/c/${request.commune!.slug}/agent/courrier`;
}

export function mailPath(request: FastifyRequest, id: string): string {
  return `${courrierBase(request)}/${id}`;
}

export function courrierBreadcrumbs(request: FastifyRequest) {
  return [
    { href: `/c/${request.commune!.slug}/agent`, label: 'Espace agent' },
    { href: courrierBase(request), label: 'Courrier' },
  ];
}

export function callerOf(request: FastifyRequest): Caller {
  return { communeId: request.commune!.id, actor: request.actor!, requestId: request.id };
}

export function StatusTag({ status, late }: { status: MailStatus; late?: boolean }) {
  const label = STATUS_LABELS[status];
  return (
    <>
      <Tag {...(label.colour ? { colour: label.colour } : {})}>{label.text}</Tag>
      {late && (
        <>
          {' '}
          <Tag colour="red">En retard</Tag>
        </>
      )}
    </>
  );
}

/** « 2026-05-04 » from the three boxes of a date field; '' when all are empty; 'invalide' otherwise. */
export function dayFromParts(body: Record<string, unknown>, name: string): string {
  const part = (p: string) => {
    const v = body[`${name}-${p}`];
    return typeof v === 'string' ? v.trim() : '';
  };
  const [d, m, y] = [part('day'), part('month'), part('year')];
  if (!d && !m && !y) return '';
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return 'invalide';
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

/** The priority of an incoming mail, as the register and the bulk intake ask it. */
export function PriorityRadios({ value, error }: { value: string; error?: string | undefined }) {
  return (
    <Radios
      name="priorite"
      legend="Priorité"
      inline
      value={value || 'normale'}
      items={[
        { value: 'normale', label: 'Normale' },
        { value: 'urgente', label: 'Urgente (à traiter sous 3 jours ouvrés)' },
      ]}
      {...(error ? { error } : {})}
    />
  );
}
