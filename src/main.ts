/**
 * The `guichet` command: serve | worker | migrate | demo | audit verify | adresses importer |
 * backup [verify] | restore | export | import | drill. Each has --help.
 * Exit codes: 0 success, 1 failure (e.g. a broken audit chain), 2 bad usage or configuration.
 */
import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from './config/config.js';
import { addressesImportCommand } from './modules/addresses/index.js';
import {
  backupCommand,
  drillCommand,
  exportCommand,
  importCommand,
  offlineCopyCommand,
  restoreCommand,
  verifyCommand,
} from './modules/continuity/index.js';
import { DEMO_PASSWORD, DEMO_PEOPLE, DEMO_TOTP_KEY, usesDemoTotpKey } from './modules/demo/accounts.js';
import { isEmptyInstance, seedDemo } from './modules/demo/seed.js';
import { warmUpRouting } from './modules/requests/index.js';
import { verifyAllCommunes } from './platform/audit/verify-all.js';
import { type Database, openPostgres } from './platform/db/client.js';
import { migrate } from './platform/db/migrate.js';
import { buildApp } from './platform/http/app.js';
import { MODULES } from './registry.js';
import { createLogger, createRuntime, openDatabase, PendingMigrationsError, type Runtime } from './runtime.js';

const USAGE = `Usage : guichet <commande> [options]

Commandes :
  serve          démarre le serveur web (et, en mode embarqué, les tâches de fond)
  worker         exécute les tâches de fond (mode serveur, à côté de « serve »)
  migrate        applique les migrations de la base de données
  demo           crée les communes de démonstration (Villebelle, Saint-Aubin-les-Prés)
  audit verify   vérifie l’intégrité du journal d’audit chaîné de chaque commune
  adresses importer  importe les adresses d’une commune (fichier CSV de la Base Adresse Nationale)
  backup         écrit une sauvegarde chiffrée (age) ; « backup verify » la vérifie
  restore        restaure une sauvegarde dans un dossier de données vide
  export         exporte les données d’une commune (CSV, JSON, fichiers) : réversibilité
  import         importe dans cette instance l’export chiffré d’une commune
  drill          exercice de restauration : restaure la dernière sauvegarde à part, la compare
                 au manifeste, vérifie le journal d’audit et mesure la durée

« guichet <commande> --help » détaille une commande. La configuration se fait par variables
d’environnement (voir .env.example).`;

