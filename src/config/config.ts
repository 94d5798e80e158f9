/**
 * Configuration: the only module that reads process.env. Parsed and validated once at start-up;
 * the typed `Config` is then passed down explicitly.
 */
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const booleanFromEnv = z
  .enum(['1', '0', 'true', 'false', 'oui', 'non', 'yes', 'no'])
  .transform((v) => ['1', 'true', 'oui', 'yes'].includes(v));

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'doit commencer par postgres:// ou postgresql://');

/** An OpenID Connect issuer: https, or http on this machine only (tests, local identity provider). */
const oidcIssuer = z
  .url({ protocol: /^https?$/ })
  .refine((v) => {
    const url = new URL(v);
    return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  }, 'doit commencer par https:// (http:// n’est accepté que pour 127.0.0.1 ou localhost)')
  .refine((v) => !/[?#]/.test(v), 'sans paramètre ni fragment');
const oidcClientId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'caractères visibles sans espace');
const oidcClientSecret = z
  .string()
  .min(8)
  .max(500)
  .regex(/^[\x21-\x7e]+$/, 'caractères visibles sans espace');

/** An API address: https, or http on this machine only (tests, local simulators). */
const localOrHttpsUrl = z
  .url({ protocol: /^https?$/ })
  .refine((v) => {
    const url = new URL(v);
    return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  }, 'doit commencer par https:// (http:// n’est accepté que pour 127.0.0.1 ou localhost)')
  .refine((v) => !/[?#]/.test(v), 'sans paramètre ni fragment');
const visibleToken = z
  .string()
  .min(1)
  .max(500)
  .regex(/^[\x21-\x7e]+$/, 'caractères visibles sans espace');

/** Each variable with the hint printed when it is wrong. */
const HINTS: Record<string, string> = {
  PORT: 'un numéro de port entre 1 et 65535, par exemple PORT=3000',
  DATABASE_URL:
    'une URL PostgreSQL du rôle applicatif, par exemple DATABASE_URL=postgres://guichet_app:motdepasse@127.0.0.1:5432/guichet (voir docs/operations/install.md)',
  GUICHET_MIGRATION_DATABASE_URL:
    'une URL PostgreSQL du rôle propriétaire des tables, par exemple postgres://guichet_owner:motdepasse@127.0.0.1:5432/guichet',
  SMTP_URL: 'une URL smtp:// ou smtps://, par exemple SMTP_URL=smtp://utilisateur:motdepasse@relais.exemple.fr:587',
  GUICHET_DATA_DIR: 'un chemin de dossier accessible en écriture, par exemple GUICHET_DATA_DIR=./data',
  GUICHET_PUBLIC_URL: 'l’adresse publique, par exemple GUICHET_PUBLIC_URL=https://guichet.exemple.fr',
  GUICHET_SECRET: 'une chaîne aléatoire d’au moins 32 caractères, par exemple générée par `openssl rand -base64 48`',
  GUICHET_SIGNATURE_MASTER_KEY:
    'une clé de 32 octets encodée en base64, par exemple générée par `openssl rand -base64 32` (elle chiffre les clés privées de signature : conservez-la hors de la base, avec les sauvegardes)',
  GUICHET_SIGNATURE_TSA_URL:
    'l’adresse http:// ou https:// d’une autorité d’horodatage RFC 3161, par exemple https://horodatage.exemple.fr/tsa',
  GUICHET_DB_APP_ROLE:
    'le nom du rôle PostgreSQL applicatif (lettres minuscules, chiffres, _), par exemple guichet_app',
  GUICHET_LOG_LEVEL: 'un niveau parmi fatal, error, warn, info, debug, trace, silent',
  GUICHET_TRUST_PROXY:
    'true si Guichet est derrière un proxy inverse sur la même machine (nginx, HAProxy : 127.0.0.1, ::1), sinon false ; pour un proxy sur une autre machine, GUICHET_TRUSTED_PROXIES',
  GUICHET_TRUSTED_PROXIES:
    'les adresses des proxys inverses de confiance séparées par des virgules (adresses IP ou réseaux CIDR, ou loopback), par exemple GUICHET_TRUSTED_PROXIES=127.0.0.1,::1 ou 10.0.0.0/24 ; ou un nombre de proxys successifs, par exemple 1',
  GUICHET_RATE_LIMIT_PER_MINUTE: 'un nombre entier de requêtes par minute et par adresse IP, par exemple 300',
  GUICHET_ANONYMOUS_CHALLENGE_AFTER:
    'un nombre entier d’envois anonymes par adresse IP en 10 minutes avant la vérification anti-robot, par exemple 3',
  GUICHET_ANONYMOUS_BLOCK_AFTER:
    'un nombre entier d’envois anonymes par adresse IP en 10 minutes avant le refus, par exemple 10',
  GUICHET_ANONYMOUS_COMMUNE_CHALLENGE_AFTER:
    'un nombre entier d’envois anonymes par commune en 10 minutes avant la vérification anti-robot pour tous, par exemple 30',
  GUICHET_MAIL_FROM: 'une adresse d’expéditeur, par exemple "Mairie <ne-pas-repondre@exemple.fr>"',
  GUICHET_HOST: 'l’adresse d’écoute, par exemple 127.0.0.1 ou 0.0.0.0',
  GUICHET_DEMO:
    'true pour une instance de démonstration (communes de démonstration au premier démarrage, pages /_demo/*), sinon false (défaut)',
  GUICHET_FRANCECONNECT_ISSUER:
    'l’adresse de l’émetteur FranceConnect v2 donnée dans votre espace partenaire, en https, se terminant par /api/v2, par exemple https://oidc.franceconnect.gouv.fr/api/v2',
  GUICHET_FRANCECONNECT_CLIENT_ID:
    'l’identifiant client (client_id) donné par FranceConnect dans votre espace partenaire',
  GUICHET_FRANCECONNECT_CLIENT_SECRET: 'le secret client (client_secret) donné par FranceConnect, sans espace',
  GUICHET_PROCONNECT_ISSUER:
    'l’adresse de l’émetteur ProConnect donnée lors de l’inscription de votre service, en https, se terminant par /api/v2',
  GUICHET_PROCONNECT_CLIENT_ID: 'l’identifiant client (client_id) donné par ProConnect',
  GUICHET_PROCONNECT_CLIENT_SECRET: 'le secret client (client_secret) donné par ProConnect, sans espace',
  GUICHET_COURRIER_DROP_DIR:
    'un dossier dont chaque sous-dossier porte l’identifiant d’une commune (par exemple GUICHET_COURRIER_DROP_DIR=/srv/guichet/courriels, puis /srv/guichet/courriels/ma-commune/) : les fichiers .eml qui y sont déposés sont enregistrés au courrier arrivé',
  GUICHET_COURRIER_IMAP_ALLOW_PRIVATE:
    'true pour autoriser les boîtes aux lettres du courrier sur un serveur IMAP d’adresse privée ou locale (127.0.0.1, 10.x, 192.168.x, localhost…), par exemple un serveur de messagerie interne de l’hébergeur ; sinon false (par défaut : un administrateur de commune ne peut pas faire se connecter Guichet à votre réseau interne)',
  GUICHET_WEBHOOKS_ALLOW_PRIVATE:
    'true pour autoriser l’envoi des webhooks vers des adresses privées ou locales (127.0.0.1, 10.x, 192.168.x…), à réserver aux essais ; sinon false',
  GUICHET_SMS_PROVIDER:
    'none (aucun SMS, par défaut), file (SMS écrits dans le dossier de données, pour la démonstration) ou ovh (API SMS d’OVHcloud, voir docs/operations/sms.md)',
  GUICHET_PAYFIP_ENDPOINT:
    'l’adresse du service PayFiP (SOAP), par défaut https://www.tipi.budget.gouv.fr/tpa/services/securite (http:// n’est accepté que pour 127.0.0.1 ou localhost, par exemple le simulateur local)',
  GUICHET_PAYFIP_PAYMENT_URL:
    'la page de paiement PayFiP, par défaut https://www.payfip.gouv.fr/tpa/paiementws.web (http:// n’est accepté que pour 127.0.0.1 ou localhost)',
  GUICHET_ANTS_COORDINATION_URL:
    'l’adresse de l’API de coordination des rendez-vous de l’ANTS (dédoublonnage), par exemple https://api-coordination.rendezvouspasseport.ants.gouv.fr (http:// n’est accepté que pour 127.0.0.1 ou localhost, par exemple le simulateur local)',
  GUICHET_ANTS_TOKEN: 'le jeton x-rdv-opt-auth-token donné par l’ANTS à l’éditeur, sans espace',
  GUICHET_ANTS_HUB_TOKEN:
    'le jeton X-HUB-RDV-AUTH-TOKEN que l’ANTS envoie à Guichet (au moins 20 caractères visibles, sans espace)',
  GUICHET_METRICS_TOKEN:
    'un jeton d’au moins 32 caractères visibles, sans espace, que Prometheus envoie en « Authorization: Bearer », par exemple généré par `openssl rand -hex 32`',
  GUICHET_LRE_API_URL:
    'l’adresse de l’API du prestataire qualifié de lettre recommandée électronique (docs/operations/lre.md), en https:// (http:// n’est accepté que pour 127.0.0.1 ou localhost, par exemple le simulateur local)',
  GUICHET_LRE_API_TOKEN: 'la clé d’API donnée par le prestataire de lettre recommandée électronique, sans espace',
  GUICHET_SMS_OVH_ENDPOINT:
    'l’adresse de l’API OVHcloud, par défaut https://eu.api.ovh.com/1.0 (http:// n’est accepté que pour 127.0.0.1 ou localhost)',
  GUICHET_SMS_OVH_APPLICATION_KEY:
    'la clé d’application (Application Key) créée sur https://eu.api.ovh.com/createToken/',
  GUICHET_SMS_OVH_APPLICATION_SECRET: 'le secret d’application (Application Secret) donné avec la clé, sans espace',
  GUICHET_SMS_OVH_CONSUMER_KEY: 'la clé de consommateur (Consumer Key) autorisée pour POST /sms/*/jobs, sans espace',
  GUICHET_SMS_OVH_SERVICE_NAME: 'le nom du compte SMS OVHcloud, par exemple sms-ab12345-1',
  GUICHET_SMS_OVH_SENDER:
    'l’expéditeur déclaré et validé dans l’espace client OVHcloud (3 à 11 lettres ou chiffres, par exemple MAIRIE), ou vide pour un numéro court',
  GUICHET_BACKUP_DIR:
    'le dossier des sauvegardes, par exemple GUICHET_BACKUP_DIR=/var/backups/guichet (défaut : <dossier de données>/sauvegardes)',
  GUICHET_BACKUP_RECIPIENTS:
    'une ou plusieurs clés publiques age (age1…) séparées par des virgules, données par `age-keygen -y cle.txt` (voir docs/operations/restore.md)',
  GUICHET_BACKUP_IDENTITY:
    'le chemin d’un fichier de clé privée age (créé par `age-keygen -o cle.txt`), pour les exercices de restauration planifiés',
  GUICHET_OFFLINE_COPY_DIR:
    'le dossier de la copie hors ligne (support amovible, montage en écriture unique), par exemple /media/sauvegarde-hors-ligne',
  GUICHET_BACKUP_RETENTION:
    'trois nombres quotidiennes,hebdomadaires,mensuelles de sauvegardes gardées, par exemple GUICHET_BACKUP_RETENTION=7,4,12',
  GUICHET_PGBACKREST_REPO_PATH:
    'le dossier du dépôt pgBackRest, par exemple GUICHET_PGBACKREST_REPO_PATH=/var/lib/pgbackrest (voir docs/operations/restore.md)',
  GUICHET_PGBACKREST_CIPHER_PASS:
    'la phrase de passe du chiffrement du dépôt (aes-256-cbc), au moins 20 caractères, par exemple générée par `openssl rand -base64 48` ; conservez-la hors du serveur',
  GUICHET_PGBACKREST_PG_PATH: 'le dossier de données du cluster PostgreSQL, par exemple /var/lib/postgresql/15/main',
  GUICHET_PGBACKREST_PG_PORT: 'le port du cluster PostgreSQL, par exemple 5432',
  GUICHET_PGBACKREST_STANZA: 'le nom de la stanza pgBackRest (lettres, chiffres, _ et -), par exemple guichet',
  GUICHET_PGBACKREST_RETENTION: 'deux nombres complètes,différentielles de sauvegardes gardées, par exemple 2,6',
  GUICHET_PGBACKREST_COMMAND:
    'la commande qui lance pgBackRest sous l’utilisateur du cluster, par exemple « sudo -u postgres pgbackrest » (défaut : pgbackrest)',
  GUICHET_BLOB_STORE:
    'postgres (fichiers dans la base de données, par défaut), fs (un dossier, voir GUICHET_BLOB_DIR) ou s3 (stockage objet compatible S3, voir docs/operations/files.md)',
  GUICHET_BLOB_DIR:
    'un chemin de dossier accessible en écriture, par exemple GUICHET_BLOB_DIR=/var/lib/guichet/fichiers',
  GUICHET_S3_ENDPOINT:
    'l’adresse du service S3 en https, par exemple https://s3.gra.io.cloud.ovh.net (http:// n’est accepté que pour 127.0.0.1 ou localhost)',
  GUICHET_S3_BUCKET: 'le nom du compartiment (bucket), 3 à 63 lettres minuscules, chiffres, points ou tirets',
  GUICHET_S3_REGION: 'la région du service, par exemple gra, fr-par ou eu-west-3',
  GUICHET_S3_ACCESS_KEY_ID: 'l’identifiant de la clé d’accès S3, sans espace',
  GUICHET_S3_SECRET_ACCESS_KEY: 'la clé secrète S3, sans espace',
  GUICHET_S3_PREFIX:
    'un préfixe des clés dans le compartiment, par exemple guichet/ (lettres, chiffres, tirets, points, se terminant par /)',
  GUICHET_S3_PATH_STYLE:
    'true pour les adresses de la forme https://hôte/compartiment/clé (MinIO, Garage, la plupart des services compatibles, par défaut), false pour https://compartiment.hôte/clé',
};

const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  GUICHET_HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: postgresUrl.optional(),
  GUICHET_MIGRATION_DATABASE_URL: postgresUrl.optional(),
  GUICHET_DB_APP_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('guichet_app'),
  SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\//.test(v), 'doit commencer par smtp:// ou smtps://')
    .optional(),
  GUICHET_MAIL_FROM: z.string().min(3).default('Guichet <ne-pas-repondre@guichet.localhost>'),
  GUICHET_DATA_DIR: z.string().min(1).default('./data'),
  GUICHET_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  GUICHET_SECRET: z.string().min(32, 'au moins 32 caractères').optional(),
  GUICHET_SIGNATURE_MASTER_KEY: z
    .string()
    .transform((v, ctx) => {
      const key = /^[A-Za-z0-9+/_-]+=*$/.test(v) ? Buffer.from(v, 'base64') : Buffer.alloc(0);
      if (key.length !== 32) ctx.addIssue({ code: 'custom', message: '32 octets en base64' });
      return key;
    })
    .optional(),
  GUICHET_SIGNATURE_TSA_URL: z.url({ protocol: /^https?$/ }).optional(),
  GUICHET_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GUICHET_TRUST_PROXY: booleanFromEnv.optional(),
  GUICHET_TRUSTED_PROXIES: z
    .string()
    .transform((v, ctx) => {
      const list = parseTrustedProxies(v);
      if (list === undefined) {
        ctx.addIssue({ code: 'custom', message: 'adresses IP, réseaux CIDR ou nombre de proxys' });
        return z.NEVER;
      }
      return list;
    })
    .optional(),
  GUICHET_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000_000).default(600),
  GUICHET_ANONYMOUS_CHALLENGE_AFTER: z.coerce.number().int().min(0).max(1_000_000_000).default(3),
  GUICHET_ANONYMOUS_BLOCK_AFTER: z.coerce.number().int().min(1).max(1_000_000_000).default(10),
  GUICHET_ANONYMOUS_COMMUNE_CHALLENGE_AFTER: z.coerce.number().int().min(0).max(1_000_000_000).default(30),
  GUICHET_DEMO: booleanFromEnv.optional(),
  GUICHET_FRANCECONNECT_ISSUER: oidcIssuer.optional(),
  GUICHET_FRANCECONNECT_CLIENT_ID: oidcClientId.optional(),
  GUICHET_FRANCECONNECT_CLIENT_SECRET: oidcClientSecret.optional(),
  GUICHET_PROCONNECT_ISSUER: oidcIssuer.optional(),
  GUICHET_PROCONNECT_CLIENT_ID: oidcClientId.optional(),
  GUICHET_PROCONNECT_CLIENT_SECRET: oidcClientSecret.optional(),
  GUICHET_WEBHOOKS_ALLOW_PRIVATE: booleanFromEnv.default(false),
  GUICHET_SMS_PROVIDER: z.enum(['none', 'file', 'ovh']).default('none'),
  GUICHET_SMS_OVH_ENDPOINT: localOrHttpsUrl.optional(),
  GUICHET_PAYFIP_ENDPOINT: localOrHttpsUrl.optional(),
  GUICHET_PAYFIP_PAYMENT_URL: localOrHttpsUrl.optional(),
  GUICHET_ANTS_COORDINATION_URL: localOrHttpsUrl.optional(),
  GUICHET_ANTS_TOKEN: visibleToken.optional(),
  GUICHET_METRICS_TOKEN: visibleToken.min(32, 'au moins 32 caractères').optional(),
  GUICHET_ANTS_HUB_TOKEN: visibleToken.min(20, 'au moins 20 caractères').optional(),
  GUICHET_LRE_API_URL: localOrHttpsUrl.optional(),
  GUICHET_LRE_API_TOKEN: visibleToken.optional(),
  GUICHET_COURRIER_DROP_DIR: z.string().min(1).optional(),
  GUICHET_COURRIER_IMAP_ALLOW_PRIVATE: booleanFromEnv.default(false),
  GUICHET_SMS_OVH_APPLICATION_KEY: visibleToken.optional(),
  GUICHET_SMS_OVH_APPLICATION_SECRET: visibleToken.optional(),
  GUICHET_SMS_OVH_CONSUMER_KEY: visibleToken.optional(),
  GUICHET_SMS_OVH_SERVICE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'lettres, chiffres, points, tirets')
    .optional(),
  GUICHET_SMS_OVH_SENDER: z
    .string()
    .regex(/^[A-Za-z0-9 ._-]{1,20}$/, 'lettres, chiffres, espaces, points, tirets')
    .optional(),
  GUICHET_BACKUP_DIR: z.string().min(1).optional(),
  GUICHET_BACKUP_RECIPIENTS: z
    .string()
    .transform((v, ctx) => {
      const keys = v
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean);
      if (keys.length === 0 || keys.some((k) => !/^age1[02-9ac-hj-np-z]{58}$/.test(k))) {
        ctx.addIssue({ code: 'custom', message: 'clés publiques age1… séparées par des virgules' });
        return z.NEVER;
      }
      return keys;
    })
    .optional(),
  GUICHET_BACKUP_IDENTITY: z.string().min(1).optional(),
  GUICHET_OFFLINE_COPY_DIR: z.string().min(1).optional(),
  GUICHET_BACKUP_RETENTION: z
    .string()
    .regex(/^\d{1,3},\d{1,3},\d{1,3}$/, 'trois nombres séparés par des virgules')
    .transform((v) => {
      const [daily, weekly, monthly] = v.split(',').map(Number) as [number, number, number];
      return { daily, weekly, monthly };
    })
    .default({ daily: 7, weekly: 4, monthly: 12 }),
  GUICHET_PGBACKREST_REPO_PATH: z.string().min(1).optional(),
  GUICHET_PGBACKREST_CIPHER_PASS: z
    .string()
    .min(20, 'au moins 20 caractères')
    .regex(/^[^\r\n]+$/, 'sur une ligne')
    .optional(),
  GUICHET_PGBACKREST_PG_PATH: z.string().min(1).optional(),
  GUICHET_PGBACKREST_PG_PORT: z.coerce.number().int().min(1).max(65535).default(5432),
  GUICHET_PGBACKREST_STANZA: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('guichet'),
  GUICHET_PGBACKREST_RETENTION: z
    .string()
    .regex(/^\d{1,3},\d{1,3}$/, 'deux nombres séparés par une virgule')
    .transform((v) => {
      const [full, diff] = v.split(',').map(Number) as [number, number];
      return { full, diff };
    })
    .default({ full: 2, diff: 6 }),
  GUICHET_PGBACKREST_COMMAND: z.string().min(1).default('pgbackrest'),
  GUICHET_BLOB_STORE: z.enum(['postgres', 'fs', 's3']).default('postgres'),
  GUICHET_BLOB_DIR: z.string().min(1).optional(),
  GUICHET_S3_ENDPOINT: localOrHttpsUrl.optional(),
  GUICHET_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, '3 à 63 lettres minuscules, chiffres, points ou tirets')
    .optional(),
  GUICHET_S3_REGION: z
    .string()
    .regex(/^[a-z0-9-]{1,50}$/, 'lettres minuscules, chiffres, tirets')
    .optional(),
  GUICHET_S3_ACCESS_KEY_ID: visibleToken.optional(),
  GUICHET_S3_SECRET_ACCESS_KEY: visibleToken.optional(),
  GUICHET_S3_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/, 'se terminant par /')
    .optional(),
  GUICHET_S3_PATH_STYLE: booleanFromEnv.optional(),
});

