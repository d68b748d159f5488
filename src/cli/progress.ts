/**
 * A stderr progress bar (cli-progress) showing documents, rate and ETA; with an unknown total it
 * shows the count and the rate only. cli-progress prints nothing when stderr is not a terminal, so
 * logs and CI output stay clean.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  increment(by?: number): void;
  stop(): void;
}

export function createProgress(label: string, total: number | null, unit = 'docs'): Progress {
  const started = Date.now();
  const format =
    total === null
      ? `${label} {value} ${unit} | {rate} ${unit}/s`
      : `${label} [{bar}] {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`;
  const bar = new cliProgress.SingleBar({ format, stream: process.stderr, hideCursor: true, etaBuffer: 200, fps: 5 }, cliProgress.Presets.shades_classic);
  bar.start(total ?? 0, 0, { rate: '0.0' });
  let value = 0;
  return {
    increment(by = 1) {
      value += by;
      const seconds = (Date.now() - started) / 1000;
      bar.increment(by, { rate: seconds > 0 ? (value / seconds).toFixed(1) : '0.0' });
    },
    stop: () => bar.stop(),
  };
}
