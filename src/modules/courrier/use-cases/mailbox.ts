/**
 * The commune's inbound mailbox (decision 0045): its administrators set the IMAP server, the
 * account and the folders; the password is sealed at rest (platform/secrets) under the instance's
 * master key and never shown again. None is configured by default: no connection leaves Guichet.
 * The intake job (intakeJob) reads each enabled mailbox every five minutes: every message of the
 * folder is registered (or recognised by its Message-ID), then moved to « Traités » — a refused
 * one to « Erreurs » —, so that none is registered twice even if the move is retried.
 * The server must be public (decision 0054): a host that is, or resolves to, a loopback, private
 * or link-local address is refused when saved (422) and again at each reading (the connection
 * goes to the address checked, against DNS rebinding), unless the instance allows it
 * (GUICHET_COURRIER_IMAP_ALLOW_PRIVATE=true): an administrator of a commune must not be able to
 * make Guichet connect inside the host's network.
 */
import { isIP } from 'node:net';
import { ImapFlow } from 'imapflow';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withInstance, withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { defaultLookup, resolvePublic } from '../../../platform/http/private-address.js';
import type { JobDefinition } from '../../../platform/jobs/queue.js';
import { openSecret, sealSecret } from '../../../platform/secrets/seal.js';
import { listCommunes } from '../../../platform/tenancy/communes.js';
import { canAdministerIntake } from '../policy.js';
import { deleteMailbox, findMailbox, saveMailbox, updateMailbox } from '../repo.js';
import type { Mailbox } from '../schema.js';
import { auditCourrier, type Caller, fieldError, parseInput } from './common.js';
import { processDropFolder, registerEmail } from './intake-email.js';

const PURPOSE = 'courrier-imap';
export const INTAKE_JOB = 'courrier.intake';
/** Messages read per mailbox and pass (the rest at the next pass). */
export const MESSAGES_PER_POLL = 100;
export const ERRORS_FOLDER = 'Erreurs';

const NOT_ADMIN = () =>
  new AppError('courrier.not_admin', 'not an administrator', 403, {
    userMessage: 'Seuls les administrateurs de la commune règlent la réception des courriels.',
  });

function masterKey(ctx: AppContext): Buffer {
  const key = ctx.config.signature.masterKey;
  if (!key) {
    throw fieldError(
      'mot_de_passe',
      'Le mot de passe ne peut pas être conservé chiffré : l’hébergeur doit d’abord définir GUICHET_SIGNATURE_MASTER_KEY.',
      409,
    );
  }
  return key;
}

const folderName = (empty: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? '').trim())
    .pipe(z.string().max(200, 'Le nom du dossier doit faire au plus 200 caractères.'))
    .transform((v) => v || empty);

const mailboxSchema = z.object({
  serveur: z
    .string({ error: 'Saisissez le nom du serveur IMAP.' })
    .transform((v) => v.trim().toLowerCase())
    .pipe(
      z
        .string()
        .min(1, 'Saisissez le nom du serveur IMAP, par exemple imap.exemple.fr.')
        .max(253, 'Le nom du serveur doit faire au plus 253 caractères.')
        .regex(
          /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$|^\[[0-9a-f:]+\]$/,
          'Saisissez un nom de serveur, par exemple imap.exemple.fr.',
        ),
    ),
  port: z
    .string({ error: 'Saisissez le port, par exemple 993.' })
    .transform((v) => v.trim())
    .pipe(z.string().regex(/^\d{1,5}$/, 'Saisissez le port en chiffres, par exemple 993.'))
    .transform(Number)
    .pipe(z.number().min(1, 'Le port va de 1 à 65535.').max(65535, 'Le port va de 1 à 65535.')),
  tls: z.enum(['oui', 'non'], { error: 'Indiquez si la connexion est chiffrée dès le départ (TLS).' }),
  identifiant: z
    .string({ error: 'Saisissez l’identifiant du compte.' })
    .transform((v) => v.trim())
    .pipe(
      z
        .string()
        .min(1, 'Saisissez l’identifiant du compte.')
        .max(320, 'L’identifiant doit faire au plus 320 caractères.'),
    ),
  mot_de_passe: z
    .string()
    .optional()
    .transform((v) => v ?? ''),
  dossier: folderName('INBOX'),
  dossier_traites: folderName('Traités'),
  active: z
    .string()
    .optional()
    .transform((v) => v === 'oui'),
});

/** What the settings page shows: never the password, only whether one is kept. */
export interface MailboxView {
  host: string;
  port: number;
  tls: boolean;
  username: string;
  folder: string;
  doneFolder: string;
  enabled: boolean;
  lastPolledAt: Date | null;
  lastError: string | null;
}

