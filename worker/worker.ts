/** Builds the worker: one task queue for every case workflow, with its activities. */
import { fileURLToPath } from 'node:url';
import type { NativeConnection} from '@temporalio/worker';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import type { Store } from '../store/mongo.js';
import { createActivities, type DeliveryConfig } from './activities.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

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
