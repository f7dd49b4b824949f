/**
 * The kinds of case, their workflow type and their business-id scheme. Workflow ids are business
 * ids, so a duplicate case is impossible by construction.
 */
export const CASE_TYPES = {
  selectionPlan: { workflowType: 'selectionPlanWorkflow', idPrefix: 'selection-plan' },
  /** `selection-round:<organiser>:<plan reference>`: one round per published selection notice. */
  round: { workflowType: 'roundWorkflow', idPrefix: 'selection-round' },
  /** `application:<round>:<institution>:<occupation>`: the channel is not in the id, so a second channel for the same occupation collides (R7.2). */
  application: { workflowType: 'applicationWorkflow', idPrefix: 'application' },
  /** `listing:<kind>:<institution>:<occupation>`: one case per listing (R2.1), started by its published application. */
  listing: { workflowType: 'listingWorkflow', idPrefix: 'listing' },
  /** `rectification:<listing>:<n>`: one case per order (R20.1); several may run against one listing. */
  rectification: { workflowType: 'rectificationWorkflow', idPrefix: 'rectification' },
  /** `incident:<listing>:<day>-<n>`: one case per incident reported by an evaluation institution (R11). */
  incident: { workflowType: 'incidentWorkflow', idPrefix: 'incident' },
  /** `inspection:<department>:<reference>`: one random inspection (R16) of a department. */
  inspection: { workflowType: 'inspectionWorkflow', idPrefix: 'inspection' },
  /** `conduct-review:<evaluation listing>~<training listing>`: one review per detected R18(g) conflict. */
  conductReview: { workflowType: 'conductReviewWorkflow', idPrefix: 'conduct-review' },
} as const;
export type CaseType = keyof typeof CASE_TYPES;

export const TASK_QUEUE = 'dte-cases';
