/** R7.2–R7.5 / R8.1: one application (institution × occupation) in a selection round. */
import { applicationCase } from '../machines/application.case.js';
import type { ApplicationInput } from '../machines/application.machine.js';
import { runCase, type CaseResult, type CaseWorkflowInput } from './runtime/caseHost.js';

export type ApplicationWorkflowInput = CaseWorkflowInput<ApplicationInput>;

export async function applicationWorkflow(input: ApplicationWorkflowInput): Promise<CaseResult> {
  return runCase(applicationCase, input);
}
