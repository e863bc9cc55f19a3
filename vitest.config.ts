// Test runner configuration: every *.test.ts under test/, contract-tests/ and examples/.
import { configDefaults, defineConfig } from "vitest/config";

// The spec drill (test/spec/drill.test.ts) is CPU-bound for about 20 s: `npm test` runs it on its own after
// the other files (`npm run test:drill`), so it does not starve the files that wait on timers and servers.
const drill = "test/spec/drill.test.ts";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "contract-tests/**/*.test.ts", "examples/**/*.test.ts"],
    exclude: process.env.SPEC_DRILL ? configDefaults.exclude : [...configDefaults.exclude, drill],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two test files at a time even on 2 cores (vitest's default is cores - 1): most files wait on HTTP
    // servers, Prism and child processes, so two overlap well (measured: 120 s instead of 190 s).
    maxWorkers: 2,
    reporters: ["default", "./test/helpers/plain-summary-reporter.ts"],
  },
});
