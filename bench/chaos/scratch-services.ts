import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';

// What `npm run chaos` runs and breaks: a PostgreSQL cluster and a redis-server of its own (on
// ports of their own, in a scratch directory, never the shared 5432/6379), and service processes
// on fixed ports, so a restarted one comes back at the address its peers and Twilio call.

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`${what}: the process exited`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what}: not ready within ${timeoutMs / 1000} s`);
}

function exited(child: ChildProcess | undefined): boolean {
  return !child || child.exitCode !== null || child.signalCode !== null;
}

function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (!child || exited(child)) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Debian's PostgreSQL binaries, newest major version first. */
function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const dir = path.join(root, version, 'bin');
    if (existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error('No PostgreSQL binaries under /usr/lib/postgresql/*/bin (Debian package postgresql)');
}

/** A PostgreSQL cluster in a scratch directory, on its own port, started and restarted with pg_ctl. */
export class ScratchPostgres {
  private readonly bin = postgresBinDir();
  /** initdb and the server refuse to run as root: as root, run them as the postgres user. */
  private readonly runAs = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];

  constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private run(tool: string, args: string[]): void {
    const [command, ...rest] = [...this.runAs, path.join(this.bin, tool), ...args];
    const result = spawnSync(command ?? tool, rest, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  }

  async init(database: string): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    if (this.runAs.length > 0) {
      const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
      const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
      chownSync(this.dir, Number(ids.stdout.trim()), Number(gid.stdout.trim()));
    }
    this.run('initdb', ['-D', path.join(this.dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    await this.start();
    const admin = new pg.Client({ connectionString: this.url('postgres') });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${database}"`);
    } finally {
      await admin.end();
    }
  }

  private options(): string {
    // Enough connections for 4 service processes' pools and the reconciliation.
    return `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c full_page_writes=off`;
  }

  async start(): Promise<void> {
    this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-l', path.join(this.dir, 'server.log'), '-o', this.options(), '-w', 'start']);
  }

  /** A restart as an operator does one (fast shutdown: open connections are cut, then up again). */
  async restart(): Promise<void> {
    this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
    await this.start();
  }

  async stop(): Promise<void> {
    try {
      this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } catch {
      // not running
    }
  }
}

/** A redis-server of its own (append-only file on, as the README asks of operators), killed and restarted at will. */
export class ScratchRedis {
  private child: ChildProcess | undefined;

  constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!exited(this.child)) return;
    mkdirSync(this.dir, { recursive: true });
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'],
      { stdio: 'ignore' },
    );
    const child = this.child;
    await waitFor('redis-server', 10_000, async () => {
      const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } finally {
        probe.disconnect();
      }
    }, () => !exited(child));
  }

  /** SIGKILL: no shutdown save; what the append-only file had (up to a second old) comes back. */
  kill(): Promise<void> {
    return stopChild(this.child, 'SIGKILL');
  }
}

/** One service process (`src/app/main.ts`) on a fixed port, its output in a log file. */
export class ServiceNode {
  private child: ChildProcess | undefined;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !exited(this.child);
  }

  async start(timeoutMs = 180_000): Promise<void> {
    const log = openSync(this.logFile, 'a');
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...this.env, PORT: String(this.port) },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    const child = this.child;
    await waitFor(`${this.name}`, timeoutMs, async () => (await fetch(`${this.url}/healthz`)).ok, () => !exited(child));
  }

  kill(signal: NodeJS.Signals): Promise<void> {
    return stopChild(this.child, signal);
  }
}

/** A scratch directory for one run. */
export function scratchDirectory(): { dir: string; remove(): void } {
  const dir = path.join(os.tmpdir(), `telcobot-chaos-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  // The postgres user must reach its data directory inside.
  if (process.getuid?.() === 0) spawnSync('chmod', ['755', dir]);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
