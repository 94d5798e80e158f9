/**
 * Shared pieces of the back-office pages: the page frame (breadcrumbs, error summary, notice),
 * the inbox filters read from the query string (bad values become French field errors), and
 * the query strings of links that keep the filters.
 */

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { Actor } from '../../../platform/authz/actor.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { listServices, type Service } from '../../../platform/tenancy/communes.js';
import {
  ErrorSummary,
  errorSummaryItems,
  type FieldErrors,
  titleWithErrors,
} from '../../../platform/views/components.js';
import { parseDay } from '../../../platform/views/format.js';
import type { NavItem } from '../../../platform/views/layout.js';
import { renderRequestPage } from '../../../platform/views/page.js';
import { stringValue } from '../../../platform/views/page-kit.js';
import { listProcedures, type Procedure, REQUEST_STATUSES, type RequestStatus } from '../../procedures/index.js';
import {
  type InboxFilter,
  type InboxSort,
  listServiceAgents,
  type Person,
  seesAllServices,
  visibleServiceScope,
} from './queries.js';

export function inboxBase(request: FastifyRequest): string {
  return `/c/${request.commune!.slug}/agent/demandes`;
}

export function requestPath(request: FastifyRequest, number: string): string {
  return `${inboxBase(request)}/${encodeURIComponent(number)}`;
}

interface BackofficePage {
  status?: number;
  title: string;
  errors?: FieldErrors;
  fieldOrder?: string[];
  notice?: { kind: 'success' | 'info'; title: string; text?: string };
  breadcrumbs?: NavItem[];
  /** Two thirds of the width (forms) instead of the full width (tables). */
  narrow?: boolean;
  children: ComponentChildren;
}

export function sendBackofficePage(request: FastifyRequest, reply: FastifyReply, page: BackofficePage) {
  const errors = errorSummaryItems(page.errors ?? {}, page.fieldOrder ?? Object.keys(page.errors ?? {}));
  return reply
    .status(page.status ?? (errors.length ? 422 : 200))
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      renderRequestPage(request, {
        title: titleWithErrors(page.title, errors.length > 0),
        ...(page.notice ? { notice: page.notice } : {}),
        ...(page.breadcrumbs ? { breadcrumbs: page.breadcrumbs } : {}),
        workspace: true,
        children: (
          <div class="govuk-grid-row">
            <div class={page.narrow ? 'govuk-grid-column-two-thirds' : 'govuk-grid-column-full'}>
              <ErrorSummary errors={errors} />
              {page.children}
            </div>
          </div>
        ),
      }),
    );
}

export function agentBreadcrumbs(request: FastifyRequest, extra: NavItem[] = []): NavItem[] {
  const slug = request.commune!.slug;
  return [
    { href: `/c/${slug}/agent`, label: 'Espace agent' },
    { href: inboxBase(request), label: 'Demandes' },
    ...extra,
  ];
}

// — Inbox filters —

export const SORT_LABELS: Record<InboxSort, string> = {
  recent: 'Les plus récentes d’abord',
  ancien: 'Les plus anciennes d’abord',
  echeance: 'Échéance la plus proche d’abord',
  numero: 'Numéro de demande',
};

export const INBOX_FIELDS = ['statut', 'demarche', 'service', 'du', 'au', 'attribution', 'retard', 'tri'] as const;
export type InboxValues = Record<(typeof INBOX_FIELDS)[number], string>;

export interface InboxQuery {
  filter: InboxFilter;
  sort: InboxSort;
  page: number;
  /** What was asked, to refill the form and build links. */
  values: InboxValues;
  errors: Record<string, string>;
}

/** What the filter form offers the actor. */
export interface InboxChoices {
  services: Service[];
  procedures: Procedure[];
  agents: Person[];
  seesAll: boolean;
}

