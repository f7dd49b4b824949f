/** R16: a random inspection (双随机一公开), from the draw to published results and rectification orders. */
import { inspectionCase } from '../machines/inspection.case.js';
import type { InspectionInput } from '../machines/inspection.machine.js';
import { runCase, type CaseResult, type CaseWorkflowInput } from './runtime/caseHost.js';

export type InspectionWorkflowInput = CaseWorkflowInput<InspectionInput>;

export async function inspectionWorkflow(input: InspectionWorkflowInput): Promise<CaseResult> {
  return runCase(inspectionCase, input);
}
