/**
 * Encryption of backup parts with the `age` command (Debian package `age`, age-encryption.org):
 * to one or more public keys (`age1…`), so that the server writes backups it cannot read; the
 * private key (identity file) is needed only to verify, drill or restore. Each call runs the
 * binary on files (no secret on the command line: recipients are public, identities are files).
 */
import { spawn } from 'node:child_process';

export const AGE_BINARY = process.env.GUICHET_AGE_BINARY ?? 'age';

/** A French error of the backup machinery, naming the part concerned when there is one. */
export class BackupError extends Error {
  override name = 'BackupError';
  constructor(
    message: string,
    readonly part?: string,
  ) {
    super(message);
  }
}

const RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

/** An age X25519 public key (the only kind accepted in configuration: SSH keys are refused). */
export function isAgeRecipient(value: string): boolean {
  return RECIPIENT.test(value);
}

function run(args: string[], part: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(AGE_BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', (error) =>
      reject(
        new BackupError(
          `Le programme age est introuvable (${(error as Error).message}) : installez le paquet Debian « age ».`,
          part,
        ),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(ageFailure(stderr, part));
    });
  });
}

/** Maps age's (English) diagnostics to a French message naming the part. */
function ageFailure(stderr: string, part: string): BackupError {
  const detail = stderr.replace(/\s+/g, ' ').trim();
  if (/no identity matched/i.test(stderr)) {
    return new BackupError(
      `La clé fournie ne déchiffre pas la partie « ${part} » : cette sauvegarde a été chiffrée pour d’autres clés publiques. Utilisez la clé privée correspondant à l’une des clés de GUICHET_BACKUP_RECIPIENTS.`,
      part,
    );
  }
  if (/failed to read identit|no identities found|failed to open identity/i.test(stderr)) {
    return new BackupError(`Le fichier de clé privée est illisible ou ne contient aucune clé age (${detail}).`, part);
  }
  if (/header|payload|authenticate|chunk|unexpected EOF|malformed|premature/i.test(stderr)) {
    return new BackupError(
      `La partie « ${part} » est altérée : son déchiffrement authentifié échoue (${detail}). Cette sauvegarde ne peut pas être restaurée telle quelle ; utilisez-en une autre.`,
      part,
    );
  }
  return new BackupError(`age a échoué sur la partie « ${part} » : ${detail || 'erreur inconnue'}.`, part);
}

/** Encrypts `input` into `output` for every recipient. */
export function encryptFile(input: string, output: string, recipients: readonly string[], part: string): Promise<void> {
  if (recipients.length === 0) {
    return Promise.reject(
      new BackupError(
        'Aucune clé publique de chiffrement : définissez GUICHET_BACKUP_RECIPIENTS (une ou plusieurs clés age1…, séparées par des virgules).',
      ),
    );
  }
  const args = recipients.flatMap((r) => ['-r', r]);
  return run([...args, '-o', output, input], part);
}

/** Decrypts `input` into `output` with the private key in `identityFile`. */
export function decryptFile(input: string, output: string, identityFile: string, part: string): Promise<void> {
  return run(['-d', '-i', identityFile, '-o', output, input], part);
}
