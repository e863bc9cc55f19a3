// Findings grouped by check and cause, for the console and report.html: one entry with a count and the
// cases, instead of the same finding repeated for every generated case that met it.
import { CHECKS, failsRun, SEVERITIES, type Finding, type Severity, type Source } from "../checks.ts";
import type { ReportedExchange, RunResult } from "../suite.ts";

export interface GroupedCase {
  caseId: string;
  title: string;
  finding: Finding;
  exchange?: ReportedExchange;
}

export interface FindingGroup {
  check: string;
  severity: Severity;
  failsRun: boolean;
  /** the cause: the same check, severity, rule, place, expectation, source and reason */
  rule: string;
  pointer?: string;
  expected?: string;
  source?: Source;
  severityReason?: string;
  cases: GroupedCase[];
  /** each distinct `actual` and how many cases showed it, most frequent first */
  actuals: Array<{ actual: string; count: number }>;
}

const causeOf = (check: string, severity: Severity, f: Finding) =>
  JSON.stringify([check, severity, f.rule, f.pointer ?? null, f.expected ?? null, f.source?.ref ?? null, f.severityReason ?? null]);

/**
 * Every finding of the run, grouped by cause, the most serious first: failing groups, then by severity (contract,
 * standard, advisory), check order, the check's own rank of its findings (secret_reflection: the test user's
 * password before a made-up submitted one), and only then size: a frequent trifle never hides a rare harm.
 */
export function groupFindings(result: RunResult): FindingGroup[] {
  const exchanges = new Map(result.exchanges.map((e) => [e.id, e]));
  const titles = new Map(result.caseList.map((c) => [c.id, c.title]));
  const groups = new Map<string, FindingGroup>();
  for (const r of result.results) {
    if (r.outcome !== "fail") continue;
    for (const f of r.findings) {
      const key = causeOf(r.check, r.severity, f);
      let g = groups.get(key);
      if (!g) {
        g = {
          check: r.check,
          severity: r.severity,
          failsRun: failsRun(r.severity, result.failOn),
          rule: f.rule,
          ...(f.pointer !== undefined ? { pointer: f.pointer } : {}),
          ...(f.expected !== undefined ? { expected: f.expected } : {}),
          ...(f.source ? { source: f.source } : {}),
          ...(f.severityReason ? { severityReason: f.severityReason } : {}),
          cases: [],
          actuals: [],
        };
        groups.set(key, g);
      }
      const exchange = r.exchangeId !== undefined ? exchanges.get(r.exchangeId) : undefined;
      g.cases.push({ caseId: r.caseId, title: titles.get(r.caseId) ?? "", finding: f, ...(exchange ? { exchange } : {}) });
      const actual = f.actual ?? "";
      const seen = g.actuals.find((a) => a.actual === actual);
      if (seen) seen.count++;
      else g.actuals.push({ actual, count: 1 });
    }
  }
  const order = (name: string) => CHECKS.findIndex((c) => c.name === name);
  /** the most serious rank among a group's findings (unranked: as serious as rank 0) */
  const rank = (g: FindingGroup) => g.cases.reduce((least, c) => Math.min(least, c.finding.rank ?? 0), Number.POSITIVE_INFINITY);
  for (const g of groups.values()) g.actuals.sort((a, b) => b.count - a.count);
  return [...groups.values()].sort(
    (a, b) =>
      Number(b.failsRun) - Number(a.failsRun) ||
      SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
      order(a.check) - order(b.check) ||
      rank(a) - rank(b) ||
      b.cases.length - a.cases.length,
  );
}

/** "12 cases" / "1 case" */
export const countOf = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
export const casesText = (n: number) => countOf(n, "case");

/** What --fail-on would make a finding of this severity fail the run, for findings that do not. */
export function whatFailsIt(severity: Severity): string {
  return `--fail-on ${severity} makes ${severity} findings fail the run`;
}
