/**
 * Thrown for every invalid input to the calendar functions (bad date, non-integer count, unknown
 * offset shape...). `field` names the offending input, e.g. `from`, `count`, `offset.workingDays`,
 * `loaded[0].holidays[2].date`, so the HTTP API can map it to a 400 with a field path.
 */
export class CalendarInputError extends Error {
  override readonly name = 'CalendarInputError';
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}
