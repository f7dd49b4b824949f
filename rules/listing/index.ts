/**
 * A listing's lifecycle (R5.2 validity; R9 renewal, deemed abandonment and the re-application bar;
 * R14.2 annual reports; R20.3 withdrawal) as data and plain functions. Pure: no I/O, no clock.
 */
export {
  type ListingRecipient,
  type ListingEndReason,
  type RenewalReminderPolicy,
  type AnnualDay,
  listingPolicy,
  type ListingPolicy,
  ListingInputError,
} from './policy.js';
export { type ValidityPeriod, type RenewalReminder, validityPeriod, renewedPeriod, renewalDeadline, renewalReminders } from './validity.js';
export {
  type ReportedYear,
  type ForfeitureInput,
  type ForfeitureRule,
  type Forfeiture,
  forfeitureOf,
  reapplicationBar,
  barApplies,
} from './forfeiture.js';
export {
  AnnualReportSchema,
  type AnnualReport,
  type AnnualReportNotice,
  type AnnualReportSchedule,
  type AnnualReportField,
  type AnnualReportError,
  annualReportDueDate,
  annualReportSchedule,
  annualReportSpecs,
  annualReportDueText,
  annualReportReminderText,
  annualReportEscalationText,
  checkAnnualReport,
} from './annualReport.js';
