/**
 * Progress bars for long benchmark runs (cli-progress): a bar on a terminal, a line every quarter
 * when stdout is not a TTY (CI logs, `| tee`).
 */
import cliProgress from 'cli-progress';

export class Progress {
  private readonly bar: cliProgress.SingleBar | undefined;
  private lastQuarter = -1;
  private done = 0;
  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit = 'cases',
  ) {
    if (process.stdout.isTTY) {
      this.bar = new cliProgress.SingleBar(
        { format: `  ${label.padEnd(22)} [{bar}] {value}/{total} ${unit}  {percentage}%  eta {eta_formatted}  {extra}`, hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0, { extra: '' });
    }
  }
  tick(done: number, extra = '') {
    this.done = done;
    if (this.bar) {
      this.bar.update(done, { extra });
      return;
    }
    const quarter = Math.floor((4 * done) / Math.max(1, this.total));
    if (quarter !== this.lastQuarter || done >= this.total) {
      this.lastQuarter = quarter;
      process.stdout.write(`  ${this.label}  ${done}/${this.total} ${this.unit}  ${extra}\n`);
    }
  }
  increment(extra = '') {
    this.tick(this.done + 1, extra);
  }
  stop() {
    this.bar?.stop();
  }
}
