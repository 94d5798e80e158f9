/** Drizzle definitions of the identity tables (migrations/0002_identity.sql is the source of truth). */
import { bigint, boolean, customType, date, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { ROLES } from '../../platform/authz/roles.js';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });
const ts = (name: string) => timestamp(name, { withTimezone: true });

export const account = pgTable('account', {
  id: uuid('id').primaryKey(),
  email: text('email').notNull(),
  emailVerifiedAt: ts('email_verified_at'),
  passwordHash: text('password_hash'),
  passwordPolicyVersion: integer('password_policy_version'),
  passwordSetAt: ts('password_set_at'),
  givenName: text('given_name').notNull(),
  familyName: text('family_name').notNull(),
  birthDate: date('birth_date'),
  isOperator: boolean('is_operator').notNull(),
  mfaRequiredFrom: ts('mfa_required_from'),
  disabledAt: ts('disabled_at'),
  deletionRequestedAt: ts('deletion_requested_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastLoginAt: ts('last_login_at'),
});

export const membership = pgTable('membership', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  accountId: uuid('account_id').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  serviceIds: uuid('service_ids').array().notNull(),
  invitedBy: uuid('invited_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const session = pgTable('session', {
  id: uuid('id').primaryKey(),
  tokenHash: text('token_hash').notNull(),
  accountId: uuid('account_id').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
  expiresAt: ts('expires_at').notNull(),
  mfaVerifiedAt: ts('mfa_verified_at'),
  reauthenticatedAt: ts('reauthenticated_at'),
  authMethod: text('auth_method').notNull(),
  clientAddress: text('client_address'),
  userAgent: text('user_agent'),
  revokedAt: ts('revoked_at'),
});

export const emailToken = pgTable('email_token', {
  id: uuid('id').primaryKey(),
  tokenHash: text('token_hash').notNull(),
  purpose: text('purpose', { enum: ['verify_email', 'reset_password', 'invitation'] }).notNull(),
  accountId: uuid('account_id').notNull(),
  communeId: uuid('commune_id'),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const totpFactor = pgTable('totp_factor', {
  accountId: uuid('account_id').primaryKey(),
  secretEncrypted: text('secret_encrypted').notNull(),
  confirmedAt: ts('confirmed_at'),
  lastUsedStep: bigint('last_used_step', { mode: 'number' }),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const recoveryCode = pgTable('recovery_code', {
  id: uuid('id').primaryKey(),
  accountId: uuid('account_id').notNull(),
  codeHash: text('code_hash').notNull(),
  usedAt: ts('used_at'),
});

export const passkey = pgTable('passkey', {
  id: uuid('id').primaryKey(),
  accountId: uuid('account_id').notNull(),
  credentialId: text('credential_id').notNull(),
  publicKey: bytea('public_key').notNull(),
  counter: bigint('counter', { mode: 'number' }).notNull(),
  transports: text('transports').array().notNull(),
  name: text('name').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastUsedAt: ts('last_used_at'),
});

export const federatedIdentity = pgTable('federated_identity', {
  provider: text('provider').notNull(),
  subject: text('subject').notNull(),
  accountId: uuid('account_id').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastLoginAt: ts('last_login_at'),
});

export const apiToken = pgTable('api_token', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull(),
  scopes: text('scopes').array().notNull(),
  expiresAt: ts('expires_at').notNull(),
  revokedAt: ts('revoked_at'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastUsedAt: ts('last_used_at'),
});

export type Account = typeof account.$inferSelect;
export type Membership = typeof membership.$inferSelect;
export type Session = typeof session.$inferSelect;
