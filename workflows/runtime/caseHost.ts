/**
 * The generic host: runs a pure XState machine (a CaseDefinition) inside a Temporal workflow.
 *
 * - Updates (`command`) are validated synchronously (payload schema, role and jurisdiction, state,
 *   semantic checks) and become machine events stamped with the workflow clock and the actor.
 * - Every event goes through XState's pure `transition()`; the actions it returns are mapped to
 *   activities (`requestDeadlines` → calendar, `notify` → outbox). Each step is recorded by one
 *   idempotent activity (audit chain, case projection, inbox tasks), keyed by case id + sequence.
 * - Timers are derived, never stored: for every deadline in context that the current state can react
 *   to, the host waits on a durable timer and delivers `deadline.reached`. So timers survive
 *   continue-as-new and follow recomputed deadlines (statelyai/xstate#5331 does not bite).
 * - Long-lived cases continue-as-new with the persisted snapshot at quiescent points.
 */
import type {
  ApplicationFailure} from '@temporalio/workflow';
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  startChild,
  WorkflowIdReusePolicy,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { Value } from 'typebox/value';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import type { createCalendarActivities } from '../../activities/calendar.js';
import type { createCaseStoreActivities } from '../../activities/caseStore.js';
import type { ClosedTaskRecord, Grant, StateValue, TaskRecord, TransitionBatch } from '../../activities/contracts.js';
import type { createNotificationActivities } from '../../activities/notifications.js';
import type { createDirectoryActivities } from '../../activities/directory.js';
import type { createInspectionActivities } from '../../activities/inspections.js';
import type { DrawInspectionRequest } from '../../machines/inspection.machine.js';
import type { RecordBarRequest } from '../../machines/listing.machine.js';
import type { createPanelActivities } from '../../activities/panels.js';
import type { CaseDefinition, DeadlineRequest, DirectoryEntry, DrawPanelRequest, FieldError, NotificationRequest, SignalCaseRequest, StartCaseRequest, TaskSpec } from '../../machines/kit.js';
import { CASE_TYPES } from '../caseTypes.js';
import { sameAssignee, SYSTEM_PRINCIPAL, type Assignee, type Principal } from '../../rules/actors.js';
import type { Deadline } from '../../rules/calendar/index.js';
import { shanghaiDate } from '../../rules/calendar/dates.js';
import { policy } from '../../rules/policy.js';
import { nowIso, nowMs } from './clock.js';
import { caseFailure } from './failures.js';
import { caseEventSignal, caseViewQuery, commandUpdate, recomputeDeadlinesSignal, type CaseView, type CommandArgs, type CommandResult } from './messages.js';

/** `patched()` id: a step's deadline requests computed in one calendar activity (issue 7). */
export const BATCHED_DEADLINE_REQUESTS = 'batched-deadline-requests';

const store = proxyActivities<ReturnType<typeof createCaseStoreActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const calendar = proxyActivities<ReturnType<typeof createCalendarActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['CalendarInputError'] },
});
const panels = proxyActivities<ReturnType<typeof createPanelActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
const inspections = proxyActivities<ReturnType<typeof createInspectionActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
const directory = proxyActivities<ReturnType<typeof createDirectoryActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
// `notify` is a store write (the outbox documents) plus starting their deliveries: retried like the other
// store writes, so the outbox converges with the projection after a store outage. The slow, bounded retries
// of the channels themselves (SMTP, SMS, webhooks) belong to the delivery workflow. A retry policy is not
// part of the replay check (only the activity's type and id are), nor is a timeout, so running cases need
// no patch. The same 30 s start-to-close as the store's: an attempt whose completion a Temporal crash lost
// is retried after that timeout (no heartbeats), and a minute outlasted twice a 15 s crash.
const notifications = proxyActivities<ReturnType<typeof createNotificationActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** What a case workflow starts with: its machine input, or on continue-as-new the persisted state. */
export interface CaseWorkflowInput<TInput> {
  /** The machine's input (without caseId/createdAt, which the host adds). */
  input: Omit<TInput, 'caseId' | 'createdAt'>;
  restore?: {
    snapshot: { value: StateValue; context: unknown };
    seq: number;
    /** Deadlines already delivered, as `name@at`. */
    fired: string[];
    createdAt: string;
    /** Provisional deadlines waiting for recomputation when the run ended. */
    recompute: boolean;
  };
  /** Continue-as-new after this many events in one run (tests lower it). */
  continueAsNewAfterEvents?: number;
}

