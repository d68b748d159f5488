/**
 * The input arguments of a command as readable paths. `-` is standard input; a path that is not a
 * regular file or directory (`/dev/stdin` on a pipe, a FIFO, a terminal) is spooled too.
 *
 * Why spool instead of streaming: the readers open a file more than once (gzip magic bytes, format
 * sniffing, submit's counting pass before the upload) and read it with positions, which a pipe
 * cannot do (ESPIPE). The copy goes to a private temporary directory that `dispose()` removes; it
 * costs disk space equal to the input, never memory.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { VanerError } from '../errors.js';
import { ioError } from '../formats/byte-source.js';

/** One input: the path to read and how to name it to the user. */
export interface CliInput {
  readonly path: string;
  /** What the user typed (`<stdin>` for `-`); used in records and messages. */
  readonly label: string;
  /** True when `path` is a temporary copy. */
  readonly spooled: boolean;
}

export interface CliInputs {
  readonly inputs: readonly CliInput[];
  /** Removes the temporary copies; idempotent. */
  dispose(): Promise<void>;
}

export const STDIN_LABEL = '<stdin>';

/** Resolves each argument (see the module comment); `stdin` is process.stdin unless a test passes another stream. */
export async function openCliInputs(args: readonly string[], stdin: Readable = process.stdin): Promise<CliInputs> {
  if (args.filter((a) => a === '-').length > 1) throw new VanerError('BAD_USER_INPUT', 'standard input (-) can be read only once');
  let dir: string | null = null;
  /** A directory per argument, so the copy keeps the name a text reader turns into the externalId ('stdin'). */
  const spoolDir = async (index: number): Promise<string> => {
    dir ??= await mkdtemp(path.join(tmpdir(), 'vaner-input-'));
    const own = path.join(dir, String(index));
    await mkdir(own);
    return own;
  };
  const dispose = async (): Promise<void> => {
    if (dir !== null) await rm(dir, { recursive: true, force: true });
    dir = null;
  };
  const inputs: CliInput[] = [];
  try {
    for (const [index, arg] of args.entries()) {
      if (arg === '-') {
        inputs.push({ path: await spool(stdin, path.join(await spoolDir(index), 'stdin'), STDIN_LABEL), label: STDIN_LABEL, spooled: true });
        continue;
      }
      const resolved = path.resolve(arg);
      const info = await stat(resolved).catch((error: unknown) => {
        throw ioError(arg, error);
      });
      if (info.isFile() || info.isDirectory()) {
        inputs.push({ path: resolved, label: arg, spooled: false });
        continue;
      }
      // A pipe (/dev/stdin, /dev/fd/N, a FIFO) or a device: read it once, in order, into a file.
      const source = createReadStream(resolved);
      inputs.push({ path: await spool(source, path.join(await spoolDir(index), path.basename(arg)), arg), label: arg, spooled: true });
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return { inputs, dispose };
}

async function spool(source: Readable, target: string, label: string): Promise<string> {
  try {
    await pipeline(source, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
  } catch (error) {
    throw ioError(label, error);
  }
  return target;
}
