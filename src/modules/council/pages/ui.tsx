/** Views shared by the council's pages: paths, breadcrumbs, labels and the caller of the use cases. */
import type { FastifyRequest } from 'fastify';
import { Tag, type TagColour } from '../../../platform/views/components.js';
import { formatDate } from '../../../platform/views/format.js';
import type { NavItem } from '../../../platform/views/layout.js';
import { type FormBody, formString } from '../../../platform/views/page-kit.js';
import type { SeanceRow } from '../schema.js';
import type { CouncilCaller } from '../use-cases/common.js';

export function caller(request: FastifyRequest): CouncilCaller {
  return { commune: request.commune!, actor: request.actor!, httpRequestId: request.id };
}

export function councilBase(request: FastifyRequest): string {
  return `/c/${request.commune!.slug}/agent/conseil`;
}

export function seancePath(request: FastifyRequest, seanceId: string): string {
  return `${councilBase(request)}/seances/${seanceId}`;
}

export function councilBreadcrumbs(request: FastifyRequest, extra: NavItem[] = []): NavItem[] {
  return [
    { href: `/c/${request.commune!.slug}/agent`, label: 'Espace agent' },
    { href: councilBase(request), label: 'Conseil municipal' },
    ...extra,
  ];
}

/** A Paris calendar date (YYYY-MM-DD) in French, « 28 mars 2027 ». */
export const day = (iso: string) => formatDate(`${iso}T12:00:00Z`);

export function seanceTitle(seance: SeanceRow): string {
  return `Séance du ${day(seance.seanceDate)} à ${seance.seanceTime.replace(':', ' h ')}`;
}

const STATUS: Record<SeanceRow['status'], { label: string; colour?: TagColour }> = {
  preparation: { label: 'En préparation', colour: 'grey' },
  convoquee: { label: 'Convoquée' },
  tenue: { label: 'Tenue', colour: 'green' },
  annulee: { label: 'Annulée', colour: 'red' },
};

export function SeanceStatus({ seance }: { seance: SeanceRow }) {
  const s = STATUS[seance.status];
  return <Tag {...(s.colour ? { colour: s.colour } : {})}>{s.label}</Tag>;
}

export const KIND_LABELS: Record<SeanceRow['kind'], string> = {
  ordinaire: 'Séance ordinaire',
  urgence: 'Séance convoquée en urgence',
};

/** The ISO date of a GOV.UK date input (`<name>-day`, `-month`, `-year`), or '' when incomplete. */
export function dateOf(body: FormBody, name: string): string {
  const [d, m, y] = ['day', 'month', 'year'].map((p) => formString(body, `${name}-${p}`).trim());
  if (!/^\d{1,2}$/.test(d ?? '') || !/^\d{1,2}$/.test(m ?? '') || !/^\d{4}$/.test(y ?? '')) return '';
  return `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
}

/** Every value of a repeated form field (checkboxes). */
export function formList(body: FormBody, key: string): string[] {
  const value = body[key];
  const list = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  return list.filter((v): v is string => typeof v === 'string');
}
