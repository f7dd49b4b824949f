/**
 * The real worker (worker/worker.ts `createWorker`, real activities over the bench database) as a child
 * process of bench/footprint.ts, so that its RSS is the worker's alone: not the bench's client, driver
 * or replay worker. Started with `node --expose-gc --import tsx bench/footprint.worker.ts` and an IPC
 * channel; configured by FOOTPRINT_WORKER (JSON, `ChildConfig`).
 *
 * Messages (parent → child): `{ id, type: 'status' | 'measure' | 'stop' }`, each answered with
 * `{ id, ok, value | error }`. `measure` forces a full GC first — the main thread with `gc()`, the
 * workflow thread(s) (where the cached workflows live, one V8 isolate per thread) through the
 * inspector's NodeWorker domain (`HeapProfiler.collectGarbage`) — and then reads `process.memoryUsage()`,
 * /proc/self/status (RssAnon, RssFile) and each workflow thread's V8 heap (`Runtime.getHeapUsage`).
 */
import { readFileSync } from 'node:fs';
import inspector from 'node:inspector';
import { NativeConnection, Runtime, makeTelemetryFilterString, type Worker } from '@temporalio/worker';
import { connectStore } from '../store/mongo.js';
import { createWorker } from '../worker/worker.js';

export interface ChildConfig {
  temporalAddress: string;
  namespace: string;
  mongodbUri: string;
  dbName: string;
  taskQueue: string;
  bundlePath: string;
  maxCachedWorkflows: number;
}

export type ChildRequest = { id: number; type: 'status' | 'measure' | 'stop' };
export type ChildResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export type WorkerStatus = ReturnType<Worker['getStatus']>;

export interface ChildReading {
  /** process.memoryUsage() after GC, bytes. */
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** /proc/self/status (Linux), bytes; null elsewhere. */
  rssAnon: number | null;
  rssFile: number | null;
  /** V8 heap of the workflow thread(s), after their GC; null when the inspector could not reach them. */
  threadHeapUsed: number | null;
  threadHeapTotal: number | null;
  workflowThreads: number;
  /** Other worker threads of the process (e.g. tsx's loader), not in threadHeap*. */
  otherThreads: number;
  status: WorkerStatus;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---- the workflow threads, through the inspector (NodeWorker domain) --------------------------------
const session = new inspector.Session();
session.connect();
/** Inspector sessions of this process's worker threads, with their script URL. */
const threadUrls = new Map<string, string>();
let nextMessageId = 0;
const pendingThread = new Map<number, (m: { result?: unknown; error?: { message: string } }) => void>();
session.on('NodeWorker.attachedToWorker', (m) => {
  threadUrls.set(m.params.sessionId, m.params.workerInfo.url);
});
session.on('NodeWorker.detachedFromWorker', (m) => {
  threadUrls.delete(m.params.sessionId);
});
session.on('NodeWorker.receivedMessageFromWorker', (m) => {
  const msg = JSON.parse(m.params.message) as { id?: number; result?: unknown; error?: { message: string } };
  if (msg.id !== undefined) {
    pendingThread.get(msg.id)?.(msg);
    pendingThread.delete(msg.id);
  }
});
const post = (method: string, params: object) =>
  new Promise<void>((resolve, reject) => session.post(method, params, (e) => (e ? reject(e) : resolve())));
function toThread<T>(sessionId: string, method: string, params: object = {}): Promise<T> {
  const id = ++nextMessageId;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      pendingThread.delete(id);
      reject(new Error(`${method}: no answer from the workflow thread in 30 s`));
    }, 30_000);
    pendingThread.set(id, (m) => {
      clearTimeout(timer);
      if (m.error) reject(new Error(`${method}: ${m.error.message}`));
      else resolve(m.result as T);
    });
    session.post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method, params }) }, (e) => {
      if (e) {
        clearTimeout(timer);
        pendingThread.delete(id);
        reject(e);
      }
    });
  });
}
// Before the worker exists, so its threads are attached as they start.
await post('NodeWorker.enable', { waitForDebuggerOnStart: false });

