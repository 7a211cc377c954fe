import { defineConfig } from 'vitest/config';

// `npm run test:e2e`: real bundler builds of the example app and headless
// Chromium (e2e/). Run one file at a time: they are bundler and browser
// processes, and the machine is small.
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
