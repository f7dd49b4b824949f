/**
 * Building blocks every procedure's machine uses for a waiting step: its deadline request (a due date
 * and reminders counted back from it) and the guards that recognise its deadline events. Pure.
 */
import { policy, type StepPolicy } from '../rules/policy.js';
import { sameAssignee, type Assignee } from '../rules/actors.js';
import type { DeadlineRequest, NotificationRequest, ReminderRecord } from './kit.js';

/** `<prefix>Due` at the end of the due day, and `<prefix>Reminder<n>` at the policy's reminder time. */
export function stepDeadlines(prefix: string, step: StepPolicy, from: string): DeadlineRequest {
  return {
    due: { name: `${prefix}Due`, rule: step.rule, from, offset: step.due, time: 'endOfDay' },
    reminders: step.reminders.map((offset, i) => ({ name: `${prefix}Reminder${i + 1}`, offset, time: policy.reminderTime })),
  };
}

type AnyEvent = { type: string; name?: string };

/** Guard: this is the `deadline.reached` event of the named deadline. */
export const deadlineIs = (name: string) => ({ event }: { event: AnyEvent }) => event.type === 'deadline.reached' && event.name === name;

/** Guard: this is a reminder deadline of the step with this prefix. */
export const reminderOf = (prefix: string) => ({ event }: { event: AnyEvent }) =>
  event.type === 'deadline.reached' && (event.name ?? '').startsWith(`${prefix}Reminder`);

/** Context deadlines after a `deadlines.set` event: the new ones replace those of the same name. */
export function withDeadlines<T extends { name: string }>(current: Record<string, T>, event: { type: string; deadlines?: T[] }): Record<string, T> {
  return event.type === 'deadlines.set' && event.deadlines ? { ...current, ...Object.fromEntries(event.deadlines.map((d) => [d.name, d])) } : current;
}

/** The reminders record after a reminder deadline was delivered. */
export function withReminder(reminders: ReminderRecord[], event: { name?: string; at: string }): ReminderRecord[] {
  return [...reminders, { deadline: event.name ?? '', at: event.at }];
}

type StateValue = string | { [key: string]: StateValue };

/** The leaf state as a dotted path, e.g. `expertReview.voting` (machines here have no parallel states). */
export function leafState(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [k, v] = Object.entries(value)[0]!;
  return `${k}.${leafState(v!)}`;
}

/** Params of the `notify` action: one message to each distinct recipient (a role in a unit). */
export function notifyParams(to: Assignee[], template: string, subject: string, body: string, rule: string): NotificationRequest {
  return { to: to.filter((a, i) => to.findIndex((b) => sameAssignee(a, b)) === i), template, subject, body, rule };
}
