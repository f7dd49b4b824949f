/** R7.1 / R8.1: the selection plan, from draft to published selection notice. */
import { selectionPlanCase } from '../machines/selectionPlan.case.js';
import type { SelectionPlanInput } from '../machines/selectionPlan.machine.js';
import { runCase, type CaseResult, type CaseWorkflowInput } from './runtime/caseHost.js';

export type SelectionPlanWorkflowInput = CaseWorkflowInput<SelectionPlanInput>;

export async function selectionPlanWorkflow(input: SelectionPlanWorkflowInput): Promise<CaseResult> {
  return runCase(selectionPlanCase, input);
}
