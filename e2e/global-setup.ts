/**
 * Starts `node bin/guichet.js serve` once for the whole e2e run: a free port, a fresh temporary
 * data directory (empty PGlite, `--demo`: demo communes created, welcome mails written as .eml files), and
 * stops it (SIGTERM) at the end. Builds nothing: `npm run test:e2e` runs `npm run build` first.
 *
 * Before the server, two local OpenID Connect providers (src/test/oidc-provider.ts) stand in for
 * FranceConnect and ProConnect on 127.0.0.1; the server is configured with both. They live in
 * this process while the tests run in a worker: a small control endpoint (also on 127.0.0.1)
 * lets a test say who signs in at a provider next (`actAtProvider` in support.ts).
 *
 * A local simulator of the ANTS coordination API (src/test/ants-simulator.ts) answers the
 * server's checks of passport pre-application numbers; its own control endpoint lets a test
 * create a pre-application and read what the server declared there (`antsApplication` in
 * support.ts).
 *
 * A local simulator of a qualified provider of electronic registered letters
 * (src/test/lre-simulator.ts) takes the courrier's registered replies; its control endpoint lets
 * a test deliver a letter as its recipient would, and read what the provider received
 * (`deliverLre`, `lreLetters` in support.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { listMailbox } from '../src/modules/demo/mailbox.js';
import type { AntsStatus } from '../src/platform/ants/coordination.js';
import { type AntsSimulator, startAntsSimulator } from '../src/test/ants-simulator.js';
import { type LreSimulator, startLreSimulator } from '../src/test/lre-simulator.js';
import { startTestIdp, type TestIdp, type TestIdpUser } from '../src/test/oidc-provider.js';
import { E2E_PROVIDERS, type E2eProvider } from './context.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const READY = /Guichet est prêt : (\S+?)\/?\s*$/m;
const START_TIMEOUT_MS = 90_000;
const WELCOME_MAILS_TIMEOUT_MS = 30_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitForReady(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`guichet serve n’a pas démarré en ${START_TIMEOUT_MS / 1000} s.\n${output()}`));
    }, START_TIMEOUT_MS);
    const onData = () => {
      const match = READY.exec(output());
      if (match?.[1]) {
        cleanup();
        resolve(match[1].replace(/\/$/, ''));
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanup();
      reject(new Error(`guichet serve s’est arrêté au démarrage (code ${code}, signal ${signal}).\n${output()}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.on('exit', onExit);
  });
}

/**
 * The two welcome mails are sent by the background worker shortly after start: wait for them,
 * reading the .eml files of the data directory (the mailbox page is for signed-in staff).
 */
async function waitForWelcomeMails(dataDir: string): Promise<void> {
  const deadline = Date.now() + WELCOME_MAILS_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const mails = await listMailbox(path.join(dataDir, 'mail'));
    if (mails.filter((m) => m.subject.startsWith('Bienvenue sur le guichet numérique de')).length >= 2) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  // Not fatal here: the mailbox test reports what is missing.
  console.warn(`e2e : les deux courriels de bienvenue ne sont pas arrivés en ${WELCOME_MAILS_TIMEOUT_MS / 1000} s.`);
}

const COMMUNE_SLUGS = ['villebelle', 'saint-aubin-les-pres'];
const CLIENTS: Record<E2eProvider, { clientId: string; clientSecret: string }> = {
  franceconnect: { clientId: 'guichet-e2e-franceconnect', clientSecret: 'secret-e2e-franceconnect' },
  proconnect: { clientId: 'guichet-e2e-proconnect', clientSecret: 'secret-e2e-proconnect' },
};

/** One provider per flavour, knowing Guichet's return URLs on `publicUrl`. */
async function startProviders(publicUrl: string): Promise<Record<E2eProvider, TestIdp>> {
  const started: Partial<Record<E2eProvider, TestIdp>> = {};
  try {
    for (const provider of E2E_PROVIDERS) {
      started[provider] = await startTestIdp({
        flavour: provider,
        clients: [
          {
            ...CLIENTS[provider],
            redirectUris: COMMUNE_SLUGS.map((slug) => `${publicUrl}/c/${slug}/connexion/${provider}/retour`),
            postLogoutRedirectUris: COMMUNE_SLUGS.map(
              (slug) => `${publicUrl}/c/${slug}/deconnexion/${provider}/retour`,
            ),
          },
        ],
      });
    }
  } catch (error) {
    await Promise.all(Object.values(started).map((idp) => idp.close()));
    throw error;
  }
  return started as Record<E2eProvider, TestIdp>;
}

