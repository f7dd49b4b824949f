/**
 * The faults of issue 7, as `inject` functions for FaultHarness.run (test/fault/support.ts): each
 * waits for its moment, injects, restores, and reports what it did through the context (a count, and
 * the outage window the drain is measured from). Shared by the in-suite tests and bench/faults.ts.
 */
import { between, sleep, type FaultContext } from '../support.js';
import type { Flakiness, TcpProxy } from './tcpProxy.js';
import type { TemporalDevServer } from './temporalDevServer.js';

type Range = [number, number];

/** Kills the worker (SIGKILL) `kills` times at random moments, restarting it after a random down time. */
export function killWorker({ kills, afterMs, downMs }: { kills: number; afterMs: Range; downMs: Range }) {
  return async ({ harness, rand, handles, injected }: FaultContext) => {
    const schedule = Array.from({ length: kills }, () => ({ after: between(rand, ...afterMs), down: between(rand, ...downMs) }));
    for (const k of schedule) {
      await sleep(k.after);
      const from = Date.now();
      const dead = await harness.stopWorker('SIGKILL');
      await sleep(k.down);
      if (dead) await harness.failStrandedActivities(handles, { identity: dead.identity });
      await harness.startWorker();
      injected({ from, to: Date.now() });
    }
  };
}

export interface TemporalRestart {
  /** SIGTERM: a clean shutdown; SIGKILL: a crash (what the server had in hand is lost). */
  signal: 'SIGTERM' | 'SIGKILL';
  /** Since the previous restart (or the start of the run). */
  afterMs: Range;
  /** Down this long before it is started again. */
  downMs: Range;
}

/**
 * Stops the Temporal dev server as each restart says and starts it again on the same ports with the
 * same database file. The outage runs from the stop until it serves again. With `failStranded`, the
 * activity attempts started before a crash and still open once it is back are failed
 * (FaultHarness.failStrandedActivities), so a short outage is not stretched to the 30 s start-to-close
 * timeout; an outage of 30 s or more lets that timeout pass while the server is down anyway.
 */
export function restartTemporal(server: TemporalDevServer, restarts: TemporalRestart[], { failStranded = false } = {}) {
  return async ({ harness, rand, handles, injected }: FaultContext) => {
    const schedule = restarts.map((r) => ({ signal: r.signal, after: between(rand, ...r.afterMs), down: between(rand, ...r.downMs) }));
    for (const r of schedule) {
      await sleep(r.after);
      const from = Date.now();
      await server.stop(r.signal);
      await sleep(r.down);
      await server.restart();
      const to = Date.now();
      if (failStranded && r.signal === 'SIGKILL') await harness.failStrandedActivities(handles, { startedBefore: from });
      injected({ from, to });
    }
  };
}

/** Makes the store unreachable through the proxy for `outageMs`, starting at a random moment. */
export function storeOutage(proxy: TcpProxy, { afterMs, outageMs }: { afterMs: Range; outageMs: number }) {
  return async ({ rand, injected }: FaultContext) => {
    await sleep(between(rand, ...afterMs));
    const from = Date.now();
    proxy.down();
    await sleep(outageMs);
    proxy.up();
    injected({ from, to: Date.now() });
  };
}

/**
 * Latency on every chunk and resets of a fraction of connections for `durationMs`; every connection
 * reset is a fault injected. The window counts as the outage the drain is measured from.
 */
export function storeFlakiness(proxy: TcpProxy, { afterMs, durationMs, flakiness }: { afterMs: Range; durationMs: number; flakiness: Flakiness }) {
  return async ({ rand, injected }: FaultContext) => {
    await sleep(between(rand, ...afterMs));
    const from = Date.now();
    const dropped = proxy.stats.dropped;
    proxy.flaky(flakiness);
    await sleep(durationMs);
    proxy.steady();
    injected({ from, to: Date.now() }, proxy.stats.dropped - dropped);
  };
}
