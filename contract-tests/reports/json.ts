// report.json: every exchange (already redacted) as evidence, and every violation with its level and source.
import { CHECKS, failsRun, firstInvalidUtf8 } from "../checks.ts";
import { totalsByCheck } from "../console.ts";
import type { Exchange } from "../http.ts";
import type { RunResult } from "../suite.ts";

/** An exchange as evidence: the response's header lines as received (repeats kept, in order) and its body
 * as received: text when it is valid UTF-8, else base64 of the bytes. Already redacted by the runner. */
function evidence(ex: Exchange) {
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
      body: utf8 ? { encoding: "utf-8", text: bytes.toString("utf8") } : { encoding: "base64", base64: bytes.toString("base64"), note: "not valid UTF-8: the bytes as received" },
      /** what a Fetch-standard client would see: repeated header lines joined with ", " */
      fetchView: { headers: fetchHeaders },
    },
  };
}

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
      exchanges: result.exchanges.map(evidence),
    },
    null,
    2,
  );
}
