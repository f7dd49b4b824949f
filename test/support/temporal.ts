/** Temporal test environments for workflow tests, backed by the servers scripts/dev-services.mjs provisions. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll } from 'vitest';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

export const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

/** The time-skipping test server (Java, from Maven Central), wrapped by scripts/temporal-test-server. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!path) throw new Error('TEMPORAL_TEST_SERVER_PATH is not set: run the tests with `npm test` (scripts/dev-services.mjs provisions the server)');
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
}

let bundled: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundle the workflows once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundled ??= bundleWorkflowCode({ workflowsPath, logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never });
  return bundled;
}

/**
 * One time-skipping environment per test file, with the workflows bundled: registers the hooks and
 * returns a getter for the environment.
 */
export function useTimeSkippingEnv(): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    await workflowBundle();
  });
  afterAll(async () => {
    await env?.teardown();
  });
  return () => {
    if (!env) throw new Error('the time-skipping environment is not started yet');
    return env;
  };
}

/** Records a workflow's history as a replay fixture (test/replay/histories) when UPDATE_REPLAY_FIXTURES=1. */
export async function saveHistory(name: string, h: WorkflowHandle): Promise<void> {
  if (process.env.UPDATE_REPLAY_FIXTURES !== '1') return;
  writeFileSync(fileURLToPath(new URL(`../replay/histories/${name}.json`, import.meta.url)), historyToJSON(await h.fetchHistory()));
}