export type DatabaseMode = 'embedded' | 'server';

/** false, a hop count, or trusted proxy addresses (IPs, CIDRs, proxy-addr names like loopback). */
export type TrustProxy = false | number | string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** `1` → 1 hop; `127.0.0.1, ::1, 10.0.0.0/8` → that list; undefined when something is not valid. */
export function parseTrustedProxies(value: string): number | string[] | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const hops = Number(trimmed);
    return hops >= 1 && hops <= 10 ? hops : undefined;
  }
  const entries = trimmed.split(',').map((e) => e.trim());
  if (entries.length === 0 || entries.length > 100) return undefined;
  for (const entry of entries) {
    if (PROXY_NAMES.has(entry)) continue;
    const [address, prefix, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    if (!family || rest.length > 0) return undefined;
    if (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))) {
      return undefined;
    }
  }
  return entries;
}

/** An identity provider (FranceConnect, ProConnect) as registered for this instance. */
export interface OidcProviderConfig {
  /** Issuer URL, without a trailing slash; discovery is at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export interface Config {
  port: number;
  host: string;
  /** 'embedded' = PGlite in the data directory; 'server' = PostgreSQL at DATABASE_URL. */
  databaseMode: DatabaseMode;
  databaseUrl: string | undefined;
  migrationDatabaseUrl: string | undefined;
  dbAppRole: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  dataDir: string;
  publicUrl: string;
  /** Secret used to sign cookies; in embedded mode generated into the data directory when absent. */
  secret: string | undefined;
  /**
   * The parapheur's signatures: the 32-byte master key that seals signers' private keys at rest
   * (in embedded mode generated into the data directory when absent; never logged), and the RFC
   * 3161 timestamp authority an administrator configured (none by default: no outbound call).
   */
  signature: { masterKey: Buffer | undefined; tsaUrl: string | undefined };
  logLevel: z.infer<typeof envSchema>['GUICHET_LOG_LEVEL'];
  /**
   * Which peers may set X-Forwarded-For/-Proto/-Host and X-Request-Id: false (none, default), a
   * number of hops, or a list of addresses/CIDRs (Fastify's trustProxy). Never `true`: trusting
   * every hop makes the client-written, left-most X-Forwarded-For value the client address.
   */
  trustProxy: TrustProxy;
  rateLimitPerMinute: number;
  /**
   * The spam ladder of anonymous submissions (docs/decisions/0025): per client address and per
   * commune, over 10 minutes, a proof-of-work challenge past `challengeAfter`, a refusal past
   * `blockAfter` (per address only: a commune-wide block would let an attacker close the form).
   */
  anonymousLimits: { challengeAfter: number; blockAfter: number; communeChallengeAfter: number };
  /**
   * A demo instance (demo communes on first start, /_demo/* pages for signed-in staff): only when
   * asked (GUICHET_DEMO=true, `guichet serve --demo`, `npm run demo`), in either mode.
   */
  demo: boolean;
  /** FranceConnect v2 for citizens: set only when its three variables are (no outbound call otherwise). */
  franceConnect: OidcProviderConfig | undefined;
  /** ProConnect for agents, élus and admins: set only when its three variables are. */
  proConnect: OidcProviderConfig | undefined;
  /** Webhooks may target private, loopback or link-local addresses (tests, local trials only). */
  webhooksAllowPrivate: boolean;
  /** SMS to citizens: none (default, nothing leaves), file (demo) or the OVHcloud SMS API. */
  sms: SmsConfig;
  /**
   * PayFiP's addresses (decision 0033). Nothing is sent until a commune's administrator sets its
   * PayFiP client number; the GUICHET_PAYFIP_* variables point to the local simulator in tests.
   */
  payfip: { endpoint: string; paymentUrl: string };
  /**
   * The ANTS coordination API (anti-duplicate checks of passport and identity-card appointments,
   * domain rules §9): absent unless both variables are set — then nothing is sent to the ANTS.
   */
  ants: { url: string; token: string } | undefined;
  /**
   * The bearer token of `GET /metrics` (Prometheus format, docs/operations/metrics.md): without
   * it, there is no /metrics at all.
   */
  metricsToken: string | undefined;
  /**
   * The token the ANTS sends (X-HUB-RDV-AUTH-TOKEN) when its national search calls Guichet's
   * three endpoints (/api/ants/…, docs/operations/ants.md): without it they do not exist.
   */
  antsHubToken: string | undefined;
  /**
   * The qualified provider of electronic registered letters (courrier, decision 0040): absent
   * unless both variables are set — then no registered letter leaves Guichet.
   */
  lre: { url: string; token: string } | undefined;
  /**
   * The courrier's drop folder (decision 0045): `<dir>/<commune slug>/*.eml` are registered as
   * incoming mail by the intake job; absent by default (nothing is read).
   */
  courrierDropDir: string | undefined;
  /**
   * The courrier's IMAP mailboxes may be on a private, loopback or link-local address
   * (GUICHET_COURRIER_IMAP_ALLOW_PRIVATE, decision 0054); false by default.
   */
  courrierImapAllowPrivate: boolean;
  /** Where the bytes of files go: the database (default), a directory or S3 (docs/operations/files.md). */
  blobs: BlobConfig;
  /** Backups, drills and the offline copy (docs/operations/restore.md, decision 0031). */
  continuity: ContinuityConfig;
}