const HELP: Record<string, string> = {
  serve: `Usage : guichet serve

Démarre Guichet sur PORT (défaut 3000), à l’adresse GUICHET_HOST (défaut 127.0.0.1).
Sans DATABASE_URL : base embarquée (PGlite) dans GUICHET_DATA_DIR (défaut ./data), migrations
appliquées automatiquement, tâches de fond dans le même processus.
Avec DATABASE_URL : PostgreSQL ; lancez « guichet migrate » avant, et « guichet worker » à côté.

Options :
  --demo   instance de démonstration (comme GUICHET_DEMO=true) : communes et comptes de
           démonstration créés sur un dossier de données vide, pages /_demo/* (boîte aux
           lettres, SMS, tâches) réservées aux administrateurs et opérateurs connectés.
           À ne jamais utiliser pour une vraie installation (mots de passe publics).`,
  worker: `Usage : guichet worker

Exécute les tâches de fond (envoi des courriels, tâches planifiées) en mode serveur
(DATABASE_URL défini). Plusieurs workers peuvent tourner en parallèle.`,
  migrate: `Usage : guichet migrate

Applique les migrations en attente. En mode serveur, se connecte avec
GUICHET_MIGRATION_DATABASE_URL (rôle propriétaire des tables), ou à défaut DATABASE_URL,
puis accorde au rôle applicatif (GUICHET_DB_APP_ROLE) les droits dont il a besoin.`,
  demo: `Usage : guichet demo

Crée les communes de démonstration qui n’existent pas encore. Rien de démonstratif n’est
jamais créé sans cette commande ou « guichet serve --demo » (GUICHET_DEMO=true). Les pages
/_demo/* n’existent que si le serveur est lancé avec --demo ou GUICHET_DEMO=true.`,
  audit: `Usage : guichet audit verify [--commune <identifiant>]

Recalcule la chaîne de hachage (SHA-256) du journal d’audit de chaque commune et signale le
premier maillon rompu. Code de sortie 1 si un journal a été altéré.`,
  adresses: `Usage : guichet adresses importer <fichier.csv> --commune <identifiant>

Importe les adresses d’une commune depuis le fichier « adresses » de la Base Adresse Nationale
(adresses-<code INSEE>.csv, téléchargé sur adresse.data.gouv.fr ; UTF-8, points-virgules). Elles
remplacent les adresses actuelles de la commune ; si le fichier est refusé, rien n’est changé.
Elles servent à la saisie des adresses des signalements (suggestions, « Utiliser ma position ») :
aucune requête ne sort de Guichet. Code de sortie 1 si le fichier est refusé.`,
  backup: `Usage : guichet backup                       (mode embarqué)
       guichet backup --type full|diff|incr   (mode serveur, pgBackRest)
       guichet backup verify <archive> --identity <clé privée>
       guichet backup offline                 (copie hors ligne de la dernière sauvegarde)

« guichet backup » écrit dans GUICHET_BACKUP_DIR (défaut <dossier de données>/sauvegardes) une
archive guichet-sauvegarde-<date>.tar : l’instantané de la base embarquée, les fichiers
(GUICHET_BLOB_STORE=fs) et un manifeste (versions, lignes et empreinte SHA-256 de chaque table,
tête du journal d’audit de chaque commune), chaque partie chiffrée avec age pour les clés
publiques de GUICHET_BACKUP_RECIPIENTS : le serveur ne peut pas relire ses sauvegardes. Une
sauvegarde interrompue ne laisse aucun fichier sous un nom de sauvegarde complète.
En mode embarqué, arrêtez « guichet serve » avant (la sauvegarde planifiée tourne dans serve).

En mode serveur, « guichet backup --type full|diff|incr » écrit la configuration de pgBackRest
(dépôt GUICHET_PGBACKREST_REPO_PATH chiffré en aes-256-cbc, rétention) et lance la sauvegarde ;
les WAL sont archivés en continu par l’archive_command de PostgreSQL, affichée à la fin.

« guichet backup verify » déchiffre chaque partie avec la clé privée (fichier créé par
age-keygen) et vérifie chaque empreinte ; sans base de données. Code de sortie 1 si une
partie est altérée ou si la clé ne convient pas (la partie est nommée).

« guichet backup offline » copie la dernière sauvegarde dans GUICHET_OFFLINE_COPY_DIR (support
amovible, montage en écriture unique) ; Guichet n’y supprime ni n’y réécrit jamais rien.`,
  restore: `Usage : guichet restore <archive> --identity <clé privée>

Restaure une sauvegarde dans le dossier de données GUICHET_DATA_DIR, qui doit être vide (la
restauration ne remplace jamais des données). Le contenu est comparé au manifeste, puis les
migrations de cette version de Guichet sont appliquées et le journal d’audit vérifié.
Pas à pas, et restauration à la main avec tar et age : docs/operations/restore.md.`,
  export: `Usage : guichet export --commune <identifiant> [--dir <dossier neuf>]

Écrit tout ce que possède une commune dans des formats ouverts : chaque table en CSV et en JSON,
ses fichiers, et un README.md des formats et des relations, pour qu’elle puisse quitter son OPSN
avec ses données. L’export ne contient rien d’une autre commune. Dossier par défaut :
<dossier de données>/exports/<identifiant>-<date>.
Avec GUICHET_BACKUP_RECIPIENTS, le dossier est aussi scellé dans <dossier>.tar : archive chiffrée
avec age, manifeste de l’empreinte SHA-256 de chaque fichier, que « guichet import » relit.`,
  import: `Usage : guichet import <archive d’export> --identity <clé privée>

Importe dans cette instance une commune exportée d’une autre (« guichet export » avec
GUICHET_BACKUP_RECIPIENTS). Tout est vérifié avant d’écrire quoi que ce soit : empreintes,
déchiffrement, manifeste, migrations. Refusé (code de sortie 1, rien d’écrit) si la commune, son
identifiant court, son code INSEE ou son nom d’hôte existe déjà ici. Les comptes des personnes ne
sont pas dans un export : chaque compte désigné devient un compte désactivé à rattacher.`,
  drill: `Usage : guichet drill [--identity <clé privée>] [--archive <fichier>]

Exercice de restauration : restaure la dernière sauvegarde de GUICHET_BACKUP_DIR dans une base
temporaire en mémoire, compare le nombre de lignes et l’empreinte de chaque table au manifeste,
vérifie la chaîne du journal d’audit de chaque commune et sa tête ancrée dans le manifeste,
vérifie que le journal en service contient encore ces têtes, mesure la durée (RTO) et
l’enregistre. Clé privée : --identity, ou GUICHET_BACKUP_IDENTITY.`,
};

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function printError(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Runs the CLI and returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    print(USAGE);
    return command ? 0 : 2;
  }
  if (!(command in HELP)) {
    printError(`Commande inconnue : ${command}\n\n${USAGE}`);
    return 2;
  }
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        commune: { type: 'string' },
        demo: { type: 'boolean' },
        identity: { type: 'string' },
        archive: { type: 'string' },
        type: { type: 'string' },
        dir: { type: 'string' },
      },
    });
  } catch (error) {
    printError(`${(error as Error).message}\n\n${HELP[command]}`);
    return 2;
  }
  if (args.values.help) {
    print(HELP[command]);
    return 0;
  }
  if (args.values.demo && command !== 'serve') {
    printError(`L’option --demo ne s’applique qu’à « guichet serve ».\n\n${HELP[command]}`);
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      printError(error.message);
      return 2;
    }
    throw error;
  }
  if (args.values.demo) config = { ...config, demo: true };
  try {
    switch (command) {
      case 'serve':
        return await serve(config);
      case 'worker':
        return await worker(config);
      case 'migrate':
        return await runMigrate(config);
      case 'demo':
        return await demo(config);
      case 'audit':
        if (args.positionals[0] !== 'verify') {
          printError(HELP.audit!);
          return 2;
        }
        return await auditVerify(config, args.values.commune as string | undefined);
      case 'adresses':
        if (args.positionals[0] !== 'importer' || !args.positionals[1] || !args.values.commune) {
          printError(HELP.adresses!);
          return 2;
        }
        return await withRuntime(config, 'producer', (runtime) =>
          addressesImportCommand(runtime, args.values.commune as string, args.positionals[1]!, print, printError),
        );
      case 'backup': {
        if (args.positionals[0] === 'verify') {
          if (!args.positionals[1] || !args.values.identity) {
            printError(HELP.backup!);
            return 2;
          }
          return await verifyCommand(args.positionals[1], args.values.identity as string, print, printError);
        }
        if (args.positionals[0] === 'offline' && args.positionals.length === 1) {
          return await withDatabase(config, (database) => offlineCopyCommand({ database, config }, print, printError));
        }
        if (args.positionals.length > 0) {
          printError(HELP.backup!);
          return 2;
        }
        return await withDatabase(config, (database) =>
          backupCommand({ database, config }, args.values.type as string | undefined, print, printError),
        );
      }
      case 'restore':
        if (!args.positionals[0] || !args.values.identity || args.positionals.length > 1) {
          printError(HELP.restore!);
          return 2;
        }
        return await restoreCommand(config, args.positionals[0], args.values.identity as string, print, printError);
      case 'export':
        if (!args.values.commune || args.positionals.length > 0) {
          printError(HELP.export!);
          return 2;
        }
        return await withDatabase(config, (database) =>
          exportCommand(
            { database, config },
            args.values.commune as string,
            args.values.dir as string | undefined,
            print,
            printError,
          ),
        );
      case 'import':
        if (args.positionals.length !== 1 || !args.values.identity) {
          printError(HELP.import!);
          return 2;
        }
        return await withDatabase(config, (database) =>
          importCommand({ database, config }, args.positionals[0]!, args.values.identity as string, print, printError),
        );
      case 'drill':
        if (args.positionals.length > 0) {
          printError(HELP.drill!);
          return 2;
        }
        return await withDatabase(config, (database) =>
          drillCommand(
            { database, config },
            {
              identityFile: args.values.identity as string | undefined,
              file: args.values.archive as string | undefined,
            },
            print,
            printError,
          ),
        );
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof PendingMigrationsError) {
      printError(error.message);
      return 2;
    }
    printError(`Erreur : ${(error as Error).message}`);
    return 1;
  }
  return 2;
}

