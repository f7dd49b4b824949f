/** R11 (6), R20 Decision: an incident at an evaluation institution, from the report to its closing, escalated when the follow-up is overdue. */
import { incidentCase } from '../machines/incident.case.js';
import type { IncidentInput } from '../machines/incident.machine.js';
import { runCase, type CaseResult, type CaseWorkflowInput } from './runtime/caseHost.js';

export type IncidentWorkflowInput = CaseWorkflowInput<IncidentInput>;

export async function incidentWorkflow(input: IncidentWorkflowInput): Promise<CaseResult> {
  return runCase(incidentCase, input);
}