export function mailboxView(m: Mailbox | undefined): MailboxView | null {
  if (!m) return null;
  const { sealedPassword: _, communeId: __, updatedAt: ___, ...view } = m;
  return view;
}

const PRIVATE_HOST = (address: string) =>
  `Ce serveur est sur une adresse privée ou locale (${address}) : Guichet ne se connecte qu’à des serveurs publics. Indiquez le serveur IMAP de votre messagerie, par exemple imap.exemple.fr.`;
const UNKNOWN_HOST = 'Ce nom de serveur est inconnu : vérifiez-le, par exemple imap.exemple.fr.';

/**
 * Where to connect for `host`: its checked public addresses, or the French reason it is refused.
 * With `allowPrivate` (GUICHET_COURRIER_IMAP_ALLOW_PRIVATE), the host as typed, unchecked.
 */
export async function imapTarget(
  host: string,
  allowPrivate: boolean,
  lookup: (name: string) => Promise<string[]> = defaultLookup,
): Promise<{ ok: true; address: string } | { ok: false; message: string }> {
  if (allowPrivate) return { ok: true, address: host };
  const check = await resolvePublic(host, lookup);
  if (check.ok) return { ok: true, address: check.addresses[0]! };
  return { ok: false, message: check.reason === 'private' ? PRIVATE_HOST(check.address) : UNKNOWN_HOST };
}

export async function configureMailbox(ctx: AppContext, caller: Caller, input: unknown): Promise<void> {
  if (!canAdministerIntake(caller.actor)) throw NOT_ADMIN();
  const values = parseInput(mailboxSchema, input, 'courrier.invalid');
  // Before the transaction: a DNS answer may take seconds.
  const target = await imapTarget(values.serveur, ctx.config.courrierImapAllowPrivate);
  if (!target.ok) throw fieldError('serveur', target.message);
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    const existing = await findMailbox(tx, caller.communeId);
    if (!values.mot_de_passe && !existing) throw fieldError('mot_de_passe', 'Saisissez le mot de passe du compte.');
    if (values.mot_de_passe.length > 1000)
      throw fieldError('mot_de_passe', 'Le mot de passe doit faire au plus 1 000 caractères.');
    const sealed = values.mot_de_passe
      ? sealSecret(values.mot_de_passe, masterKey(ctx), PURPOSE)
      : existing!.sealedPassword;
    await saveMailbox(tx, {
      communeId: caller.communeId,
      host: values.serveur,
      port: values.port,
      tls: values.tls === 'oui',
      username: values.identifiant,
      sealedPassword: sealed,
      folder: values.dossier,
      doneFolder: values.dossier_traites,
      enabled: values.active,
      lastError: null,
    });
    await auditCourrier(
      tx,
      caller,
      'courrier.mailbox_configured',
      { type: 'courrier_mailbox', id: caller.communeId },
      {
        host: values.serveur,
        port: values.port,
        tls: values.tls === 'oui',
        enabled: values.active,
        passwordChanged: Boolean(values.mot_de_passe),
      },
    );
  });
}

export async function removeMailbox(ctx: AppContext, caller: Caller): Promise<void> {
  if (!canAdministerIntake(caller.actor)) throw NOT_ADMIN();
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    await deleteMailbox(tx, caller.communeId);
    await auditCourrier(
      tx,
      caller,
      'courrier.mailbox_configured',
      { type: 'courrier_mailbox', id: caller.communeId },
      {
        removed: true,
      },
    );
  });
}

/** A French sentence for what went wrong with the server (shown to the administrators). */
function describeImapError(error: unknown): string {
  const e = error as { code?: string; authenticationFailed?: boolean; responseText?: string; message?: string };
  if (e.authenticationFailed) return 'Le serveur a refusé l’identifiant ou le mot de passe.';
  if (e.code === 'ECONNREFUSED') return 'Le serveur refuse la connexion sur ce port.';
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return 'Ce nom de serveur est inconnu.';
  if (e.code === 'ETIMEDOUT' || e.code === 'ETIMEOUT') return 'Le serveur ne répond pas.';
  if (/certificate|self.signed|SSL|TLS/i.test(String(e.code ?? '') + String(e.message ?? '')))
    return 'La connexion chiffrée n’a pas pu être établie (certificat ou protocole TLS refusé).';
  if (e.responseText) return `Le serveur a répondu : ${e.responseText.slice(0, 200)}`;
  return 'La boîte aux lettres n’a pas pu être lue.';
}

