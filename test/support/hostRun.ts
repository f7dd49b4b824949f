/**
 * Runs a case machine's events the way the host does, without Temporal: every deadline the machine
 * requests is computed with the calendar (reminders counted back from their due date) and handed back
 * as a `deadlines.set` event, so guards that read deadlines in context see them.
 */
import { initialTransition, transition, type AnyStateMachine } from 'xstate';
import type { DeadlineRequest } from '../../machines/kit.js';
import { SYSTEM_PRINCIPAL } from '../../rules/actors.js';
import { computeDeadline, createCalendar, type Calendar } from '../../rules/calendar/index.js';

export type Action = { type: string; params?: unknown };

export function hostRunner<TSnap, TEvent>(machine: AnyStateMachine, settleAt: string, cal: Calendar = createCalendar()) {
  const settle = (s: TSnap, actions: Action[]): TSnap => {
    let out = s;
    for (const a of actions.filter((x) => x.type === 'requestDeadlines')) {
      const r = a.params as DeadlineRequest;
      const due = computeDeadline(cal, r.due);
      const dues = [due, ...r.reminders.map((rem) => computeDeadline(cal, { name: rem.name, rule: r.due.rule, from: due.date, offset: rem.offset, time: rem.time }))];
      [out] = transition(machine, out as never, { type: 'deadlines.set', deadlines: dues, at: settleAt, actor: SYSTEM_PRINCIPAL } as never) as unknown as [TSnap];
    }
    return out;
  };
  /** From the machine's opening with `input`, or from a snapshot; returns the last snapshot, all actions and the last event's. */
  return (events: TEvent[], start: { input: unknown } | { from: TSnap }) => {
    const all: Action[] = [];
    let s: TSnap;
    if ('from' in start) s = start.from;
    else {
      const [s0, a0] = initialTransition(machine, start.input as never) as unknown as [TSnap, Action[]];
      all.push(...a0);
      s = settle(s0, a0);
    }
    let last: Action[] = [];
    for (const e of events) {
      const [next, actions] = transition(machine, s as never, e as never) as unknown as [TSnap, Action[]];
      last = actions;
      all.push(...actions);
      s = settle(next, actions);
    }
    return { s, all, last };
  };
}
