/**
 * Composition root: opens the database for the configured mode, checks it, and builds the
 * shared services (queue, mail transport, SMS provider, commune directory, blob store). Used by every CLI command.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { Config } from './config/config.js';
import { ConfigError } from './config/config.js';
import type { AppContext } from './platform/context.js';
import { assumeAppRole, type Database, embeddedDatabaseDir, openPglite, openPostgres } from './platform/db/client.js';
import { migrate, pendingMigrations } from './platform/db/migrate.js';
import { EventBus } from './platform/events/index.js';
import { createBlobBackend } from './platform/files/create-blob-store.js';
import { loggerOptions } from './platform/http/logger.js';
import { platformJobs } from './platform/jobs/platform-jobs.js';
import { type JobDefinition, JobQueue, type QueueRole } from './platform/jobs/queue.js';
import { createMailTransport } from './platform/mail/transport.js';
import { Contributions } from './platform/module.js';
import { createSmsProvider } from './platform/sms/provider.js';
import { CommuneDirectory } from './platform/tenancy/directory.js';
import { MODULES } from './registry.js';

export interface Runtime extends AppContext {
  close(): Promise<void>;
}

export function createLogger(config: Config): Logger {
  return pino(loggerOptions(config.logLevel));
}

/** The cookie-signing secret: GUICHET_SECRET, or in embedded mode one generated once in the data dir. */
export function resolveSecret(config: Config): string {
  if (config.secret) return config.secret;
  const file = path.join(config.dataDir, 'secret.key');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(config.dataDir, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}

/**
 * Refuses an application login that could bypass Row-Level Security: superuser, BYPASSRLS, or
 * owner of the tables (FORCE RLS applies to owners, but an owner may disable it).
 */
export async function assertUnprivilegedRole(database: Database): Promise<void> {
  const { rows } = await database.pool.query<{ user: string; rolsuper: boolean; rolbypassrls: boolean; owned: string }>(
    `SELECT current_user AS user, r.rolsuper, r.rolbypassrls,
            (SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user) AS owned
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const role = rows[0];
  if (!role) return;
  const problems: string[] = [];
  if (role.rolsuper) problems.push('est superutilisateur');
  if (role.rolbypassrls) problems.push('a l’attribut BYPASSRLS');
  if (Number(role.owned) > 0) problems.push('est propriétaire des tables');
  if (problems.length > 0) {
    throw new ConfigError([
      `DATABASE_URL : le rôle « ${role.user} » ${problems.join(', ')} ; l’isolation entre communes exige un rôle applicatif sans ces droits. ` +
        'Connectez Guichet avec le rôle applicatif (GUICHET_DB_APP_ROLE, par défaut guichet_app) et gardez le rôle propriétaire pour GUICHET_MIGRATION_DATABASE_URL (voir docs/operations/install.md).',
    ]);
  }
}

/** Raised when the server database is behind the code: the operator must run `guichet migrate`. */
export class PendingMigrationsError extends Error {
  override name = 'PendingMigrationsError';
}

/** Opens the database: embedded = PGlite, migrated automatically; server = PostgreSQL, checked. */
export async function openDatabase(config: Config): Promise<Database> {
  if (config.databaseMode === 'embedded') {
    const database = await openPglite(embeddedDatabaseDir(config), config.dbAppRole);
    await migrate(database.pool, config.dbAppRole);
    await assumeAppRole(database);
    return database;
  }
  const database = openPostgres(config.databaseUrl!, config.dbAppRole);
  try {
    await assertUnprivilegedRole(database);
    const pending = await pendingMigrations(database.pool).catch(() => ['(schéma absent)']);
    if (pending.length > 0) {
      throw new PendingMigrationsError(
        `La base de données n’est pas à jour (migrations en attente : ${pending.join(', ')}). Lancez d’abord : guichet migrate`,
      );
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/** Builds the runtime around an open database. The queue is started in the given role. */
export async function createRuntime(
  config: Config,
  database: Database,
  logger: Logger,
  queueRole: QueueRole,
  extraJobs: JobDefinition[] = [],
): Promise<Runtime> {
  const mailTransport = createMailTransport(config);
  const communes = new CommuneDirectory(database);
  const queue = new JobQueue(database, logger, config.databaseUrl);
  const smsProvider = createSmsProvider(config);
  database.blobs = await createBlobBackend(config.blobs);
  const base = {
    config: { ...config, secret: resolveSecret(config) },
    database,
    communes,
    mailTransport,
    smsProvider,
    logger,
    contributions: new Contributions(MODULES),
    events: new EventBus(),
  };
  // Jobs get the queue too (at run time), to queue mails through the outbox.
  const jobContext = { ...base, queue };
  base.events.register(MODULES.flatMap((m) => m.subscribers?.(jobContext) ?? []));
  const jobs = [
    ...platformJobs(base),
    ...MODULES.flatMap((m) => m.jobs?.(jobContext) ?? []),
    ...base.events.jobs(),
    ...extraJobs,
  ];
  for (const job of jobs) queue.register(job);
  await queue.start(queueRole);
  return {
    ...base,
    queue,
    async close() {
      await queue.stop();
      mailTransport.close();
      await database.blobs?.close?.();
      await database.close();
    },
  };
}
