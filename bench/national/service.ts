/**
 * The service as it is deployed, for the benchmark: the worker (`worker/main.ts`) and the API
 * (`api/main.ts`) as two child processes with their own database and task queue, against the servers
 * `bench/lib/services.ts` started; and the baseline's worker (`bench/baseline.worker.ts`) the same way.
 * Each child's RSS is read from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT } from '../lib/services.js';
import { sleep } from '../lib/stats.js';

export interface Child {
  name: string;
  process: ChildProcess;
  /** Resident set size in bytes (VmRSS), or NaN when the process is gone. */
  rss(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function rssOf(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Spawns `node --import tsx <script>` and waits until a line of its output matches `ready`. */
export async function spawnChild(name: string, script: string, env: Record<string, string>, ready: RegExp, timeoutMs = 180_000): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let resolved = false;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const onData = (chunk: Buffer) => {
    const s = chunk.toString();
    if (!resolved) out += s;
    // Warnings and errors reach the terminal; info lines do not.
    for (const line of s.split('\n')) if (/"level":(40|50|60)|Error|error:/.test(line) && line.length < 2000) process.stderr.write(`  [${name}] ${line}\n`);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const deadline = Date.now() + timeoutMs;
  while (!ready.test(out)) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before it was ready:\n${out.slice(-3000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready within ${timeoutMs / 1000} s:\n${out.slice(-3000)}`);
    }
    await sleep(100);
  }
  resolved = true;
  out = '';
  return {
    name,
    process: child,
    rss: () => rssOf(child.pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
      if (!done) child.kill('SIGKILL');
    },
  };
}

export interface ServiceProcesses {
  baseUrl: string;
  worker: Child;
  api: Child;
  stop(): Promise<void>;
}

/** The real service: worker and API processes as `npm start` runs them, on a bench database and task queue. */
export async function startServiceProcesses(o: { mongodbUri: string; temporalAddress: string; database: string; taskQueue: string; authSecret: string }): Promise<ServiceProcesses> {
  const env = {
    NODE_ENV: 'development',
    MONGODB_URI: o.mongodbUri,
    MONGODB_DB: o.database,
    TEMPORAL_ADDRESS: o.temporalAddress,
    TEMPORAL_TASK_QUEUE: o.taskQueue,
    AUTH_SECRET: o.authSecret,
    DEV_TOKENS: 'on',
    LOG_LEVEL: 'info',
  };
  const worker = await spawnChild('worker', 'worker/main.ts', env, /worker running/);
  const port = await freePort();
  let api: Child;
  try {
    api = await spawnChild('api', 'api/main.ts', { ...env, PORT: String(port), HOST: '127.0.0.1' }, /api listening/);
  } catch (e) {
    await worker.stop();
    throw e;
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    worker,
    api,
    async stop() {
      await api.stop();
      await worker.stop();
    },
  };
}
