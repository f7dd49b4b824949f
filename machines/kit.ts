/**
 * The contract between pure machines and the host that runs them (workflows/runtime).
 *
 * Machines never read a clock: the host stamps every event with the instant it happened (`at`) and
 * who caused it (`actor`). Deadlines are absolute instants in context, computed by the calendar
 * activity; the machine asks for them with the `requestDeadlines` action, the host answers with a
 * `deadlines.set` event, and arms a durable timer for every deadline the current state can react to,
 * delivering `deadline.reached` when it passes. Side effects are named actions the host maps to
 * activities. Tasks (the inbox) are derived from the state by the case definition.
 */
import type { TSchema } from 'typebox';
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type { Assignee, Principal } from '../rules/actors.js';
import type { Deadline, DeadlineSpec, Offset } from '../rules/calendar/index.js';

/** Stamped by the host on every event the machine receives. */
export interface EventMeta {
  /** ISO instant (UTC) at which the host accepted the event. */
  at: string;
  actor: Principal;
}

/** The host's answer to `requestDeadlines`. */
export interface DeadlinesSetEvent extends EventMeta {
  type: 'deadlines.set';
  deadlines: Deadline[];
}

/** Delivered by the host's durable timer when a deadline in context passes. */
export interface DeadlineReachedEvent extends EventMeta {
  type: 'deadline.reached';
  name: string;
}

export type HostEvent = DeadlinesSetEvent | DeadlineReachedEvent;

/** Params of the `requestDeadlines` action: a due date and reminders counted back from it. */
export interface DeadlineRequest {
  due: DeadlineSpec;
  reminders: { name: string; offset: Offset; time: DeadlineSpec['time'] }[];
}

/** Params of the `notify` action: a message to every holder of a role in a unit. */
export interface NotificationRequest {
  to: Assignee[];
  template: string;
  subject: string;
  body: string;
  rule: string;
}

/** A reminder or escalation notice the machine recorded as sent, for task histories. */
export interface ReminderRecord {
  deadline: string;
  at: string;
}

/** Every hosted machine's context has these. */
export interface CaseContextBase {
  caseId: string;
  deadlines: Record<string, Deadline>;
}

/** One human step, derived from the state: the inbox shows it until the state no longer yields it. */
export interface TaskSpec {
  /** Stable within the case; a new key means a new task (e.g. `approve#2` after a resubmission). */
  key: string;
  /** Step name, e.g. `selectionPlan.approve`. */
  step: string;
  title: string;
  rule: string;
  assignee: Assignee;
  /** Commands that complete this task. */
  actions: string[];
  /** Name of the deadline in context that is this task's due date. */
  deadline?: string;
  /** Names of reminder deadlines in context already delivered for this task. */
  remindersSent?: ReminderRecord[];
  /** True for escalation tasks (督办) raised because another task is overdue. */
  escalation?: boolean;
}

/** A command a person may send (an Update): its payload schema, the rule it exercises, and who may send it outside tasks. */
export interface CommandSpec<TSnapshot> {
  title: string;
  rule: string;
  payload: TSchema;
  /** Assignees who may send this command whatever the open tasks; tasks grant the rest. */
  allowed?: (snapshot: TSnapshot) => Assignee[];
  /** Anyone may send it, without an account (the API sends it with a public principal); the state still decides. */
  public?: boolean;
  /** Semantic checks of the payload against the case (plain functions from rules/); field errors. */
  check?: (payload: never, snapshot: TSnapshot, at: string, actor?: Principal) => FieldError[];
}

export interface FieldError {
  field: string;
  message: string;
  rule?: string;
}

/** A stable status for clients (not raw state names). */
export interface PublicStatus {
  code: string;
  label: string;
  final: boolean;
}

/** Everything the generic host needs to run a kind of case. */
export interface CaseDefinition<TMachine extends AnyStateMachine = AnyStateMachine, TSnapshot extends AnyMachineSnapshot = ReturnType<TMachine['resolveState']>> {
  caseType: string;
  machine: TMachine;
  /** Rule cited for transitions no command or deadline names. */
  defaultRule: string;
  commands: Record<string, CommandSpec<TSnapshot>>;
  tasks: (snapshot: TSnapshot) => TaskSpec[];
  status: (snapshot: TSnapshot) => PublicStatus;
  /** The unit whose case this is (its jurisdiction for reads). */
  owner: (snapshot: TSnapshot) => Assignee['unit'];
  /** A short, non-confidential summary for lists and the case page. */
  summary: (snapshot: TSnapshot) => Record<string, unknown>;
  /** Units that take part in the case besides its owner (applicant, recommender): they may read it, also after it ends. */
  parties?: (snapshot: TSnapshot) => Assignee['unit'][];
  /** Event types whose history entries only staff see (R7.3: panel membership and votes are confidential). */
  confidentialEvents?: readonly string[];
  /** The case's public directory entry, if it is a listing. */
  directoryEntry?: (snapshot: TSnapshot) => DirectoryEntry;
  /** Event types this case accepts from other cases (the `caseEvent` signal); anything else is ignored. */
  signals?: readonly string[];
  /**
   * One workflow run per value (e.g. a listing's validity period): when it changes, the host
   * continues-as-new at the next quiescent point, so each run's history covers one period.
   */
  runKey?: (snapshot: TSnapshot) => string;
}

/** Params of the `signalCase` action: an event for another case, delivered by the host as a signal. */
export interface SignalCaseRequest {
  caseId: string;
  event: { type: string; [k: string]: unknown };
}

/** Params of the `drawPanel` action (R7.3): the draw runs in an activity, its seed committed before the pool is read. */
export interface DrawPanelRequest {
  caseId: string;
  applicant: { institutionId: string; recommender: string };
  field: string;
  panelSize: number;
  /** Experts already on the panel or out of it: never drawn again. */
  exclude: string[];
}

/** Params of the `startCase` action: the host starts another case (a child workflow that outlives this one). */
export interface StartCaseRequest {
  caseType: 'listing' | 'rectification';
  caseId: string;
  input: Record<string, unknown>;
}

/** A case's entry in the public directory (R2.1, R5.1), written with each of its steps; one writer: the listing case. */
export interface DirectoryEntry {
  listingId: string;
  kind: 'training' | 'evaluation';
  institution: { id: string; name: string; province: string };
  occupation: { code: string; name: string };
  organiser: string;
  recommender: string;
  period: number;
  validFrom: string;
  validUntil: string;
  status: 'valid' | 'lapsing' | 'expired' | 'removed' | 'withdrawn';
  /** R20.3: the institution's public contact details (of the institution, never of a person). */
  contact?: InstitutionContact;
}

/** R20.3: an institution's public contact details, as it reports them. */
export interface InstitutionContact {
  address?: string;
  phone?: string;
  email?: string;
  website?: string;
}

/** What the draw activity returns to the case (the pool snapshot and exclusions stay in the draw record). */
export interface PanelDraw {
  drawId: string;
  algorithm: string;
  seedCommitment: string;
  proof: string;
  members: string[];
  reserve: string[];
}
