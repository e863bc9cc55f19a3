// Benchmark 10: the passive modes. (a) `npm run contract -- --har` on a 10,000-entry recording of a
// correct server, run as a user runs it (a child process): wall time, entries per second, peak memory
// (maximum resident set size); (b) the proxy's added latency per exchange (the CLI in its own process):
// median of token requests sent through it against the median sent directly, interleaved, as a ratio.
// `tsx bench/passive.ts` runs it alone.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { contractEnv, startContractServer } from "../test/helpers/contract-servers.ts";
import { consumerJourney, writeHar } from "../test/passive/recorder.ts";
import { interleave, median } from "./stats.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
export const HAR_ENTRIES = 10_000;
/** the issue's goal for one 10,000-entry file */
export const HAR_GOAL_S = 10;

export interface PassiveBench {
  har_entries: number;
  har_file_mib: number;
  har_wall_s: number;
  /** CPU seconds (user + system) of the whole command, npm and tsx start included */
  har_cpu_s: number;
  har_entries_per_s: number;
  har_entries_per_cpu_s: number;
  /** the machine's 1-minute load average when the run ended (2 cores here; other work slows wall time) */
  load_average: number;
  har_peak_rss_mib: number;
  har_exit_code: number;
  within_goal: boolean;
  proxy_exchanges_each: number;
  direct_median_ms: number;
  proxied_median_ms: number;
  proxy_added_ms: number;
  proxy_latency_ratio: number;
}

/** user + system CPU seconds from /usr/bin/time's "cpu_s=U+S": the work done, whatever else the machine runs */
const cpuSeconds = (text: string) => {
  const m = /cpu_s=([\d.]+)\+([\d.]+)/.exec(text);
  return m ? Number(m[1]) + Number(m[2]) : Number.NaN;
};

/** `npm run contract -- --har FILE` under /usr/bin/time: wall seconds, exit code, peak RSS in KiB. */
function runHarCli(file: string, reportDir: string): Promise<{ wall_s: number; cpu_s: number; code: number; rss_kib: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let err = "";
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("DINTERO_") && !k.startsWith("CONTRACT_")));
    const child = spawn(
      "/usr/bin/time",
      ["-f", "maxrss_kib=%M cpu_s=%U+%S", "npm", "run", "--silent", "contract", "--", "--har", file, "--report-dir", reportDir],
      { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] },
    );
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.once("error", reject);
    child.once("close", (code) =>
      resolve({
        wall_s: (performance.now() - t0) / 1000,
        code: code ?? -1,
        rss_kib: Number(/maxrss_kib=(\d+)/.exec(err)?.[1] ?? Number.NaN),
        cpu_s: cpuSeconds(err),
      }),
    );
  });
}

export async function benchPassive(): Promise<PassiveBench> {
  const dir = await mkdtemp(path.join(tmpdir(), "dlk-bench-passive-"));
  const server = await startContractServer();
  try {
    const env = contractEnv(server);
    // (a) one consumer session of the correct server, repeated to 10,000 entries
    const session = await consumerJourney(env);
    const entries = Array.from({ length: HAR_ENTRIES }, (_, i) => session.log.entries[i % session.log.entries.length]);
    const file = await writeHar(path.join(dir, "10k.har"), { log: { ...session.log, entries } });
    const har = await runHarCli(file, path.join(dir, "reports"));
    const report = JSON.parse(await readFile(path.join(dir, "reports", "report.json"), "utf8")) as { passive: { entries: number } };
    if (report.passive.entries !== HAR_ENTRIES) throw new Error(`the run saw ${report.passive.entries} entries, not ${HAR_ENTRIES}`);

    // (b) the proxy as a user runs it: the CLI in a process of its own (judging there does not delay this
    // process's client), stopped by SIGTERM
    const proxyEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("DINTERO_") && !k.startsWith("CONTRACT_")));
    const proxy = spawn(
      "./node_modules/.bin/tsx",
      ["contract-tests/cli.ts", "--proxy", "--listen", "127.0.0.1:0", "--report-dir", path.join(dir, "proxy-reports")],
      { cwd: root, env: { ...proxyEnv, DINTERO_BASE_URL: server.baseUrl }, stdio: ["ignore", "ignore", "pipe"] },
    );
    let proxyErr = "";
    proxy.stderr.on("data", (c: Buffer) => (proxyErr += c.toString()));
    const proxyExit = new Promise<number | null>((r) => proxy.once("close", (code) => r(code)));
    for (let i = 0; i < 600 && !/proxy listening on/.test(proxyErr); i++) await new Promise((r) => setTimeout(r, 50));
    const proxyUrl = /proxy listening on (\S+)/.exec(proxyErr)?.[1];
    if (!proxyUrl) throw new Error("the proxy did not start");
    const o = server.options;
    const tokenPath = new URL(server.baseUrl).pathname + `/accounts/${o.accountId}/auth/token`;
    const init = {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Basic ${Buffer.from(`${o.clientId}:${o.clientSecret}`).toString("base64")}` },
      body: JSON.stringify({ grant_type: "client_credentials", audience: `https://api.dintero.com/v1/accounts/${o.accountId}` }),
    };
    const timed = (origin: string) => async () => {
      const t0 = performance.now();
      const res = await fetch(`${origin}${tokenPath}`, init);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`token request answered ${res.status}`);
      return performance.now() - t0;
    };
    const rounds = 300;
    await interleave(20, timed(new URL(server.baseUrl).origin), timed(proxyUrl)); // warm-up
    const [direct, proxied] = await interleave(rounds, timed(new URL(server.baseUrl).origin), timed(proxyUrl));
    proxy.kill("SIGTERM");
    const proxyCode = await proxyExit;
    if (proxyCode !== 0) throw new Error(`the proxy exited ${proxyCode}: it judged the token answers of a correct server as failing`);
    const directMs = median(direct!);
    const proxiedMs = median(proxied!);
    return {
      har_entries: HAR_ENTRIES,
      har_file_mib: (await stat(file)).size / 1024 / 1024,
      har_wall_s: har.wall_s,
      har_cpu_s: har.cpu_s,
      har_entries_per_s: HAR_ENTRIES / har.wall_s,
      har_entries_per_cpu_s: HAR_ENTRIES / har.cpu_s,
      load_average: loadavg()[0]!,
      har_peak_rss_mib: har.rss_kib / 1024,
      har_exit_code: har.code,
      within_goal: har.wall_s < HAR_GOAL_S && har.code === 0,
      proxy_exchanges_each: rounds,
      direct_median_ms: directMs,
      proxied_median_ms: proxiedMs,
      proxy_added_ms: proxiedMs - directMs,
      proxy_latency_ratio: proxiedMs / directMs,
    };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(JSON.stringify(await benchPassive(), null, 2));
}
