// The passive modes' runners: `--har FILE...` judges recorded files, `--proxy` judges traffic as it passes.
// Both end as a live run ends: reports written, the summary table printed, the run's exit code returned.
import { failsRun } from "../checks.ts";
import { summaryTable } from "../console.ts";
import { writeReports } from "../reports/index.ts";
import { loadSpec, type SpecModel } from "../spec.ts";
import type { PassiveConfig } from "./config.ts";
import { isLoopbackHost } from "./config.ts";
import { HarError, readHar, toExchange } from "./har.ts";
import { createPassiveJudge, type PassiveRunResult, type PassiveSummary } from "./judge.ts";
import { startProxy } from "./proxy.ts";

/** Where output goes (the CLI's Io: standard output and error). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/**
 * The entries' indexes in the order their requests started: HAR 1.2 prefers but does not require entries
 * sorted by `startedDateTime`, and says a reader must sort them itself. The rules across exchanges (a revoke,
 * then a refresh) read them in that order; entries of the same time, or without a valid one, keep their
 * place relative to each other (an entry without a time is not judged: toExchange says why).
 */
export function timeOrder(entries: ReadonlyArray<{ startedDateTime?: unknown }>): number[] {
  const times = entries.map((e) => (typeof e.startedDateTime === "string" ? Date.parse(e.startedDateTime) : Number.NaN));
  const indexes = entries.map((_, i) => i);
  if (times.some((t) => !Number.isFinite(t))) return indexes;
  return indexes.sort((a, b) => times[a]! - times[b]! || a - b);
}

/** A file of more than this many entries prints a progress line every this many. */
export const PROGRESS_EVERY = 1000;

/** The passive section of the console output: what the traffic held and what of it was judged. */
export function passiveLines(p: PassiveSummary): string[] {
  const skipped = Object.entries(p.skipped)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k.replace("_", " ")}`);
  const unjudged = p.unjudged.reduce((n, u) => n + u.count, 0);
  const out = [
    `${p.mode === "har" ? "recorded" : "proxied"} traffic: ${p.entries} entries, ${p.judged} judged, ${p.entries - p.judged - unjudged} skipped${skipped.length ? ` (${skipped.join(", ")})` : ""}, ${unjudged} not judgeable`,
  ];
  for (const u of p.unjudged) out.push(`  not judged ×${u.count} (first: ${u.first}): ${u.reason}`);
  for (const n of p.notes) out.push(`  note: ${n}`);
  if (p.evidenceDropped)
    out.push(`  evidence kept for the first exchanges and every exchange with findings; ${p.evidenceDropped} more were judged without findings`);
  return out;
}

async function finish(result: PassiveRunResult, config: PassiveConfig, io: Io): Promise<number> {
  try {
    const files = await writeReports(result, config.suite.reportDir);
    io.err(`reports: ${files.join(", ")}\n`);
  } catch (err) {
    io.err(`cannot write reports to ${config.suite.reportDir}: ${(err as Error).message}\n`);
    return 2;
  }
  io.out(`\n${passiveLines(result.passive).join("\n")}\n\n${summaryTable(result)}\n`);
  return result.exitCode;
}

/** A run that judged nothing has not passed: most likely the wrong file or DINTERO_BASE_URL (exit 2). */
function nothingJudged(p: PassiveSummary, config: PassiveConfig): PassiveRunResult["aborted"] {
  if (p.judged > 0) return undefined;
  const filter = config.base ? "under DINTERO_BASE_URL" : "under the spec's server base path (any host)";
  return {
    reason: "unreachable",
    message: `nothing was judged: of ${p.entries} ${config.mode === "har" ? "entries" : "exchanges"}, none was an operation of the spec ${filter} with a judgeable response; check ${config.mode === "har" ? "the recording" : "where the app sends its requests (the proxy's URL with the base path)"} and DINTERO_BASE_URL`,
  };
}

export async function runHar(config: PassiveConfig, io: Io, spec: SpecModel = loadSpec(), signal?: AbortSignal): Promise<number> {
  io.err(`judging ${config.suite.target.why}\n`);
  const judge = createPassiveJudge(config.suite, spec, { mode: "har", ...(config.base ? { base: config.base } : {}) });
  let id = 0;
  for (const file of config.files) {
    let har;
    try {
      har = await readHar(file);
    } catch (err) {
      if (err instanceof HarError) {
        io.err(`cannot judge ${file}: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
    judge.summary.files.push({ file, creator: har.creator, version: har.version, entries: har.entries.length });
    judge.summary.notes.push(...har.notes);
    const total = har.entries.length;
    const order = timeOrder(har.entries);
    let failing = 0;
    for (let i = 0; i < total; i++) {
      if (signal?.aborted) break;
      const at = order[i]!;
      // labelled by its place in the file, judged in the order the requests were sent
      const label = `${file}#${at + 1}`;
      const converted = toExchange(har.entries[at]!, ++id, label);
      if ("exchange" in converted) failing += judge.judge(converted.exchange, label);
      else judge.classify(har.entries[at]!, label, converted.unjudgeable);
      if (total > PROGRESS_EVERY && ((i + 1) % PROGRESS_EVERY === 0 || i + 1 === total))
        io.err(`  ${file}: ${i + 1}/${total} entries, ${judge.summary.judged} judged, ${failing} failing finding(s)\n`);
    }
    // The parsed file is dropped before the next is read: memory holds one file and the kept evidence.
    har = undefined;
  }
  const interrupted = signal?.aborted ? { reason: "interrupted" as const, message: "stopped by a signal before every entry was judged" } : undefined;
  const result = judge.result(interrupted ?? nothingJudged(judge.summary, config));
  return finish(result, config, io);
}

export async function runProxy(config: PassiveConfig, io: Io, spec: SpecModel = loadSpec(), signal?: AbortSignal): Promise<number> {
  if (!isLoopbackHost(config.listen.host))
    io.err(
      `WARNING: --listen ${config.listen.host}:${config.listen.port} is not loopback: anyone who reaches it can send requests through this proxy, and the credentials of the traffic pass through it\n`,
    );
  const judge = createPassiveJudge(config.suite, spec, { mode: "proxy", base: config.base!, onFinding: (line) => io.err(`${line}\n`) });
  let done!: () => void;
  const stopped = new Promise<void>((resolve) => (done = resolve));
  const proxy = await startProxy({
    upstream: config.base!,
    host: config.listen.host,
    port: config.listen.port,
    onExchange(ex, label) {
      judge.judge(ex, label);
      if (config.maxExchanges !== undefined && judge.summary.entries >= config.maxExchanges) done();
    },
    onUnjudgeable(method, url, label, reason) {
      judge.classifyRequest(method, url, label, reason);
      if (config.maxExchanges !== undefined && judge.summary.entries >= config.maxExchanges) done();
    },
  });
  io.err(
    `proxy listening on ${proxy.url} → ${config.base!.origin}${config.base!.pathname}: point the app's DINTERO_BASE_URL at ${proxy.url}${config.base!.pathname.replace(/\/+$/, "")}\n`,
  );
  if (signal) signal.addEventListener("abort", () => done(), { once: true });
  await stopped;
  await proxy.close();
  const result = judge.result(nothingJudged(judge.summary, config));
  if (result.exitCode === 1 && !result.results.some((r) => r.outcome === "fail" && failsRun(r.severity, config.suite.failOn)))
    io.err(`run stopped: ${result.aborted?.message ?? ""}\n`);
  return finish(result, config, io);
}
