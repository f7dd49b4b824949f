/**
 * The selection procedure's rules (R6 eligibility, R7/R8 intake, priority and the expert vote,
 * R9.3 re-application bar) as data and plain functions. Pure: no I/O, no clock.
 */
export { PRIORITY_CATEGORIES, type PriorityCategory, selectionPolicy, type SelectionPolicy, SelectionInputError } from './policy.js';
export {
  ApplicantFactsSchema,
  type ApplicantFacts,
  type EligibilityRule,
  type EligibilityCheck,
  type EligibilityFlag,
  type EligibilityOptions,
  checkEligibility,
  matchedScopeTerms,
} from './eligibility.js';
export {
  type Bar,
  type IntakeRound,
  type IntakeApplication,
  type ExistingApplication,
  type IntakeInput,
  INTAKE_REJECTION_RULES,
  type IntakeRejectionCode,
  type IntakeRejectionDetails,
  type IntakeRejection,
  checkIntake,
  barUntil,
  priorityOf,
  type RankedApplication,
  compareApplications,
} from './intake.js';
export { type Vote, type Tally, tallyVotes, quorumOf } from './tally.js';
