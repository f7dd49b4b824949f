/** Builds the worker: one task queue for every case workflow, with its activities. */
import { fileURLToPath } from 'node:url';
import type { NativeConnection} from '@temporalio/worker';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import type { Store, StoreClientOptions } from '../store/mongo.js';
import { createActivities, type DeliveryConfig } from './activities.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * The worker's store client sheds load instead of queueing it in the store, and gives up on a store
 * operation before the activity running it times out (the store activities' start-to-close is 30 s,
 * workflows/runtime/caseHost.ts): at most 20 operations at once (a real MongoDB answers thousands a
 * second through 20 connections; FerretDB's SQLite serialises writes, so more only wait there); an
 * attempt that cannot get a connection in 10 s fails at once, cheaply, and Temporal retries it with
 * backoff; a reply that has not come in 20 s closes its socket. Without these, after a store outage
 * the backlog's attempts all reached the store at once, ran past their timeouts, were retried while the
 * abandoned attempts still held connections, and the pool of 100 filled (bench/faults.ts, `store`).
 */
export const WORKER_STORE_OPTIONS: StoreClientOptions = { maxPoolSize: 20, waitQueueTimeoutMS: 10_000, socketTimeoutMS: 20_000 };

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  store: Store;
  workflowBundlePath?: string;
  /** Outbox delivery (SMTP, webhook signing); without it only webhooks go out, unsigned. */
  delivery?: DeliveryConfig;
  options?: Partial<WorkerOptions>;
}

export async function createWorker(setup: WorkerSetup): Promise<Worker> {
  return Worker.create({
    connection: setup.connection,
    namespace: setup.namespace,
    taskQueue: setup.taskQueue,
    ...(setup.workflowBundlePath ? { workflowBundle: { codePath: setup.workflowBundlePath } } : { workflowsPath }),
    activities: createActivities(setup.store, setup.delivery),
    ...setup.options,
  });
}
