import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to the embedded database, port 3000, ./data, without the demo', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseMode: 'embedded',
      databaseUrl: undefined,
      dbAppRole: 'guichet_app',
      publicUrl: 'http://localhost:3000',
      demo: false,
      trustProxy: false,
    });
    expect(config.dataDir).toMatch(/\/data$/);
  });

  it('switches to server mode with DATABASE_URL, without demo unless asked', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://guichet_app@db/guichet',
      GUICHET_SECRET: 'x'.repeat(40),
    });
    expect(config).toMatchObject({
      databaseMode: 'server',
      demo: false,
      migrationDatabaseUrl: 'postgres://guichet_app@db/guichet',
    });
    expect(
      loadConfig({ DATABASE_URL: 'postgres://a@b/c', GUICHET_SECRET: 'x'.repeat(40), GUICHET_DEMO: 'oui' }).demo,
    ).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT', 'PORT=3000'],
    [{ PORT: '70000' }, 'PORT', 'entre 1 et 65535'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', 'postgres://'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL', 'smtp://'],
    [{ GUICHET_SECRET: 'court' }, 'GUICHET_SECRET', '32 caractères'],
    [{ DATABASE_URL: 'postgres://a@b/c' }, 'GUICHET_SECRET', 'obligatoire quand DATABASE_URL'],
    [{ GUICHET_TRUST_PROXY: 'peut-être' }, 'GUICHET_TRUST_PROXY', 'true si Guichet est derrière'],
    [{ GUICHET_DB_APP_ROLE: 'Robert"; DROP' }, 'GUICHET_DB_APP_ROLE', 'rôle PostgreSQL'],
    [{ GUICHET_PUBLIC_URL: 'ftp://x' }, 'GUICHET_PUBLIC_URL', 'https://guichet.exemple.fr'],
    [{ GUICHET_SMS_PROVIDER: 'twilio' }, 'GUICHET_SMS_PROVIDER', 'none (aucun SMS, par défaut)'],
    [{ GUICHET_SMS_PROVIDER: 'ovh' }, 'GUICHET_SMS_OVH_APPLICATION_KEY', 'obligatoire quand GUICHET_SMS_PROVIDER=ovh'],
    [{ GUICHET_SMS_OVH_SERVICE_NAME: 'sms-ab12345-1' }, 'GUICHET_SMS_OVH_SERVICE_NAME', 'GUICHET_SMS_PROVIDER=ovh'],
    [
      { GUICHET_SMS_OVH_ENDPOINT: 'http://api.exemple.fr/1.0' },
      'GUICHET_SMS_OVH_ENDPOINT',
      'https://eu.api.ovh.com/1.0',
    ],
    [{ GUICHET_BLOB_STORE: 'disque' }, 'GUICHET_BLOB_STORE', 'postgres (fichiers dans la base de données, par défaut)'],
    [{ GUICHET_BLOB_STORE: 's3' }, 'GUICHET_S3_ENDPOINT', 'obligatoire quand GUICHET_BLOB_STORE=s3'],
    [{ GUICHET_S3_BUCKET: 'guichet' }, 'GUICHET_S3_BUCKET', 'GUICHET_BLOB_STORE=s3'],
    [{ GUICHET_BLOB_DIR: '/srv/fichiers' }, 'GUICHET_BLOB_DIR', 'GUICHET_BLOB_STORE=fs'],
    [
      { GUICHET_BLOB_STORE: 's3', GUICHET_S3_ENDPOINT: 'http://s3.exemple.fr' },
      'GUICHET_S3_ENDPOINT',
      'https://s3.gra.io.cloud.ovh.net',
    ],
    [{ GUICHET_BLOB_STORE: 's3', GUICHET_S3_BUCKET: 'Mon_Bucket' }, 'GUICHET_S3_BUCKET', 'compartiment'],
  ])('rejects %j naming %s and how to fix it', (env, variable, hint) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`${variable} :`);
    expect((error as ConfigError).message).toContain(hint);
  });

  it('sends no SMS by default, and reads the OVHcloud account when asked', () => {
    expect(loadConfig({}).sms).toEqual({ provider: 'none' });
    expect(loadConfig({ GUICHET_SMS_PROVIDER: 'file' }).sms).toEqual({ provider: 'file' });
    expect(
      loadConfig({
        GUICHET_SMS_PROVIDER: 'ovh',
        GUICHET_SMS_OVH_APPLICATION_KEY: 'ak',
        GUICHET_SMS_OVH_APPLICATION_SECRET: 'as',
        GUICHET_SMS_OVH_CONSUMER_KEY: 'ck',
        GUICHET_SMS_OVH_SERVICE_NAME: 'sms-ab12345-1',
      }).sms,
    ).toEqual({
      provider: 'ovh',
      ovh: {
        endpoint: 'https://eu.api.ovh.com/1.0',
        applicationKey: 'ak',
        applicationSecret: 'as',
        consumerKey: 'ck',
        serviceName: 'sms-ab12345-1',
        sender: undefined,
      },
    });
  });

  it('sends no electronic registered letter by default; the provider needs its address and its key', () => {
    expect(loadConfig({}).lre).toBeUndefined();
    expect(
      loadConfig({ GUICHET_LRE_API_URL: 'https://lre.exemple.fr/', GUICHET_LRE_API_TOKEN: 'cle-secrete' }).lre,
    ).toEqual({ url: 'https://lre.exemple.fr', token: 'cle-secrete' });
    expect(() => loadConfig({ GUICHET_LRE_API_URL: 'https://lre.exemple.fr' })).toThrow(/GUICHET_LRE_API_TOKEN/);
    expect(() => loadConfig({ GUICHET_LRE_API_URL: 'http://lre.exemple.fr', GUICHET_LRE_API_TOKEN: 'k' })).toThrow(
      ConfigError,
    );
  });

  it('keeps files in the database by default, and reads the directory or the S3 bucket when asked', () => {
    expect(loadConfig({}).blobs).toEqual({ store: 'postgres' });
    expect(loadConfig({ GUICHET_DATA_DIR: '/srv/guichet', GUICHET_BLOB_STORE: 'fs' }).blobs).toEqual({
      store: 'fs',
      dir: '/srv/guichet/fichiers',
    });
    expect(
      loadConfig({
        GUICHET_BLOB_STORE: 's3',
        GUICHET_S3_ENDPOINT: 'https://s3.gra.io.cloud.ovh.net/',
        GUICHET_S3_BUCKET: 'guichet-fichiers',
        GUICHET_S3_REGION: 'gra',
        GUICHET_S3_ACCESS_KEY_ID: 'cle',
        GUICHET_S3_SECRET_ACCESS_KEY: 'secret',
      }).blobs,
    ).toEqual({
      store: 's3',
      s3: {
        endpoint: 'https://s3.gra.io.cloud.ovh.net',
        bucket: 'guichet-fichiers',
        region: 'gra',
        accessKeyId: 'cle',
        secretAccessKey: 'secret',
        prefix: '',
        pathStyle: true,
      },
    });
  });

  it('ignores empty variables, as a shell would leave them', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).databaseMode).toBe('embedded');
  });
});

