import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Native addons (better-sqlite3, onnxruntime) and child servers are safest in forked processes.
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
  },
});