export interface ContinuityConfig {
  /** Where `guichet backup` writes its archives. */
  backupDir: string;
  /** The age public keys every archive is encrypted to (the server cannot read its backups). */
  recipients: string[];
  /** A private key file for scheduled drills (optional: a drill can be given --identity). */
  identityFile: string | undefined;
  /** The offline copy's directory: written to, never deleted from nor rewritten. */
  offlineCopyDir: string | undefined;
  /** Archives kept: the newest of each of the last `daily` days, `weekly` weeks, `monthly` months. */
  retention: { daily: number; weekly: number; monthly: number };
  /** Server shape: pgBackRest (set when its repository, passphrase and data directory are). */
  pgbackrest: PgBackRestConfig | undefined;
}

export interface PgBackRestConfig {
  stanza: string;
  repoPath: string;
  cipherPass: string;
  pgPath: string;
  pgPort: number;
  retention: { full: number; diff: number };
  /** The command running pgBackRest, split on spaces (e.g. sudo -u postgres pgbackrest). */
  command: string[];
  /** Where Guichet writes pgbackrest.conf (0600) and pgBackRest's log, lock and spool directories. */
  workDir: string;
}

/** An S3-compatible bucket for the files. */
export interface S3BlobConfig {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Key prefix, '' or ending with '/'. */
  prefix: string;
  pathStyle: boolean;
}

