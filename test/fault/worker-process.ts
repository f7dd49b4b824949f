/**
 * The real worker as a child process, for fault tests that SIGKILL it (test/fault/worker-kill.test.ts).
 * Reads the usual environment (config/env.ts: TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, MONGODB_URI,
 * MONGODB_DB, WORKFLOW_BUNDLE) plus WORKER_IDENTITY; prints `ready` on stdout once it polls.
 */
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConfig } from '../../config/env.js';
import { connectStore } from '../../store/mongo.js';
import { createWorker, WORKER_STORE_OPTIONS } from '../../worker/worker.js';

const config = loadConfig();
Runtime.install({
  logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m) } as never,
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
});

const store = await connectStore(config.mongodbUri, config.mongodbDb, WORKER_STORE_OPTIONS);
const connection = await NativeConnection.connect({ address: config.temporalAddress });
const worker = await createWorker({
  connection,
  namespace: config.temporalNamespace,
  taskQueue: config.taskQueue,
  store,
  workflowBundlePath: config.workflowBundlePath,
  delivery: config,
  options: process.env.WORKER_IDENTITY ? { identity: process.env.WORKER_IDENTITY } : {},
});
const running = worker.run();
process.stdout.write('ready\n');
try {
  await running;
} finally {
  await connection.close();
  await store.client.close();
}
