// Test runner configuration: two projects over every *.test.ts under test/, contract-tests/ and examples/.
//   unit:        no server, no child process, no browser: pure functions, generated files, type-level tests.
//   integration: real HTTP on 127.0.0.1 (the fake, Prism, node:http), child processes, Chromium, npm pack.
// A new test file is integration unless it is listed under `unit`. `npm run test:unit` runs only the fast part.
import { configDefaults, defineConfig } from "vitest/config";

// The spec drill (test/spec/drill.test.ts) is CPU-bound for about 20 s: `npm test` runs it on its own after
// the other files (`npm run test:drill`), so it does not starve the files that wait on timers and servers.
const drill = "test/spec/drill.test.ts";
const excluded = process.env.SPEC_DRILL ? configDefaults.exclude : [...configDefaults.exclude, drill];

const all = ["test/**/*.test.ts", "contract-tests/**/*.test.ts", "examples/**/*.test.ts"];
const unit = [
  "test/lib/**/*.test.ts",
  "test/spec/diff-corpus.test.ts",
  "test/spec/diff-workflow.test.ts",
  "test/spec/examples.test.ts",
  "test/spec/model.test.ts",
  "test/spec/provenance.test.ts",
  "test/spec/types.test.ts",
  "test/spec/validators.test.ts",
  "test/client/browser/bundle.test.ts",
  "test/client/browser/chromium.test.ts",
  "test/client/login/openapi-fetch.test.ts",
  "test/client/package/types.test.ts",
  "test/client/package/validators.test.ts",
  "test/docs/docs.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Three test files at a time on 2 cores (vitest's default is cores - 1): most files wait on HTTP
    // servers, Prism and child processes, so three overlap well (measured on 2 cores, one run each:
    // 181 s with two, 141 s with three, 152 s with four).
    maxWorkers: 3,
    reporters: ["default", "./test/helpers/plain-summary-reporter.ts"],
    projects: [
      { extends: true, test: { name: "unit", include: unit, exclude: excluded } },
      { extends: true, test: { name: "integration", include: all, exclude: [...excluded, ...unit] } },
    ],
  },
});
