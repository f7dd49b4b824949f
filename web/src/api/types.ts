/** Shapes of the API's answers that every area of the console reads (api/schemas.ts). */

export interface Assignee {
  role: string;
  unit: string;
}
export interface Status {
  code: string;
  label: string;
  final: boolean;
}
export interface DeadlineExplanation {
  text: string;
  rule?: string;
  start?: string;
  offset?: { workingDays?: number; calendarDays?: number; calendarMonths?: number; years?: number; days?: number };
  skipped?: { date: string; reason: string }[];
}
export interface Deadline {
  name: string;
  rule: string;
  at: string;
  date: string;
  provisional: boolean;
  explanation: DeadlineExplanation;
}
export interface Grant {
  type: string;
  title: string;
  rule: string;
  assignee: Assignee;
  taskKey?: string;
}
export type StateValue = string | { [k: string]: StateValue };
