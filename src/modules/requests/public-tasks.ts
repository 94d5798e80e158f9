/**
 * The démarches open to the public, as the catalogue lists them and as the commune's public
 * tasks (the service pages, the home page's top tasks): every published démarche of the commune
 * with the summary of its current form, and « Écrire à la mairie ».
 */
import type { Tx } from '../../platform/db/tenant.js';
import type { PublicTask, PublicTaskDefinition } from '../../platform/module.js';
import { findFormVersion, listProcedures, type Procedure } from '../procedures/index.js';

export interface CatalogueEntry {
  procedure: Procedure;
  summary: string;
}

/** Published démarches with the summary of their current form, in catalogue order. */
export async function catalogueEntries(tx: Tx, communeId: string): Promise<CatalogueEntry[]> {
  const procedures = await listProcedures(tx, communeId);
  // One query at a time: a transaction's client runs queries in sequence.
  const out: CatalogueEntry[] = [];
  for (const p of procedures) {
    const row = await findFormVersion(tx, communeId, p.id, p.currentVersion);
    const summary = (row?.definition as { summary?: unknown } | undefined)?.summary;
    out.push({ procedure: p, summary: typeof summary === 'string' ? summary : '' });
  }
  return out;
}

/** The first paragraph of a summary, cut at a word near `max` characters. */
export function firstLine(summary: string, max = 160): string | null {
  const line = summary.split(/\n\s*\n|\n/)[0]?.trim() ?? '';
  if (line === '') return null;
  if (line.length <= max) return line;
  const cut = line.slice(0, max);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : max).replace(/[\s,;:.]+$/, '')}…`;
}

export const requestsPublicTasks: readonly PublicTaskDefinition[] = [
  {
    async list(tx, communeId): Promise<PublicTask[]> {
      const entries = await catalogueEntries(tx, communeId);
      return [
        ...entries.map(({ procedure, summary }) => ({
          key: `demarche:${procedure.slug}`,
          path: `demarches/${procedure.slug}`,
          label: procedure.title,
          description: firstLine(summary),
          serviceId: procedure.serviceId,
        })),
        {
          key: 'contact',
          path: 'contacter-la-mairie',
          label: 'Écrire à la mairie',
          description: 'Une question, une demande qui n’a pas de démarche : votre message va au bon service.',
          serviceId: null,
        },
      ];
    },
  },
];
