/**
 * Who acts in the DTE programme (rules.md, "Actors", Art. 3), as data and plain functions.
 *
 * A principal is a person acting for a unit in a role. A task is assigned to a role within a unit
 * (its jurisdiction); anyone holding that role in that unit may claim and complete it.
 */

/**
 * Roles a person can hold. `leader` signs approvals (报批); `admin` keeps platform data such as the
 * calendar; `inspector` records the findings of random inspections (R16), each in their own unit.
 */
export const ROLES = ['officer', 'leader', 'expert', 'inspector', 'institution', 'admin', 'public'] as const;
export type Role = (typeof ROLES)[number];

/**
 * A unit (jurisdiction) written as in the glossary: `national`, `province:<code>`, `locality:<code>`,
 * `industry:<code>`, `expert:<id>`, `inspector:<id>`, `institution:<id>`. Province codes are the two-digit GB/T 2260
 * codes (e.g. `44` Guangdong); locality codes are the six-digit ones (e.g. `440100` Guangzhou).
 */
export type Unit =
  | 'national'
  | `province:${string}`
  | `locality:${string}`
  | `industry:${string}`
  | `expert:${string}`
  | `inspector:${string}`
  | `institution:${string}`
  | 'public';

export const UNIT_PATTERN = '^(national|public|province:[0-9]{2}|locality:[0-9]{6}|industry:[a-z0-9-]{1,40}|expert:[A-Za-z0-9_-]{1,64}|inspector:[A-Za-z0-9_-]{1,64}|institution:[A-Za-z0-9_-]{1,64})$';
const unitRe = new RegExp(UNIT_PATTERN);

export function isUnit(value: string): value is Unit {
  return unitRe.test(value);
}

export interface Assignee {
  role: Role;
  unit: Unit;
}

export interface Principal extends Assignee {
  /** Stable account id (token subject). */
  id: string;
  /** Display name, for audit trails and task histories. */
  name: string;
}

/** A member of the public (社会公众): no account; reads the directory and notices, files objections (R7.4). */
export const PUBLIC_PRINCIPAL: Principal = { id: 'public', name: '社会公众', role: 'public', unit: 'public' };

/** The actor recorded for timers, the calendar and other automatic steps. */
export const SYSTEM_PRINCIPAL: Principal = { id: 'system', name: 'system', role: 'admin', unit: 'national' };

export function sameAssignee(a: Assignee, b: Assignee): boolean {
  return a.role === b.role && a.unit === b.unit;
}

/** The key a task inbox is indexed by: `role@unit`. */
export function assigneeKey(a: Assignee): string {
  return `${a.role}@${a.unit}`;
}

export function provinceOf(unit: Unit): string | undefined {
  if (unit.startsWith('province:')) return unit.slice('province:'.length);
  if (unit.startsWith('locality:')) return unit.slice('locality:'.length, 'locality:'.length + 2);
  return undefined;
}

/**
 * Escalation (督办/升级) goes one level up: local HR → provincial HR → national group; an industry
 * department's overdue work goes to the national group; at the top, the national group's own
 * overdue work goes to its leader (the office head).
 */
export function escalationTarget(of: Assignee): Assignee {
  if (of.unit.startsWith('locality:')) return { role: 'officer', unit: `province:${provinceOf(of.unit)}` };
  if (of.unit.startsWith('province:')) return { role: 'officer', unit: 'national' };
  if (of.unit.startsWith('industry:')) return { role: 'officer', unit: 'national' };
  // National group staff, and at the top the group's leaders themselves (collective oversight).
  return { role: 'leader', unit: 'national' };
}

/** Can this principal read cases of this unit? The national group oversees everything (Art. 3). */
export function canOversee(p: Assignee, unit: Unit): boolean {
  if (p.unit === 'national' && (p.role === 'officer' || p.role === 'leader' || p.role === 'admin')) return true;
  if (p.unit === unit) return true;
  // Provincial HR oversees its localities.
  if (p.unit.startsWith('province:') && unit.startsWith('locality:')) return provinceOf(unit) === provinceOf(p.unit);
  return false;
}
