/**
 * The real service in one process for integration tests: the API and a worker, against the Temporal
 * dev server and the store that scripts/dev-services.mjs started (TEMPORAL_ADDRESS, MONGODB_URI).
 * Each test file gets its own database and task queue.
 */
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../config/env.js';
import { createTokenService } from '../../api/auth.js';
import { buildServer } from '../../api/server.js';
import { connectStore, type Store } from '../../store/mongo.js';
import { createWorker } from '../../worker/worker.js';
import { workflowBundle } from './temporal.js';

export interface Stack {
  config: Config;
  store: Store;
  temporal: Client;
  app: FastifyInstance;
  baseUrl: string;
  worker: Worker;
  stop(): Promise<void>;
}

function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests with \`npm test\` (scripts/dev-services.mjs starts the servers)`);
  return v;
}

/**
 * `timeSkipping`: run against the time-skipping test server instead of the dev server, for flows that
 * wait on real deadlines (an application window, a 5-working-day notice) and must finish in seconds.
 */
export async function startStack(name: string, options: { timeSkipping?: TestWorkflowEnvironment } = {}): Promise<Stack> {
  const suffix = `${name}-${Date.now().toString(36)}`;
  const config: Config = {
    ...loadConfig({ ...process.env, NODE_ENV: 'test' }),
    temporalAddress: options.timeSkipping ? 'time-skipping' : requireEnv('TEMPORAL_ADDRESS'),
    mongodbUri: requireEnv('MONGODB_URI'),
    mongodbDb: `test_${suffix}`.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 60),
    taskQueue: `tq-${suffix}`,
    devTokens: true,
  };
  const store = await connectStore(config.mongodbUri, config.mongodbDb);
  const ts = options.timeSkipping;
  const nativeConnection = ts ? ts.nativeConnection : await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await createWorker({ connection: nativeConnection, namespace: config.temporalNamespace, taskQueue: config.taskQueue, store, options: { workflowBundle: await workflowBundle(), workflowsPath: undefined } });
  const running = worker.run();
  const connection = ts ? undefined : await Connection.connect({ address: config.temporalAddress });
  const temporal = ts ? (ts.client as unknown as Client) : new Client({ connection: connection!, namespace: config.temporalNamespace });
  const app = await buildServer({ config, store, temporal, tokens: createTokenService(config.authSecret) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    config,
    store,
    temporal,
    app,
    worker,
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      await app.close();
      worker.shutdown();
      await running;
      if (!ts) await nativeConnection.close();
      await connection?.close();
      await store.db.dropDatabase().catch(() => undefined);
      await store.client.close();
    },
  };
}

/** A small HTTP client speaking the API as a user would. */
export function api(baseUrl: string, token?: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- responses are asserted field by field
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  };
  return {
    get: (p: string) => call('GET', p),
    post: (p: string, b?: unknown, h?: Record<string, string>) => call('POST', p, b ?? {}, h),
    put: (p: string, b?: unknown) => call('PUT', p, b ?? {}),
    raw: call,
  };
}

export async function tokenFor(baseUrl: string, userId: string): Promise<string> {
  const r = await api(baseUrl).post('/api/dev/tokens', { userId });
  if (r.status !== 200) throw new Error(`cannot mint a token for ${userId}: ${JSON.stringify(r.body)}`);
  return r.body.token as string;
}

/** Polls until `fn` returns a truthy value (projections are written by activities, moments after a step). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