export type BlobConfig = { store: 'postgres' } | { store: 'fs'; dir: string } | { store: 's3'; s3: S3BlobConfig };

/** The OVHcloud SMS API account (docs/operations/sms.md). */
export interface OvhSmsConfig {
  /** API root without a trailing slash, e.g. https://eu.api.ovh.com/1.0. */
  endpoint: string;
  applicationKey: string;
  applicationSecret: string;
  consumerKey: string;
  serviceName: string;
  /** A sender registered with OVHcloud; absent: a short number that accepts replies. */
  sender: string | undefined;
}

export type SmsConfig = { provider: 'none' } | { provider: 'file' } | { provider: 'ovh'; ovh: OvhSmsConfig };

/** Raised when the environment is invalid: carries one line per wrong variable, with its fix. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration invalide :\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment. Throws ConfigError naming each wrong variable and its fix. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      return `${name} : valeur invalide (${issue.message}). Attendu : ${HINTS[name] ?? 'voir .env.example'}.`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const databaseMode: DatabaseMode = e.DATABASE_URL ? 'server' : 'embedded';
  if (databaseMode === 'server' && !e.GUICHET_SECRET) {
    throw new ConfigError([
      `GUICHET_SECRET : obligatoire quand DATABASE_URL est défini. Attendu : ${HINTS.GUICHET_SECRET}.`,
    ]);
  }
  if (e.GUICHET_TRUST_PROXY === false && e.GUICHET_TRUSTED_PROXIES !== undefined) {
    throw new ConfigError([
      `GUICHET_TRUST_PROXY : vaut false alors que GUICHET_TRUSTED_PROXIES est défini. Attendu : retirez GUICHET_TRUST_PROXY (GUICHET_TRUSTED_PROXIES suffit), ou retirez GUICHET_TRUSTED_PROXIES.`,
    ]);
  }
  // GUICHET_TRUST_PROXY=true (before GUICHET_TRUSTED_PROXIES existed) trusted every hop; it now
  // means the proxy on this machine, as in the install guide (docs/operations/install.md).
  const trustProxy: TrustProxy = e.GUICHET_TRUSTED_PROXIES ?? (e.GUICHET_TRUST_PROXY ? ['loopback'] : false);
  const franceConnect = oidcProvider(
    'FRANCECONNECT',
    e.GUICHET_FRANCECONNECT_ISSUER,
    e.GUICHET_FRANCECONNECT_CLIENT_ID,
    e.GUICHET_FRANCECONNECT_CLIENT_SECRET,
  );
  const proConnect = oidcProvider(
    'PROCONNECT',
    e.GUICHET_PROCONNECT_ISSUER,
    e.GUICHET_PROCONNECT_CLIENT_ID,
    e.GUICHET_PROCONNECT_CLIENT_SECRET,
  );
  return {
    port: e.PORT,
    host: e.GUICHET_HOST,
    databaseMode,
    databaseUrl: e.DATABASE_URL,
    migrationDatabaseUrl: e.GUICHET_MIGRATION_DATABASE_URL ?? e.DATABASE_URL,
    dbAppRole: e.GUICHET_DB_APP_ROLE,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.GUICHET_MAIL_FROM,
    dataDir: path.resolve(e.GUICHET_DATA_DIR),
    publicUrl: (e.GUICHET_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    secret: e.GUICHET_SECRET,
    signature: { masterKey: e.GUICHET_SIGNATURE_MASTER_KEY, tsaUrl: e.GUICHET_SIGNATURE_TSA_URL },
    logLevel: e.GUICHET_LOG_LEVEL,
    trustProxy,
    rateLimitPerMinute: e.GUICHET_RATE_LIMIT_PER_MINUTE,
    anonymousLimits: {
      challengeAfter: e.GUICHET_ANONYMOUS_CHALLENGE_AFTER,
      blockAfter: e.GUICHET_ANONYMOUS_BLOCK_AFTER,
      communeChallengeAfter: e.GUICHET_ANONYMOUS_COMMUNE_CHALLENGE_AFTER,
    },
    demo: e.GUICHET_DEMO ?? false,
    franceConnect,
    proConnect,
    webhooksAllowPrivate: e.GUICHET_WEBHOOKS_ALLOW_PRIVATE,
    sms: smsConfig(e),
    payfip: {
      endpoint: e.GUICHET_PAYFIP_ENDPOINT ?? 'https://www.tipi.budget.gouv.fr/tpa/services/securite',
      paymentUrl: e.GUICHET_PAYFIP_PAYMENT_URL ?? 'https://www.payfip.gouv.fr/tpa/paiementws.web',
    },
    ants: antsConfig(e),
    metricsToken: e.GUICHET_METRICS_TOKEN,
    antsHubToken: e.GUICHET_ANTS_HUB_TOKEN,
    lre: lreConfig(e),
    courrierDropDir: e.GUICHET_COURRIER_DROP_DIR ? path.resolve(e.GUICHET_COURRIER_DROP_DIR) : undefined,
    courrierImapAllowPrivate: e.GUICHET_COURRIER_IMAP_ALLOW_PRIVATE,
    blobs: blobConfig(e),
    continuity: {
      backupDir: path.resolve(e.GUICHET_BACKUP_DIR ?? path.join(e.GUICHET_DATA_DIR, 'sauvegardes')),
      recipients: e.GUICHET_BACKUP_RECIPIENTS ?? [],
      identityFile: e.GUICHET_BACKUP_IDENTITY ? path.resolve(e.GUICHET_BACKUP_IDENTITY) : undefined,
      offlineCopyDir: e.GUICHET_OFFLINE_COPY_DIR ? path.resolve(e.GUICHET_OFFLINE_COPY_DIR) : undefined,
      retention: e.GUICHET_BACKUP_RETENTION,
      pgbackrest: pgbackrestConfigOf(e),
    },
  };
}

const PGBACKREST_REQUIRED = [
  'GUICHET_PGBACKREST_REPO_PATH',
  'GUICHET_PGBACKREST_CIPHER_PASS',
  'GUICHET_PGBACKREST_PG_PATH',
] as const;

/** pgBackRest: all of its three required settings, or none. */
function pgbackrestConfigOf(e: z.infer<typeof envSchema>): PgBackRestConfig | undefined {
  const given = PGBACKREST_REQUIRED.filter((k) => e[k] !== undefined);
  if (given.length === 0) return undefined;
  const missing = PGBACKREST_REQUIRED.filter((k) => e[k] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((k) => `${k} : obligatoire quand ${given[0]} est défini. Attendu : ${HINTS[k]}.`),
    );
  }
  return {
    stanza: e.GUICHET_PGBACKREST_STANZA,
    repoPath: path.resolve(e.GUICHET_PGBACKREST_REPO_PATH!),
    cipherPass: e.GUICHET_PGBACKREST_CIPHER_PASS!,
    pgPath: path.resolve(e.GUICHET_PGBACKREST_PG_PATH!),
    pgPort: e.GUICHET_PGBACKREST_PG_PORT,
    retention: e.GUICHET_PGBACKREST_RETENTION,
    command: e.GUICHET_PGBACKREST_COMMAND.split(/\s+/).filter(Boolean),
    workDir: path.resolve(path.join(e.GUICHET_DATA_DIR, 'pgbackrest')),
  };
}

