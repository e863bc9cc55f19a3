// Console output: the summary table of checks that ends every run.
import { CHECKS, failsRun, type Level } from "./checks.ts";
import type { RunResult } from "./suite.ts";

export interface CheckTotals {
  check: string;
  level: Level;
  pass: number;
  fail: number;
  /** failed results that fail this run (a contract check's finding on a curated rule is advisory) */
  failing: number;
  notApplicable: number;
}

export function totalsByCheck(result: RunResult): CheckTotals[] {
  return CHECKS.map((c) => {
    const rs = result.results.filter((r) => r.check === c.name);
    return { check: c.name, level: c.level, pass: rs.filter((r) => r.outcome === "pass").length, fail: rs.filter((r) => r.outcome === "fail").length, failing: rs.filter((r) => r.outcome === "fail" && failsRun(r.level, result.failOn)).length, notApplicable: rs.filter((r) => r.outcome === "not_applicable").length };
  });
}

export function summaryTable(result: RunResult): string {
  const rows = totalsByCheck(result);
  const width = Math.max(...rows.map((r) => r.check.length), 5);
  const line = (a: string, l: string, b: string, c: string, d: string, e: string) => `${a.padEnd(width)}  ${l.padEnd(8)}  ${b.padStart(5)}  ${c.padStart(5)}  ${d.padStart(5)}  ${e}`;
  const out = [line("check", "level", "pass", "fail", "n/a", "status"), "-".repeat(width + 42)];
  const failStatus = (r: CheckTotals) => (r.failing ? "FAIL" : "ADVISORY");
  for (const r of rows) out.push(line(r.check, r.level, String(r.pass), String(r.fail), String(r.notApplicable), r.fail ? failStatus(r) : r.pass ? "ok" : r.notApplicable ? "not applicable" : "not run"));
  const na = result.results.filter((r) => r.outcome === "not_applicable");
  if (na.length) {
    out.push("", "Not applicable:");
    for (const r of na) out.push(`  ${r.check} / ${r.caseId}: ${r.reason}`);
  }
  for (const level of ["contract", "advisory"] as const) {
    const failures = result.results.filter((r) => r.outcome === "fail" && r.level === level);
    if (!failures.length) continue;
    const fails = failsRun(level, result.failOn);
    out.push("", `${level === "contract" ? "Contract" : "Advisory"} findings (${fails ? "fail the run" : `do not fail the run; --fail-on advisory makes them`}):`);
    for (const r of failures.slice(0, 40)) for (const f of r.findings.slice(0, 3)) out.push(`  ${r.check} / ${r.caseId}: ${f.message}${f.input ? ` [input: ${f.input}]` : ""} (source: ${f.source?.ref ?? ""})`);
    if (failures.length > 40) out.push(`  … ${failures.length - 40} more in the reports`);
  }
  out.push(
    "",
    `target ${result.target.kind} ${result.target.baseUrl}, seed ${result.seed}, --fail-on ${result.failOn}, ${result.requestsSent} requests${result.rateLimited ? ` (${result.rateLimited} answered 429 and retried)` : ""}, ${(result.durationMs / 1000).toFixed(1)} s`,
  );
  const withIdentity = Object.entries(result.identityRequests);
  if (withIdentity.length) out.push(`requests carrying the test identity: ${withIdentity.map(([label, n]) => `${label} form ${n}`).join(", ")} (budget ${result.identityBudget} each)`);
  if (result.aborted) out.push(`RUN STOPPED (${result.aborted.reason}): ${result.aborted.message}`);
  out.push(result.exitCode === 0 ? "RESULT: PASS" : result.exitCode === 1 ? "RESULT: FAIL" : "RESULT: COULD NOT RUN");
  return out.join("\n");
}
