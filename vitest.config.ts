// Test runner configuration: every *.test.ts under test/, contract-tests/ and examples/.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "contract-tests/**/*.test.ts", "examples/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two test files at a time even on 2 cores (vitest's default is cores - 1): most files wait on HTTP
    // servers, Prism and child processes, so two overlap well (measured: 120 s instead of 190 s).
    maxWorkers: 2,
    reporters: ["default", "./test/helpers/plain-summary-reporter.ts"],
  },
});
