// junit.xml: one test suite per check, one test case per check and case, for CI dashboards.
import { CHECKS, failsRun } from "../checks.ts";
import type { RunResult } from "../suite.ts";

export function xmlEscape(value: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the rest escaped.
  return value
    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

export function junitReport(result: RunResult): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const durations = new Map(result.exchanges.map((e) => [e.id, e.durationMs]));
  const suites = CHECKS.map((check) => {
    const rs = result.results.filter((r) => r.check === check.name);
    const cases = rs.map((r) => {
      const time = seconds(r.exchangeId !== undefined ? durations.get(r.exchangeId) ?? 0 : 0);
      const open = `    <testcase classname="contract.${check.name}" name="${xmlEscape(r.caseId)}" time="${time}"`;
      if (r.outcome === "pass") return `${open}/>`;
      if (r.outcome === "not_applicable") return `${open}>\n      <skipped message="${xmlEscape(`not applicable: ${r.reason ?? ""}`)}"/>\n    </testcase>`;
      const text = r.findings.map((f) => `[${r.level}] ${f.message}\n  rule: ${f.rule}${f.pointer !== undefined ? `\n  pointer: ${f.pointer}` : ""}\n  expected: ${f.expected ?? ""}\n  actual: ${f.actual ?? ""}${f.input ? `\n  input: ${f.input}` : ""}\n  source: ${f.source?.ref ?? ""}${f.source?.url ? ` <${f.source.url}>` : ""}`).join("\n");
      // An advisory finding that does not fail the run is shown, not counted as a failure.
      if (!failsRun(r.level, result.failOn)) return `${open}>\n      <system-out>${xmlEscape(`ADVISORY (does not fail the run; --fail-on advisory makes it): ${text}`)}</system-out>\n    </testcase>`;
      return `${open}>\n      <failure message="${xmlEscape(`[${r.level}] ${r.findings[0]?.message ?? "failed"}`)}" type="${check.name}">${xmlEscape(text)}</failure>\n    </testcase>`;
    });
    const failures = rs.filter((r) => r.outcome === "fail" && failsRun(r.level, result.failOn)).length;
    const skipped = rs.filter((r) => r.outcome === "not_applicable").length;
    const props = `    <properties>\n      <property name="level" value="${check.level}"/>\n      <property name="source" value="${xmlEscape(check.source.url ? `${check.source.ref} <${check.source.url}>` : check.source.ref)}"/>\n    </properties>`;
    return `  <testsuite name="${check.name} (${check.level})" tests="${rs.length}" failures="${failures}" errors="0" skipped="${skipped}">\n${props}\n${cases.join("\n")}\n  </testsuite>`;
  });
  const total = result.results.length;
  const failures = result.results.filter((r) => r.outcome === "fail" && failsRun(r.level, result.failOn)).length;
  const skipped = result.results.filter((r) => r.outcome === "not_applicable").length;
  const aborted = result.aborted
    ? `\n  <testsuite name="run" tests="1" failures="1" errors="0" skipped="0">\n    <testcase classname="contract.run" name="run completes"><failure message="${xmlEscape(`${result.aborted.reason}: ${result.aborted.message}`)}" type="${result.aborted.reason}"/></testcase>\n  </testsuite>`
    : "";
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="contract" tests="${total + (result.aborted ? 1 : 0)}" failures="${failures + (result.aborted ? 1 : 0)}" skipped="${skipped}" time="${seconds(result.durationMs)}">\n${suites.join("\n")}${aborted}\n</testsuites>\n`;
}
