/**
 * The inbox-query benchmark on its own (bench/inbox.ts):
 *
 *   npm run bench:inbox                                  # 1e5 and 1e6 tasks, 200 runs per query
 *   npm run bench:inbox -- --quick                       # 1e4 and 1e5, 50 runs, 30 s per query
 *   npm run bench:inbox -- --sizes 1e5 --runs 100 --budget 60 --keep
 *   MONGODB_URI=mongodb://127.0.0.1:27017 npm run bench:inbox   # a real mongod: the figures that count
 *
 * Without MONGODB_URI it starts FerretDB (and the Temporal dev server, unused) with
 * `scripts/dev-services.mjs env`, and marks every figure as FerretDB's. Writes
 * bench/results/inbox-<timestamp>.json. `--db NAME --keep` reuses a seeded database across runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatInboxBench, runInboxBench } from './inbox.js';
import { ROOT, startServices, type Services } from './lib/services.js';

const USAGE = 'usage: npm run bench:inbox -- [--sizes 1e5,1e6] [--runs 200] [--budget SECONDS] [--batch 2000] [--queries a,b] [--quick] [--db NAME] [--keep]';

function parseArgs(argv: string[]) {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const known = new Set(['--sizes', '--runs', '--budget', '--batch', '--queries', '--db', '--quick', '--keep', '--help']);
  for (const a of argv) if (a.startsWith('--') && !known.has(a)) throw new Error(`unknown option ${a}\n${USAGE}`);
  if (argv.includes('--help')) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = argv.includes('--quick');
  const sizes = (value('--sizes') ?? (quick ? '1e4,1e5' : '1e5,1e6')).split(',').map((x) => Number(x.trim()));
  const runs = Number(value('--runs') ?? (quick ? 50 : 200));
  const budget = value('--budget') === undefined ? undefined : Number(value('--budget'));
  const batch = value('--batch') === undefined ? undefined : Number(value('--batch'));
  if (sizes.some((n) => !Number.isInteger(n) || n < 100) || !Number.isInteger(runs) || runs < 1 || (budget !== undefined && !(budget > 0)) || (batch !== undefined && !(batch >= 1))) {
    throw new Error(USAGE);
  }
  const queries = value('--queries')?.split(',').map((q) => q.trim()).filter(Boolean);
  return { quick, sizes, runs, budget, batch, queries, db: value('--db'), keep: argv.includes('--keep') };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let services: Services | undefined;
  let uri = process.env.MONGODB_URI;
  const stop = async () => {
    await services?.stop();
  };
  const onSignal = () => {
    console.error('\ninterrupted: stopping the servers');
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (!uri) {
      console.log('MONGODB_URI is not set: starting FerretDB with scripts/dev-services.mjs env (figures will be FerretDB\'s, not MongoDB\'s)');
      services = await startServices();
      uri = services.env.MONGODB_URI!;
    }
    const result = await runInboxBench({
      mongodbUri: uri,
      sizes: args.sizes,
      runs: args.runs,
      quick: args.quick,
      ...(args.budget !== undefined ? { budgetSeconds: args.budget } : {}),
      ...(args.batch !== undefined ? { batchSize: args.batch } : {}),
      ...(args.db ? { dbName: args.db } : {}),
      ...(args.queries ? { queries: args.queries } : {}),
      keep: args.keep,
    });
    console.log(`\n${formatInboxBench(result)}\n`);
    const dir = path.join(ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `inbox-${result.startedAt.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`results: ${path.relative(ROOT, file)}${result.kept ? `; database ${result.database} kept` : ''}`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
