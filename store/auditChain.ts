/**
 * The audit hash chain: each entry of a case carries the hash of the previous one, so any edit,
 * deletion, insertion or reordering is detectable. Hash = SHA-256 over the RFC 8785 canonical JSON
 * of the entry (without its own hash).
 */
import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import type { AuditDoc } from './documents.js';

// canonicalize is CommonJS (`module.exports = fn`) with an ESM-style .d.ts: the default import is the function.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

export const GENESIS_HASH = '0'.repeat(64);

export function hashEntry(entry: Omit<AuditDoc, '_id' | 'hash'>): string {
  const { caseId, seq, at, actor, event, from, to, rule, prevHash } = entry;
  const canonical = canonicalize({ caseId, seq, at, actor, event, from, to, rule, prevHash });
  if (canonical === undefined) throw new Error('audit entry cannot be canonicalised');
  return createHash('sha256').update(canonical).digest('hex');
}

export interface ChainProblem {
  seq: number;
  kind: 'edited' | 'missing' | 'inserted' | 'reordered' | 'truncated';
  message: string;
}

/**
 * Verifies one case's chain. `entries` in stored order (by seq); `expectedLast` is the case's own
 * step count from its projection, which reveals entries cut from the end.
 */
export function verifyChain(entries: AuditDoc[], expectedLast?: number): ChainProblem[] {
  const problems: ChainProblem[] = [];
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const e of entries) {
    const gap = e.seq > expectedSeq;
    if (gap) {
      const range = e.seq - 1 === expectedSeq ? `${expectedSeq}` : `${expectedSeq}..${e.seq - 1}`;
      problems.push({ seq: expectedSeq, kind: 'missing', message: `entry ${range} is missing` });
    } else if (e.seq < expectedSeq) {
      problems.push({ seq: e.seq, kind: 'reordered', message: `entry ${e.seq} appears after entry ${expectedSeq - 1}` });
    }
    if (hashEntry(e) !== e.hash) {
      problems.push({ seq: e.seq, kind: 'edited', message: `entry ${e.seq} does not match its hash` });
    }
    // After a gap the link is broken by the deletion already reported.
    if (!gap && e.prevHash !== prevHash) {
      problems.push({ seq: e.seq, kind: e.seq === expectedSeq ? 'inserted' : 'reordered', message: `entry ${e.seq} does not link to the entry before it` });
    }
    prevHash = e.hash;
    expectedSeq = Math.max(expectedSeq, e.seq) + 1;
  }
  if (expectedLast !== undefined && expectedSeq - 1 < expectedLast) {
    problems.push({ seq: expectedSeq, kind: 'truncated', message: `the case has ${expectedLast} steps but the chain ends at ${expectedSeq - 1}` });
  }
  return problems;
}
