/** R18(g): the review of a detected same-occupation conflict, dismissed or confirmed into a rectification order. */
import { conductReviewCase } from '../machines/conductReview.case.js';
import type { ConductReviewInput } from '../machines/conductReview.machine.js';
import { runCase, type CaseResult, type CaseWorkflowInput } from './runtime/caseHost.js';

export type ConductReviewWorkflowInput = CaseWorkflowInput<ConductReviewInput>;

export async function conductReviewWorkflow(input: ConductReviewWorkflowInput): Promise<CaseResult> {
  return runCase(conductReviewCase, input);
}
