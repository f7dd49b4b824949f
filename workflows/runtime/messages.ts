/**
 * Messages every case workflow answers, whatever its machine. The API and tests import these.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Assignee, Principal } from '../../rules/actors.js';
import type { Deadline } from '../../rules/calendar/index.js';
import type { PublicStatus } from '../../machines/kit.js';
import type { Grant, StateValue, TaskRecord } from '../../activities/contracts.js';

/** A person's decision: a command of the case's machine with its payload, sent by the API on their behalf. */
export interface CommandArgs {
  type: string;
  payload: Record<string, unknown>;
  actor: Principal;
}

export interface CaseView {
  caseId: string;
  caseType: string;
  seq: number;
  status: PublicStatus;
  state: StateValue;
  context: unknown;
  deadlines: Deadline[];
  tasks: TaskRecord[];
  grants: Grant[];
  /** Commands the given viewer may send now (empty without a viewer). */
  availableActions: Grant[];
}

export type CommandResult = Pick<CaseView, 'caseId' | 'seq' | 'status' | 'state' | 'tasks'>;

/** Staff decisions: validated synchronously, answered when the case has recorded the step. */
export const commandUpdate = defineUpdate<CommandResult, [CommandArgs]>('command');
/** An event from another case (e.g. a round telling its applications the list was approved). */
export const caseEventSignal = defineSignal<[{ type: string; from?: string; [k: string]: unknown }]>('caseEvent');
/** The calendar changed (a year's arrangement was loaded): recompute provisional deadlines. */
export const recomputeDeadlinesSignal = defineSignal<[{ years: number[] }]>('recomputeDeadlines');
/** The case as it stands, with the actions a viewer may take. */
export const caseViewQuery = defineQuery<CaseView, [Assignee?]>('caseView');
