/**
 * Policy: every number and duration the procedures use, in one place (rules.md "Decisions").
 * A ministry's change of policy is a change here, not in machines or workflows.
 */
import type { Offset } from './calendar/index.js';

export interface StepPolicy {
  /** The rule the step's deadline enforces. */
  rule: string;
  /** How long the step may take, counted from the moment it starts. */
  due: Offset;
  /** Reminders, counted back from the due date (negative working days). */
  reminders: Offset[];
}

export const policy = {
  /** Reminders are sent at 09:00 Asia/Shanghai on their day; due dates end at 24:00. */
  reminderTime: { hour: 9 },
  selectionPlan: {
    /** R7.1 按程序报批: the responsible leader approves the plan or returns it with comments. */
    approval: { rule: 'R7.1', due: { workingDays: 10 }, reminders: [{ workingDays: -2 }] } satisfies StepPolicy,
    /** R7.1: once approved, the selection notice is published. */
    notice: { rule: 'R7.1', due: { workingDays: 10 }, reminders: [{ workingDays: -2 }] } satisfies StepPolicy,
    /** An escalation (督办) must be answered by the level above within this time, or it escalates again. */
    escalation: { rule: 'R7.1', due: { workingDays: 5 }, reminders: [] } satisfies StepPolicy,
    /** The application window of a notice must be at least this long (calendar days) and start no earlier than the notice. */
    minimumWindowDays: 7,
    maximumWindowDays: 366,
  },
  application: {
    /** R7.2: the recommender (provincial HR or industry department) confirms the recommendation. */
    recommendation: { rule: 'R7.2', due: { workingDays: 10 }, reminders: [{ workingDays: -2 }] } satisfies StepPolicy,
    /** R7.3 初评: the organiser's preliminary review of the materials. */
    preliminaryReview: { rule: 'R7.3', due: { workingDays: 15 }, reminders: [{ workingDays: -3 }] } satisfies StepPolicy,
    /** R7.3: a return for correction gives the institution this many working days unless the reviewer sets another. */
    correctionWorkingDays: { default: 10, min: 1, max: 30 },
    /** R7.3 专家评议: panel members vote by this due date. */
    voting: { rule: 'R7.3', due: { workingDays: 10 }, reminders: [{ workingDays: -3 }, { workingDays: -1 }] } satisfies StepPolicy,
    /** R7.4 复核: the organiser rechecks the panel's result. */
    recheck: { rule: 'R7.4', due: { workingDays: 10 }, reminders: [{ workingDays: -2 }] } satisfies StepPolicy,
  },
  round: {
    /** R7.4 报批: the organiser's leader approves the proposed list. */
    listApproval: { rule: 'R7.4', due: { workingDays: 10 }, reminders: [{ workingDays: -2 }] } satisfies StepPolicy,
  },
  runtime: {
    /**
     * A case continues-as-new with its persisted snapshot after this many events in one run, or earlier when
     * Temporal suggests it. Temporal accepts at most 2,000 updates per run.
     */
    continueAsNewAfterEvents: 1000,
  },
} as const;
