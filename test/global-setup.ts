// Global test setup. Services the suites need (Redis for BullMQ) are started here by the project itself.
import type { TestProject } from 'vitest/node';
import { redisServerAvailable, startRedisServer, type RedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the run's redis-server, or null when none could be started (suites then skip, saying why). */
    redisUrl: string | null;
    /** Why redisUrl is null. */
    redisUnavailable: string | null;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let redis: RedisServer | null = null;
  if (!redisServerAvailable()) {
    const reason = 'redis-server is not installed (bash scripts/ensure-system-deps.sh installs it)';
    project.provide('redisUrl', null);
    project.provide('redisUnavailable', reason);
  } else {
    redis = await startRedisServer();
    project.provide('redisUrl', redis.url);
    project.provide('redisUnavailable', null);
  }
  return async () => {
    await redis?.stop();
  };
}
