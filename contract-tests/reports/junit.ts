// junit.xml: one test suite per check, one test case per check and case, for CI dashboards. A finding
// that fails the run is a <failure>; one that does not (advisory, or standard under --fail-on contract)
// is a <skipped> whose message names it, with the details in <system-out>, so it shows without failing.
import { CHECKS, failsRun, type Finding } from "../checks.ts";
import { totalsByCheck } from "../console.ts";
import type { CheckResult, RunResult } from "../suite.ts";
import { whatFailsIt } from "./groups.ts";

export function xmlEscape(value: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the rest escaped.
  return (
    value
      // biome-ignore lint/suspicious/noControlCharactersInRegex: escaped ranges: the characters XML 1.0 allows, as its Char production lists them
      .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, "")
      .replaceAll("&", "&amp;")
      .replaceAll("<", "&lt;")
      .replaceAll(">", "&gt;")
      .replaceAll('"', "&quot;")
  );
}

function findingText(r: CheckResult, f: Finding, curl: string | undefined): string {
  return [
    `[${r.severity}] ${f.message}`,
    `  rule: ${f.rule}`,
    ...(f.pointer !== undefined ? [`  pointer: ${f.pointer}`] : []),
    `  expected: ${f.expected ?? ""}`,
    `  actual: ${f.actual ?? ""}`,
    ...(f.input ? [`  input: ${f.input}`] : []),
    `  source: ${f.source?.ref ?? ""}${f.source?.url ? ` <${f.source.url}>` : ""}`,
    ...(f.severityReason ? [`  why ${r.severity}: ${f.severityReason}`] : []),
    ...(curl ? ["  reproduce:", ...curl.split("\n").map((l) => `    ${l}`)] : []),
  ].join("\n");
}

export function junitReport(result: RunResult): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const durations = new Map(result.exchanges.map((e) => [e.id, e.durationMs]));
  const curls = new Map(result.exchanges.map((e) => [e.id, e.curl]));
  const totals = totalsByCheck(result);
  const fails = (r: CheckResult) => r.outcome === "fail" && failsRun(r.severity, result.failOn);
  const reportedOnly = (r: CheckResult) => r.outcome === "fail" && !failsRun(r.severity, result.failOn);
  const suites = CHECKS.map((check) => {
    const t = totals.find((x) => x.check === check.name)!;
    const rs = result.results.filter((r) => r.check === check.name);
    const cases = rs.map((r) => {
      const time = seconds(r.exchangeId !== undefined ? (durations.get(r.exchangeId) ?? 0) : 0);
      const open = `    <testcase classname="contract.${check.name}" name="${xmlEscape(r.caseId)}" time="${time}"`;
      if (r.outcome === "pass") return `${open}/>`;
      if (r.outcome === "not_applicable") return `${open}>\n      <skipped message="${xmlEscape(`not applicable: ${r.reason ?? ""}`)}"/>\n    </testcase>`;
      const curl = r.exchangeId !== undefined ? curls.get(r.exchangeId) : undefined;
      const text = r.findings.map((f) => findingText(r, f, curl)).join("\n");
      if (!fails(r)) {
        const label = `${r.severity.toUpperCase()} (does not fail the run; ${whatFailsIt(r.severity)}): ${r.findings[0]?.message ?? ""}`;
        return `${open}>\n      <skipped message="${xmlEscape(label)}"/>\n      <system-out>${xmlEscape(text)}</system-out>\n    </testcase>`;
      }
      return `${open}>\n      <failure message="${xmlEscape(`[${r.severity}] ${r.findings[0]?.message ?? "failed"}`)}" type="${check.name}">${xmlEscape(text)}</failure>\n    </testcase>`;
    });
    if (t.severity === "off")
      cases.push(
        `    <testcase classname="contract.${check.name}" name="(check off)" time="0.000">\n      <skipped message="${xmlEscape(`turned off by ${t.setBy}`)}"/>\n    </testcase>`,
      );
    const failures = rs.filter(fails).length;
    const skipped = rs.filter((r) => r.outcome === "not_applicable" || reportedOnly(r)).length + (t.severity === "off" ? 1 : 0);
    const props = [
      ["severity", t.severity],
      ...(t.setBy
        ? [
            ["severity_set_by", t.setBy],
            ["own_severity", check.severity],
          ]
        : []),
      ["severity_reason", check.severityReason],
      ["source", check.source.url ? `${check.source.ref} <${check.source.url}>` : check.source.ref],
    ].map(([k, v]) => `      <property name="${k}" value="${xmlEscape(v!)}"/>`);
    return `  <testsuite name="${check.name} (${t.severity})" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}">\n    <properties>\n${props.join("\n")}\n    </properties>\n${cases.join("\n")}\n  </testsuite>`;
  });
  const total = result.results.length + totals.filter((t) => t.severity === "off").length;
  const failures = result.results.filter(fails).length;
  const skipped = result.results.filter((r) => r.outcome === "not_applicable" || reportedOnly(r)).length + totals.filter((t) => t.severity === "off").length;
  const aborted = result.aborted
    ? `\n  <testsuite name="run" tests="1" failures="1" errors="0" skipped="0">\n    <testcase classname="contract.run" name="run completes"><failure message="${xmlEscape(`${result.aborted.reason}: ${result.aborted.message}`)}" type="${result.aborted.reason}"/></testcase>\n  </testsuite>`
    : "";
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="contract" tests="${total + (result.aborted ? 1 : 0)}" failures="${failures + (result.aborted ? 1 : 0)}" skipped="${skipped}" time="${seconds(result.durationMs)}">\n${suites.join("\n")}${aborted}\n</testsuites>\n`;
}