export interface CaseResult {
  caseId: string;
  seq: number;
  status: CaseView['status'];
  state: StateValue;
}

interface Ticket {
  event: { type: string; at: string; actor: Principal; [k: string]: unknown };
  /** Set for commands (Updates) awaiting their answer. */
  command?: { done: boolean; result?: CommandResult; error?: ApplicationFailure };
}

type Snapshot = AnyMachineSnapshot;

/** The directory change a listing's step makes (R5.1): its first entry publishes; a new period renews; a new status is its change. */
function directoryChange(before: DirectoryEntry | undefined, after: DirectoryEntry): NonNullable<TransitionBatch['directory']> {
  if (!before) return { entry: after, change: 'published' };
  if (after.period > before.period) return { entry: after, change: 'renewed' };
  if (after.status !== before.status && after.status !== 'valid') return { entry: after, change: after.status };
  // R20.3: a change of name or contact details is published as its own dated entry.
  if (after.institution.name !== before.institution.name || JSON.stringify(after.contact ?? null) !== JSON.stringify(before.contact ?? null)) {
    return { entry: after, change: 'changed' };
  }
  return { entry: after, change: null };
}

export async function runCase<TInput>(definition: CaseDefinition, start: CaseWorkflowInput<TInput>): Promise<CaseResult> {
  const { machine } = definition;
  const caseId = workflowInfo().workflowId;
  const createdAt = start.restore?.createdAt ?? nowIso();
  const canLimit = start.continueAsNewAfterEvents ?? policy.runtime.continueAsNewAfterEvents;

  let seq = start.restore?.seq ?? 0;
  let snapshot: Snapshot;
  let openTasks: TaskSpec[] = [];
  const fired = new Set(start.restore?.fired ?? []);
  const queue: Ticket[] = [];
  let eventsThisRun = 0;
  let recomputeRequested = start.restore?.recompute ?? false;

  // ---- views -------------------------------------------------------------------------------
  const deadlinesOf = (s: Snapshot): Record<string, Deadline> =>
    ((s.context as { deadlines?: Record<string, Deadline> }).deadlines ?? {});

  const taskRecords = (s: Snapshot): TaskRecord[] =>
    definition.tasks(s).map((t) => {
      const d = t.deadline ? deadlinesOf(s)[t.deadline] : undefined;
      return { ...t, due: d?.at ?? null, dueDate: d?.date ?? null, dueExplanation: d?.explanation.text ?? null, provisional: d?.provisional ?? false };
    });

  const grantsOf = (s: Snapshot, tasks: TaskSpec[]): Grant[] => {
    if (s.status === 'done') return [];
    const grants: Grant[] = [];
    for (const t of tasks) {
      for (const type of t.actions) {
        const spec = definition.commands[type];
        if (spec) grants.push({ type, title: spec.title, rule: spec.rule, assignee: t.assignee, taskKey: t.key });
      }
    }
    for (const [type, spec] of Object.entries(definition.commands)) {
      for (const assignee of spec.allowed?.(s) ?? []) grants.push({ type, title: spec.title, rule: spec.rule, assignee });
    }
    return grants;
  };

  const view = (viewer?: Assignee): CaseView => {
    const tasks = taskRecords(snapshot);
    const grants = grantsOf(snapshot, tasks);
    return {
      caseId,
      caseType: definition.caseType,
      seq,
      status: definition.status(snapshot),
      state: snapshot.value as StateValue,
      context: snapshot.context,
      deadlines: Object.values(deadlinesOf(snapshot)),
      tasks,
      grants,
      availableActions: viewer ? grants.filter((g) => sameAssignee(g.assignee, viewer)) : [],
    };
  };

  // ---- validation (synchronous: the SDK ignores a validator's promise) -----------------------
  const validate = (cmd: CommandArgs): void => {
    const spec = definition.commands[cmd?.type];
    if (!spec) throw caseFailure('UnknownCommand', `"${String(cmd?.type)}" is not a command of a ${definition.caseType}`);
    if (!Value.Check(spec.payload, cmd.payload)) {
      const fields: FieldError[] = [...Value.Errors(spec.payload, cmd.payload)].map((e) => ({ field: e.instancePath || '/', message: e.message }));
      throw caseFailure('InvalidInput', `invalid ${cmd.type} payload: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`, { rule: spec.rule, fields });
    }
    // Public commands (e.g. an objection during a public notice) need no grant: anyone may send them.
    if (!spec.public) {
      const grants = grantsOf(snapshot, definition.tasks(snapshot)).filter((g) => g.type === cmd.type);
      if (grants.length === 0) {
        throw caseFailure('InvalidState', `${cmd.type} is not possible while the case is "${definition.status(snapshot).label}"`, { rule: spec.rule, state: snapshot.value });
      }
      if (!grants.some((g) => sameAssignee(g.assignee, cmd.actor))) {
        throw caseFailure('Forbidden', `${cmd.type} is for ${grants.map((g) => `${g.assignee.role}@${g.assignee.unit}`).join(' or ')}`, { rule: spec.rule });
      }
    }
    // Semantic checks before the state's guards, so a bad field is named (400) rather than refused as a state (409).
    const event = { type: cmd.type, ...cmd.payload, at: nowIso(), actor: cmd.actor };
    const fields = spec.check?.(cmd.payload as never, snapshot, event.at, cmd.actor) ?? [];
    if (fields.length > 0) {
      throw caseFailure('InvalidInput', fields.map((f) => `${f.field}: ${f.message}`).join('; '), { rule: fields[0]?.rule ?? spec.rule, fields });
    }
    if (!snapshot.can(event)) {
      throw caseFailure('InvalidState', `${cmd.type} is not possible in the current state`, { rule: spec.rule, state: snapshot.value });
    }
  };

  // ---- one step: an event and the internal events it causes --------------------------------
  const ruleOf = (event: Ticket['event'], s: Snapshot): string => {
    if (event.type === 'deadline.reached') return deadlinesOf(s)[String(event.name)]?.rule ?? definition.defaultRule;
    if (event.type === 'deadlines.set') return (event.deadlines as Deadline[])[0]?.rule ?? definition.defaultRule;
    return definition.commands[event.type]?.rule ?? definition.defaultRule;
  };

  const stripStamps = ({ at: _at, actor: _actor, ...rest }: Ticket['event']) => rest as { type: string };

  async function step(first: Ticket['event'], initial?: { snapshot: Snapshot; actions: { type: string; params?: unknown }[] }): Promise<void> {
    const tasksBefore = openTasks;
    const audit: TransitionBatch['audit'] = [];
    const outbox: NotificationRequest[] = [];
    const outgoing: SignalCaseRequest[] = [];
    const starts: StartCaseRequest[] = [];
    const entryBefore = definition.directoryEntry && !initial ? definition.directoryEntry(snapshot) : undefined;
    const pending: { event: Ticket['event']; result?: [Snapshot, { type: string; params?: unknown }[]] }[] = [
      { event: first, result: initial ? [initial.snapshot, initial.actions] : undefined },
    ];
    while (pending.length > 0) {
      const { event, result } = pending.shift()!;
      const before = snapshot;
      const [next, actions] = result ?? transition(machine, snapshot, event as never);
      snapshot = next;
      seq += 1;
      eventsThisRun += 1;
      // The rule of a deadline is read before the step: leaving a state clears its deadlines.
      const rule = ruleOf(event, result ? next : before);
      audit.push({ seq, at: event.at, actor: event.actor, event: stripStamps(event), from: result ? null : (before.value as StateValue), to: next.value as StateValue, rule });
      // The step's deadline requests go to the calendar in one activity, not one round trip each (a
      // listing opened with 12 in sequence: bench/README.md). Histories recorded before keep their path.
      const requests = actions.filter((a) => a.type === 'requestDeadlines').map((a) => a.params as DeadlineRequest);
      const batch = requests.length > 1 && patched(BATCHED_DEADLINE_REQUESTS) ? await calendar.computeDeadlineBatch(requests) : undefined;
      let batchIndex = 0;
      for (const action of actions) {
        if (action.type === 'requestDeadlines') {
          const deadlines = batch ? batch[batchIndex++]! : await calendar.computeDeadlines(action.params as DeadlineRequest);
          pending.push({ event: { type: 'deadlines.set', deadlines, at: nowIso(), actor: SYSTEM_PRINCIPAL } });
        } else if (action.type === 'notify') {
          outbox.push(action.params as NotificationRequest);
        } else if (action.type === 'startCase') {
          starts.push(action.params as StartCaseRequest);
        } else if (action.type === 'recordBar') {
          await directory.recordBar({ ...(action.params as RecordBarRequest), caseId });
        } else if (action.type === 'signalCase') {
          outgoing.push(action.params as SignalCaseRequest);
        } else if (action.type === 'drawPanel') {
          // R7.3: keyed by case + step, so a retried activity reuses its committed seed.
          const outcome = await panels.drawPanel({ ...(action.params as DrawPanelRequest), drawId: `${caseId}#${seq}`, drawDate: shanghaiDate(nowIso()) });
          pending.push({
            event: outcome.ok
              ? { type: 'panel.drawn', draw: outcome.draw, at: nowIso(), actor: SYSTEM_PRINCIPAL }
              : { type: 'panel.drawFailed', reason: outcome.reason, at: nowIso(), actor: SYSTEM_PRINCIPAL },
          });
        } else if (action.type === 'drawInspection') {
          // R16: keyed by case + step, so a retried activity reuses its committed seed.
          const outcome = await inspections.drawInspection({
            ...(action.params as DrawInspectionRequest),
            owner: definition.owner(snapshot) as never,
            drawId: `${caseId}#${seq}`,
            drawDate: shanghaiDate(nowIso()),
          });
          pending.push({
            event: outcome.ok
              ? { type: 'inspection.drawn', draw: outcome.draw, at: nowIso(), actor: SYSTEM_PRINCIPAL }
              : { type: 'inspection.drawFailed', reason: outcome.reason, at: nowIso(), actor: SYSTEM_PRINCIPAL },
          });
        } else if (!action.type.startsWith('xstate.')) {
          // An action the host cannot perform is a programming error: fail the workflow task, not the case.
          throw new Error(`${definition.caseType}: no host mapping for action "${action.type}"`);
        }
      }
    }
    // Forget delivered deadlines that are no longer in context.
    const live = new Set(Object.values(deadlinesOf(snapshot)).map((d) => `${d.name}@${d.at}`));
    for (const key of [...fired]) if (!live.has(key)) fired.delete(key);

    openTasks = definition.tasks(snapshot);
    const openKeys = new Set(openTasks.map((t) => t.key));
    const closedTasks: ClosedTaskRecord[] = tasksBefore
      .filter((t) => !openKeys.has(t.key))
      .map((t) => ({
        key: t.key,
        status: t.actions.includes(first.type) ? 'done' : 'cancelled',
        outcome: { action: first.type, by: first.actor, at: first.at },
      }));
    const records = taskRecords(snapshot);
    await store.recordTransitions({
      case: {
        caseId,
        caseType: definition.caseType,
        seq,
        status: definition.status(snapshot),
        state: snapshot.value as StateValue,
        owner: definition.owner(snapshot),
        parties: definition.parties?.(snapshot) ?? [],
        confidentialEvents: [...(definition.confidentialEvents ?? [])],
        summary: definition.summary(snapshot),
        deadlines: Object.values(deadlinesOf(snapshot)),
        grants: grantsOf(snapshot, openTasks),
        createdAt,
        updatedAt: first.at,
      },
      audit,
      openTasks: records,
      closedTasks,
      ...(definition.directoryEntry ? { directory: directoryChange(entryBefore, definition.directoryEntry(snapshot)) } : {}),
    });
    if (outbox.length > 0) {
      await notifications.notify({ caseId, caseType: definition.caseType, seq, at: first.at, messages: outbox });
    }
    // Cases this step opens, e.g. a published application's listing: children that outlive their parent.
    for (const { caseType, caseId: child, input } of starts) {
      try {
        await startChild(CASE_TYPES[caseType].workflowType, {
          workflowId: child,
          args: [{ input }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        });
      } catch (e) {
        log.warn('could not start a case', { child, error: (e as Error).message });
      }
    }
    // Other cases hear of this step after it is recorded (a signal is a workflow command: durable, in order).
    for (const { caseId: target, event } of outgoing) {
      try {
        await getExternalWorkflowHandle(target).signal(caseEventSignal, { ...event, from: caseId });
      } catch (e) {
        log.warn('could not signal another case', { target, event: event.type, error: (e as Error).message });
      }
    }
  }

  // ---- timers derived from deadlines in context ----------------------------------------------
  const nextTimer = (): Deadline | undefined => {
    let best: Deadline | undefined;
    for (const d of Object.values(deadlinesOf(snapshot))) {
      if (fired.has(`${d.name}@${d.at}`)) continue;
      if (!snapshot.can({ type: 'deadline.reached', name: d.name, at: d.at, actor: SYSTEM_PRINCIPAL } as never)) continue;
      if (!best || d.at < best.at) best = d;
    }
    return best;
  };

  async function recomputeProvisional(): Promise<void> {
    recomputeRequested = false;
    // Reminders hang on their due dates: recompute every deadline of the case when any is provisional.
    const current = Object.values(deadlinesOf(snapshot));
    if (!current.some((d) => d.provisional)) return;
    const deadlines = await calendar.recomputeDeadlines(current);
    const changed = deadlines.filter((d, i) => d.at !== current[i]?.at || d.provisional !== current[i]?.provisional);
    if (changed.length > 0) await step({ type: 'deadlines.set', deadlines: changed, at: nowIso(), actor: SYSTEM_PRINCIPAL });
  }

  // ---- start or restore ----------------------------------------------------------------------
  // The snapshot exists before any await, so handlers registered below see a case from the first activation.
  let opening: { actions: { type: string; params?: unknown }[]; actor: Principal } | undefined;
  if (start.restore) {
    snapshot = machine.resolveState(start.restore.snapshot as never);
    openTasks = definition.tasks(snapshot);
  } else {
    const machineInput = { ...start.input, caseId, createdAt };
    const [s0, actions] = initialTransition(machine, machineInput as never);
    snapshot = s0;
    opening = { actions: actions as never, actor: (start.input as { createdBy?: Principal }).createdBy ?? SYSTEM_PRINCIPAL };
  }

  // A new run when the run key changes (e.g. a listing's next validity period): one history per period.
  const runKey = definition.runKey?.(snapshot);

  // ---- messages --------------------------------------------------------------------------------
  setHandler(caseViewQuery, (viewer?: Assignee) => view(viewer));
  setHandler(caseEventSignal, (event) => {
    // Only the event types this kind of case takes from other cases; the machine decides if the state can take it.
    if (!definition.signals?.includes(event?.type)) {
      log.warn('ignored a case event this case does not take', { type: event?.type, from: event?.from });
      return;
    }
    queue.push({ event: { ...event, at: nowIso(), actor: SYSTEM_PRINCIPAL } });
  });
  setHandler(recomputeDeadlinesSignal, () => {
    recomputeRequested = true;
  });
  setHandler(
    commandUpdate,
    async (cmd: CommandArgs): Promise<CommandResult> => {
      const ticket: Ticket = { event: { type: cmd.type, ...cmd.payload, at: nowIso(), actor: cmd.actor }, command: { done: false } };
      queue.push(ticket);
      await condition(() => ticket.command!.done);
      if (ticket.command!.error) throw ticket.command!.error;
      return ticket.command!.result!;
    },
    { validator: validate },
  );

  if (opening) {
    // Commands sent meanwhile wait in the queue: the opening is recorded first.
    await step({ type: 'case.opened', input: start.input, at: createdAt, actor: opening.actor }, { snapshot, actions: opening.actions });
  }

  // ---- the loop ------------------------------------------------------------------------------
  while (true) {
    if (queue.length > 0) {
      const ticket = queue.shift()!;
      if (!snapshot.can(ticket.event as never)) {
        // Accepted against an earlier state; a step in between made it impossible.
        if (ticket.command) {
          ticket.command.error = caseFailure('InvalidState', `${ticket.event.type} is no longer possible`, { state: snapshot.value });
          ticket.command.done = true;
        }
      } else {
        await step(ticket.event);
        if (ticket.command) {
          const v = view();
          ticket.command.result = { caseId, seq: v.seq, status: v.status, state: v.state, tasks: v.tasks };
          ticket.command.done = true;
        }
      }
      continue;
    }
    if (recomputeRequested) {
      await recomputeProvisional();
      continue;
    }
    if (snapshot.status === 'done') break;
    if (eventsThisRun >= canLimit || workflowInfo().continueAsNewSuggested || definition.runKey?.(snapshot) !== runKey) {
      await condition(allHandlersFinished);
      if (queue.length === 0) {
        const restore = { snapshot: { value: snapshot.value as StateValue, context: snapshot.context }, seq, fired: [...fired], createdAt, recompute: recomputeRequested };
        await continueAsNew<(input: CaseWorkflowInput<TInput>) => Promise<CaseResult>>({ ...start, restore });
      }
      continue;
    }
    const timer = nextTimer();
    const wake = () => queue.length > 0 || recomputeRequested;
    if (!timer) {
      await condition(wake);
      continue;
    }
    // A durable timer: Temporal keeps it across worker restarts, for any length (months, years).
    const wait = Math.max(0, Date.parse(timer.at) - nowMs());
    const woken = wait > 0 && (await condition(wake, wait));
    if (!woken) {
      fired.add(`${timer.name}@${timer.at}`);
      queue.push({ event: { type: 'deadline.reached', name: timer.name, at: nowIso(), actor: SYSTEM_PRINCIPAL } });
    }
  }
  await condition(allHandlersFinished);
  return { caseId, seq, status: definition.status(snapshot), state: snapshot.value as StateValue };
}
