// Spec coverage in every report, and --min-coverage: what of the spec a run exercised (documented statuses
// observed, request keywords kept and broken, response keywords seen) is counted from the generated model
// and the exchanges, shown in the console, report.json and report.html, and gates the run when asked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, resolveConfig } from "../../contract-tests/config.ts";
import { summaryTable } from "../../contract-tests/console.ts";
import { htmlReport } from "../../contract-tests/reports/html.ts";
import { jsonReport } from "../../contract-tests/reports/json.ts";
import { loadSpec } from "../../contract-tests/spec.ts";
import { runSuite, type RunResult } from "../../contract-tests/suite.ts";
import { contractEnv, startContractServer, type ContractServer } from "../helpers/contract-servers.ts";

let server: ContractServer;
let result: RunResult;
let gated: RunResult;
beforeAll(async () => {
  server = await startContractServer();
  [result, gated] = await Promise.all([
    runSuite(resolveConfig(contractEnv(server, { CONTRACT_CASES: "2" }), {}), { control: server.control }),
    runSuite(resolveConfig(contractEnv(server, { CONTRACT_CASES: "2" }), { CONTRACT_MIN_COVERAGE: "99.5" })),
  ]);
}, 60_000);
afterAll(() => server?.close());

describe("spec coverage", () => {
  it("counts the statuses each operation answered against those it documents", () => {
    const login = result.coverage.statuses.find((s) => s.operation === "login")!;
    expect(login.documented).toEqual(expect.arrayContaining([200, 400, 401, 403]));
    // the correct fake answers these; it never rate limits nor crashes, so 429 and 500 stay unobserved
    expect(login.observed).toEqual(expect.arrayContaining([200, 400, 401, 403]));
    expect(login.observed).not.toContain(500);
    expect(login.undocumented).toEqual([]);
    expect(result.coverage.percent.statuses).toBeLessThan(100);
  });

  it("counts each request keyword kept and broken, in the body and the path, from the requests sent", () => {
    const at = (location: string, where: string, keyword: string) =>
      result.coverage.requestKeywords.find((k) => k.operation === "login" && k.location === location && k.at === where && k.keyword === keyword)!;
    for (const [location, where, keyword] of [
      ["body", "/password", "minLength"],
      ["body", "/password", "maxLength"],
      ["body", "/type", "enum"],
      ["body", "/", "anyOf"],
      ["path", "aid", "pattern"],
    ] as const) {
      const k = at(location, where, keyword);
      expect(k.valid, `${where} ${keyword} kept`).toBeGreaterThan(0);
      expect(k.invalid, `${where} ${keyword} broken`).toBeGreaterThan(0);
    }
    // a path segment is always a string: its `type: string` is not counted as a rule that could be broken
    expect(result.coverage.requestKeywords.some((k) => k.location === "path" && k.keyword === "type")).toBe(false);
  });

  it("counts response keywords seen in answers", () => {
    const seen = result.coverage.responseKeywords.filter((k) => k.seen > 0);
    expect(seen.some((k) => k.operation === "login" && k.status === 200 && k.at === "/expires_in")).toBe(true);
    expect(result.coverage.responseKeywords.some((k) => k.status === 429 && k.seen === 0)).toBe(true);
    const { counts, percent } = result.coverage;
    const all = counts.statuses[0] + counts.requestKeywords[0] + counts.responseKeywords[0];
    const of = counts.statuses[1] + counts.requestKeywords[1] + counts.responseKeywords[1];
    expect(percent.total).toBe(Math.round((1000 * all) / of) / 10);
  });

  it("is in every report: the console summary, report.json and report.html", () => {
    expect(summaryTable(result)).toMatch(/^Spec coverage \d+(\.\d)?%: documented statuses \d+\/\d+/m);
    // the login's line: what the fake answered, of what the spec documents (from the model, not pinned)
    const documented = [...loadSpec().operations.login.responses.keys()].sort((a, b) => a - b);
    const login = result.coverage.statuses.find((s) => s.operation === "login")!;
    expect([...login.documented].sort((a, b) => a - b)).toEqual(documented);
    expect(login.observed).toEqual(expect.arrayContaining([200, 400, 401, 403]));
    expect(summaryTable(result)).toContain(`login: statuses observed ${login.observed.join(", ")} of ${login.documented.join(", ")}`);
    const json = JSON.parse(jsonReport(result)) as { coverage: RunResult["coverage"]; minCoverage: RunResult["minCoverage"] };
    expect(json.coverage.percent).toEqual(result.coverage.percent);
    expect(json.minCoverage).toEqual({ min: 0, met: true });
    expect(htmlReport(result)).toContain(`<h2 id="coverage">Spec coverage</h2>`);
  });
});

describe("--min-coverage", () => {
  it("fails a run below the gate with exit 1 and a line saying so, though no check failed", () => {
    expect(result.exitCode).toBe(0);
    expect(gated.results.filter((r) => r.outcome === "fail")).toEqual([]);
    expect(gated.coverage.percent.total).toBeLessThan(99.5);
    expect(gated.minCoverage).toEqual({ min: 99.5, met: false });
    expect(gated.exitCode).toBe(1);
    expect(summaryTable(gated)).toContain(`COVERAGE BELOW --min-coverage: ${gated.coverage.percent.total}% < 99.5%`);
  });

  it("passes a run at or above the gate", () => {
    expect(result.minCoverage.met).toBe(true);
    // Revoke and the MFA challenge (issue 26) are exercised by the session's cases: each answered its
    // success and its refusal of a customer token (above 50 % again, as before they were documented).
    expect(result.coverage.percent.total).toBeGreaterThan(50);
    for (const op of ["revoke", "mfa_challenge"])
      expect(result.coverage.statuses.find((s) => s.operation === op)?.observed, op).toEqual(expect.arrayContaining([200, 403]));
  });

  it("takes a percentage from the option or CONTRACT_MIN_COVERAGE, refuses anything else, and names a misspelt variable", () => {
    const env = contractEnv(server);
    expect(resolveConfig({ ...env, CONTRACT_MIN_COVERAGE: "80" }, {}).minCoverage).toBe(80);
    expect(resolveConfig({ ...env, CONTRACT_MIN_COVERAGE: "80" }, { CONTRACT_MIN_COVERAGE: "60" }).minCoverage).toBe(60);
    expect(() => resolveConfig(env, { CONTRACT_MIN_COVERAGE: "101" })).toThrow(/percentage from 0 to 100/);
    expect(() => resolveConfig(env, { CONTRACT_MIN_COVERAGE: "most" })).toThrow(ConfigError);
    expect(() => resolveConfig({ ...env, CONTRACT_MIN_COVERAG: "80" }, {})).toThrow(
      /unknown variable CONTRACT_MIN_COVERAG: did you mean CONTRACT_MIN_COVERAGE\?/,
    );
  });
});
