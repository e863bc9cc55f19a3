// report.html: one self-contained page for a person: the verdict and a summary, then the findings that
// fail the run, grouped by check and cause (one card, a count, the cases), then those that do not, then
// the checks with their severity and source. Every card gives a curl command that sends its request again
// (secrets as shell variables) and the exchange with the violated rule highlighted. No scripts, no
// external resources; it fits a 1280 px wide window without horizontal scrolling.
import { CHECKS, failsRun, firstInvalidUtf8, SEVERITIES, SEVERITY_MEANING, type Source } from "../checks.ts";
import { coverageHtml } from "../coverage.ts";
import { totalsByCheck } from "../console.ts";
import { VARIABLES, variablesIn } from "../reproduce.ts";
import type { ReportedExchange, RunResult } from "../suite.ts";
import type { PassiveSummary } from "../passive/judge.ts";
import { casesText, countOf, groupFindings, whatFailsIt, type FindingGroup } from "./groups.ts";

const esc = (v: unknown) => String(v).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/** Largest body text the page shows per exchange; report.json keeps it whole. */
export const HTML_BODY_CHARS = 16_384;

/** A body as the page shows it: indented JSON, cut at HTML_BODY_CHARS. Indenting JSON nested thousands
 * deep would grow quadratically (a hostile 6 KB body became megabytes per exchange), so the text is cut
 * before and after indenting. */
function pretty(text: string | undefined): string {
  if (text === undefined) return "";
  const cut = (t: string) => (t.length > HTML_BODY_CHARS ? `${t.slice(0, HTML_BODY_CHARS)}\n… (cut here; report.json has the whole body)` : t);
  if (text.length > HTML_BODY_CHARS) return cut(text);
  try {
    return cut(indentedStart(JSON.parse(text), HTML_BODY_CHARS));
  } catch {
    return text;
  }
}

/** `JSON.stringify(value, null, 2)` for a value JSON.parse made, written only until it is longer than `limit`
 * (the page shows no more): a body nested thousands deep indents to megabytes, which were made and then cut. */
export function indentedStart(value: unknown, limit: number): string {
  const parts: string[] = [];
  let length = 0;
  const full = Symbol("full");
  const emit = (s: string) => {
    parts.push(s);
    length += s.length;
    if (length > limit) throw full;
  };
  const write = (v: unknown, indent: string) => {
    if (v === null || typeof v !== "object") return emit(JSON.stringify(v));
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) return emit("[]");
      emit("[");
      v.forEach((x, i) => {
        emit(`${i ? "," : ""}\n${inner}`);
        write(x, inner);
      });
      return emit(`\n${indent}]`);
    }
    const keys = Object.keys(v);
    if (keys.length === 0) return emit("{}");
    emit("{");
    keys.forEach((k, i) => {
      emit(`${i ? "," : ""}\n${inner}${JSON.stringify(k)}: `);
      write((v as Record<string, unknown>)[k], inner);
    });
    emit(`\n${indent}}`);
  };
  try {
    write(value, "");
  } catch (err) {
    if (err !== full) throw err;
  }
  return parts.join("");
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

/** The request and the response of one exchange, side by side. */
function exchangePair(check: string, ex: ReportedExchange | undefined, pointer: string | undefined): string {
  if (!ex) return "";
  // A broken request rule points into the request body; every other rule into the response.
  const inRequest = check === "negative_data_rejection";
  const req = `${esc(ex.request.method)} ${esc(ex.request.url)}\n${Object.entries(ex.request.headers)
    .map(([k, v]) => `${esc(k)}: ${esc(v)}`)
    .join("\n")}\n\n${inRequest ? highlight(pretty(ex.request.body), pointer) : esc(pretty(ex.request.body))}`;
  const res = ex.response
    ? `${ex.response.status}\n${ex.response.rawHeaders.map(([k, v]) => `${esc(k)}: ${esc(v)}`).join("\n")}\n\n${firstInvalidUtf8(ex.response.bodyBytes) >= 0 ? "(not valid UTF-8: the bytes are in report.json, base64; as a Fetch client decodes them:)\n" : ""}${inRequest ? esc(pretty(ex.response.bodyText)) : highlight(pretty(ex.response.bodyText), pointer)}`
    : esc(ex.error?.message ?? "no response");
  return `<div class="pair"><div><h4>Request</h4><pre>${req}</pre></div><div><h4>Response</h4><pre>${res}</pre></div></div>`;
}