function procStatus(): { rssAnon: number | null; rssFile: number | null } {
  try {
    const text = readFileSync('/proc/self/status', 'utf8');
    const kb = (name: string) => {
      const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
      return m ? Number(m[1]) * 1024 : null;
    };
    return { rssAnon: kb('RssAnon'), rssFile: kb('RssFile') };
  } catch {
    return { rssAnon: null, rssFile: null };
  }
}

// ---- the worker ------------------------------------------------------------------------------------
const config = JSON.parse(process.env.FOOTPRINT_WORKER ?? 'null') as ChildConfig | null;
if (!config || typeof process.send !== 'function') {
  console.error('bench/footprint.worker.ts is started by bench/footprint.ts (FOOTPRINT_WORKER and an IPC channel)');
  process.exit(2);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('bench/footprint.worker.ts needs --expose-gc');
  process.exit(2);
}

Runtime.install({
  logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m) } as never,
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
});
const store = await connectStore(config.mongodbUri, config.dbName);
const connection = await NativeConnection.connect({ address: config.temporalAddress });
const worker = await createWorker({
  connection,
  namespace: config.namespace,
  taskQueue: config.taskQueue,
  store,
  workflowBundlePath: config.bundlePath,
  options: { maxCachedWorkflows: config.maxCachedWorkflows, identity: `footprint-worker-${process.pid}` },
});

/**
 * The SDK's workflow threads (lib/workflow/workflow-worker-thread.js); not other worker threads such as
 * tsx's module-loader thread.
 */
function workflowThreadSessions(): string[] {
  return [...threadUrls].filter(([, url]) => url.includes('workflow-worker-thread')).map(([sid]) => sid);
}

async function measure(): Promise<ChildReading> {
  const threadSessions = workflowThreadSessions();
  for (let i = 0; i < 3; i++) {
    gc!();
    await sleep(50);
  }
  let threadsOk = threadSessions.length > 0;
  for (const sid of threadSessions) {
    try {
      await toThread(sid, 'HeapProfiler.collectGarbage');
    } catch {
      threadsOk = false;
    }
  }
  gc!();
  await sleep(300);
  const mu = process.memoryUsage();
  let threadHeapUsed = 0;
  let threadHeapTotal = 0;
  for (const sid of threadSessions) {
    try {
      const h = await toThread<{ usedSize: number; totalSize: number }>(sid, 'Runtime.getHeapUsage');
      threadHeapUsed += h.usedSize;
      threadHeapTotal += h.totalSize;
    } catch {
      threadsOk = false;
    }
  }
  return {
    rss: mu.rss,
    heapUsed: mu.heapUsed,
    heapTotal: mu.heapTotal,
    external: mu.external,
    arrayBuffers: mu.arrayBuffers,
    ...procStatus(),
    threadHeapUsed: threadsOk ? threadHeapUsed : null,
    threadHeapTotal: threadsOk ? threadHeapTotal : null,
    workflowThreads: threadSessions.length,
    otherThreads: threadUrls.size - threadSessions.length,
    status: worker.getStatus(),
  };
}

const running = worker.run();
let stopping = false;
process.on('message', (raw: ChildRequest) => {
  void (async () => {
    try {
      let value: unknown;
      if (raw.type === 'status') value = worker.getStatus();
      else if (raw.type === 'measure') value = await measure();
      else if (raw.type === 'stop') {
        stopping = true;
        worker.shutdown();
        await running;
        value = 'stopped';
      } else throw new Error(`unknown request ${JSON.stringify(raw)}`);
      process.send!({ id: raw.id, ok: true, value } satisfies ChildResponse);
    } catch (e) {
      process.send!({ id: raw.id, ok: false, error: String((e as Error)?.stack ?? e) } satisfies ChildResponse);
    }
    if (stopping) {
      await connection.close().catch(() => undefined);
      await store.client.close().catch(() => undefined);
      session.disconnect();
      process.disconnect?.();
      process.exit(0);
    }
  })();
});
process.on('disconnect', () => {
  // The parent went away: stop polling, leave.
  if (!stopping) {
    worker.shutdown();
    void running.finally(() => process.exit(0));
  }
});
running.catch((e: unknown) => {
  console.error('footprint worker failed:', e);
  process.exit(1);
});
process.send({ id: 0, ok: true, value: { ready: true, pid: process.pid } } satisfies ChildResponse);
