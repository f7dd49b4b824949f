/** R7.2–R7.5 / R8: a selection round — one notice and all applications under it. */
import { roundCase } from '../machines/round.case.js';
import type { RoundInput } from '../machines/round.machine.js';
import { runCase, type CaseResult, type CaseWorkflowInput } from './runtime/caseHost.js';

export type RoundWorkflowInput = CaseWorkflowInput<RoundInput>;

export async function roundWorkflow(input: RoundWorkflowInput): Promise<CaseResult> {
  return runCase(roundCase, input);
}
