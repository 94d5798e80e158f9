/** What every route and job receives: configuration, database, queue and shared services. */
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Database } from './db/client.js';
import type { EventBus } from './events/index.js';
import type { JobQueue } from './jobs/queue.js';
import type { MailTransport } from './mail/transport.js';
import type { Contributions } from './module.js';
import type { SmsProvider } from './sms/provider.js';
import type { CommuneDirectory } from './tenancy/directory.js';

export interface AppContext {
  config: Config;
  database: Database;
  queue: JobQueue;
  /** Typed domain events: `events.emit(tx, queue, name, data)` inside the business transaction. */
  events: EventBus;
  communes: CommuneDirectory;
  mailTransport: MailTransport;
  /** The instance's SMS provider (`none` unless configured). */
  smsProvider: SmsProvider;
  logger: Logger;
  /** What the modules contribute to shared places (figures, admin links…). */
  contributions: Contributions;
}
