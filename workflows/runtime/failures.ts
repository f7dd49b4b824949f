/**
 * Typed failures a case rejects a command with. The API maps each code to an HTTP status, so a
 * caller's mistake is always a 4xx that names the field or the rule.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { FieldError } from '../../machines/kit.js';

export const FAILURE_STATUS = {
  /** Malformed or semantically invalid payload. */
  InvalidInput: 400,
  /** The command does not exist for this kind of case. */
  UnknownCommand: 400,
  /** The caller's role or jurisdiction may not send this command. */
  Forbidden: 403,
  /** The case's current state cannot take this command. */
  InvalidState: 409,
} as const;
export type FailureCode = keyof typeof FAILURE_STATUS;

export interface FailureDetails {
  rule?: string;
  fields?: FieldError[];
  state?: unknown;
  [k: string]: unknown;
}

export function caseFailure(code: FailureCode, message: string, details: FailureDetails = {}): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true, details: [details] });
}
