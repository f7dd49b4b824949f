/**
 * The baseline for bench/run.ts: a plain Temporal workflow (no XState, no projections, no store) that
 * does per case the same number of Updates, timers and activities as one selection-plan case of the
 * real service. `activities[i]` / `timers[i]` say how many no-op activities and timers happen in phase
 * i (phase 0 = at start, phase i = after the i-th Update); the numbers are measured from a real case's
 * history by bench/run.ts before the phases start.
 *
 * Like the real host, an Update is answered only after its phase's activities completed.
 */
import { allHandlersFinished, condition, defineQuery, defineUpdate, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

export interface BaselineInput {
  activities: number[];
  timers: number[];
}

export const stepUpdate = defineUpdate<number, [string]>('step');
/** The last phase whose activities are done (-1 before phase 0's): bench/run.ts waits for 0 before timing a pre-started case. */
export const processedQuery = defineQuery<number>('processed');

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export async function baselineWorkflow(input: BaselineInput): Promise<number> {
  const phases = input.activities.length;
  let accepted = 0;
  let processed = -1;
  setHandler(processedQuery, () => processed);
  setHandler(stepUpdate, async () => {
    const mine = ++accepted;
    await condition(() => processed >= mine);
    return mine;
  });
  for (let phase = 0; phase < phases; phase++) {
    if (phase > 0) await condition(() => accepted >= phase);
    for (let i = 0; i < (input.activities[phase] ?? 0); i++) await noop();
    processed = phase;
    const timers = input.timers[phase] ?? 0;
    // Extra timers fire at once (1 ms); the last one of the phase is armed while waiting for the next
    // Update and cancelled when it arrives, as the host's deadline timer is.
    for (let i = 1; i < timers; i++) await sleep(1);
    if (timers > 0 && phase < phases - 1) await condition(() => accepted > phase, '1 day');
    else if (timers > 0) await sleep(1);
  }
  await condition(allHandlersFinished);
  return processed;
}
