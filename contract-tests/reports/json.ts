// report.json: every exchange (already redacted) and every violation, for machines.
import { CHECKS } from "../checks.ts";
import { totalsByCheck } from "../console.ts";
import { failsRun } from "../checks.ts";
import type { RunResult } from "../suite.ts";

export function jsonReport(result: RunResult): string {
  const violations = result.results.flatMap((r) =>
    r.findings.map((f) => ({ check: r.check, level: r.level, source: f.source ?? null, failsRun: failsRun(r.level, result.failOn), caseId: r.caseId, exchangeId: r.exchangeId, rule: f.rule, pointer: f.pointer ?? null, expected: f.expected ?? null, actual: f.actual ?? null, message: f.message, ...(f.input ? { input: f.input } : {}) })),
  );
  return JSON.stringify(
    {
      tool: "dintero-login-kit contract suite",
      target: result.target,
      startedAt: result.startedAt,
      durationMs: result.durationMs,
      seed: result.seed,
      generatedCasesPerKind: result.cases,
      strict: result.strict,
      failOn: result.failOn,
      requestsSent: result.requestsSent,
      rateLimited: result.rateLimited,
      exitCode: result.exitCode,
      aborted: result.aborted ?? null,
      checks: CHECKS.map((c) => ({ name: c.name, level: c.level, source: c.source, catches: c.catches, ...totalsByCheck(result).find((t) => t.check === c.name) })),
      notApplicable: result.results.filter((r) => r.outcome === "not_applicable").map((r) => ({ check: r.check, level: r.level, caseId: r.caseId, reason: r.reason })),
      violations,
      cases: result.caseList,
      results: result.results.map(({ findings: _f, ...r }) => r),
      exchanges: result.exchanges,
    },
    null,
    2,
  );
}
