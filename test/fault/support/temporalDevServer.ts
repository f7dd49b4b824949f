/**
 * A Temporal CLI dev server of a fault test's own, on free 127.0.0.1 ports with its SQLite database
 * file in a temp dir, that the test can stop (SIGTERM or SIGKILL) and start again on the same ports with
 * the same file (test/fault/temporal-restart.test.ts, bench/faults.ts). The suite's shared server is
 * scripts/dev-services.mjs's; this one mirrors its flags (`startTemporal` there) less the Web UI.
 *
 * The CLI is found as dev-services finds it (`resolveTemporalCli`): `TEMPORAL_CLI`, `temporal` on PATH,
 * then the copy it provisioned under `.cache/tools/temporal-cli-<version>/bin/temporal` (newest first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const HOST = '127.0.0.1';

const executable = (p: string) => {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

export function resolveTemporalCli(): string {
  if (process.env.TEMPORAL_CLI) {
    const p = path.resolve(process.env.TEMPORAL_CLI);
    if (!executable(p)) throw new Error(`TEMPORAL_CLI=${process.env.TEMPORAL_CLI} is not an executable file`);
    return p;
  }
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, 'temporal')).find(executable);
  if (onPath) return onPath;
  const tools = path.join(ROOT, '.cache', 'tools');
  let provisioned: string[] = [];
  try {
    provisioned = readdirSync(tools)
      .filter((d) => /^temporal-cli-\d/.test(d))
      .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))
      .map((d) => path.join(tools, d, 'bin', 'temporal'))
      .filter(executable);
  } catch {
    /* no cache yet */
  }
  if (provisioned[0]) return provisioned[0];
  throw new Error('no Temporal CLI: set TEMPORAL_CLI, put `temporal` on PATH, or run `node scripts/dev-services.mjs provision`');
}

/** A port the OS says is free now (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Answers when the frontend serves the `default` namespace (dev-services' `checkTemporal`). */
async function serves(address: string, timeoutMs: number): Promise<boolean> {
  let conn: Connection | undefined;
  try {
    conn = await Connection.connect({ address, connectTimeout: timeoutMs });
    await conn.withDeadline(Date.now() + timeoutMs, () => conn!.workflowService.describeNamespace({ namespace: 'default' }));
    return true;
  } catch {
    return false;
  } finally {
    await conn?.close().catch(() => undefined);
  }
}

export class TemporalDevServer {
  private child: ChildProcess | undefined;
  private logTail = '';
  /** Starts, in order, and how long each took to serve (ms). */
  readonly startTimes: number[] = [];

  private constructor(
    readonly cli: string,
    readonly port: number,
    readonly httpPort: number,
    readonly metricsPort: number,
    readonly dbFile: string,
  ) {}

  get address(): string {
    return `${HOST}:${this.port}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  static async start(dbFile: string): Promise<TemporalDevServer> {
    const server = new TemporalDevServer(resolveTemporalCli(), await freePort(), await freePort(), await freePort(), dbFile);
    await server.restart();
    return server;
  }

  /** (Re)starts on the same ports with the same database file; resolves once it serves. */
  async restart(): Promise<void> {
    if (this.running) throw new Error('the Temporal dev server is already running');
    const args = [
      'server', 'start-dev', '--headless',
      '--ip', HOST, '--port', String(this.port), '--http-port', String(this.httpPort), '--metrics-port', String(this.metricsPort),
      '--db-filename', this.dbFile,
      '--namespace', 'default',
      '--log-format', 'text', '--log-level', 'warn',
      '--dynamic-config-value', 'frontend.enableServerVersionCheck=false',
      '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true',
      '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    ];
    // The CLI reads TEMPORAL_* (address, TLS, API key...) from the environment; the server must not.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
    const started = Date.now();
    const child = spawn(this.cli, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => {
      this.logTail = (this.logTail + d.toString()).slice(-4000);
    });
    const deadline = started + 60_000;
    while (!(await serves(this.address, 2_000))) {
      if (!this.running) throw new Error(`the Temporal dev server exited (${child.exitCode ?? child.signalCode}):\n${this.logTail}`);
      if (Date.now() > deadline) {
        await this.stop('SIGKILL');
        throw new Error(`the Temporal dev server did not serve ${this.address} within 60 s:\n${this.logTail}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    this.startTimes.push(Date.now() - started);
  }

  /** Stops it: SIGTERM (a clean shutdown, SIGKILL after 15 s) or SIGKILL (a crash). */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const c = this.child;
    if (!c || !this.running) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill(signal);
    if (signal === 'SIGTERM') {
      const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    } else {
      await exited;
    }
  }
}
