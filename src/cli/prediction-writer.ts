/**
 * `vaner eval ner --predictions FILE`: one JSON line per scored document, for error analysis outside the CLI
 * (which spans were missed, which were extra, how confident the labeler was). Written next to FILE and renamed over
 * it when complete, as `vaner export --out` does, so an interrupted evaluation leaves no half file behind.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { VanerError } from '../errors.js';
import { checkOutputFile } from './output-file.js';

export interface PredictionLine {
  readonly id: string;
  readonly text: string;
  readonly gold: readonly { start: number; end: number; type: string }[];
  readonly predicted: readonly { start: number; end: number; type: string; confidence: number | null }[];
}

export interface PredictionWriter {
  write(line: PredictionLine): Promise<void>;
  /** Finishes the file and renames it into place; idempotent. */
  close(): Promise<void>;
  /** Removes the partial file; idempotent. */
  abandon(): Promise<void>;
}

export async function openPredictionWriter(file: string): Promise<PredictionWriter> {
  await checkOutputFile('--predictions', file);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const out = createWriteStream(temp, { flags: 'wx' });
  let failure: Error | null = null;
  // One listener for the stream's life (a race with once(out, 'error') per write would add one per line).
  const errored = new Promise<void>((resolve) => out.once('error', (error) => {
    failure = error;
    resolve();
  }));
  await Promise.race([once(out, 'open').catch(() => undefined), errored]);
  const check = (): void => {
    if (failure) throw new VanerError('BAD_USER_INPUT', `cannot write --predictions ${file}: ${failure.message}`);
  };
  check();
  let state: 'open' | 'closed' | 'abandoned' = 'open';
  return {
    async write(line) {
      check();
      if (!out.write(`${JSON.stringify(line)}\n`)) await Promise.race([once(out, 'drain'), errored]);
      check();
    },
    async close() {
      if (state !== 'open') return;
      state = 'closed';
      out.end();
      await Promise.race([once(out, 'finish'), errored]);
      try {
        check();
        await rename(temp, file);
      } catch (error) {
        // Closed, so abandon() no longer runs: the temporary file must not stay behind.
        await rm(temp, { force: true });
        throw error instanceof VanerError ? error : new VanerError('BAD_USER_INPUT', `cannot write --predictions ${file}: ${(error as Error).message}`, { cause: error });
      }
    },
    async abandon() {
      if (state !== 'open') return;
      state = 'abandoned';
      out.destroy();
      await rm(temp, { force: true });
    },
  };
}
