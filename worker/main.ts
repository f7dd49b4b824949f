/** The worker process: connects to Temporal and the store, runs case workflows and activities. */
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConfig } from '../config/env.js';
import { createLogger } from '../config/logger.js';
import { connectStore } from '../store/mongo.js';
import { createWorker, WORKER_STORE_OPTIONS } from './worker.js';

const config = loadConfig();
const log = createLogger('worker', config.logLevel);
Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } } });

const store = await connectStore(config.mongodbUri, config.mongodbDb, WORKER_STORE_OPTIONS);
const connection = await NativeConnection.connect({ address: config.temporalAddress });
const worker = await createWorker({
  connection,
  namespace: config.temporalNamespace,
  taskQueue: config.taskQueue,
  store,
  workflowBundlePath: config.workflowBundlePath,
  delivery: config,
});
log.info({ temporal: config.temporalAddress, taskQueue: config.taskQueue, email: Boolean(config.smtpUrl), webhookSigning: Boolean(config.webhookSecret) }, 'worker running');
try {
  await worker.run(); // resolves after SIGINT/SIGTERM (the SDK installs the handlers) once tasks drain
} finally {
  await connection.close();
  await store.client.close();
  log.info('worker stopped');
}
