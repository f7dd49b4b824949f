/** The two directories (R2.1) and who organises selection for each (R7 national group, R8 provincial HR). */
import type { Unit } from './actors.js';

export const KINDS = ['training', 'evaluation'] as const;
export type Kind = (typeof KINDS)[number];

/** Occupation (职业) as named in the national occupational classification, e.g. `2-02-10-09`. */
export interface Occupation {
  code: string;
  name: string;
}
export const OCCUPATION_CODE_PATTERN = '^[0-9]-[0-9]{2}-[0-9]{2}-[0-9]{2}$';

/**
 * R7 / R8.1: evaluation institutions are selected by the national group, training institutions by
 * the provincial HR department of their province. Returns a reason when the pair is not allowed.
 */
export function organiserMismatch(kind: Kind, organiser: Unit): string | undefined {
  if (kind === 'evaluation' && organiser !== 'national') {
    return 'R7: evaluation institutions are selected by the national group (organiser must be "national")';
  }
  if (kind === 'training' && !organiser.startsWith('province:')) {
    return 'R8.1: training institutions are selected by a provincial HR department (organiser must be "province:<code>")';
  }
  return undefined;
}
