/** Workflow functions and message definitions: the one place the worker, the API and tests import from. */
export { selectionPlanWorkflow, type SelectionPlanWorkflowInput } from './selectionPlan.workflow.js';
export { applicationWorkflow, type ApplicationWorkflowInput } from './application.workflow.js';
export { roundWorkflow, type RoundWorkflowInput } from './round.workflow.js';
export { listingWorkflow, type ListingWorkflowInput } from './listing.workflow.js';
export { rectificationWorkflow, type RectificationWorkflowInput } from './rectification.workflow.js';
export { inspectionWorkflow, type InspectionWorkflowInput } from './inspection.workflow.js';
export { conductReviewWorkflow, type ConductReviewWorkflowInput } from './conductReview.workflow.js';
export { incidentWorkflow, type IncidentWorkflowInput } from './incident.workflow.js';
export { caseEventSignal, caseViewQuery, commandUpdate, recomputeDeadlinesSignal, type CaseView, type CommandArgs, type CommandResult } from './runtime/messages.js';
export type { CaseResult, CaseWorkflowInput } from './runtime/caseHost.js';
export { FAILURE_STATUS, type FailureCode, type FailureDetails } from './runtime/failures.js';
export { deliverNotification, type DeliverNotificationInput } from './delivery.workflow.js';