describe('continuity settings', () => {
  const key = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

  it('defaults: backups under the data dir, no key, retention 7 days, 4 weeks, 12 months', () => {
    const { continuity } = loadConfig({ GUICHET_DATA_DIR: '/srv/guichet' });
    expect(continuity).toMatchObject({
      backupDir: '/srv/guichet/sauvegardes',
      recipients: [],
      offlineCopyDir: undefined,
      retention: { daily: 7, weekly: 4, monthly: 12 },
      pgbackrest: undefined,
    });
  });

  it('reads several age public keys and a pgBackRest repository', () => {
    const { continuity } = loadConfig({
      GUICHET_BACKUP_RECIPIENTS: `${key}, ${key}`,
      GUICHET_BACKUP_RETENTION: '14,8,24',
      GUICHET_PGBACKREST_REPO_PATH: '/var/lib/pgbackrest',
      GUICHET_PGBACKREST_CIPHER_PASS: 'x'.repeat(24),
      GUICHET_PGBACKREST_PG_PATH: '/var/lib/postgresql/15/main',
      GUICHET_PGBACKREST_COMMAND: 'sudo -u postgres pgbackrest',
    });
    expect(continuity.recipients).toEqual([key, key]);
    expect(continuity.retention).toEqual({ daily: 14, weekly: 8, monthly: 24 });
    expect(continuity.pgbackrest).toMatchObject({
      stanza: 'guichet',
      pgPort: 5432,
      command: ['sudo', '-u', 'postgres', 'pgbackrest'],
    });
  });

  it.each([
    [{ GUICHET_BACKUP_RECIPIENTS: 'ssh-ed25519 AAAA' }, 'GUICHET_BACKUP_RECIPIENTS', 'age-keygen -y'],
    [{ GUICHET_BACKUP_RETENTION: '7,4' }, 'GUICHET_BACKUP_RETENTION', 'quotidiennes,hebdomadaires,mensuelles'],
    [
      { GUICHET_PGBACKREST_REPO_PATH: '/r' },
      'GUICHET_PGBACKREST_CIPHER_PASS',
      'obligatoire quand GUICHET_PGBACKREST_REPO_PATH',
    ],
    [{ GUICHET_PGBACKREST_CIPHER_PASS: 'courte' }, 'GUICHET_PGBACKREST_CIPHER_PASS', 'au moins 20 caractères'],
  ])('refuses %o naming %s', (env, variable, hint) => {
    const error = (() => {
      try {
        loadConfig(env as Record<string, string>);
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(variable);
    expect(error.message).toContain(hint);
  });
});
