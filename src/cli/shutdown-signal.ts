/**
 * Resolves on the first SIGTERM or SIGINT so a long-running command can drain and close in order.
 * Never calls process.exit: the process ends when the command has closed everything. A second
 * signal while draining is logged and otherwise ignored (draining must finish to keep data intact).
 */
export function waitForShutdownSignal(onRepeat: (signal: NodeJS.Signals) => void = () => {}): { signal: Promise<NodeJS.Signals>; dispose: () => void } {
  let received = false;
  let resolveSignal!: (signal: NodeJS.Signals) => void;
  const signal = new Promise<NodeJS.Signals>((resolve) => (resolveSignal = resolve));
  const handler = (sig: NodeJS.Signals): void => {
    if (received) {
      onRepeat(sig);
      return;
    }
    received = true;
    resolveSignal(sig);
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return {
    signal,
    dispose: () => {
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
    },
  };
}