const S3_REQUIRED = [
  'GUICHET_S3_ENDPOINT',
  'GUICHET_S3_BUCKET',
  'GUICHET_S3_ACCESS_KEY_ID',
  'GUICHET_S3_SECRET_ACCESS_KEY',
] as const;

/** The blob store: fs takes GUICHET_BLOB_DIR (default <data dir>/fichiers), s3 its four settings. */
function blobConfig(e: z.infer<typeof envSchema>): BlobConfig {
  const s3Given = Object.keys(e).filter((k) => k.startsWith('GUICHET_S3_'));
  if (e.GUICHET_BLOB_STORE !== 's3' && s3Given.length > 0) {
    throw new ConfigError([
      `${s3Given[0]} : défini alors que GUICHET_BLOB_STORE ne vaut pas s3. Attendu : GUICHET_BLOB_STORE=s3, ou retirez les variables GUICHET_S3_*.`,
    ]);
  }
  if (e.GUICHET_BLOB_STORE !== 'fs' && e.GUICHET_BLOB_DIR !== undefined) {
    throw new ConfigError([
      'GUICHET_BLOB_DIR : défini alors que GUICHET_BLOB_STORE ne vaut pas fs. Attendu : GUICHET_BLOB_STORE=fs, ou retirez GUICHET_BLOB_DIR.',
    ]);
  }
  if (e.GUICHET_BLOB_STORE === 'postgres') return { store: 'postgres' };
  if (e.GUICHET_BLOB_STORE === 'fs') {
    return { store: 'fs', dir: path.resolve(e.GUICHET_BLOB_DIR ?? path.join(e.GUICHET_DATA_DIR, 'fichiers')) };
  }
  const missing = S3_REQUIRED.filter((k) => e[k] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(missing.map((k) => `${k} : obligatoire quand GUICHET_BLOB_STORE=s3. Attendu : ${HINTS[k]}.`));
  }
  return {
    store: 's3',
    s3: {
      endpoint: e.GUICHET_S3_ENDPOINT!.replace(/\/+$/, ''),
      bucket: e.GUICHET_S3_BUCKET!,
      region: e.GUICHET_S3_REGION ?? 'us-east-1',
      accessKeyId: e.GUICHET_S3_ACCESS_KEY_ID!,
      secretAccessKey: e.GUICHET_S3_SECRET_ACCESS_KEY!,
      prefix: e.GUICHET_S3_PREFIX ?? '',
      pathStyle: e.GUICHET_S3_PATH_STYLE ?? true,
    },
  };
}

