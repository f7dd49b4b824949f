/**
 * Mainland China calendar rules (rules.md, "Time"; R7.4 notice period; R5.2/R9 validity and
 * renewal). Pure functions: no I/O, no clock; every "now" is a parameter.
 */
export { ZONE, type IsoDate, parseIsoDate, shanghaiDate } from './dates.js';
export { CalendarInputError } from './errors.js';
export {
  type YearArrangement,
  type DayReason,
  type DaySource,
  type DayInfo,
  type Calendar,
  type ListedDay,
  createCalendar,
  statutoryHolidays,
} from './calendar.js';
export {
  type HolidayDayRule,
  type StatutoryHoliday,
  type HolidayRegulation,
  type SolarTermKey,
  NATIONAL_HOLIDAYS_REGULATION,
  canonicalHolidayName,
} from './regulation.js';
export { bundledYears, MIN_SUPPORTED_YEAR, MAX_SUPPORTED_YEAR } from './chinese-days.js';
export { type WorkingDaysResult, MAX_WORKING_DAYS, addWorkingDays, skipReason } from './working-days.js';
export { type Offset, type DeadlineTime, type DeadlineSpec, type Deadline, computeDeadline } from './deadline.js';
