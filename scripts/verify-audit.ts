/**
 * Verifies the audit hash chains in the store: every case's entries, or the cases named.
 *   npm run audit:verify [-- <caseId> ...]
 * Exit code 0 when every chain is intact, 1 when any edit, deletion, insertion or reordering is found.
 */
import { loadConfig } from '../config/env.js';
import { verifyChain } from '../store/auditChain.js';
import { connectStore } from '../store/mongo.js';

const config = loadConfig();
const store = await connectStore(config.mongodbUri, config.mongodbDb);
try {
  const named = process.argv.slice(2).filter((a) => a !== '--');
  const caseIds = named.length > 0 ? named : ((await store.audit.distinct('caseId')) as string[]);
  let broken = 0;
  for (const caseId of caseIds.sort()) {
    const entries = await store.audit.find({ caseId }).sort({ seq: 1 }).toArray();
    const projection = await store.cases.findOne({ _id: caseId }, { projection: { seq: 1 } });
    const problems = verifyChain(entries, projection?.seq);
    if (entries.length === 0) problems.push({ seq: 0, kind: 'missing', message: 'no audit entries' });
    if (problems.length === 0) {
      console.log(`ok      ${caseId} (${entries.length} entries)`);
    } else {
      broken += 1;
      console.log(`BROKEN  ${caseId} (${entries.length} entries)`);
      for (const p of problems) console.log(`        #${p.seq} ${p.kind}: ${p.message}`);
    }
  }
  console.log(`${caseIds.length} case(s) checked, ${broken} broken`);
  process.exitCode = broken > 0 ? 1 : 0;
} finally {
  await store.client.close();
}