/** The whole body of a small control request, as text. */
function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/** A control server on 127.0.0.1 answering with `handle` (404 when it returns false). */
async function startControl(
  handle: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => boolean,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    readBody(req).then(
      (body) => {
        try {
          if (!handle(req, res, body)) res.writeHead(404).end();
        } catch (error) {
          res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(String(error));
        }
      },
      () => res.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * `POST /<provider>/suivant` with a JSON body — a TestIdpUser, or the string "refuse" — sets who
 * the provider signs in at its next interaction (or that the person cancels there).
 */
function startProviderControl(providers: Record<E2eProvider, TestIdp>) {
  return startControl((req, res, body) => {
    const provider = /^\/(franceconnect|proconnect)\/suivant$/.exec(req.url ?? '')?.[1] as E2eProvider | undefined;
    if (req.method !== 'POST' || !provider) return false;
    const next = JSON.parse(body) as TestIdpUser | 'refuse';
    if (next !== 'refuse' && (typeof next !== 'object' || next === null || typeof next.sub !== 'string')) {
      throw new Error('attendu : "refuse" ou un objet { sub, claims, amr?, acr? }');
    }
    providers[provider].actAs(next);
    res.writeHead(204).end();
    return true;
  });
}

const ANTS_STATUSES: readonly AntsStatus[] = ['validated', 'declared', 'expired', 'consumed', 'unknown'];

/**
 * `PUT /dossiers/<numéro>` with a JSON status ("validated"…) creates or sets a pre-application at
 * the ANTS simulator; `GET /dossiers/<numéro>` answers the appointments declared for it.
 */
function startAntsControl(ants: AntsSimulator) {
  return startControl((req, res, body) => {
    const id = /^\/dossiers\/([A-Z0-9]{10})$/.exec(req.url ?? '')?.[1];
    if (!id) return false;
    if (req.method === 'PUT') {
      const status = JSON.parse(body) as AntsStatus;
      if (!ANTS_STATUSES.includes(status)) throw new Error(`attendu : un de ${ANTS_STATUSES.join(', ')}`);
      ants.seed(id, status);
      res.writeHead(204).end();
      return true;
    }
    if (req.method !== 'GET') return false;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(ants.appointmentsOf(id)));
    return true;
  });
}

/**
 * `GET /envois` answers the letters the simulated LRE provider received (without their PDF);
 * `POST /envois/<id>/remise` has the recipient accept one (its proof of receipt is then issued).
 */
function startLreControl(lre: LreSimulator) {
  return startControl((req, res) => {
    if (req.method === 'GET' && req.url === '/envois') {
      const letters = lre.letters.map(({ document: _document, ...letter }) => letter);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(letters));
      return true;
    }
    const id = /^\/envois\/(LRE-\d{6})\/remise$/.exec(req.url ?? '')?.[1];
    if (req.method !== 'POST' || !id) return false;
    lre.deliver(id);
    res.writeHead(204).end();
    return true;
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export default async function setup(project: TestProject) {
  if (!existsSync(path.join(ROOT, 'dist', 'cli.js')) || !existsSync(path.join(ROOT, 'public', 'build', 'css'))) {
    throw new Error('dist/ ou public/build/ manquant : lancez « npm run test:e2e » (qui exécute « npm run build »).');
  }
  const port = await freePort();
  // The server's default public URL (GUICHET_PUBLIC_URL is unset below): the providers send the
  // browser back there.
  const providers = await startProviders(`http://localhost:${port}`);
  const control = await startProviderControl(providers);
  const ants = await startAntsSimulator();
  const antsControl = await startAntsControl(ants);
  const lre = await startLreSimulator();
  const lreControl = await startLreControl(lre);
  const closeProviders = async () => {
    await Promise.all([control.close(), antsControl.close(), ants.close(), lreControl.close(), lre.close()]);
    await Promise.all(Object.values(providers).map((idp) => idp.close()));
  };
  const dataDir = await mkdtemp(path.join(tmpdir(), 'guichet-e2e-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    GUICHET_DATA_DIR: dataDir,
    GUICHET_LOG_LEVEL: 'warn',
    // The whole suite comes from one IP in a minute or two; the default (600/min) is for people.
    GUICHET_RATE_LIMIT_PER_MINUTE: '100000',
    // Each test file is its own client: its browser contexts send an X-Forwarded-For address of
    // their own (newContext in support.ts), as phones in the street have addresses of their own,
    // so the spam ladder's per-address counters of one file never reach into the next. Trusted from
    // loopback only, as behind the install guide's reverse proxy.
    GUICHET_TRUSTED_PROXIES: 'loopback',
    // The suite sends a few hundred anonymous forms to Villebelle in minutes; the commune-wide
    // threshold (30 in 10 minutes) would make every later file pay the proof of work. The
    // per-address ladder stays at its defaults, and src/platform/antispam tests the commune one.
    GUICHET_ANONYMOUS_COMMUNE_CHALLENGE_AFTER: '100000',
    // http is accepted for 127.0.0.1 only.
    GUICHET_FRANCECONNECT_ISSUER: providers.franceconnect.issuer,
    GUICHET_FRANCECONNECT_CLIENT_ID: CLIENTS.franceconnect.clientId,
    GUICHET_FRANCECONNECT_CLIENT_SECRET: CLIENTS.franceconnect.clientSecret,
    GUICHET_PROCONNECT_ISSUER: providers.proconnect.issuer,
    GUICHET_PROCONNECT_CLIENT_ID: CLIENTS.proconnect.clientId,
    GUICHET_PROCONNECT_CLIENT_SECRET: CLIENTS.proconnect.clientSecret,
    // SMS written to the data directory and shown at /_demo/sms: the SMS part of the
    // notifications page is on, and nothing leaves the machine.
    GUICHET_SMS_PROVIDER: 'file',
    // Passport numbers are checked and appointments declared at the local ANTS simulator.
    ...ants.env,
    // The courrier's registered replies leave through the local LRE simulator.
    ...lre.env,
  };
  // Embedded mode, demo on (--demo), file mail transport, default public URL: whatever the shell says.
  for (const key of [
    'DATABASE_URL',
    'GUICHET_MIGRATION_DATABASE_URL',
    'SMTP_URL',
    'GUICHET_DEMO',
    'GUICHET_PUBLIC_URL',
    'GUICHET_HOST',
    ...Object.keys(env).filter((k) => k.startsWith('GUICHET_SMS_OVH_')),
  ]) {
    delete env[key];
  }

  let log = '';
  // A demo instance, asked for explicitly (a real install never has one).
  const child = spawn(process.execPath, ['bin/guichet.js', 'serve', '--demo'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);

  let baseUrl: string;
  try {
    baseUrl = await waitForReady(child, () => log);
  } catch (error) {
    await stop(child);
    await closeProviders();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  await waitForWelcomeMails(dataDir);

  project.provide('baseUrl', baseUrl);
  project.provide('port', port);
  project.provide('dataDir', dataDir);
  project.provide('identityProviders', {
    franceconnect: providers.franceconnect.issuer,
    proconnect: providers.proconnect.issuer,
    control: control.url,
  });
  project.provide('antsControl', antsControl.url);
  project.provide('lreControl', lreControl.url);

  return async () => {
    await stop(child);
    await closeProviders();
    // Warnings and errors logged by the server during the run (GUICHET_LOG_LEVEL=warn).
    const serverLog = log.replace(/^[\s\S]*?Comptes de démonstration[^\n]*\n/, '').trim();
    if (serverLog) console.log(`e2e : journal du serveur (niveau warn) :\n${serverLog}`);
    await rm(dataDir, { recursive: true, force: true });
  };
}