async function withDatabase<T>(config: Config, work: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(config);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

async function withRuntime<T>(config: Config, role: 'producer' | 'worker', work: (runtime: Runtime) => Promise<T>) {
  const logger = createLogger(config);
  const database = await openDatabase(config);
  const runtime = await createRuntime(config, database, logger, role).catch(async (error) => {
    await database.close();
    throw error;
  });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

const DEMO_ROLE_LABELS: Record<string, string> = {
  citizen: 'usager',
  agent: 'agent',
  councillor: 'élu',
  mayor: 'maire',
  dgs: 'DGS',
  admin: 'administrateur',
};

function printDemoWelcome(config: Config, created: string[]): void {
  const base = config.publicUrl;
  print('');
  print(`Guichet est prêt : ${base}/`);
  if (created.length > 0) print(`Communes de démonstration créées : ${created.join(', ')}`);
  print(`  Villebelle (≈ 16 000 habitants) : ${base}/c/villebelle/`);
  print(`  Saint-Aubin-les-Prés (≈ 900 habitants, mode simple) : ${base}/c/saint-aubin-les-pres/`);
  print(
    `  Boîte aux lettres de démonstration (administrateurs et opérateurs connectés) : ${base}/c/villebelle/connexion?retour=/_demo/courriels`,
  );
  print(`  Comptes de démonstration (mot de passe ${DEMO_PASSWORD}, démonstration uniquement) :`);
  const seen = new Set<string>();
  for (const [slug, people] of Object.entries(DEMO_PEOPLE)) {
    for (const person of people) {
      if (seen.has(person.email)) continue;
      seen.add(person.email);
      const role = person.isOperator ? 'opérateur OPSN' : DEMO_ROLE_LABELS[person.role];
      const factor = usesDemoTotpKey(person) ? ' (double authentification : clé de démonstration)' : '';
      print(`    ${person.email.padEnd(42)} ${role} — connexion : ${base}/c/${slug}/connexion${factor}`);
    }
  }
  print(
    `  Clé d’application d’authentification (TOTP) des administrateurs et de l’opérateur, publique, démonstration uniquement : ${DEMO_TOTP_KEY}`,
  );
  print('');
}

/** Said loudly: a demo instance has public passwords and shows its mails to its staff. */
function printDemoBanner(): void {
  const lines = [
    'INSTANCE DE DÉMONSTRATION (GUICHET_DEMO=true ou --demo)',
    'Comptes à mot de passe public, boîte aux lettres /_demo/courriels :',
    'n’y mettez aucune donnée réelle. Une vraie installation démarre sans --demo.',
  ];
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  print('');
  print('!'.repeat(width));
  for (const line of lines) print(`! ${line.padEnd(width - 4)} !`);
  print('!'.repeat(width));
}

async function serve(config: Config): Promise<number> {
  const stopRequested = waitForSignal();
  const role = config.databaseMode === 'embedded' ? 'worker' : 'producer';
  const logger = createLogger(config);
  const database = await openDatabase(config);
  const runtime = await createRuntime(config, database, logger, role);
  let created: string[] = [];
  if (config.demo && (await isEmptyInstance(database))) {
    created = (await seedDemo(database, runtime.queue, config.publicUrl, runtime.config.secret!)).created;
  }
  const app = await buildApp(runtime, MODULES);
  // The routing model takes about a second to train: before listening, not on a citizen's message.
  warmUpRouting();
  await app.listen({ port: config.port, host: config.host });
  if (config.demo) {
    printDemoBanner();
    logger.warn('instance de démonstration : comptes à mot de passe public, pages /_demo/* actives');
    printDemoWelcome(config, created);
  } else {
    print(`Guichet écoute sur ${config.publicUrl}/`);
    if (await isEmptyInstance(database)) {
      print('Aucune commune pour l’instant. Pour essayer Guichet avec des communes de démonstration,');
      print('partez d’un dossier de données vide et lancez « npm run demo » (ou « guichet serve --demo »).');
    }
  }
  await stopRequested;
  logger.info('arrêt demandé : fin des requêtes en cours');
  await app.close();
  await runtime.close();
  return 0;
}

async function worker(config: Config): Promise<number> {
  if (config.databaseMode === 'embedded') {
    printError(
      'guichet worker sert en mode serveur (DATABASE_URL) : en mode embarqué, les tâches de fond tournent dans « guichet serve ».',
    );
    return 2;
  }
  const stopRequested = waitForSignal();
  return withRuntime(config, 'worker', async (runtime) => {
    runtime.logger.info('worker démarré');
    await stopRequested;
    runtime.logger.info('arrêt demandé : fin des tâches en cours');
    return 0;
  });
}

async function runMigrate(config: Config): Promise<number> {
  if (config.databaseMode === 'embedded') {
    const database = await openDatabase(config); // migrates on open
    await database.close();
    print('Base embarquée à jour.');
    return 0;
  }
  const pool = openPostgres(config.migrationDatabaseUrl!, config.dbAppRole, 1);
  try {
    const applied = await migrate(pool.pool, config.dbAppRole);
    print(applied.length ? `Migrations appliquées : ${applied.join(', ')}` : 'Aucune migration en attente.');
  } finally {
    await pool.close();
  }
  return 0;
}

async function demo(config: Config): Promise<number> {
  return withRuntime(config, 'producer', async (runtime) => {
    const result = await seedDemo(runtime.database, runtime.queue, config.publicUrl, runtime.config.secret!);
    if (result.skipped.length) print(`Déjà présentes : ${result.skipped.join(', ')}`);
    printDemoWelcome(config, result.created);
    return 0;
  });
}

async function auditVerify(config: Config, slug: string | undefined): Promise<number> {
  const database = await openDatabase(config);
  try {
    const results = await verifyAllCommunes(database, slug);
    if (slug && results.length === 0) {
      printError(`Commune inconnue : ${slug}`);
      return 2;
    }
    let broken = 0;
    for (const r of results) {
      if (r.firstBreak) {
        broken += 1;
        print(
          `ALTÉRÉ  ${r.slug} : premier maillon rompu à l’entrée n° ${r.firstBreak.seq} (${r.firstBreak.reason}) — ${r.entries} entrées valides avant`,
        );
      } else {
        print(`OK      ${r.slug} : ${r.entries} entrées, chaîne intègre`);
      }
    }
    return broken > 0 ? 1 : 0;
  } finally {
    await database.close();
  }
}

/**
 * Resolves at the first SIGINT or SIGTERM. The handlers stay installed, so that a second signal
 * during the graceful shutdown does not kill the process halfway (it is reported and ignored);
 * call it as early as possible so that a signal during start-up is also handled.
 */
function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        printError(`${signal} reçu : arrêt déjà en cours.`);
        return;
      }
      received = true;
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
