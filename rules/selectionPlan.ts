/**
 * Semantic checks of the selection plan and notice (R7.1), beyond the payload schemas.
 * Plain functions, used by the workflow's Update validators and by the API alike.
 */
import { DateTime } from 'luxon';
// dates.js only (luxon): this module runs inside workflows, which must not bundle the holiday data.
import { shanghaiDate, ZONE } from './calendar/dates.js';
import type { FieldError } from '../machines/kit.js';
import type { Occupation } from './kinds.js';
import { policy } from './policy.js';

export function duplicateOccupations(field: string, occupations: Occupation[]): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  occupations.forEach((o, i) => {
    if (seen.has(o.code)) errors.push({ field: `${field}/${i}/code`, message: `occupation ${o.code} is listed twice` });
    seen.add(o.code);
  });
  return errors;
}

/**
 * R7.1: the notice names occupations of the approved plan, and an application window that starts no
 * earlier than the day of publication and lasts between the policy's minimum and maximum.
 */
export function checkNotice(
  notice: { occupations: Occupation[]; applicationWindow: { opens: string; closes: string } },
  planned: Occupation[],
  at: string,
): FieldError[] {
  const errors = duplicateOccupations('/occupations', notice.occupations);
  const plannedCodes = new Set(planned.map((o) => o.code));
  notice.occupations.forEach((o, i) => {
    if (!plannedCodes.has(o.code)) {
      errors.push({ field: `/occupations/${i}/code`, message: `occupation ${o.code} is not in the approved plan`, rule: 'R7.1' });
    }
  });
  const { opens, closes } = notice.applicationWindow;
  const today = shanghaiDate(at);
  if (opens < today) {
    errors.push({ field: '/applicationWindow/opens', message: `the window cannot open before the notice is published (${today})`, rule: 'R7.1' });
  }
  const length = DateTime.fromISO(closes, { zone: ZONE }).diff(DateTime.fromISO(opens, { zone: ZONE }), 'days').days + 1;
  const { minimumWindowDays, maximumWindowDays } = policy.selectionPlan;
  if (!(length >= minimumWindowDays)) {
    errors.push({ field: '/applicationWindow/closes', message: `the window must last at least ${minimumWindowDays} days (it lasts ${length})`, rule: 'R7.1' });
  } else if (length > maximumWindowDays) {
    errors.push({ field: '/applicationWindow/closes', message: `the window must not last more than ${maximumWindowDays} days`, rule: 'R7.1' });
  }
  return errors;
}
