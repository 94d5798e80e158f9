/** The address table's queries (private to the module; every query is scoped by commune). */
import type { Tx } from '../../platform/db/tenant.js';
import { type BanAddress, normalizeSearch } from './ban-csv.js';

/** What a page or the JSON endpoints show of an address. */
export interface AddressView {
  id: string;
  label: string;
  postcode: string;
  city: string;
  lat: number;
  lon: number;
}

const VIEW = 'ban_id AS id, label, postcode, city, lat, lon';
const CHUNK = 2000;

/** Replaces the commune's addresses by `addresses` (one transaction: the old ones stay on failure). */
export async function replaceAddresses(tx: Tx, communeId: string, addresses: readonly BanAddress[]): Promise<void> {
  await tx.client.query('DELETE FROM address WHERE commune_id = $1', [communeId]);
  for (let i = 0; i < addresses.length; i += CHUNK) {
    const part = addresses.slice(i, i + CHUNK);
    await tx.client.query(
      `INSERT INTO address (commune_id, ban_id, number, suffix, street, postcode, insee_code, city, label, search, lon, lat)
       SELECT $1, * FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                                $9::text[], $10::text[], $11::float8[], $12::float8[])`,
      [
        communeId,
        part.map((a) => a.banId),
        part.map((a) => a.number),
        part.map((a) => a.suffix),
        part.map((a) => a.street),
        part.map((a) => a.postcode),
        part.map((a) => a.inseeCode),
        part.map((a) => a.city),
        part.map((a) => a.label),
        part.map((a) => a.search),
        part.map((a) => a.lon),
        part.map((a) => a.lat),
      ],
    );
  }
}

export async function addressSummary(
  tx: Tx,
  communeId: string,
): Promise<{ count: number; streets: number; importedAt: Date | null }> {
  const { rows } = await tx.client.query<{ count: number; streets: number; imported_at: Date | null }>(
    `SELECT count(*)::int AS count, count(DISTINCT street)::int AS streets, max(imported_at) AS imported_at
       FROM address WHERE commune_id = $1`,
    [communeId],
  );
  return { count: rows[0]!.count, streets: rows[0]!.streets, importedAt: rows[0]!.imported_at };
}

/**
 * Addresses whose label holds every word typed (« 12 lil » finds « 12 rue des Lilas »), those
 * whose street starts with the first word first, then by street and number.
 */
export async function suggestAddresses(tx: Tx, communeId: string, query: string, limit = 8): Promise<AddressView[]> {
  const words = normalizeSearch(query).split(' ').filter(Boolean).slice(0, 6);
  if (words.length === 0) return [];
  const conditions = words.map((_, i) => `(' ' || search || ' ') LIKE $${i + 2}`);
  const { rows } = await tx.client.query<AddressView>(
    `SELECT ${VIEW} FROM address
      WHERE commune_id = $1 AND ${conditions.join(' AND ')}
      ORDER BY street, number, suffix LIMIT ${Math.min(Math.max(limit, 1), 20)}`,
    [communeId, ...words.map((w) => `% ${w.replace(/[%_\\]/g, '')}%`)],
  );
  return rows;
}

/** The nearest address to a position and its distance in metres (equirectangular: exact enough within a commune). */
export async function nearestAddress(
  tx: Tx,
  communeId: string,
  lat: number,
  lon: number,
): Promise<(AddressView & { distance: number }) | null> {
  const { rows } = await tx.client.query<AddressView & { distance: number }>(
    `SELECT ${VIEW},
            6371000 * sqrt(power(radians(lat - $2), 2) + power(radians(lon - $3) * cos(radians($2)), 2)) AS distance
       FROM address WHERE commune_id = $1
      ORDER BY power(lat - $2, 2) + power((lon - $3) * cos(radians($2)), 2) LIMIT 1`,
    [communeId, lat, lon],
  );
  return rows[0] ?? null;
}
