// Console output: the summary table of checks that ends every run, then the findings grouped by cause:
// those that fail the run (labelled FAIL) first, then those that do not (labelled by their severity).
import { CHECKS, failsRun, SEVERITIES, type Severity } from "./checks.ts";
import { coverageLines } from "./coverage.ts";
import { casesText, groupFindings, whatFailsIt, type FindingGroup } from "./reports/groups.ts";
import { effectiveSeverities, type RunResult } from "./suite.ts";

export interface CheckTotals {
  check: string;
  /** the check's severity in this run: its own, or the one --check / CONTRACT_CHECKS set ("off": not run) */
  severity: Severity | "off";
  /** where the user set it, when they did */
  setBy?: string;
  pass: number;
  fail: number;
  /** failed results that fail this run */
  failing: number;
  notApplicable: number;
}

export function totalsByCheck(result: RunResult): CheckTotals[] {
  const severities = effectiveSeverities(result.checkOverrides);
  return CHECKS.map((c) => {
    const rs = result.results.filter((r) => r.check === c.name);
    const { severity, override } = severities.get(c.name)!;
    return {
      check: c.name,
      severity,
      ...(override ? { setBy: override.from } : {}),
      pass: rs.filter((r) => r.outcome === "pass").length,
      fail: rs.filter((r) => r.outcome === "fail").length,
      failing: rs.filter((r) => r.outcome === "fail" && failsRun(r.severity, result.failOn)).length,
      notApplicable: rs.filter((r) => r.outcome === "not_applicable").length,
    };
  });
}

/** A check's status word: FAIL only when one of its findings fails the run; otherwise the highest severity
 * of its findings (ADVISORY, or STANDARD under --fail-on contract), NOT JUDGED (it left the run incomplete),
 * then ok / not applicable / not run. */
function statusOf(t: CheckTotals, result: RunResult): string {
  if (t.severity === "off") return `off (${t.setBy})`;
  if (t.failing) return "FAIL";
  if (t.fail) return SEVERITIES.find((s) => result.results.some((r) => r.check === t.check && r.outcome === "fail" && r.severity === s))!.toUpperCase();
  // judged some cases, but none of one question it must judge (every wrong password answered 429): not "ok"
  if (result.aborted?.unjudged?.includes(t.check)) return "NOT JUDGED";
  return t.pass ? "ok" : t.notApplicable ? "not applicable" : "not run";
}

/** One group as console lines: the label, the check, the count and the message, the cases, the source, and
 * the curl command of its first case. */
function groupLines(g: FindingGroup): string[] {
  const first = g.cases[0]!;
  const ids = g.cases.map((c) => c.caseId);
  const shown = ids.length > 6 ? `${ids.slice(0, 6).join(", ")} … (+${ids.length - 6})` : ids.join(", ");
  const out = [
    `  ${g.failsRun ? "FAIL" : g.severity.toUpperCase()} ${g.check} [${g.severity}] ${casesText(g.cases.length)}: ${first.finding.message}${first.finding.input ? ` [input: ${first.finding.input}]` : ""}`,
  ];
  if (g.cases.length > 1) out.push(`       cases: ${shown}`);
  out.push(`       source: ${g.source?.ref ?? ""}`);
  if (g.severityReason) out.push(`       ${g.severity}: ${g.severityReason}`);
  if (first.exchange?.curl) out.push(`       reproduce ${first.caseId}:`, ...first.exchange.curl.split("\n").map((l) => `         ${l}`));
  return out;
}

export function summaryTable(result: RunResult): string {
  // Nothing was judged: one line says why, not a "not run" row per check.
  if (result.aborted?.reason === "unreachable" && !result.results.length)
    return [`no check was run: ${result.aborted.message} (target ${result.target.kind} ${result.target.baseUrl})`, "RESULT: COULD NOT RUN"].join("\n");
  const rows = totalsByCheck(result);
  const width = Math.max(...rows.map((r) => r.check.length), 5);
  const line = (a: string, l: string, b: string, c: string, d: string, e: string) =>
    `${a.padEnd(width)}  ${l.padEnd(8)}  ${b.padStart(5)}  ${c.padStart(5)}  ${d.padStart(5)}  ${e}`;
  const out = [line("check", "severity", "pass", "fail", "n/a", "status"), "-".repeat(width + 42)];
  for (const r of rows) out.push(line(r.check, r.severity, String(r.pass), String(r.fail), String(r.notApplicable), statusOf(r, result)));
  const na = result.results.filter((r) => r.outcome === "not_applicable");
  if (na.length) {
    out.push("", "Not applicable:");
    for (const r of na) out.push(`  ${r.check} / ${r.caseId}: ${r.reason}`);
  }
  const groups = groupFindings(result);
  const failing = groups.filter((g) => g.failsRun);
  const reported = groups.filter((g) => !g.failsRun);
  const MAX = 40;
  if (failing.length) {
    out.push("", `Findings that fail the run (--fail-on ${result.failOn}), by cause:`);
    for (const g of failing.slice(0, MAX)) out.push(...groupLines(g));
    if (failing.length > MAX) out.push(`  … ${failing.length - MAX} more causes in the reports`);
  }
  if (reported.length) {
    const severities = [...new Set(reported.map((g) => g.severity))];
    out.push("", `Findings that do not fail the run (${severities.map(whatFailsIt).join("; ")}), by cause:`);
    for (const g of reported.slice(0, MAX)) out.push(...groupLines(g));
    if (reported.length > MAX) out.push(`  … ${reported.length - MAX} more causes in the reports`);
  }
  const overrides = result.checkOverrides.map((o) => `${o.check}=${o.severity} (${o.from})`);
  out.push(
    "",
    `target ${result.target.kind} ${result.target.baseUrl}, seed ${result.seed}, --fail-on ${result.failOn}${overrides.length ? `, checks set: ${overrides.join(", ")}` : ""}, ${result.requestsSent} requests${result.rateLimited ? ` (${result.rateLimited} answered 429 and retried)` : ""}, ${(result.durationMs / 1000).toFixed(1)} s`,
  );
  out.push(...coverageLines(result.coverage, result.minCoverage.min));
  if (!result.minCoverage.met) out.push(`COVERAGE BELOW --min-coverage: ${result.coverage.percent.total}% < ${result.minCoverage.min}%`);
  const withIdentity = Object.entries(result.identityRequests);
  if (withIdentity.length)
    out.push(
      `requests carrying the test identity: ${withIdentity.map(([label, n]) => `${label} form ${n}`).join(", ")} (budget ${result.identityBudget} each)`,
    );
  if (result.aborted) out.push(`RUN STOPPED (${result.aborted.reason}): ${result.aborted.message}`);
  out.push(result.exitCode === 0 ? "RESULT: PASS" : result.exitCode === 1 ? "RESULT: FAIL" : "RESULT: COULD NOT RUN");
  return out.join("\n");
}
