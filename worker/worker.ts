/** Builds the worker: one task queue for every case workflow, with its activities. */
import { fileURLToPath } from 'node:url';
import type { NativeConnection} from '@temporalio/worker';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import type { Store, StoreClientOptions } from '../store/mongo.js';
import { createActivities, type DeliveryConfig } from './activities.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * The worker's store client gives up on a store operation well before the activity running it times
 * out (the store activities' start-to-close is 30 s, workflows/runtime/caseHost.ts): a reply that has
 * not come in 20 s closes its socket, and waiting 10 s for a pooled connection fails the attempt.
 * Without these an attempt that Temporal has already timed out and retried keeps its connection, and
 * after a store outage the retries pile up until the pool is full (bench/faults.ts, `store` phase).
 */
export const WORKER_STORE_OPTIONS: StoreClientOptions = { socketTimeoutMS: 20_000, waitQueueTimeoutMS: 10_000 };

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
