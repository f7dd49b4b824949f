/**
 * The servers a benchmark runs against: `scripts/dev-services.mjs env` (FerretDB and the Temporal CLI
 * dev server from .cache/tools/, a fresh temp state dir, free 127.0.0.1 ports; or MONGODB_URI /
 * TEMPORAL_ADDRESS when set), stopped (SIGTERM) by `stop()`.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './stats.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Services {
  env: Record<string, string>;
  stateDir: string | undefined;
  stop(): Promise<void>;
}

export async function startServices(): Promise<Services> {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/dev-services.mjs'), 'env'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const env: Record<string, string> = {};
  let stateDir: string | undefined;
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    process.stderr.write(chunk.replace(/^(?=.)/gm, '  | '));
    const m = /source (\S+)\/env\.sh/.exec(stderr);
    if (m) stateDir = m[1];
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const m of stdout.matchAll(/^export (\w+)='([^']*)'$/gm)) env[m[1]!] = m[2]!;
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(45_000).then(() => false)]);
    if (!done) child.kill('SIGKILL');
  };
  const deadline = Date.now() + 300_000;
  while (!(env.MONGODB_URI && env.TEMPORAL_ADDRESS && stateDir)) {
    if (child.exitCode !== null) throw new Error(`scripts/dev-services.mjs env exited (${child.exitCode}) before printing the servers`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error('the servers did not start within 5 minutes');
    }
    // The export lines and the state dir come together; a TEMPORAL_ADDRESS may be missing (no CLI).
    if (env.MONGODB_URI && stateDir && !env.TEMPORAL_ADDRESS) {
      await stop();
      throw new Error('dev-services started no Temporal dev server (no Temporal CLI provisioned)');
    }
    await sleep(100);
  }
  return { env, stateDir, stop };
}

