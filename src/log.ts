/**
 * Structured logging through pino: one JSON object per line on stderr (stdout stays free for command
 * output), written synchronously so a CLI that exits right after a line still prints it.
 *
 * The project's `Logger` keeps its call shape, `logger.info(message, fields)`, so call sites do not
 * depend on pino; `child(bindings)` returns a logger that adds `bindings` to every line (the HTTP layer
 * binds `requestId`, the worker `jobId`). Lines read
 * `{"level":"info","time":"2026-12-06T14:32:41.231Z","pid":123,"message":"…",…fields}`.
 */
import pino from 'pino';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `bindings` to every line (request ids, job ids). */
  child(bindings: Record<string, unknown>): Logger;
}

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

/**
 * A pino-backed logger at `level`. `write` receives each line without its newline (tests collect
 * lines with it); the default is stderr.
 */
export function createLogger(level: LogLevel = 'info', write?: (line: string) => void): Logger {
  const destination: pino.DestinationStream = write
    ? { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) }
    : pino.destination({ fd: 2, sync: true });
  return wrap(
    pino(
      {
        level,
        messageKey: 'message',
        base: { pid: process.pid },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      destination,
    ),
  );
}

function wrap(p: pino.Logger): Logger {
  // pino's signature is (fields, message); fields first keeps the message key from being overwritten.
  return {
    debug: (message, fields) => p.debug(fields ?? {}, message),
    info: (message, fields) => p.info(fields ?? {}, message),
    warn: (message, fields) => p.warn(fields ?? {}, message),
    error: (message, fields) => p.error(fields ?? {}, message),
    child: (bindings) => wrap(p.child(bindings)),
  };
}

export const silentLogger: Logger = createLogger('silent');
