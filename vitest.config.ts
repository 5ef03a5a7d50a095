import { defineConfig } from 'vitest/config';

// Unit and integration tests: plain Node (the Node 22 from node_modules, see README), real SQLite, real
// keychain, real HTTP on 127.0.0.1. The Chromium end-to-end suite has its own config (vitest.e2e.config.ts).
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
