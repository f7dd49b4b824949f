/** R20.1–R20.2, R16, R21: a rectification order against a listing, to accepted evidence or removal. */
import { rectificationCase } from '../machines/rectification.case.js';
import type { RectificationInput } from '../machines/rectification.machine.js';
import { runCase, type CaseResult, type CaseWorkflowInput } from './runtime/caseHost.js';

export type RectificationWorkflowInput = CaseWorkflowInput<RectificationInput>;

export async function rectificationWorkflow(input: RectificationWorkflowInput): Promise<CaseResult> {
  return runCase(rectificationCase, input);
}
