/**
 * Results of the campaigns (issue 17, decision 0053): counts and rates per campaign and per
 * service for the security officer, rates for the commune as figures (pilotage and the cyber
 * panel), and the share of the staff who passed every training. Rates are over the messages sent; the opening count is indicative only (images blocked
 * or fetched by mail clients).
 */
import type { Tx } from '../../platform/db/tenant.js';
import type { FigureDefinition } from '../../platform/module.js';
import { formatNumber } from '../../platform/views/format.js';
import { listStaffContacts } from '../identity/index.js';
import { type Counts, communeCounts, completionsByAccount } from './repo.js';
import { TRAININGS } from './trainings.js';

/** A share in percent, rounded to the unit; NaN when nothing was sent. */
export function rate(part: number, whole: number): number {
  return whole === 0 ? Number.NaN : Math.round((100 * part) / whole);
}

export function formatRate(value: number): string {
  return Number.isNaN(value) ? 'aucun envoi' : `${formatNumber(value)} %`;
}

export function ratesOf(c: Counts): { click: number; submit: number; report: number; open: number } {
  return {
    open: rate(c.opened, c.sent),
    click: rate(c.clicked, c.sent),
    submit: rate(c.submitted, c.sent),
    report: rate(c.reported, c.sent),
  };
}

/** How many of the commune's current staff passed every training (a count, no names). */
export async function trainedStaff(tx: Tx, communeId: string): Promise<{ trained: number; staff: number }> {
  const staff = await listStaffContacts(tx, communeId);
  const done = await completionsByAccount(tx, communeId);
  const trained = staff.filter((m) => TRAININGS.every((t) => done.get(m.accountId)?.has(t.key))).length;
  return { trained, staff: staff.length };
}

async function yearRates(tx: Tx, communeId: string) {
  return ratesOf(await communeCounts(tx, communeId, 365));
}

export const AWARENESS_FIGURES: readonly FigureDefinition[] = [
  {
    key: 'awareness.click_rate',
    label: 'Clics sur les exercices d’hameçonnage (12 mois)',
    unit: 'percent',
    panel: 'cyber',
    format: formatRate,
    compute: async (tx, communeId) => (await yearRates(tx, communeId)).click,
  },
  {
    key: 'awareness.report_rate',
    label: 'Signalements des exercices d’hameçonnage (12 mois)',
    unit: 'percent',
    panel: 'cyber',
    format: formatRate,
    compute: async (tx, communeId) => (await yearRates(tx, communeId)).report,
  },
  {
    key: 'awareness.trained_staff',
    label: 'Personnes ayant réussi les cinq formations à la cybersécurité',
    unit: 'count',
    compute: async (tx, communeId) => (await trainedStaff(tx, communeId)).trained,
  },
  {
    key: 'awareness.trained_staff_rate',
    label: 'Personnel formé à la cybersécurité (cinq formations réussies)',
    unit: 'percent',
    panel: 'cyber',
    format: (value) => (Number.isNaN(value) ? 'aucun membre du personnel' : `${formatNumber(value)} %`),
    compute: async (tx, communeId) => {
      const { trained, staff } = await trainedStaff(tx, communeId);
      return rate(trained, staff);
    },
  },
];
