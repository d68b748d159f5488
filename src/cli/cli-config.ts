import { loadConfig, type Config } from '../config.js';
import { createLogger, type Logger } from '../log.js';

/** Configuration from the environment plus flag overrides, and the logger it asks for (stderr). */
export function loadCliConfig(env: Readonly<Record<string, string | undefined>>, overrides: Partial<Record<keyof Config, unknown>> = {}): { config: Config; logger: Logger } {
  const config = loadConfig(env, overrides);
  return { config, logger: createLogger(config.logLevel) };
}