/** The services, démarches and agents the actor may filter on. */
export async function inboxChoices(tx: Tx, communeId: string, actor: Actor): Promise<InboxChoices> {
  const scope = visibleServiceScope(actor);
  const all = await listServices(tx, communeId);
  const services = scope === 'all' ? all : all.filter((s) => scope.includes(s.id));
  return {
    services,
    procedures: await listProcedures(tx, communeId, { includeUnpublished: true }),
    agents: await listServiceAgents(
      tx,
      communeId,
      services.map((s) => s.id),
    ),
    seesAll: seesAllServices(actor),
  };
}

/** Midnight in Paris of a calendar day, as an instant. */
function parisMidnight(year: number, month: number, day: number): Date {
  const utc = Date.UTC(year, month - 1, day);
  const offsetName =
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeZoneName: 'shortOffset' })
      .formatToParts(new Date(utc))
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT+1';
  const match = /GMT([+-])(\d{1,2})(?::(\d{2}))?/.exec(offsetName);
  const offsetMinutes = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3] ?? 0)) : 60;
  return new Date(utc - offsetMinutes * 60_000);
}

/** Reads the inbox filters from the query string; bad values become French field errors. */
export function parseInboxQuery(query: unknown, choices: InboxChoices): InboxQuery {
  const q = (query ?? {}) as Record<string, unknown>;
  const values = Object.fromEntries(INBOX_FIELDS.map((f) => [f, stringValue(q[f]).trim().slice(0, 60)])) as InboxValues;
  const errors: Record<string, string> = {};
  const filter: InboxFilter = {};

  if (values.statut === 'ouvertes') filter.statuses = ['nouvelle', 'en_cours', 'attente_usager'];
  else if (values.statut) {
    const status = REQUEST_STATUSES.find((s) => s === values.statut);
    if (status) filter.statuses = [status as RequestStatus];
    else errors.statut = 'Choisissez un statut de la liste.';
  }
  if (values.demarche === 'libre') filter.procedure = 'none';
  else if (values.demarche) {
    const procedure = choices.procedures.find((p) => p.slug === values.demarche);
    if (procedure) filter.procedure = procedure.id;
    else errors.demarche = 'Choisissez une démarche de la liste.';
  }
  if (values.service) {
    const service = choices.services.find((s) => s.slug === values.service);
    if (service) filter.serviceId = service.id;
    else errors.service = 'Choisissez un service de la liste.';
  }
  if (values.du) {
    const day = parseDay(values.du);
    if (day) filter.from = parisMidnight(day.year, day.month, day.day);
    else errors.du = 'Saisissez une date valide, par exemple 31/01/2026.';
  }
  if (values.au) {
    const day = parseDay(values.au);
    if (day) filter.until = new Date(parisMidnight(day.year, day.month, day.day + 1).getTime() - 1);
    else errors.au = 'Saisissez une date valide, par exemple 31/01/2026.';
  }
  if (filter.from && filter.until && filter.from > filter.until) {
    errors.au = 'La date de fin doit être postérieure à la date de début.';
  }
  if (values.attribution === 'moi') filter.assignee = { kind: 'me' };
  else if (values.attribution === 'aucune') filter.assignee = { kind: 'none' };
  else if (values.attribution) {
    const agent = choices.agents.find((a) => a.id === values.attribution.toLowerCase());
    if (agent) filter.assignee = { kind: 'account', id: agent.id };
    else errors.attribution = 'Choisissez une personne de la liste.';
  }
  if (values.retard === '1') filter.lateOnly = true;
  else if (values.retard) values.retard = '';
  let sort: InboxSort = 'recent';
  if (values.tri) {
    if (values.tri in SORT_LABELS) sort = values.tri as InboxSort;
    else errors.tri = 'Choisissez un ordre de la liste.';
  }
  const page = Number.parseInt(stringValue(q.page), 10);
  return { filter, sort, page: Number.isFinite(page) && page >= 1 && page <= 100_000 ? page : 1, values, errors };
}

/** `?statut=…&page=2` for links that keep the filters (empty values left out). */
export function inboxQueryString(values: Partial<InboxValues>, page?: number): string {
  const params = new URLSearchParams();
  for (const field of INBOX_FIELDS) {
    const value = values[field];
    if (value) params.set(field, value);
  }
  if (page && page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}
