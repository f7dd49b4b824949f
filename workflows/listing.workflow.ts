/** R5, R9, R14.2, R20.3: a listing in the directory, for its validity periods and beyond. */
import { listingCase } from '../machines/listing.case.js';
import type { ListingInput } from '../machines/listing.machine.js';
import { runCase, type CaseResult, type CaseWorkflowInput } from './runtime/caseHost.js';

export type ListingWorkflowInput = CaseWorkflowInput<ListingInput>;

export async function listingWorkflow(input: ListingWorkflowInput): Promise<CaseResult> {
  return runCase(listingCase, input);
}