function card(g: FindingGroup, index: number): string {
  const first = g.cases[0]!;
  const label = g.failsRun ? "FAIL" : g.severity.toUpperCase();
  const actuals = g.actuals.map((a) => `<code>${esc(a.actual)}</code>${g.cases.length > 1 ? ` ×${a.count}` : ""}`).join(", ");
  const distinctMessages = new Set(g.cases.map((c) => c.finding.message)).size > 1;
  const list =
    g.cases.length > 1
      ? `<details class="cases"><summary>All ${casesText(g.cases.length)}</summary><ol>${g.cases
          .map(
            (c) =>
              `<li><code>${esc(c.caseId)}</code> ${esc(c.title)} · actual <code>${esc(c.finding.actual ?? "")}</code>${distinctMessages ? `<br>${esc(c.finding.message)}` : ""}${c.finding.input ? `<br>input: ${esc(c.finding.input)}` : ""}${c.exchange ? `<details><summary>curl</summary><pre class="curl">${esc(c.exchange.curl)}</pre></details>` : ""}</li>`,
          )
          .join("")}</ol></details>`
      : "";
  return `<section class="finding ${g.failsRun ? "fails" : "reported"} ${g.severity}" id="finding-${index}">
<h3><span class="label ${label}">${label}</span> <code>${esc(g.check)}</code> <span class="sev">${esc(g.severity)}</span> · ${casesText(g.cases.length)}</h3>
<p class="msg">${esc(first.finding.message)}</p>
<dl>
<dt>rule</dt><dd><code class="rule">${esc(g.rule)}</code>${g.pointer !== undefined ? ` at <code>${esc(g.pointer || "(root)")}</code>` : ""}</dd>
<dt>expected</dt><dd><code>${esc(g.expected ?? "")}</code></dd>
<dt>actual</dt><dd>${actuals}</dd>
${first.finding.input ? `<dt>input</dt><dd>${esc(first.finding.input)}${g.cases.length > 1 ? " (first case)" : ""}</dd>` : ""}
<dt>source</dt><dd>${sourceLink(g.source)}</dd>
<dt>why ${esc(g.severity)}</dt><dd>${esc(g.severityReason ?? "")}</dd>
</dl>
${first.exchange ? `<h4>Reproduce <code>${esc(first.caseId)}</code></h4><pre class="curl">${esc(first.exchange.curl)}</pre>` : ""}
${first.exchange ? `<details><summary>Request and response of <code>${esc(first.caseId)}</code></summary>${exchangePair(g.check, first.exchange, g.pointer)}</details>` : ""}
${list}
</section>`;
}

/** What the curl commands' variables stand for, and how to get the tokens some of them need. */
function variablesLegend(result: RunResult): string {
  const used = new Set(result.exchanges.flatMap((e) => variablesIn(e.curl)));
  if (!used.size) return "";
  const piped = (caseId: string) =>
    result.exchanges.find((e) => e.caseId === caseId && e.response && e.response.status < 300)?.curl.replace(/^curl -sS -i /, "curl -sS ");
  const recipe: Record<string, string | undefined> = {
    DINTERO_BASE_URL: `DINTERO_BASE_URL=${esc(result.target.baseUrl)}${result.target.kind === "mock" ? "  # the Prism mock of this run; start one: npx prism mock -p 4010 openapi/login.yaml" : ""}`,
    CLIENT_BEARER: piped("token.known_good") ? `CLIENT_BEARER=$(${esc(piped("token.known_good"))} | jq -r .access_token)` : undefined,
    CUSTOMER_TOKEN: piped("login.email.known_good") ? `CUSTOMER_TOKEN=$(${esc(piped("login.email.known_good"))} | jq -r .access_token)` : undefined,
  };
  const rows = Object.keys(VARIABLES)
    .filter((name) => used.has(name))
    .map((name) => `<dt><code>$${name}</code></dt><dd>${esc(VARIABLES[name])}${recipe[name] ? `<pre class="curl">${recipe[name]}</pre>` : ""}</dd>`)
    .join("\n");
  return `<h2 id="reproducing">Reproducing a request</h2>
<p>Each finding's curl command sends its request again. Secrets and made-up credentials are shell variables, never values; a JSON body that holds one is built with <code>jq --arg</code>. Set them first:</p>
<dl class="vars">${rows}</dl>`;
}

