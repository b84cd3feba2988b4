import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Socket and model tests share 2 cores; run files in a few forks, not one per core.
    pool: 'forks',
    maxWorkers: 2,
    // the record of checked model files (bridge/engine/verified-files.ts) stays out of the user's ~/.cache
    env: { EMOLANE_CACHE_DIR: join(import.meta.dirname, 'test-artifacts', 'cache') },
  },
})