async function ensureFolder(client: ImapFlow, name: string): Promise<void> {
  try {
    await client.mailboxCreate(name);
  } catch {
    // It exists already (or the server creates folders on demand): the move says otherwise.
  }
}

/**
 * Reads the commune's mailbox once: registers each message of the folder, moves it out. Returns
 * what happened; a server error is kept on the mailbox (shown to the administrators), not thrown.
 */
export async function pollMailbox(
  ctx: AppContext,
  communeId: string,
  now = new Date(),
): Promise<{ registered: number; duplicates: number; rejected: number; error: string | null }> {
  const counts = { registered: 0, duplicates: 0, rejected: 0, error: null as string | null };
  const settings = await withTenant(ctx.database, communeId, (tx) => findMailbox(tx, communeId));
  if (!settings?.enabled) return counts;
  const key = ctx.config.signature.masterKey;
  let password: string;
  try {
    if (!key) throw new Error('no master key');
    password = openSecret(settings.sealedPassword, key, PURPOSE);
  } catch {
    counts.error =
      'Le mot de passe enregistré ne peut pas être déchiffré (clé maîtresse changée ou absente) : saisissez-le à nouveau.';
    await withTenant(ctx.database, communeId, (tx) =>
      updateMailbox(tx, communeId, { lastPolledAt: now, lastError: counts.error }),
    );
    return counts;
  }
  const target = await imapTarget(settings.host, ctx.config.courrierImapAllowPrivate);
  if (!target.ok) {
    counts.error = target.message;
    await withTenant(ctx.database, communeId, (tx) =>
      updateMailbox(tx, communeId, { lastPolledAt: now, lastError: counts.error }),
    );
    return counts;
  }
  const bareHost = settings.host.replace(/^\[|\]$/g, '');
  const client = new ImapFlow({
    // The address checked (not a second DNS answer); TLS still verifies the certificate for the name.
    host: target.address,
    ...(target.address !== settings.host && !isIP(bareHost) ? { servername: settings.host } : {}),
    port: settings.port,
    secure: settings.tls,
    auth: { user: settings.username, pass: password },
    logger: false,
    connectionTimeout: 20_000,
    greetingTimeout: 15_000,
    socketTimeout: 120_000,
  });
  client.on('error', () => {
    // Reported by the awaited call that fails.
  });
  try {
    await client.connect();
    await ensureFolder(client, settings.doneFolder);
    await ensureFolder(client, ERRORS_FOLDER);
    const lock = await client.getMailboxLock(settings.folder);
    try {
      const messages = (await client.fetchAll('1:*', { uid: true, source: true })).slice(0, MESSAGES_PER_POLL);
      for (const message of messages) {
        if (!message.source) continue;
        const result = await registerEmail(
          ctx,
          communeId,
          message.source,
          { source: 'imap', fileName: `message ${message.uid} du dossier ${settings.folder}` },
          now,
        );
        if (result.outcome === 'registered') counts.registered++;
        else if (result.outcome === 'duplicate') counts.duplicates++;
        else counts.rejected++;
        await client.messageMove(
          String(message.uid),
          result.outcome === 'rejected' ? ERRORS_FOLDER : settings.doneFolder,
          {
            uid: true,
          },
        );
      }
    } finally {
      lock.release();
    }
    await client.logout();
  } catch (error) {
    counts.error = describeImapError(error);
    ctx.logger.warn({ communeId, err: (error as Error).message }, 'boîte aux lettres du courrier illisible');
    client.close();
  }
  await withTenant(ctx.database, communeId, (tx) =>
    updateMailbox(tx, communeId, { lastPolledAt: now, lastError: counts.error }),
  );
  return counts;
}

/** Every five minutes: each commune's drop folder (when GUICHET_COURRIER_DROP_DIR is set) and mailbox. */
export function intakeJob(ctx: AppContext): JobDefinition {
  return {
    name: INTAKE_JOB,
    schema: z.object({}),
    schedule: { cron: '*/5 * * * *', data: {} },
    retryLimit: 0,
    expireInSeconds: 30 * 60,
    async run() {
      for (const commune of await withInstance(ctx.database, (tx) => listCommunes(tx))) {
        try {
          if (ctx.config.courrierDropDir) await processDropFolder(ctx, commune, ctx.config.courrierDropDir);
          await pollMailbox(ctx, commune.id);
        } catch (error) {
          ctx.logger.error(
            { communeId: commune.id, err: (error as Error).message },
            'réception des courriels en échec',
          );
        }
      }
    },
  };
}