const findingsIn = (groups: FindingGroup[]) => groups.reduce((n, g) => n + g.cases.length, 0);

/** --har / --proxy: what the traffic held, what of it was judged, and why some could not be. */
function passiveSection(p: PassiveSummary | undefined): string {
  if (!p) return "";
  const unjudged = p.unjudged.reduce((n, u) => n + u.count, 0);
  const skipped = Object.entries(p.skipped)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${esc(k.replace("_", " "))}`)
    .join(", ");
  const files = p.files.map((f) => `<li><code>${esc(f.file)}</code>: ${f.entries} entries, HAR ${esc(f.version)}, recorded by ${esc(f.creator)}</li>`).join("");
  const reasons = p.unjudged.map((u) => `<tr><td>${u.count}</td><td><code>${esc(u.first)}</code></td><td>${esc(u.reason)}</td></tr>`).join("");
  return `<h2 id="traffic">${p.mode === "har" ? "Recorded" : "Proxied"} traffic</h2>
<p>${p.entries} entries: ${p.judged} judged, ${p.entries - p.judged - unjudged} skipped${skipped ? ` (${skipped})` : ""}, ${unjudged} not judgeable. Nothing was sent by the suite.</p>
${files ? `<ul>${files}</ul>` : ""}
${reasons ? `<table class="na"><thead><tr><th>entries</th><th>first</th><th>why not judgeable</th></tr></thead><tbody>${reasons}</tbody></table>` : ""}
${p.notes.map((n) => `<p><small>${esc(n)}</small></p>`).join("")}`;
}

export function htmlReport(result: RunResult & { passive?: PassiveSummary }): string {
  const totals = totalsByCheck(result);
  const sum = (k: "pass" | "fail" | "notApplicable") => totals.reduce((n, t) => n + t[k], 0);
  const verdict = result.exitCode === 0 ? "PASS" : result.exitCode === 1 ? "FAIL" : "COULD NOT RUN";
  const groups = groupFindings(result);
  const failing = groups.filter((g) => g.failsRun);
  const reported = groups.filter((g) => !g.failsRun);
  const summaryRows = SEVERITIES.map((s) => {
    const gs = groups.filter((g) => g.severity === s);
    const n = findingsIn(gs);
    const fails = failsRun(s, result.failOn);
    return `<tr class="${n && fails ? "fail" : ""}"><td>${s}</td><td>${esc(SEVERITY_MEANING[s])}</td><td>${fails ? "fail the run" : esc(whatFailsIt(s))}</td><td>${gs.length}</td><td>${n}</td></tr>`;
  }).join("\n");
  const overrides = result.checkOverrides.length
    ? `<p>Checks set by the user: ${result.checkOverrides.map((o) => `<code>${esc(o.check)}=${esc(o.severity)}</code> (${esc(o.from)})`).join(", ")}.</p>`
    : "";
  const checkRows = CHECKS.map((c) => {
    const t = totals.find((x) => x.check === c.name)!;
    const cls = t.failing ? "fail" : t.fail ? "reported" : t.pass ? "pass" : "na";
    const severity = t.setBy ? `${esc(t.severity)}<br><small>set by ${esc(t.setBy)}; its own: ${esc(c.severity)}</small>` : esc(t.severity);
    return `<tr class="${cls}"><td><code>${esc(c.name)}</code><br><small>${esc(c.catches)}</small></td><td>${severity}</td><td>${esc(c.severityReason)}</td><td>${sourceLink(c.source)}</td><td>${t.pass}</td><td>${t.fail}</td><td>${t.notApplicable}</td></tr>`;
  }).join("\n");
  const na = result.results
    .filter((r) => r.outcome === "not_applicable")
    .map((r) => `<tr><td><code>${esc(r.check)}</code></td><td><code>${esc(r.caseId)}</code></td><td>${esc(r.reason ?? "")}</td></tr>`)
    .join("\n");
  let index = 0;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Contract report: ${verdict}</title>
<style>
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1200px;padding:0 1em;color:#222}
h1{margin:.2em 0}h2{margin-top:1.6em;border-bottom:1px solid #ddd}h3{margin:.2em 0 .4em}
code,pre,td,dd,li,p,summary{overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:.8em 0;table-layout:fixed}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
table.checks col.name{width:24%}table.checks col.sev{width:9%}table.checks col.why{width:30%}table.checks col.src{width:22%}table.checks col.n{width:5%}
table.summary col.sev{width:10%}table.summary col.meaning{width:48%}table.summary col.run{width:22%}table.summary col.n{width:10%}
table.na col.check{width:22%}table.na col.case{width:30%}
tr.fail td{background:#fde8e8}tr.reported td:first-child{background:#fff4e0}tr.pass td:first-child{background:#e6f6ea}tr.na td{color:#777}
small{color:#555}
.verdict{font-size:1.4em;font-weight:bold;margin:.2em 0}.verdict.FAIL,.verdict.COULD{color:#b00020}.verdict.PASS{color:#1b7f3b}
pre{background:#f6f6f6;padding:.6em;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere;max-height:30em;margin:.3em 0}
pre.curl{background:#eef3fb}
mark{background:#ffe08a}.rule{background:#ffe08a}
.pair{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1em}
section.finding{border-left:4px solid #c77700;padding:.2em 0 .2em 1em;margin:1.2em 0}section.finding.fails{border-left-color:#b00020}
.label{font-weight:bold;padding:0 .3em;border-radius:3px;color:#fff;background:#c77700}.label.FAIL{background:#b00020}
.sev{font-weight:normal;color:#555}
.msg{font-weight:bold;margin:.2em 0}
dl{display:grid;grid-template-columns:9em minmax(0,1fr);gap:.15em 1em;margin:.4em 0}dt{color:#555}dd{margin:0}
dl.vars{grid-template-columns:16em minmax(0,1fr)}
details{margin:.3em 0}summary{cursor:pointer}ol{padding-left:1.5em}li{margin:.3em 0}
</style></head><body>
<h1>Login contract report</h1>
<p class="verdict ${verdict.split(" ")[0]}">${verdict}</p>
<p>Target: ${esc(result.target.kind)} <code>${esc(result.target.baseUrl)}</code> · --fail-on ${esc(result.failOn)} · ${result.requestsSent} requests${result.rateLimited ? ` (${result.rateLimited} answered 429, honoured)` : ""} · ${(result.durationMs / 1000).toFixed(1)} s · started ${esc(result.startedAt)} · seed ${result.seed} · ${result.cases} generated cases per kind${result.strict ? " · strict" : ""}</p>
${result.aborted ? `<p class="verdict FAIL">Run stopped (${esc(result.aborted.reason)}): ${esc(result.aborted.message)}</p>` : ""}
<h2 id="summary">Summary</h2>
<p>${failing.length ? `<a href="#failing">${countOf(findingsIn(failing), "finding")} of ${countOf(failing.length, "cause")} fail the run</a>` : "No finding fails the run"}${reported.length ? `; <a href="#reported">${countOf(findingsIn(reported), "finding")} of ${countOf(reported.length, "cause")}</a> are reported without failing it` : ""}. Check results: ${sum("pass")} passed, ${sum("fail")} failed, ${sum("notApplicable")} not applicable.</p>
<table class="summary"><colgroup><col class="sev"><col class="meaning"><col class="run"><col class="n"><col class="n"></colgroup><thead><tr><th>severity</th><th>means</th><th>in this run</th><th>causes</th><th>findings</th></tr></thead><tbody>
${summaryRows}
</tbody></table>
${overrides}
${passiveSection(result.passive)}
${coverageHtml(result.coverage, result.minCoverage, esc)}
<h2 id="failing">Findings that fail the run</h2>
${failing.map((g) => card(g, index++)).join("\n") || "<p>None.</p>"}
<h2 id="reported">Findings that do not fail the run</h2>
${reported.map((g) => card(g, index++)).join("\n") || "<p>None.</p>"}
<h2 id="checks">Checks</h2>
<table class="checks"><colgroup><col class="name"><col class="sev"><col class="why"><col class="src"><col class="n"><col class="n"><col class="n"></colgroup><thead><tr><th>check</th><th>severity</th><th>why this severity</th><th>source</th><th>pass</th><th>fail</th><th>n/a</th></tr></thead><tbody>
${checkRows}
</tbody></table>
${na ? `<h2 id="not-applicable">Not applicable</h2><table class="na"><colgroup><col class="check"><col class="case"><col></colgroup><thead><tr><th>check</th><th>case</th><th>why</th></tr></thead><tbody>${na}</tbody></table>` : ""}
${variablesLegend(result)}
</body></html>
`;
}
