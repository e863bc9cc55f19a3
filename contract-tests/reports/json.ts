// report.json: every exchange (already redacted) as evidence, with a curl command that reproduces its
// request; every violation with its severity (and why), its source, and whether it fails the run.
import { CHECKS, failsRun, firstInvalidUtf8, SEVERITY_MEANING } from "../checks.ts";
import { totalsByCheck } from "../console.ts";
import { VARIABLES, variablesIn } from "../reproduce.ts";
import type { ReportedExchange, RunResult } from "../suite.ts";
import type { PassiveSummary } from "../passive/judge.ts";
import { groupFindings } from "./groups.ts";

/** An exchange as evidence: the response's header lines as received (repeats kept, in order) and its body
 * as received: text when it is valid UTF-8, else base64 of the bytes. Already redacted by the runner. */
function evidence(ex: ReportedExchange) {
  const res = ex.response;
  if (!res) return ex;
  const bytes = Buffer.from(res.bodyBytes);
  const utf8 = firstInvalidUtf8(bytes) < 0;
  const { headers: fetchHeaders, rawHeaders, bodyBytes: _bytes, bodyText: _text, ...rest } = res;
  return {
    ...ex,
    response: {
      ...rest,
      headers: rawHeaders,
      body: utf8
        ? { encoding: "utf-8", text: bytes.toString("utf8") }
        : { encoding: "base64", base64: bytes.toString("base64"), note: "not valid UTF-8: the bytes as received" },
      /** what a Fetch-standard client would see: repeated header lines joined with ", " */
      fetchView: { headers: fetchHeaders },
    },
  };
}

export function jsonReport(result: RunResult & { passive?: PassiveSummary }): string {
  const curls = new Map(result.exchanges.map((e) => [e.id, e.curl]));
  const violations = result.results.flatMap((r) =>
    r.findings.map((f) => ({
      check: r.check,
      severity: r.severity,
      severityReason: f.severityReason ?? null,
      source: f.source ?? null,
      failsRun: failsRun(r.severity, result.failOn),
      caseId: r.caseId,
      exchangeId: r.exchangeId,
      rule: f.rule,
      pointer: f.pointer ?? null,
      expected: f.expected ?? null,
      actual: f.actual ?? null,
      message: f.message,
      ...(f.input ? { input: f.input } : {}),
      curl: (r.exchangeId !== undefined ? curls.get(r.exchangeId) : undefined) ?? null,
    })),
  );
  const totals = totalsByCheck(result);
  const used = new Set(result.exchanges.flatMap((e) => variablesIn(e.curl)));
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
      severities: SEVERITY_MEANING,
      checkOverrides: result.checkOverrides,
      requestsSent: result.requestsSent,
      rateLimited: result.rateLimited,
      identityRequests: result.identityRequests,
      identityBudget: result.identityBudget,
      exitCode: result.exitCode,
      aborted: result.aborted ?? null,
      /** --har / --proxy: where the traffic came from, what was judged, skipped (by kind) and not judgeable (by reason) */
      ...(result.passive ? { passive: result.passive } : {}),
      /** what of the spec the run exercised; minCoverage: --min-coverage and whether the run met it */
      coverage: result.coverage,
      minCoverage: result.minCoverage,
      checks: CHECKS.map((c) => {
        const { check: _name, ...t } = totals.find((x) => x.check === c.name)!;
        return { name: c.name, ...t, ownSeverity: c.severity, severityReason: c.severityReason, source: c.source, catches: c.catches };
      }),
      notApplicable: result.results
        .filter((r) => r.outcome === "not_applicable")
        .map((r) => ({ check: r.check, severity: r.severity, caseId: r.caseId, reason: r.reason })),
      violations,
      /** the violations grouped by check and cause, as report.html and the console show them */
      findingGroups: groupFindings(result).map((g) => ({
        check: g.check,
        severity: g.severity,
        failsRun: g.failsRun,
        rule: g.rule,
        pointer: g.pointer ?? null,
        expected: g.expected ?? null,
        count: g.cases.length,
        actuals: g.actuals,
        caseIds: g.cases.map((c) => c.caseId),
      })),
      /** what the curl commands' shell variables stand for */
      curlVariables: Object.fromEntries(
        Object.keys(VARIABLES)
          .filter((name) => used.has(name))
          .map((name) => [name, VARIABLES[name]]),
      ),
      cases: result.caseList,
      results: result.results.map(({ findings: _f, ...r }) => r),
      exchanges: result.exchanges.map(evidence),
    },
    null,
    2,
  );
}
