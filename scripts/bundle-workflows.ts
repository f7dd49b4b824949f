/**
 * Prebuilds the workflow bundle for production workers (WORKFLOW_BUNDLE=dist/workflow-bundle.js):
 * the worker then starts without webpack, and every worker runs byte-identical workflow code.
 *   npx tsx scripts/bundle-workflows.ts [out]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../worker/worker.js';

const out = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
const { code } = await bundleWorkflowCode({ workflowsPath });
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, code);
console.log(`workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