/** The ANTS coordination API: both its address and its token, or neither. */
function antsConfig(e: z.infer<typeof envSchema>): Config['ants'] {
  const url = e.GUICHET_ANTS_COORDINATION_URL;
  const token = e.GUICHET_ANTS_TOKEN;
  if (!url && !token) return undefined;
  if (!url || !token) {
    const missing = url ? 'GUICHET_ANTS_TOKEN' : 'GUICHET_ANTS_COORDINATION_URL';
    throw new ConfigError([
      `${missing} : obligatoire avec ${url ? 'GUICHET_ANTS_COORDINATION_URL' : 'GUICHET_ANTS_TOKEN'}. Attendu : ${HINTS[missing]}.`,
    ]);
  }
  return { url: url.replace(/\/+$/, ''), token };
}

/** The electronic registered letter provider: both its address and its key, or neither. */
function lreConfig(e: z.infer<typeof envSchema>): Config['lre'] {
  const url = e.GUICHET_LRE_API_URL;
  const token = e.GUICHET_LRE_API_TOKEN;
  if (!url && !token) return undefined;
  if (!url || !token) {
    const missing = url ? 'GUICHET_LRE_API_TOKEN' : 'GUICHET_LRE_API_URL';
    throw new ConfigError([
      `${missing} : obligatoire avec ${url ? 'GUICHET_LRE_API_URL' : 'GUICHET_LRE_API_TOKEN'}. Attendu : ${HINTS[missing]}.`,
    ]);
  }
  return { url: url.replace(/\/+$/, ''), token };
}

