/**
 * R10–R12 building obligations as inspection checklists (R16 random inspections, reviews).
 *
 * Pure: no I/O, no clock.
 */
import type { Kind } from '../kinds.js';
import { inspectionChecklists, type ChecklistItem } from './policy.js';

/**
 * The checklist for one kind: R10 then R12 for a training institution, R11 (incidents included)
 * then R12 for an evaluation institution. A fresh array each call; the items are shared, read-only.
 */
export function inspectionChecklist(kind: Kind): readonly ChecklistItem[] {
  return [...inspectionChecklists[kind]];
}
