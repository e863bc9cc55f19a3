// Test runner configuration: every *.test.ts under test/, contract-tests/ and examples/.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "contract-tests/**/*.test.ts", "examples/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default", "./test/helpers/plain-summary-reporter.ts"],
  },
});
