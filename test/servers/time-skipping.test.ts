// The time-skipping test server provisioned by scripts/dev-services.mjs
// (TEMPORAL_TEST_SERVER_PATH -> scripts/temporal-test-server) works with
// @temporalio/testing's existing-path executable and really skips time.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import type { sleepy } from './fixtures/sleepy.workflow.js';

const DAY_MS = 24 * 60 * 60 * 1000;

// Each test file runs in its own fork (vitest.config.ts: pool 'forks'), so this only quiets this file's worker.
Runtime.install({ logger: new DefaultLogger('WARN') });

function testServerPath(): string {
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!path) {
    throw new Error(
      'TEMPORAL_TEST_SERVER_PATH is not set. Run the tests through `npm test` / ' +
        '`node scripts/dev-services.mjs test`, or export it (e.g. from `node scripts/dev-services.mjs env`).',
    );
  }
  return path;
}

describe('time-skipping test server', () => {
  it('runs a 40-day sleep in seconds of wall time', async () => {
    const path = testServerPath();
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./fixtures/sleepy.workflow.ts', import.meta.url)),
      logger: new DefaultLogger('WARN'),
    });
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path } },
    });
    try {
      const taskQueue = `sleepy-${randomUUID()}`;
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle });
      const wallStart = performance.now();
      const result = await worker.runUntil(
        env.client.workflow.execute<typeof sleepy>('sleepy', { taskQueue, workflowId: `sleepy-${randomUUID()}` }),
      );
      const wallMs = performance.now() - wallStart;

      expect(result.after - result.before).toBeGreaterThanOrEqual(40 * DAY_MS);
      expect(wallMs).toBeLessThan(15_000);
    } finally {
      await env.teardown();
    }
  }, 120_000);
});
