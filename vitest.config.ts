import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Socket and model tests share 2 cores; run files in a few forks, not one per core.
    pool: 'forks',
    maxWorkers: 2,
  },
})
