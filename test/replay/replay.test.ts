/**
 * Replay: histories recorded by the workflow tests (UPDATE_REPLAY_FIXTURES=1) replay against today's
 * workflow code without non-determinism. A deliberately changed workflow fails the same replay, and the
 * same change behind patched() passes, so this check can fail and the fix is known.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { workflowBundle } from '../support/temporal.js';

const dir = fileURLToPath(new URL('./histories/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
/** The deliberately changed fixtures change the selection plan workflow. */
const planFiles = files.filter((f) => f.startsWith('selectionPlan-'));
const load = (f: string) => historyFromJSON(JSON.parse(readFileSync(dir + f, 'utf8')));
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;
const bundleOf = (name: string) => bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL(`./fixtures/${name}.workflows.ts`, import.meta.url)), logger: quiet });

describe('replay of recorded histories', () => {
  let changed: WorkflowBundleWithSourceMap;
  let patchedBundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    [changed, patchedBundle] = await Promise.all([bundleOf('changed'), bundleOf('patched')]);
  });

  it('has recorded histories of every released workflow type to replay', () => {
    expect(planFiles.length).toBeGreaterThanOrEqual(3);
    for (const type of ['application-', 'listing-', 'rectification-']) expect(files.some((f) => f.startsWith(type))).toBe(true);
  });

  it.each(files)('%s replays against the current workflow code', async (f) => {
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), replayName: f }, load(f));
  });

  it.each(planFiles)('%s fails to replay against a non-deterministic change', async (f) => {
    await expect(Worker.runReplayHistory({ workflowBundle: changed, replayName: f }, load(f))).rejects.toBeInstanceOf(DeterminismViolationError);
  });

  it.each(planFiles)('%s replays against the same change behind patched()', async (f) => {
    await Worker.runReplayHistory({ workflowBundle: patchedBundle, replayName: f }, load(f));
  });
});
