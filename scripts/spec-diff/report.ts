// Renders a spec:diff result: a console table, markdown for a GitHub job summary, and JSON.
import type { SpecDiffResult } from "./run.ts";

const show = (v: unknown) => (v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));
const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + "…" : s);
const what = (c: { action: string; before?: unknown; after?: unknown }) =>
  c.action === "add"
    ? `added ${clip(show(c.after), 40)}`
    : c.action === "remove"
      ? `removed ${clip(show(c.before), 40)}`
      : `${clip(show(c.before), 30)} → ${clip(show(c.after), 30)}`;

interface Row {
  kind: string;
  operation: string;
  where: string;
  change: string;
  reason: string;
}

function rows(result: SpecDiffResult): Row[] {
  const out: Row[] = result.changes.map((c) => ({
    kind: c.kind,
    operation: c.operation,
    where: c.where + (c.pointer ? ` ${c.pointer}` : ""),
    change: what(c),
    reason: c.reason,
  }));
  for (const t of result.typeLevel.checks.filter((t) => !t.ok)) {
    out.push({ kind: "breaking (types)", operation: t.operation, where: t.where, change: `${t.direction} not assignable`, reason: t.message ?? "" });
  }
  for (const e of result.typeLevel.compile.errors) {
    out.push({ kind: "breaking (compile)", operation: "-", where: `${e.file}:${e.line}`, change: "no longer compiles", reason: e.message });
  }
  return out;
}

const verdict = (result: SpecDiffResult, allowBreaking: boolean) =>
  result.kind === "breaking" ? (allowBreaking ? "BREAKING (allowed by --allow-breaking)" : "BREAKING") : result.kind === "none" ? "no change" : result.kind;

const headline = (r: SpecDiffResult) =>
  `${r.summary.breaking} breaking, ${r.summary.compatible} compatible, ${r.summary.documentationOnly} documentation-only; ` +
  `type level: ${r.typeLevel.checks.filter((c) => c.ok).length}/${r.typeLevel.checks.length} assignability checks pass, ` +
  `${r.typeLevel.compile.errors.length} new compile errors in ${r.typeLevel.compile.files} files of src/, examples/; ` +
  (r.provenance.checked
    ? `provenance: ${r.provenance.problems.length} problem${r.provenance.problems.length === 1 ? "" : "s"}`
    : "provenance: not checked (no openapi/SOURCES.md)");

const baseName = (r: SpecDiffResult) => `${r.base.ref === r.base.commit ? r.base.commit.slice(0, 12) : `${r.base.ref} (${r.base.commit.slice(0, 12)})`}`;

export function consoleReport(result: SpecDiffResult, allowBreaking: boolean): string {
  const lines = [`spec:diff openapi/ at ${baseName(result)} [${result.base.how}] → working tree: ${verdict(result, allowBreaking)}`];
  const table = rows(result);
  if (table.length > 0) {
    const cols: (keyof Row)[] = ["kind", "operation", "where", "change", "reason"];
    const limit: Record<keyof Row, number> = { kind: 20, operation: 40, where: 60, change: 50, reason: 90 };
    const cells = [Object.fromEntries(cols.map((c) => [c, c])) as unknown as Row, ...table].map((r) => cols.map((c) => clip(r[c], limit[c])));
    const widths = cols.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
    cells.forEach((r, n) => {
      lines.push(
        r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join("  ")
          .trimEnd(),
      );
      if (n === 0) lines.push(widths.map((w) => "-".repeat(w)).join("  "));
    });
  }
  lines.push(headline(result));
  for (const p of result.provenance.problems) lines.push(`provenance: ${p.pointer} ${p.problem}`);
  return lines.join("\n") + "\n";
}

const md = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");

export function markdownReport(result: SpecDiffResult, allowBreaking: boolean): string {
  const icon = result.kind === "breaking" || result.provenance.problems.length > 0 ? "❌" : "✅";
  const out = [
    `## ${icon} spec:diff: ${verdict(result, allowBreaking)}`,
    "",
    `\`openapi/\` at \`${baseName(result)}\` (${result.base.how}) compared with the working tree.`,
    "",
    headline(result) + ".",
    "",
  ];
  const table = rows(result);
  if (table.length > 0) {
    out.push("| kind | operation | where | change | why |", "| --- | --- | --- | --- | --- |");
    for (const r of table) out.push(`| ${r.kind} | ${md(r.operation)} | \`${md(r.where)}\` | ${md(r.change)} | ${md(r.reason)} |`);
    out.push("");
  }
  if (result.provenance.problems.length > 0) {
    out.push(
      "### Provenance problems in the new spec",
      "",
      "Every rule says where it comes from (`x-source`, a page listed in `openapi/SOURCES.md`, or `x-curated`); `npm test` fails on these:",
      "",
    );
    for (const p of result.provenance.problems) out.push(`- \`${md(p.pointer)}\` ${md(p.problem)}`);
    out.push("");
  }
  if (result.kind === "breaking") {
    out.push(
      allowBreaking
        ? "Breaking changes are allowed for this run (`--allow-breaking`, or the pull request's `breaking-spec-change` label)."
        : "A breaking change fails this check. If it is intended, add the label `breaking-spec-change` to the pull request (or run with `--allow-breaking`).",
      "",
    );
  }
  return out.join("\n");
}

export const jsonReport = (result: SpecDiffResult, allowBreaking: boolean, exitCode: number) =>
  JSON.stringify({ ...result, allowBreaking, exitCode }, null, 2) + "\n";
