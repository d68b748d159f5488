/**
 * One better-sqlite3 connection serves the whole embedded store, and a curation transaction stays
 * open across the `await`s of the curation service (its primitives are synchronous, but the service
 * is written once for both adapters and so is asynchronous). While such a transaction is open, every
 * other use of the connection waits: otherwise a concurrent write would run inside it (better-sqlite3
 * turns a nested transaction into a savepoint) and commit or roll back with it.
 */
export interface ConnectionGate {
  /** Runs `fn` now when no transaction holds the connection, else once it is released. */
  run<T>(fn: () => T): Promise<T>;
  /** Holds the connection for `fn`'s whole asynchronous run. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

export function createConnectionGate(): ConnectionGate {
  let held: Promise<void> | null = null;
  const idle = async (): Promise<void> => {
    while (held !== null) await held;
  };
  const gate: ConnectionGate = {
    run<T>(fn: () => T): Promise<T> {
      if (held !== null) return idle().then(() => gate.run(fn));
      try {
        return Promise.resolve(fn());
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },
    async exclusive<T>(fn: () => Promise<T>): Promise<T> {
      // Checked and taken in one synchronous step after the last await, so two callers never both hold it.
      while (held !== null) await held;
      let release!: () => void;
      held = new Promise<void>((resolve) => (release = resolve));
      try {
        return await fn();
      } finally {
        held = null;
        release();
      }
    },
  };
  return gate;
}
