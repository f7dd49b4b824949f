/**
 * A loopback TCP proxy between the worker and the store, for the store faults of issue 7
 * (test/fault/store-outage.test.ts, bench/faults.ts). The worker child gets `mongodb://<proxy>/`; the
 * test's own client keeps the direct address. Faults, switched on and off while cases run:
 *
 * - `down()` / `up()`: an outage. Every open connection is reset, and so is every new one until `up()`
 *   (the driver sees ECONNRESET, then fails server selection): the store is unreachable.
 * - `flaky({ latencyMs, dropRate, lifetimeMs })`: every chunk, each way, is delayed by a random
 *   latency (order kept), and a fraction `dropRate` of the connections (those open then and each new
 *   one) is reset after a random time, in the middle of whatever it carries then: writes fail with
 *   network errors, the driver clears its pool and opens new connections, which are dropped likewise.
 * - `steady()`: neither.
 *
 * Randomness comes from the caller's seeded PRNG so a run's fault pattern is repeatable.
 */
import net from 'node:net';

export interface Flakiness {
  /** Added to every chunk each way, uniform in [min, max] ms. */
  latencyMs: [number, number];
  /** The fraction of new connections that will be reset. */
  dropRate: number;
  /** When a dropped connection is reset: uniform in [min, max] ms after it opened. */
  lifetimeMs: [number, number];
}

export interface ProxyStats {
  connections: number;
  /** Connections reset because the store was down (open ones at `down()` and new ones during it). */
  refused: number;
  /** Connections reset by `flaky` drops. */
  dropped: number;
  delayedChunks: number;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  timers: Set<NodeJS.Timeout>;
}

export class TcpProxy {
  readonly stats: ProxyStats = { connections: 0, refused: 0, dropped: 0, delayedChunks: 0 };
  private readonly pairs = new Set<Pair>();
  private isDown = false;
  private flakiness: Flakiness | undefined;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly target: { host: string; port: number },
    private readonly rand: () => number,
  ) {}

  /** Proxies `127.0.0.1:<free port>` to the host and port of a single-host `mongodb://` URI. */
  static async forMongoUri(uri: string, rand: () => number): Promise<TcpProxy> {
    const u = new URL(uri);
    if (u.protocol !== 'mongodb:' || !u.hostname || u.host.includes(',')) throw new Error(`the store proxy needs a single-host mongodb:// URI, not ${uri}`);
    const target = { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 27017) };
    const server = net.createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
    });
    const proxy = new TcpProxy(server, port, target, rand);
    server.on('connection', (socket) => proxy.accept(socket));
    return proxy;
  }

  /** The same URI with the proxy as its host. */
  uriFor(uri: string): string {
    const u = new URL(uri);
    u.host = `127.0.0.1:${this.port}`;
    return u.toString();
  }

  down(): void {
    this.isDown = true;
    for (const p of [...this.pairs]) {
      this.stats.refused += 1;
      this.reset(p);
    }
  }

  up(): void {
    this.isDown = false;
  }

  flaky(f: Flakiness): void {
    this.flakiness = f;
    for (const p of this.pairs) this.maybeDrop(p, f); // the pool's warm connections too, not only new ones
  }

  steady(): void {
    this.flakiness = undefined;
  }

  async close(): Promise<void> {
    for (const p of [...this.pairs]) this.reset(p);
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private between([min, max]: [number, number]): number {
    return min + Math.floor(this.rand() * (max - min + 1));
  }

  private accept(client: net.Socket): void {
    this.stats.connections += 1;
    if (this.isDown) {
      this.stats.refused += 1;
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    const pair: Pair = { client, upstream, timers: new Set() };
    this.pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    for (const s of [client, upstream]) {
      s.on('error', () => this.reset(pair));
      s.on('close', () => this.reset(pair));
    }
    this.pipe(pair, client, upstream);
    this.pipe(pair, upstream, client);
    if (this.flakiness) this.maybeDrop(pair, this.flakiness);
  }

  private maybeDrop(pair: Pair, f: Flakiness): void {
    if (this.rand() >= f.dropRate) return;
    const t = setTimeout(() => {
      if (this.flakiness !== f) return; // steady again
      this.stats.dropped += 1;
      this.reset(pair);
    }, this.between(f.lifetimeMs));
    pair.timers.add(t);
  }

  /** Forwards chunks from one side to the other, each after its latency, never overtaking an earlier one. */
  private pipe(pair: Pair, from: net.Socket, to: net.Socket): void {
    let lastAt = 0;
    from.on('data', (chunk: Buffer) => {
      const f = this.flakiness;
      if (!f) {
        if (lastAt <= Date.now()) {
          to.write(chunk);
          return;
        }
      }
      const at = Math.max(Date.now() + (f ? this.between(f.latencyMs) : 0), lastAt);
      lastAt = at;
      this.stats.delayedChunks += 1;
      const t = setTimeout(() => {
        pair.timers.delete(t);
        if (!to.destroyed) to.write(chunk);
      }, at - Date.now());
      pair.timers.add(t);
    });
  }

  private reset(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    for (const t of pair.timers) clearTimeout(t);
    pair.timers.clear();
    for (const s of [pair.client, pair.upstream]) if (!s.destroyed) s.resetAndDestroy();
  }
}
