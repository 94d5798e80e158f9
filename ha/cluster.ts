/**
 * A throw-away high-availability cluster on loopback, as an OPSN runs it (docs/operations/ha.md):
 * one etcd, two Patroni nodes managing PostgreSQL 15 with streaming replication in synchronous
 * mode, and HAProxy in front sending connections to whichever node Patroni's REST API calls the
 * primary (`GET /primary` → 200). Everything runs from the Debian packages (etcd-server, patroni,
 * haproxy, postgresql) in a temporary directory; PostgreSQL refuses to run as root, so as root
 * the cluster runs as the `postgres` user.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../bench/lib/port.js';

const PG_BIN = process.env.GUICHET_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const AS_ROOT = process.getuid?.() === 0;
const LOG_LINES = 80;

/** Patroni's timings: the leader key lives 10 s; each node's loop runs every second. */
export const PATRONI_TTL_SECONDS = 10;

export interface ClusterMember {
  name: string;
  role: 'leader' | 'replica' | 'sync_standby' | string;
  state: string;
  lag?: number | string;
}

interface Proc {
  name: string;
  child: ChildProcess;
  lines: string[];
}

export interface NodeInfo {
  name: string;
  pgPort: number;
  restPort: number;
  dataDir: string;
}

/** The commands a missing package would leave out, for a clear skip message. */
export function missingTools(): string[] {
  const wanted = ['etcd', 'patroni', 'haproxy', path.join(PG_BIN, 'postgres')];
  return wanted.filter((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
}

export class HaCluster {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-ha-'));
  readonly nodes: NodeInfo[] = [];
  /** HAProxy's port: the one address Guichet is given. */
  proxyPort = 0;
  #procs = new Map<string, Proc>();
  #etcdPort = 0;

  /** Starts etcd, the first node (which bootstraps the cluster), the second node and HAProxy. */
  async start(): Promise<void> {
    fs.chmodSync(this.root, 0o755);
    this.#etcdPort = await freePort();
    const peerPort = await freePort();
    const etcdData = path.join(this.root, 'etcd');
    fs.mkdirSync(etcdData, { mode: 0o700 });
    this.#own(etcdData);
    const etcdUrl = `http://127.0.0.1:${this.#etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    this.#spawn('etcd', 'etcd', [
      '--name=ha',
      `--data-dir=${etcdData}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=ha=${peerUrl}`,
    ]);
    await this.#waitFor('etcd', async () => (await fetch(`${etcdUrl}/version`)).ok);

    for (const name of ['n1', 'n2']) {
      this.nodes.push({
        name,
        pgPort: await freePort(),
        restPort: await freePort(),
        dataDir: path.join(this.root, name, 'data'),
      });
    }
    for (const node of this.nodes) this.#writeNodeConfig(node);
    this.#startNode(this.nodes[0]!);
    await this.#waitFor('the first node to lead', async () => (await this.members()).some((m) => m.role === 'leader'));
    this.#startNode(this.nodes[1]!);
    await this.waitForSyncStandby();

    this.proxyPort = await freePort();
    const config = path.join(this.root, 'haproxy.cfg');
    fs.writeFileSync(config, this.#haproxyConfig());
    this.#spawn('haproxy', 'haproxy', ['-f', config, '-db'], { asPostgres: false });
    // HAProxy starts with every server up until its first checks say otherwise, and balances
    // round robin: ten new connections in a row on the primary mean the standby is out.
    let onPrimary = 0;
    await this.#waitFor('HAProxy to send connections to the primary only', async () => {
      try {
        onPrimary = this.psql(this.proxyPort, 'SELECT pg_is_in_recovery()') === 'f' ? onPrimary + 1 : 0;
      } catch {
        onPrimary = 0;
      }
      return onPrimary >= 10;
    });
  }

  /** The cluster as Patroni's REST API of any living node describes it. */
  async members(): Promise<ClusterMember[]> {
    for (const node of this.nodes) {
      try {
        const response = await fetch(`http://127.0.0.1:${node.restPort}/cluster`, {
          signal: AbortSignal.timeout(1_000),
        });
        if (response.ok) return ((await response.json()) as { members: ClusterMember[] }).members;
      } catch {
        // This node is not answering: ask the next.
      }
    }
    return [];
  }

  async leader(): Promise<NodeInfo | undefined> {
    const name = (await this.members()).find((m) => m.role === 'leader')?.name;
    return this.nodes.find((n) => n.name === name);
  }

  async waitForSyncStandby(): Promise<void> {
    await this.#waitFor('a synchronous standby', async () =>
      (await this.members()).some((m) => m.role === 'sync_standby' && m.state === 'running'),
    );
  }

  /**
   * A machine lost: SIGKILL to the node's Patroni and to its PostgreSQL postmaster (its backends
   * exit on their own when their postmaster dies), with no chance to hand over.
   */
  killNode(node: NodeInfo): void {
    const proc = this.#procs.get(node.name);
    const postmaster = Number(fs.readFileSync(path.join(node.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    for (const pid of [patroniPid(proc), postmaster]) {
      if (pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
  }

  /** Runs one SQL statement as the superuser on a port (a node's or HAProxy's); returns stdout. */
  psql(port: number, sql: string, database = 'postgres'): string {
    return execFileSync('psql', [`postgres://postgres@127.0.0.1:${port}/${database}?connect_timeout=2`, '-Atqc', sql], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PGPASSWORD: 'postgres' },
    }).trim();
  }

  /** Last lines of each process, for a failure message. */
  logs(): string {
    return [...this.#procs.values()].map((p) => `--- ${p.name}\n${p.lines.join('\n')}`).join('\n');
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) {
      const proc = this.#procs.get(node.name);
      if (proc && proc.child.exitCode === null) this.killNode(node);
    }
    for (const proc of this.#procs.values()) {
      const pid = patroniPid(proc) ?? proc.child.pid;
      try {
        if (pid) process.kill(pid, 'SIGKILL');
        proc.child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    }
    // Postmasters whose Patroni was killed: stop them by their pid file.
    for (const node of this.nodes) {
      const pidFile = path.join(node.dataDir, 'postmaster.pid');
      if (fs.existsSync(pidFile)) {
        try {
          process.kill(Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  #startNode(node: NodeInfo): void {
    this.#spawn(node.name, 'patroni', [path.join(this.root, `${node.name}.yml`)]);
  }

  #writeNodeConfig(node: NodeInfo): void {
    const dir = path.join(this.root, node.name);
    fs.mkdirSync(dir, { recursive: true });
    const yaml = `scope: guichet-ha
name: ${node.name}
restapi:
  listen: 127.0.0.1:${node.restPort}
  connect_address: 127.0.0.1:${node.restPort}
etcd3:
  hosts: 127.0.0.1:${this.#etcdPort}
bootstrap:
  dcs:
    ttl: ${PATRONI_TTL_SECONDS}
    loop_wait: 1
    retry_timeout: 3
    maximum_lag_on_failover: 1048576
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        wal_level: replica
        hot_standby: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        wal_log_hints: "on"
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
  pg_hba:
    - local all all trust
    - host replication all 127.0.0.1/32 trust
    - host all all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:${node.pgPort}
  connect_address: 127.0.0.1:${node.pgPort}
  data_dir: ${node.dataDir}
  bin_dir: ${PG_BIN}
  pgpass: ${path.join(dir, 'pgpass')}
  authentication:
    replication: {username: replicator, password: replicator}
    superuser: {username: postgres, password: postgres}
    rewind: {username: rewinder, password: rewinder}
  parameters:
    unix_socket_directories: ${dir}
    fsync: "on"
`;
    fs.writeFileSync(path.join(this.root, `${node.name}.yml`), yaml);
    this.#own(dir);
  }

  /** HAProxy as Patroni documents it: health-checked on the REST API, sessions cut when a node falls. */
  #haproxyConfig(): string {
    const servers = this.nodes
      .map((n) => `  server ${n.name} 127.0.0.1:${n.pgPort} check port ${n.restPort}`)
      .join('\n');
    return `global
  maxconn 200
defaults
  mode tcp
  timeout connect 2s
  timeout client 30m
  timeout server 30m
  timeout check 1s
listen primary
  bind 127.0.0.1:${this.proxyPort}
  option httpchk GET /primary
  http-check expect status 200
  default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions
${servers}
`;
  }

  #own(target: string): void {
    if (AS_ROOT) execFileSync('chown', ['-R', 'postgres:postgres', target]);
  }

  #spawn(name: string, command: string, args: string[], options: { asPostgres?: boolean } = {}): void {
    const asPostgres = options.asPostgres ?? true;
    const [cmd, ...rest] =
      AS_ROOT && asPostgres ? ['runuser', '-u', 'postgres', '--', command, ...args] : [command, ...args];
    const child = spawn(cmd!, rest, { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.root });
    const lines: string[] = [];
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        lines.push(line);
        if (lines.length > LOG_LINES) lines.shift();
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.#procs.set(name, { name, child, lines });
  }

  async #waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      try {
        if (await probe()) return;
      } catch {
        // Not yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}\n${this.logs()}`);
  }
}

/** The Patroni process itself: under runuser, the child of the spawned process. */
function patroniPid(proc: Proc | undefined): number | undefined {
  if (!proc?.child.pid) return undefined;
  if (!AS_ROOT) return proc.child.pid;
  try {
    const children = execFileSync('pgrep', ['-P', String(proc.child.pid)], { encoding: 'utf8' }).trim();
    return Number(children.split('\n')[0]) || proc.child.pid;
  } catch {
    return proc.child.pid;
  }
}
