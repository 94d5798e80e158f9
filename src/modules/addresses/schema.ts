/** Drizzle definition of the address table (migrations/0017_addresses.sql is the source of truth). */
import { doublePrecision, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const address = pgTable(
  'address',
  {
    communeId: uuid('commune_id').notNull(),
    banId: text('ban_id').notNull(),
    number: integer('number').notNull(),
    suffix: text('suffix').notNull(),
    street: text('street').notNull(),
    postcode: text('postcode').notNull(),
    inseeCode: text('insee_code').notNull(),
    city: text('city').notNull(),
    label: text('label').notNull(),
    search: text('search').notNull(),
    lon: doublePrecision('lon').notNull(),
    lat: doublePrecision('lat').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.communeId, t.banId] })],
);

export type AddressRow = typeof address.$inferSelect;