const OVH_REQUIRED = [
  'GUICHET_SMS_OVH_APPLICATION_KEY',
  'GUICHET_SMS_OVH_APPLICATION_SECRET',
  'GUICHET_SMS_OVH_CONSUMER_KEY',
  'GUICHET_SMS_OVH_SERVICE_NAME',
] as const;

/** The SMS provider: OVHcloud needs its four credentials; they are refused with another provider. */
function smsConfig(e: z.infer<typeof envSchema>): SmsConfig {
  const given = Object.keys(e).filter((k) => k.startsWith('GUICHET_SMS_OVH_'));
  if (e.GUICHET_SMS_PROVIDER !== 'ovh') {
    if (given.length > 0) {
      throw new ConfigError([
        `${given[0]} : défini alors que GUICHET_SMS_PROVIDER ne vaut pas ovh. Attendu : GUICHET_SMS_PROVIDER=ovh, ou retirez les variables GUICHET_SMS_OVH_*.`,
      ]);
    }
    return { provider: e.GUICHET_SMS_PROVIDER };
  }
  const missing = OVH_REQUIRED.filter((k) => e[k] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((k) => `${k} : obligatoire quand GUICHET_SMS_PROVIDER=ovh. Attendu : ${HINTS[k]}.`),
    );
  }
  return {
    provider: 'ovh',
    ovh: {
      endpoint: (e.GUICHET_SMS_OVH_ENDPOINT ?? 'https://eu.api.ovh.com/1.0').replace(/\/+$/, ''),
      applicationKey: e.GUICHET_SMS_OVH_APPLICATION_KEY!,
      applicationSecret: e.GUICHET_SMS_OVH_APPLICATION_SECRET!,
      consumerKey: e.GUICHET_SMS_OVH_CONSUMER_KEY!,
      serviceName: e.GUICHET_SMS_OVH_SERVICE_NAME!,
      sender: e.GUICHET_SMS_OVH_SENDER?.trim() || undefined,
    },
  };
}

/** A provider is enabled when its three variables are set; some but not all is an error. */
function oidcProvider(
  name: 'FRANCECONNECT' | 'PROCONNECT',
  issuer: string | undefined,
  clientId: string | undefined,
  clientSecret: string | undefined,
): OidcProviderConfig | undefined {
  const values = { ISSUER: issuer, CLIENT_ID: clientId, CLIENT_SECRET: clientSecret };
  const missing = Object.entries(values).filter(([, v]) => v === undefined);
  if (missing.length === 3) return undefined;
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map(([key]) => {
        const variable = `GUICHET_${name}_${key}`;
        return `${variable} : obligatoire quand une autre variable GUICHET_${name}_* est définie. Attendu : ${HINTS[variable]}.`;
      }),
    );
  }
  return { issuer: issuer!.replace(/\/+$/, ''), clientId: clientId!, clientSecret: clientSecret! };
}
