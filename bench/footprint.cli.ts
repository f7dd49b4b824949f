/**
 * The footprint figures of issue 7 on their own (bench/footprint.ts): worker RSS per cached case,
 * replay time of long histories, history lengths, store documents and index sizes.
 *
 *   npm run bench:footprint -- [--quick] [--cached N] [--histories N] [--distinct N]
 *
 * Starts FerretDB and the Temporal dev server (scripts/dev-services.mjs env), or uses MONGODB_URI and
 * TEMPORAL_ADDRESS when both are set; prints the tables; writes bench/results/footprint-<timestamp>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { formatFootprint, runFootprintBench, type FootprintOptions } from './footprint.js';
import { ROOT, startServices, type Services } from './lib/services.js';

const USAGE = 'usage: npm run bench:footprint -- [--quick] [--cached N] [--histories N] [--distinct N]';

function parseArgs(argv: string[]): Omit<FootprintOptions, 'temporalAddress' | 'mongodbUri'> {
  const known = new Set(['--quick', '--cached', '--histories', '--distinct']);
  for (let i = 0; i < argv.length; i++) {
    if (!known.has(argv[i]!)) throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
    if (argv[i] !== '--quick') i++;
  }
  const quick = argv.includes('--quick');
  const int = (name: string, dflt: number) => {
    const i = argv.indexOf(name);
    if (i < 0) return dflt;
    const v = Number(argv[i + 1]);
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} needs a positive integer\n${USAGE}`);
    return v;
  };
  return {
    quick,
    cachedCases: int('--cached', quick ? 200 : 1000),
    longHistories: int('--histories', quick ? 200 : 1000),
    distinctHistories: int('--distinct', quick ? 10 : 50),
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const external = Boolean(process.env.MONGODB_URI && process.env.TEMPORAL_ADDRESS);
  let services: Services | undefined;
  const onSignal = () => {
    void (services?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let env: { MONGODB_URI: string; TEMPORAL_ADDRESS: string };
    if (external) {
      env = { MONGODB_URI: process.env.MONGODB_URI!, TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS! };
      console.log(`footprint: using MONGODB_URI and TEMPORAL_ADDRESS (${env.TEMPORAL_ADDRESS})`);
    } else {
      console.log('footprint: starting the servers (scripts/dev-services.mjs env) ...');
      services = await startServices();
      env = { MONGODB_URI: services.env.MONGODB_URI!, TEMPORAL_ADDRESS: services.env.TEMPORAL_ADDRESS! };
      console.log(`Temporal dev server ${env.TEMPORAL_ADDRESS} (SQLite file ${services.stateDir ? path.join(services.stateDir, 'temporal.db') : '?'}), store ${env.MONGODB_URI.replace(/\/\/[^@]*@/, '//***@')}`);
    }
    console.log(`footprint: ${args.quick ? 'quick, ' : ''}${args.cachedCases} cached cases, ${args.longHistories} replays of ${args.distinctHistories} distinct long histories`);
    const result = await runFootprintBench({ ...args, temporalAddress: env.TEMPORAL_ADDRESS, mongodbUri: env.MONGODB_URI });
    console.log(`\n${formatFootprint(result)}\n`);
    const dir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `footprint-${result.startedAt.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify({ ...result, servers: external ? 'external (MONGODB_URI, TEMPORAL_ADDRESS)' : 'scripts/dev-services.mjs env' }, null, 2)}\n`);
    console.log(`results: ${path.relative(ROOT, file)}`);
  } finally {
    await services?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
