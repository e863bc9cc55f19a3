// The reports' cards, most serious first: failing before not failing, then contract > standard > advisory,
// then the check's order and its own rank of its findings, and only then how many cases showed them.
import { describe, expect, it } from "vitest";
import type { Finding, Severity } from "../../contract-tests/checks.ts";
import { resolveConfig } from "../../contract-tests/config.ts";
import { summaryTable } from "../../contract-tests/console.ts";
import { groupFindings } from "../../contract-tests/reports/groups.ts";
import { runSuite, type CheckResult, type RunResult } from "../../contract-tests/suite.ts";
import { contractEnv, startContractServer } from "../helpers/contract-servers.ts";

/** A run with these failing results only: [check, severity, rule, cases, rank]. */
function runWith(failOn: Severity, groups: Array<[string, Severity, string, number, number?]>): RunResult {
  const results: CheckResult[] = groups.flatMap(([check, severity, rule, n, rank]) =>
    Array.from({ length: n }, (_, i) => {
      const finding: Finding = { check, severity, rule, message: `${rule} (${i})`, ...(rank !== undefined ? { rank } : {}) };
      return { check, severity, caseId: `${rule}.${i}`, outcome: "fail" as const, findings: [finding] };
    }),
  );
  return {
    target: { kind: "live", baseUrl: "http://127.0.0.1:1/v1", why: "test" },
    seed: 1,
    cases: 0,
    strict: false,
    failOn,
    checkOverrides: [],
    startedAt: "",
    durationMs: 0,
    requestsSent: 0,
    rateLimited: 0,
    identityRequests: {},
    identityBudget: 60,
    caseList: [],
    exchanges: [],
    results,
    coverage: {
      statuses: [],
      requestKeywords: [],
      responseKeywords: [],
      percent: { statuses: 0, requestKeywords: 0, responseKeywords: 0, total: 0 },
      counts: { statuses: [0, 0], requestKeywords: [0, 0], responseKeywords: [0, 0] },
    },
    minCoverage: { min: 0, met: true },
    exitCode: 1,
  };
}

describe("groupFindings orders cards by seriousness, then size", () => {
  it("puts a rare contract finding before a frequent standard one of the same check, and advisory last", () => {
    const order = groupFindings(
      runWith("advisory", [
        ["token_semantics", "advisory", "hygiene", 9],
        ["token_semantics", "standard", "lifetime", 7],
        ["token_semantics", "contract", "a JWT", 1],
      ]),
    ).map((g) => g.rule);
    expect(order).toEqual(["a JWT", "lifetime", "hygiene"]);
  });

  it("within one check and severity, puts the finding the check ranks most serious first, however rare", () => {
    const order = groupFindings(
      runWith("standard", [
        ["secret_reflection", "standard", "never echo the submitted password", 21, 5],
        ["secret_reflection", "standard", "never echo the client secret", 2, 1],
        ["secret_reflection", "standard", "never echo the test user's password", 1, 0],
      ]),
    ).map((g) => g.rule);
    expect(order).toEqual(["never echo the test user's password", "never echo the client secret", "never echo the submitted password"]);
  });

  it("orders unranked findings of the same severity by size, and keeps failing findings before the others", () => {
    const groups = groupFindings(
      runWith("contract", [
        ["secret_reflection", "standard", "never echo a", 3],
        ["ignored_auth", "contract", "forged", 1],
        ["ignored_auth", "contract", "none", 4],
      ]),
    );
    expect(groups.map((g) => [g.rule, g.failsRun])).toEqual([
      ["none", true],
      ["forged", true],
      ["never echo a", false],
    ]);
  });

  it("the console shows the cards in that order", () => {
    const table = summaryTable(
      runWith("standard", [
        ["secret_reflection", "standard", "never echo the submitted password", 21, 5],
        ["secret_reflection", "standard", "never echo the test user's password", 1, 0],
      ]),
    );
    expect(table.indexOf("never echo the test user's password (0)")).toBeGreaterThan(0);
    expect(table.indexOf("never echo the test user's password (0)")).toBeLessThan(table.indexOf("never echo the submitted password (0)"));
  });
});

describe("on a real run", () => {
  it("a server echoing every refused password shows the test user's password card before the made-up ones'", async () => {
    const server = await startContractServer({ break: "echoes_password" });
    try {
      const result = await runSuite(resolveConfig(contractEnv(server, { CONTRACT_CASES: "2" }), {}));
      const cards = groupFindings(result).filter((g) => g.check === "secret_reflection");
      expect(cards.map((g) => g.rule)).toEqual(["never echo the test user's password", "never echo the submitted password"]);
      expect(cards[0]!.cases.length).toBeLessThan(cards[1]!.cases.length); // the rarer, more serious one first
    } finally {
      await server.close();
    }
  });
});
