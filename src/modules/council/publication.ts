/**
 * What the public reads of the council (no account): the published délibérations and
 * procès-verbaux of a commune, searched by year and keyword, each with the PDF put online. Tenant
 * transactions of the commune; only rows with a publication date are ever read here.
 */
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { findSetting } from './repo.js';
import { type ScdlRow, scdlRow } from './scdl.js';

export interface PublishedDeliberation {
  itemId: string;
  number: string;
  title: string;
  matiereCode: string | null;
  seanceDate: string;
  adopted: boolean;
  pour: number;
  contre: number;
  abstentions: number;
  presentCount: number;
  /** Voters: present and not interested, and usable proxies (the counts add up to it). */
  voters: number;
  membersInOffice: number;
  publishedAt: Date;
  sha256: string;
  signed: boolean;
}

export interface PublishedMinutes {
  seanceId: string;
  seanceDate: string;
  seanceTime: string;
  place: string;
  publishedAt: Date;
  sha256: string;
  /** The séance at whose start it was arrêté (L2121-15), when recorded. */
  adoptedAtSeanceDate: string | null;
}

export interface PublicationFilter {
  year?: number | null;
  keyword?: string | null;
}

/** `%`, `_` and `\` are literal in a keyword search. */
export function likePattern(keyword: string): string {
  return `%${keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

interface Row {
  item_id: string;
  number: string;
  title: string;
  matiere_code: string | null;
  seance_date: string | Date;
  adopted: boolean;
  pour: number;
  contre: number;
  abstentions: number;
  blancs: number;
  not_voting: number;
  present_count: number;
  published_at: Date;
  published_sha256: string;
  signed_at: Date | null;
  members: number;
}

const isoDate = (value: string | Date) =>
  typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10);

export async function publishedDeliberations(
  ctx: AppContext,
  communeId: string,
  filter: PublicationFilter = {},
): Promise<PublishedDeliberation[]> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const params: unknown[] = [communeId];
    let where = '';
    if (filter.year) {
      params.push(`${filter.year}-01-01`, `${filter.year + 1}-01-01`);
      where += ` AND s.seance_date >= $${params.length - 1} AND s.seance_date < $${params.length}`;
    }
    if (filter.keyword) {
      params.push(likePattern(filter.keyword));
      where += ` AND (i.title ILIKE $${params.length} ESCAPE '\\' OR v.deliberation_number ILIKE $${params.length} ESCAPE '\\')`;
    }
    const { rows } = await tx.client.query<Row>(
      `SELECT i.id AS item_id, v.deliberation_number AS number, i.title, i.matiere_code, s.seance_date,
              v.adopted, v.pour, v.contre, v.abstentions, v.blancs, v.not_voting, v.present_count,
              v.published_at, v.published_sha256, v.signed_at,
              (SELECT count(*)::int FROM council_member m WHERE m.commune_id = v.commune_id AND m.in_office) AS members
         FROM council_vote v
         JOIN council_item i ON i.commune_id = v.commune_id AND i.id = v.item_id
         JOIN council_seance s ON s.commune_id = i.commune_id AND s.id = i.seance_id
        WHERE v.commune_id = $1 AND v.published_at IS NOT NULL${where}
        ORDER BY s.seance_date DESC, v.deliberation_number DESC`,
      params,
    );
    return rows.map((r) => ({
      itemId: r.item_id,
      number: r.number,
      title: r.title,
      matiereCode: r.matiere_code,
      seanceDate: isoDate(r.seance_date),
      adopted: r.adopted,
      pour: r.pour,
      contre: r.contre,
      abstentions: r.abstentions,
      presentCount: r.present_count,
      voters: r.pour + r.contre + r.abstentions + r.blancs + r.not_voting,
      membersInOffice: r.members,
      publishedAt: new Date(r.published_at),
      sha256: r.published_sha256,
      signed: r.signed_at !== null,
    }));
  });
}

export async function publishedMinutes(
  ctx: AppContext,
  communeId: string,
  filter: PublicationFilter = {},
): Promise<PublishedMinutes[]> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const params: unknown[] = [communeId];
    let where = '';
    if (filter.year) {
      params.push(`${filter.year}-01-01`, `${filter.year + 1}-01-01`);
      where += ` AND s.seance_date >= $2 AND s.seance_date < $3`;
    }
    const { rows } = await tx.client.query<{
      id: string;
      seance_date: string | Date;
      seance_time: string;
      place: string;
      pv_published_at: Date;
      pv_sha256: string;
      adopted_date: string | Date | null;
    }>(
      `SELECT s.id, s.seance_date, s.seance_time, s.place, s.pv_published_at, s.pv_sha256, a.seance_date AS adopted_date
         FROM council_seance s
         LEFT JOIN council_seance a ON a.commune_id = s.commune_id AND a.id = s.pv_adopted_seance_id
        WHERE s.commune_id = $1 AND s.pv_published_at IS NOT NULL${where} ORDER BY s.seance_date DESC`,
      params,
    );
    return rows.map((r) => ({
      seanceId: r.id,
      seanceDate: isoDate(r.seance_date),
      seanceTime: r.seance_time,
      place: r.place,
      publishedAt: new Date(r.pv_published_at),
      sha256: r.pv_sha256,
      adoptedAtSeanceDate: r.adopted_date ? isoDate(r.adopted_date) : null,
    }));
  });
}

/** The years that have a published act (for the search form), most recent first. */
export async function publicationYears(ctx: AppContext, communeId: string): Promise<number[]> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const { rows } = await tx.client.query<{ year: number }>(
      `SELECT DISTINCT extract(year FROM s.seance_date)::int AS year
         FROM council_seance s
        WHERE s.commune_id = $1 AND (s.pv_published_at IS NOT NULL OR EXISTS (
              SELECT 1 FROM council_vote v JOIN council_item i ON i.commune_id = v.commune_id AND i.id = v.item_id
               WHERE v.commune_id = s.commune_id AND i.seance_id = s.id AND v.published_at IS NOT NULL))
        ORDER BY year DESC`,
      [communeId],
    );
    return rows.map((r) => r.year);
  });
}

/** The PDF put online for a published délibération (by its number) or procès-verbal (by séance). */
export async function publishedPdf(
  ctx: AppContext,
  communeId: string,
  what: { number: string } | { seanceId: string },
): Promise<Buffer | null> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const { rows } =
      'number' in what
        ? await tx.client.query<{ sha: string }>(
            'SELECT published_sha256 AS sha FROM council_vote WHERE commune_id = $1 AND deliberation_number = $2 AND published_at IS NOT NULL',
            [communeId, what.number],
          )
        : /^[0-9a-f-]{36}$/i.test(what.seanceId)
          ? await tx.client.query<{ sha: string }>(
              'SELECT pv_sha256 AS sha FROM council_seance WHERE commune_id = $1 AND id = $2 AND pv_published_at IS NOT NULL',
              [communeId, what.seanceId],
            )
          : { rows: [] };
    const sha = rows[0]?.sha;
    return sha ? tx.blobs.get({ communeId }, sha) : null;
  });
}

/** The commune's SIRET for the open-data file (null until the secretariat enters it). */
export async function councilSiret(ctx: AppContext, communeId: string): Promise<string | null> {
  return withTenant(ctx.database, communeId, async (tx) => (await findSetting(tx, communeId))?.siret ?? null);
}

/** The SCDL rows of the published délibérations (oldest first), or null while the SIRET is unknown. */
export async function openDataRows(ctx: AppContext, commune: Commune, publicUrl: string): Promise<ScdlRow[] | null> {
  const siret = await councilSiret(ctx, commune.id);
  if (!siret) return null;
  const acts = await publishedDeliberations(ctx, commune.id);
  return acts.reverse().map((a) =>
    scdlRow({
      communeName: `Commune de ${commune.name}`,
      siret,
      number: a.number,
      adoptedOn: a.seanceDate,
      matiereCode: a.matiereCode ?? '',
      title: a.title,
      membersInOffice: a.membersInOffice,
      voters: a.voters,
      pour: a.pour,
      contre: a.contre,
      abstentions: a.abstentions,
      url: `${publicUrl.replace(/\/$/, '')}/c/${commune.slug}/deliberations/${a.number}`,
    }),
  );
}
