// The self-test's broken servers: each fails the suite's default run and names the check that catches it, at
// its severity (the tables: selftest-tables.ts; the correct servers and safety limits: selftest.test.ts).
import { describe, expect, it } from "vitest";
import { CHECKS, type Severity } from "../../contract-tests/checks.ts";
import type { RunResult } from "../../contract-tests/suite.ts";
import { BREAKAGES, VARIATIONS, type Breakage } from "../helpers/contract-servers.ts";
import { ADVISED_BY, ALSO_CONTRACT, CAUGHT_AT, CAUGHT_BY, exitAt, failedChecks, INCOMPLETE_AT, PASSES_WITH, run } from "./selftest-tables.ts";

describe("every broken server fails the suite and names the right check", () => {
  it("has a broken server for every check, at the severity the check gives that break", () => {
    for (const check of CHECKS) expect([...Object.values(CAUGHT_BY).map(([c]) => c), ...Object.values(ADVISED_BY)], check.name).toContain(check.name);
    for (const b of Object.keys(BREAKAGES))
      expect(b === "rate_limits_once" || b === "token_429_long_once" || b in CAUGHT_BY || b in ADVISED_BY || b in INCOMPLETE_AT, b).toBe(true);
    expect(Object.keys(VARIATIONS).sort()).toEqual(Object.keys(PASSES_WITH).sort());
    // a check gives its findings its own severity or a lower one: a break at a severity needs a check that reaches it
    const rank = (s: Severity) => ["contract", "standard", "advisory"].indexOf(s);
    for (const [b, [name, severity]] of Object.entries(CAUGHT_BY))
      expect(rank(CHECKS.find((c) => c.name === name)!.severity), b).toBeLessThanOrEqual(rank(severity));
    for (const c of CHECKS) {
      expect(c.source.ref.length, c.name).toBeGreaterThan(0);
      expect(c.severityReason.length, c.name).toBeGreaterThan(20);
    }
  });

  it.concurrent.for(Object.entries(CAUGHT_BY))("%s → %j fails the default run", async ([breakage, [check, severity]], { expect }) => {
    const result = await run(breakage as Breakage);
    expect(result.failOn).toBe("standard");
    expect(result.exitCode).toBe(1);
    expect(failedChecks(result)).toContain(check);
    const failure = result.results.find((r) => r.check === check && r.outcome === "fail" && r.severity === severity)!;
    expect(failure, `a ${severity} ${check} finding`).toBeDefined();
    expect(failure.findings[0]!.check).toBe(check);
    expect(failure.findings[0]!.severity).toBe(severity);
    expect(failure.findings[0]!.severityReason!.length).toBeGreaterThan(20);
    expect(failure.findings[0]!.source?.ref.length).toBeGreaterThan(0);
    expect(failure.findings[0]!.rule.length).toBeGreaterThan(0);
    const at = CAUGHT_AT[breakage as Breakage];
    if (at) expect(result.results.filter((r) => r.check === check && r.outcome === "fail" && r.severity === severity).map((r) => r.caseId)).toContain(at);
    if (severity !== "standard") return;
    // not one of Dintero's published rules: --fail-on contract does not fail on it
    // Unless a contract rule breaks too: then the run does not pass (how it ends is that rule's to say).
    const why = ALSO_CONTRACT[breakage as Breakage];
    if (why) expect(exitAt(result, "contract"), why).not.toBe(0);
    else expect(exitAt(result, "contract"), "no contract finding").toBe(0);
  });

  it.concurrent.for(Object.entries(ADVISED_BY))(
    "%s → %s (advisory: reported; fails the run only with --fail-on advisory)",
    async ([breakage, check], { expect }) => {
      const lenient = await run(breakage as Breakage);
      expect(failedChecks(lenient)).toEqual([check]);
      expect(lenient.results.filter((r) => r.outcome === "fail").every((r) => r.severity === "advisory")).toBe(true);
      expect(lenient.exitCode).toBe(0);
      const finding = lenient.results.find((r) => r.check === check && r.outcome === "fail")!.findings[0]!;
      expect(finding.severity).toBe("advisory");
      expect(finding.source?.ref.length).toBeGreaterThan(0);
      expect(exitAt(lenient, "advisory")).toBe(1);
    },
  );

  it.concurrent.for<[Breakage, Severity]>([
    ["echoes_password", "contract"],
    ["token_expires_in_zero", "contract"],
    ["enumeration_leak", "advisory"],
  ])("derived exit codes: %s at --fail-on %s ends as its default run's results say", async ([breakage, failOn], { expect }) => {
    const [lenient, other] = await Promise.all([run(breakage), run(breakage, { CONTRACT_FAIL_ON: failOn })]);
    expect(other.failOn).toBe(failOn);
    // the same findings at the same severities: --fail-on only decides which fail the run
    const verdicts = (r: RunResult) =>
      r.results
        .filter((x) => x.outcome === "fail")
        .map((x) => `${x.check} ${x.severity} ${x.caseId}`)
        .sort();
    expect(verdicts(other)).toEqual(verdicts(lenient));
    expect(exitAt(lenient, failOn)).toBe(other.exitCode);
    expect(exitAt(lenient, "standard")).toBe(lenient.exitCode);
  });

  it("a broken rule is caught by its own check, not only as collateral", async () => {
    const result = await run("accepts_short_password");
    expect(failedChecks(result)).toEqual(["negative_data_rejection"]);
    const ids = result.results.filter((r) => r.outcome === "fail").map((r) => r.caseId);
    expect(ids).toContain("login.email.negative.minLength.password");
    expect(ids.every((id) => /minLength\.(multibyte\.)?password|generated\.invalid/.test(id))).toBe(true);
  });
});
