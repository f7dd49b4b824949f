/**
 * The baseline's worker process for bench/run.ts: `bench/baseline.workflow.ts` and a no-op activity on
 * TEMPORAL_TASK_QUEUE, created with the same options as the service's worker (worker/worker.ts:
 * `Worker.create` defaults plus a workflow bundle), in its own process as the service's worker is.
 */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';

Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } } });
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
const workflowBundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./baseline.workflow.ts', import.meta.url)), logger: quiet });
const worker = await Worker.create({
  connection,
  namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
  taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? 'bench-baseline',
  workflowBundle,
  activities: { async noop() {} },
});
console.log('baseline worker running');
try {
  await worker.run();
} finally {
  await connection.close();
}
