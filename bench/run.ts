// `npm run bench`: every benchmark in one process run; prints a table and writes bench/results.json.
import { writeFile } from "node:fs/promises";
import os from "node:os";
import { benchBearerEconomy, benchColdStart, benchConcurrency, benchFailingTokenEndpoint, benchOutages, benchOverhead, benchRedaction } from "./client.ts";
import { benchContract } from "./contract.ts";
import { benchPassive, HAR_GOAL_S } from "./passive.ts";
import { benchSize } from "./size.ts";
import { benchSpecDiff } from "./spec-diff.ts";
import { fmt } from "./stats.ts";
import { benchValidation } from "./validation.ts";

const started = Date.now();
const step = async <T>(name: string, f: () => Promise<T> | T): Promise<T> => {
  process.stderr.write(`bench: ${name}...`);
  const t0 = Date.now();
  const r = await f();
  process.stderr.write(` ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return r;
};

const overhead = await step("1 client overhead", () => benchOverhead());
const validation = await step("2 validation throughput", () => benchValidation());
const coldStart = await step("3 cold start", () => benchColdStart());
const concurrency = await step("4 concurrency", () => benchConcurrency());
const contract = await step("5 conformance run", () => benchContract());
const size = await step("6 bundle size", () => benchSize());
const economy = await step("7 bearer economy (waits out the 30 s budget)", () => benchBearerEconomy());
const redaction = await step("8 redaction worst case", () => benchRedaction());
const specDiff = await step("9 spec:diff", () => benchSpecDiff());
const outages = await step("10-14 slow, aborted and hostile exchanges", () => benchOutages());
const passive = await step("15 recorded traffic and proxy", () => benchPassive());
const failingToken = await step("16 failing token endpoint", () => benchFailingTokenEndpoint());

const rows: Array<[string, string, string]> = [
  [
    "1 client overhead",
    `client ${fmt(overhead.client_us_per_call, 0)} µs/call vs hand fetch ${fmt(overhead.hand_fetch_us_per_call, 0)} µs/call (${overhead.calls_each} calls each)`,
    `ratio ${fmt(overhead.ratio)} (paired; ${fmt(overhead.ratio_of_medians)} of medians; budget ≤ ${overhead.budget})${overhead.within_budget ? "" : "  MISSED"}; fetch + same validation + timeout without openapi-fetch: ${fmt(overhead.validated_fetch_ratio)}`,
  ],
  [
    "2 validation",
    `precompiled ${fmt(validation.precompiled_ops_per_s / 1e6)} M ops/s, Ajv run time ${fmt(validation.ajv_runtime_ops_per_s / 1e6)} M ops/s (+${fmt(validation.ajv_runtime_first_compile_ms, 1)} ms first compile), openapi-response-validator ${fmt(validation.openapi_response_validator_ops_per_s / 1e6)} M ops/s`,
    `×${fmt(validation.ratio_precompiled_vs_ajv_runtime)} vs Ajv, ×${fmt(validation.ratio_precompiled_vs_openapi_response_validator)} vs o-r-v`,
  ],
  [
    "3 cold start",
    `precompiled ${fmt(coldStart.precompiled_ms, 1)} ms vs Ajv at run time ${fmt(coldStart.runtime_ajv_ms, 1)} ms (${coldStart.runs_each} runs each)`,
    `ratio ${fmt(coldStart.ratio_runtime_vs_precompiled)}`,
  ],
  [
    "4 concurrency",
    `${concurrency.concurrent_logins} concurrent logins: ${concurrency.token_requests} token request(s), ${fmt(concurrency.logins_per_s, 0)} logins/s`,
    concurrency.token_requests === 1 ? "single flight ok" : "MISSED: more than one token request",
  ],
  [
    "5 conformance run",
    contract.map((c) => `${c.target}: ${fmt(c.wall_s, 1)} s, ${c.requests} requests, exit ${c.exit_code}`).join("; "),
    contract.every((c) => c.exit_code === 0) ? "all passed" : "a run failed",
  ],
  [
    "6 bundle size",
    `${fmt(size.minified_bytes / 1024, 1)} KB minified, ${fmt(size.gzipped_bytes / 1024, 1)} KB gzipped`,
    `budget ≤ ${fmt(size.budget_gzipped_bytes / 1024, 0)} KB gzipped${size.within_budget ? "" : "  MISSED"}`,
  ],
  [
    "7 bearer economy",
    `${economy.wrong_password_logins} wrong-password logins: ${economy.token_requests} token request(s), the first bearer included; a revoked bearer replaced after ${fmt(economy.recovery_s.with_sign, 2)} s with RFC 6750 invalid_token, ${fmt(economy.recovery_s.without_sign, 2)} s without, ${fmt(economy.recovery_s.without_sign_under_attack, 1)} s without while wrong passwords keep coming (worst case)`,
    `goals ≤ ${economy.token_requests_goal} token requests, ≤ ${economy.recovery_goal_s} s${economy.within_goals ? "" : "  MISSED"}`,
  ],
  [
    "8 redaction worst case",
    `failed login with a crafted 64 KiB error body: worst ${redaction.worst_case} ${fmt(redaction.worst_median_ms, 1)} ms (median of ${redaction.logins_each}; slowest single ${fmt(redaction.worst_single_ms, 1)} ms), an ordinary error body ${fmt(redaction.median_ms.small ?? 0, 1)} ms`,
    `goal ≤ ${redaction.goal_ms} ms${redaction.within_goal ? "" : "  MISSED"}`,
  ],
  [
    "9 spec:diff",
    `npm run spec:diff on this spec, a typical change: ${fmt(specDiff.changed_s, 1)} s; unchanged: ${fmt(specDiff.unchanged_s, 1)} s (median of ${specDiff.runs_each}; ${specDiff.changed_verdict}); tsc typecheck of the project ${fmt(specDiff.typecheck_s, 1)} s`,
    `ratio to typecheck ${fmt(specDiff.ratio_to_typecheck)}; budget ≤ ${specDiff.budget_s} s${specDiff.within_budget ? "" : "  MISSED"}`,
  ],
  [
    "10 abort storm",
    `${outages.aborted_logins} logins hanging up at 15 ms after a wrong password: ${outages.token_requests_after_wrong_password} token request(s) caused`,
    `goal ≤ ${outages.token_requests_goal}${outages.token_requests_after_wrong_password <= outages.token_requests_goal ? "" : "  MISSED"}`,
  ],
  [
    "11 slow token endpoint",
    `token endpoint taking 1.5 s, a valid bearer cached, ${outages.slow_endpoint_logins} logins at 600 ms deadlines: ${fmt(outages.slow_endpoint_succeeded_pct, 0)} % succeed`,
    `goal 100 %${outages.slow_endpoint_succeeded_pct === 100 ? "" : "  MISSED"}`,
  ],
  [
    "12 hostile 1 MiB body: block",
    `event loop blocked ${fmt(outages.hostile_body_block_ms, 1)} ms per failed login (median; the whole login ${fmt(outages.hostile_body_login_ms, 1)} ms)`,
    `goal ≤ ${outages.hostile_body_block_goal_ms} ms${outages.hostile_body_block_ms <= outages.hostile_body_block_goal_ms ? "" : "  MISSED"}`,
  ],
  [
    "13 hostile 1 MiB body: kept",
    `${fmt(Math.max(0, outages.hostile_error_kept_bytes) / 1024, 1)} KB heap per error kept (50 held; below 0 is GC noise); JSON.stringify ${outages.hostile_error_json_chars} chars, util.inspect ${outages.hostile_error_inspect_chars}`,
    `goal ≤ ${outages.hostile_error_kept_goal_bytes / 1024} KB${outages.hostile_error_kept_bytes <= outages.hostile_error_kept_goal_bytes ? "" : "  MISSED"}`,
  ],
  [
    "14 429 on the forced refresh",
    `slowest of 94 logins ${fmt(outages.rate_limited_slowest_ms, 1)} ms, median ${fmt(outages.rate_limited_median_ms, 1)} ms; the slowest of 94 interleaved logins without the 429: ${fmt(outages.rate_limited_baseline_slowest_ms, 1)} ms`,
    `slowest / baseline slowest ${fmt(outages.rate_limited_ratio_to_baseline)} (goal ≤ ${outages.rate_limited_ratio_goal}${outages.rate_limited_ratio_to_baseline <= outages.rate_limited_ratio_goal ? "" : "  MISSED"}); slowest / median ${fmt(outages.rate_limited_ratio, 1)}`,
  ],
  [
    "15 recorded traffic",
    `--har on ${passive.har_entries} entries (${fmt(passive.har_file_mib, 1)} MiB): ${fmt(passive.har_wall_s, 1)} s wall, ${fmt(passive.har_cpu_s, 1)} s CPU (${fmt(passive.har_entries_per_s, 0)} entries/s; ${fmt(passive.har_entries_per_cpu_s, 0)} per CPU s; load ${fmt(passive.load_average, 1)}), peak ${fmt(passive.har_peak_rss_mib, 0)} MiB; proxy ${fmt(passive.proxied_median_ms, 2)} ms vs direct ${fmt(passive.direct_median_ms, 2)} ms per exchange (median of ${passive.proxy_exchanges_each})`,
    `proxy latency ratio ${fmt(passive.proxy_latency_ratio)}; goal < ${HAR_GOAL_S} s${passive.within_goal ? "" : "  MISSED"}`,
  ],
  [
    "16 failing token endpoint",
    failingToken.by_status
      .map(
        (s) =>
          `token endpoint answering ${s.status}: ${failingToken.logins} logins ${failingToken.gap_ms} ms apart (300 ms deadlines) over ${fmt(s.elapsed_s, 1)} s caused ${s.token_requests} token request(s)`,
      )
      .join("; "),
    `goal: one per backoff step (1 s, doubling), ${failingToken.by_status.map((s) => `≤ ${s.goal}`).join(", ")}${failingToken.within_goals ? "" : "  MISSED"}`,
  ],
];
const w0 = Math.max(...rows.map((r) => r[0].length));
console.log(`\n${"benchmark".padEnd(w0)} | measured | verdict`);
console.log(`${"-".repeat(w0)}-|----------|--------`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)} | ${b} | ${c}`);

const results = {
  generated_at: new Date().toISOString(),
  machine: { node: process.version, cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? "unknown", platform: `${os.platform()} ${os.arch()}` },
  total_s: (Date.now() - started) / 1000,
  overhead,
  validation,
  cold_start: coldStart,
  concurrency,
  contract,
  size,
  bearer_economy: economy,
  redaction,
  spec_diff: specDiff,
  outages,
  passive,
  failing_token_endpoint: failingToken,
};
await writeFile(new URL("./results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote bench/results.json (${fmt(results.total_s, 1)} s)`);
