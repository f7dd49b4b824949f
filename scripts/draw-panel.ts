/**
 * Re-runs an R7.3 random draw of an expert panel and prints the panel, the reserve and the
 * exclusions with reasons; with a recorded result, also says whether it verifies.
 *   npx tsx scripts/draw-panel.ts <file.json>
 * The file is `{ pool: Expert[] | PoolSnapshot, request: DrawRequest, result?: DrawResult }`.
 * Exit code 0 on success, 1 when the recorded result does not verify, 2 when the input is unusable
 * or the pool is too small.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DrawInputError,
  PoolTooSmallError,
  drawRank,
  reasonLabel,
  replayDraw,
  snapshotPool,
  verifyDraw,
  type DrawRequest,
  type DrawResult,
  type Expert,
  type PoolSnapshot,
} from '../rules/draw/index.js';

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleOutput: Output = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Display width: East Asian wide characters (names such as 王芳) take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    const wide = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x20000 && c <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}

function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]): string =>
    '  ' + cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - width(c)))).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function isSnapshot(pool: unknown): pool is PoolSnapshot {
  return typeof pool === 'object' && pool !== null && !Array.isArray(pool) && 'experts' in pool && 'hash' in pool;
}

/** Runs the CLI on `args` (the file path); returns the exit code. */
export function main(args: string[], io: Output = consoleOutput): number {
  const file = args.filter((a) => a !== '--')[0];
  if (file === undefined) {
    io.err('usage: npx tsx scripts/draw-panel.ts <file.json>   (file: { pool, request, result? })');
    return 2;
  }
  let input: { pool?: Expert[] | PoolSnapshot; request?: DrawRequest; result?: DrawResult };
  try {
    input = JSON.parse(readFileSync(file, 'utf8')) as typeof input;
  } catch (error) {
    io.err(`cannot read ${file}: ${(error as Error).message}`);
    return 2;
  }
  if (typeof input !== 'object' || input === null || input.pool === undefined || input.request === undefined) {
    io.err(`${file}: expected { pool: Expert[] | PoolSnapshot, request: DrawRequest, result?: DrawResult }`);
    return 2;
  }
  const { request, result: recorded } = input;

  let exitCode = 0;
  try {
    const snapshot = isSnapshot(input.pool) ? input.pool : snapshotPool(input.pool);
    const names = new Map(snapshot.experts.map((e) => [e.id, e.name]));
    const name = (id: string): string => names.get(id) ?? '';
    const draw = replayDraw(snapshot, request, recorded);

    io.out(`R7.3 random draw — case ${draw.caseId}, field ${draw.field}, draw date ${request.drawDate}`);
    io.out(`  algorithm        ${draw.algorithm}`);
    io.out(`  seed             ${draw.seed}`);
    io.out(`  seed commitment  ${draw.seedCommitment}`);
    io.out(`  pool             ${snapshot.experts.length} expert(s), hash ${draw.poolHash}`);
    io.out(`  proof            ${draw.proof}`);
    const rank = (id: string): string => drawRank(draw.seed, draw.caseId, id).slice(0, 16);
    io.out('');
    io.out(`Panel (${draw.panel.length}, in draw order)`);
    for (const l of table(['#', 'expert', 'rank (HMAC-SHA256)', 'name'], draw.panel.map((id, i) => [String(i + 1), id, rank(id), name(id)]))) io.out(l);
    io.out('');
    io.out(`Reserve (${draw.reserve.length}, in draw order)`);
    if (draw.reserve.length === 0) io.out('  (none)');
    else for (const l of table(['#', 'expert', 'rank (HMAC-SHA256)', 'name'], draw.reserve.map((id, i) => [String(i + 1), id, rank(id), name(id)]))) io.out(l);
    io.out('');
    io.out(`Exclusions (${draw.exclusions.length})`);
    if (draw.exclusions.length === 0) io.out('  (none)');
    else {
      const rows = draw.exclusions.map((e) => [e.expertId, e.rule, reasonLabel(e.reason), `${name(e.expertId)}: ${e.detail}`]);
      for (const l of table(['expert', 'rule', 'reason', 'name: detail'], rows)) io.out(l);
    }
  } catch (error) {
    if (error instanceof PoolTooSmallError || error instanceof DrawInputError) {
      io.err(`${error.name}: ${error.message}`);
      exitCode = 2;
    } else {
      throw error;
    }
  }

  if (recorded !== undefined) {
    const snapshot = isSnapshot(input.pool) ? input.pool : safeSnapshot(input.pool);
    const { valid, problems } = snapshot === undefined
      ? { valid: false, problems: ['the pool cannot be read'] }
      : verifyDraw(snapshot, request, recorded);
    io.out('');
    if (valid) {
      io.out('Recorded result: VERIFIED — the re-run gives the same exclusions, panel, reserve and proof.');
    } else {
      io.out('Recorded result: DOES NOT VERIFY');
      for (const p of problems) io.out(`  - ${p}`);
      exitCode = 1;
    }
  }
  return exitCode;
}

function safeSnapshot(pool: Expert[]): PoolSnapshot | undefined {
  try {
    return snapshotPool(pool);
  } catch {
    return undefined;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) process.exitCode = main(process.argv.slice(2));
