import { defineConfig } from 'vitest/config';

// End-to-end: the built renderer in Debian's Chromium, driven by playwright-core, against the browser host
// serving the real main-process services. Needs `npm run build` first (scripts/run.sh test does it).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
