// report.html: one self-contained page for a person: totals, a table of checks, and each failure with
// its request, response and the violated rule highlighted. No scripts, no external resources.
import { CHECKS, failsRun, firstInvalidUtf8, type Source } from "../checks.ts";
import { totalsByCheck } from "../console.ts";
import type { RunResult } from "../suite.ts";

const esc = (v: unknown) =>
  String(v).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

function pretty(text: string | undefined): string {
  if (text === undefined) return "";
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

const sourceLink = (s: Source | undefined) => (!s ? "" : s.url ? `<a href="${esc(s.url)}">${esc(s.ref)}</a>` : `<code>${esc(s.ref)}</code>`);

/** Highlight the line of the body the violated JSON pointer names (its last key). */
function highlight(body: string, pointer: string | undefined): string {
  const key = pointer?.split("/").filter(Boolean).pop();
  const escaped = esc(body);
  if (!key) return escaped;
  return escaped
    .split("\n")
    .map((line) => (line.includes(`&quot;${esc(key)}&quot;:`) ? `<mark>${line}</mark>` : line))
    .join("\n");
}

export function htmlReport(result: RunResult): string {
  const totals = totalsByCheck(result);
  const sum = (k: "pass" | "fail" | "notApplicable") => totals.reduce((n, t) => n + t[k], 0);
  const verdict = result.exitCode === 0 ? "PASS" : result.exitCode === 1 ? "FAIL" : "COULD NOT RUN";
  const exchanges = new Map(result.exchanges.map((e) => [e.id, e]));
  const titles = new Map(result.caseList.map((c) => [c.id, c.title]));
  const checkRows = CHECKS.map((c) => {
    const t = totals.find((x) => x.check === c.name)!;
    const cls = t.fail ? "fail" : t.pass ? "pass" : "na";
    return `<tr class="${cls}"><td><code>${esc(c.name)}</code></td><td>${esc(c.level)}</td><td>${esc(c.catches)}</td><td>${sourceLink(c.source)}</td><td>${t.pass}</td><td>${t.fail}</td><td>${t.notApplicable}</td></tr>`;
  }).join("\n");
  const failuresOf = (level: string) => result.results
    .filter((r) => r.outcome === "fail" && r.level === level)
    .map((r) => {
      const ex = r.exchangeId !== undefined ? exchanges.get(r.exchangeId) : undefined;
      const findings = r.findings
        .map((f) => `<li><strong>${esc(f.message)}</strong><br>source: ${sourceLink(f.source)}<br>rule: <code class="rule">${esc(f.rule)}</code>${f.pointer !== undefined ? ` at <code>${esc(f.pointer || "(root)")}</code>` : ""}<br>expected: <code>${esc(f.expected ?? "")}</code> actual: <code>${esc(f.actual ?? "")}</code>${f.input ? `<br>input: ${esc(f.input)}` : ""}</li>`)
        .join("");
      // A broken request rule points into the request body; every other rule into the response.
      const pointer = r.findings[0]?.pointer;
      const inRequest = r.check === "negative_data_rejection";
      const req = ex ? `${esc(ex.request.method)} ${esc(ex.request.url)}\n${Object.entries(ex.request.headers).map(([k, v]) => `${esc(k)}: ${esc(v)}`).join("\n")}\n\n${inRequest ? highlight(pretty(ex.request.body), pointer) : esc(pretty(ex.request.body))}` : "";
      const res = ex?.response
        ? `${ex.response.status}\n${ex.response.rawHeaders.map(([k, v]) => `${esc(k)}: ${esc(v)}`).join("\n")}\n\n${firstInvalidUtf8(ex.response.bodyBytes) >= 0 ? `(not valid UTF-8: ${ex.response.bodyBytes.length} bytes, base64 in report.json; as a Fetch client decodes it:)\n` : ""}${inRequest ? esc(pretty(ex.response.bodyText)) : highlight(pretty(ex.response.bodyText), pointer)}`
        : esc(ex?.error?.message ?? "no response");
      return `<section class="failure ${esc(r.level)}"><h3><code>${esc(r.check)}</code> (${esc(r.level)}) — ${esc(r.caseId)}</h3><p>${esc(titles.get(r.caseId) ?? "")}</p><ul>${findings}</ul><div class="pair"><div><h4>Request</h4><pre>${req}</pre></div><div><h4>Response</h4><pre>${res}</pre></div></div></section>`;
    })
    .join("\n");
  const contractFailures = failuresOf("contract");
  const advisoryFailures = failuresOf("advisory");
  const advisoryNote = failsRun("advisory", result.failOn) ? "they fail this run (--fail-on advisory)" : "they do not fail this run; --fail-on advisory makes them";
  const na = result.results
    .filter((r) => r.outcome === "not_applicable")
    .map((r) => `<tr><td><code>${esc(r.check)}</code></td><td>${esc(r.caseId)}</td><td>${esc(r.reason ?? "")}</td></tr>`)
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Contract report: ${verdict}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
tr.fail td{background:#fde8e8}tr.pass td:first-child{background:#e6f6ea}tr.na td{color:#777}
.verdict{font-size:1.4em;font-weight:bold}.verdict.FAIL,.verdict.COULD{color:#b00020}.verdict.PASS{color:#1b7f3b}
pre{background:#f6f6f6;padding:.6em;overflow:auto;white-space:pre-wrap;word-break:break-all;max-height:30em}
mark{background:#ffe08a}.rule{background:#ffe08a}.pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}
section.failure{border-left:4px solid #b00020;padding-left:1em;margin:1.5em 0}section.failure.advisory{border-left-color:#c77700}
</style></head><body>
<h1>Login contract report</h1>
<p class="verdict ${verdict.split(" ")[0]}">${verdict}</p>
<p>Target: ${esc(result.target.kind)} <code>${esc(result.target.baseUrl)}</code> · started ${esc(result.startedAt)} · ${(result.durationMs / 1000).toFixed(1)} s · ${result.requestsSent} requests${result.rateLimited ? ` (${result.rateLimited} answered 429, honoured)` : ""} · seed ${result.seed} · ${result.cases} generated cases per kind${result.strict ? " · strict" : ""} · --fail-on ${esc(result.failOn)}</p>
${result.aborted ? `<p class="verdict FAIL">Run stopped (${esc(result.aborted.reason)}): ${esc(result.aborted.message)}</p>` : ""}
<p>Totals: ${sum("pass")} passed, ${sum("fail")} failed, ${sum("notApplicable")} not applicable.</p>
<h2>Checks</h2>
<table><thead><tr><th>check</th><th>level</th><th>catches</th><th>source</th><th>pass</th><th>fail</th><th>n/a</th></tr></thead><tbody>
${checkRows}
</tbody></table>
${na ? `<h2>Not applicable</h2><table><thead><tr><th>check</th><th>case</th><th>why</th></tr></thead><tbody>${na}</tbody></table>` : ""}
<h2>Contract findings</h2>
<p>Rules from the spec and Dintero's documentation: they fail the run.</p>
${contractFailures || "<p>None.</p>"}
<h2>Advisory findings</h2>
<p>Best practice and RFC text Dintero does not publish: ${advisoryNote}.</p>
${advisoryFailures || "<p>None.</p>"}
</body></html>
`;
}
