// `--proxy`: forwards traffic unchanged, answers only 502 itself, judges each exchange live, and reports
// what the HAR of the same session reports.
import { spawn } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { createServer, request, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../contract-tests/cli.ts";
import { resolvePassiveConfig } from "../../contract-tests/passive/config.ts";
import { runProxy } from "../../contract-tests/passive/run.ts";
import { createLoginClient } from "../../src/index.ts";
import { contractEnv, startContractServer, type Breakage, type ContractServer } from "../helpers/contract-servers.ts";
import { harEntry, writeHar, type Har, type JourneyRequest } from "./recorder.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "passive-proxy-"));
});
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Starts the proxy in-process as the CLI does; `stop()` is its SIGINT. */
async function startProxyRun(upstream: string, extra: Record<string, string> = {}) {
  const reportDir = await mkdtemp(path.join(dir, "reports-"));
  const config = resolvePassiveConfig(
    { DINTERO_BASE_URL: upstream },
    { CONTRACT_PROXY: "1", CONTRACT_LISTEN: "127.0.0.1:0", CONTRACT_REPORT_DIR: reportDir, ...extra },
  );
  const lines: string[] = [];
  let out = "";
  const controller = new AbortController();
  let url!: string;
  let ready!: () => void;
  const listening = new Promise<void>((r) => (ready = r));
  const exit = runProxy(
    config,
    {
      out: (t) => (out += t),
      err: (t) => {
        lines.push(...t.split("\n").filter(Boolean));
        const m = /proxy listening on (\S+)/.exec(t);
        if (m) (url = m[1]!), ready();
      },
    },
    undefined,
    controller.signal,
  );
  await listening;
  return {
    url,
    lines,
    stop: async () => {
      controller.abort();
      const code = await exit;
      return {
        code,
        out,
        report: JSON.parse(await readFile(path.join(reportDir, "report.json"), "utf8")) as {
          violations: Array<{ check: string; severity: string; rule: string; message: string }>;
          passive: { judged: number; entries: number; unjudged: Array<{ reason: string }> };
          exchanges: unknown[];
        },
      };
    },
    exit,
  };
}

function raw(url: string, method: string, headers: Array<[string, string]>, body?: Buffer): Promise<{ status: number; rawHeaders: string[]; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const h: Record<string, string | string[]> = {};
    for (const [k, v] of headers) h[k] = h[k] === undefined ? v : [...[h[k]!].flat(), v];
    const req = request(url, { method, headers: h }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("forwarding", () => {
  it("passes requests and responses through unchanged: repeated header lines, bytes that are not UTF-8, a large body streamed", async () => {
    let seen: { method?: string; url?: string; rawHeaders: string[]; body: Buffer } = { rawHeaders: [], body: Buffer.alloc(0) };
    const big = Buffer.alloc(6 * 1024 * 1024, 0xab);
    const upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        seen = { method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) };
        if (req.url!.endsWith("/big")) return res.writeHead(200, { "content-type": "application/octet-stream" }).end(big);
        res.writeHead(
          418,
          "I'm a teapot",
          [
            ["Set-Cookie", "a=1"],
            ["Set-Cookie", "b=2"],
            ["X-Twice", "one"],
            ["X-Twice", "two"],
            ["Content-Type", "application/json; charset=latin1"],
          ].flat() as unknown as Record<string, string>,
        );
        res.end(Buffer.from([0x7b, 0xe9, 0x7d]));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise((r) => upstream.close(() => r())));
    const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
    const proxy = await startProxyRun(base);
    const body = Buffer.from([0x00, 0xff, 0x10, 0x80]);
    const res = await raw(
      `${proxy.url}/v1/anything?q=1`,
      "PATCH",
      [
        ["X-Custom", "1"],
        ["X-Custom", "2"],
        ["Content-Type", "application/x-odd"],
      ],
      body,
    );
    expect(res.status).toBe(418);
    expect(res.body).toEqual(Buffer.from([0x7b, 0xe9, 0x7d]));
    const pairs = (r: string[]) => r.flatMap((v, i) => (i % 2 ? [] : [`${v}: ${r[i + 1]}`]));
    expect(pairs(res.rawHeaders)).toEqual(
      expect.arrayContaining(["Set-Cookie: a=1", "Set-Cookie: b=2", "X-Twice: one", "X-Twice: two", "Content-Type: application/json; charset=latin1"]),
    );
    expect(seen.method).toBe("PATCH");
    expect(seen.url).toBe("/v1/anything?q=1");
    expect(seen.body).toEqual(body);
    expect(pairs(seen.rawHeaders)).toEqual(expect.arrayContaining(["X-Custom: 1", "X-Custom: 2", "Content-Type: application/x-odd"]));
    const large = await raw(`${proxy.url}/v1/big`, "GET", []);
    expect(large.body.equals(big)).toBe(true);
    const { report, code } = await proxy.stop();
    // neither is an operation of the spec: counted and skipped, and a run that judged nothing cannot pass
    expect(report.passive.entries).toBe(2);
    expect(report.passive.judged).toBe(0);
    expect(code).toBe(2);
  });

  it("answers 502 on its own only when the upstream cannot be reached", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const proxy = await startProxyRun(`http://127.0.0.1:${port}/v1`);
    const res = await raw(`${proxy.url}/v1/accounts/T12345678/customers/login`, "POST", [["content-type", "application/json"]], Buffer.from("{}"));
    expect(res.status).toBe(502);
    expect(res.body.toString()).toMatch(/cannot be reached \(ECONNREFUSED\)/);
    const { report, code } = await proxy.stop();
    expect(report.violations.map((v) => v.check)).toEqual(["server_answers"]);
    expect(code).toBe(1);
  });

  it("stops after --max-exchanges and exits with the run's code; warns when it listens beyond loopback", async () => {
    const server = await startContractServer();
    closers.push(server.close);
    const reportDir = await mkdtemp(path.join(dir, "reports-"));
    let err = "";
    const done = main(
      ["--proxy", "--listen", "0.0.0.0:0", "--max-exchanges", "1", "--report-dir", reportDir],
      { DINTERO_BASE_URL: server.baseUrl },
      { out: () => {}, err: (t) => (err += t) },
    );
    for (let i = 0; i < 100 && !/proxy listening on/.test(err); i++) await new Promise((r) => setTimeout(r, 20));
    const port = /proxy listening on http:\/\/[^:]+:(\d+)/.exec(err)![1];
    const o = server.options;
    await raw(
      `http://127.0.0.1:${port}/v1/accounts/${o.accountId}/auth/token`,
      "POST",
      [
        ["content-type", "application/json"],
        ["authorization", `Basic ${Buffer.from(`${o.clientId}:${o.clientSecret}`).toString("base64")}`],
      ],
      Buffer.from(JSON.stringify({ grant_type: "client_credentials", audience: `https://api.dintero.com/v1/accounts/${o.accountId}` })),
    );
    expect(await done).toBe(0);
    expect(err).toMatch(/WARNING: --listen 0\.0\.0\.0:0 is not loopback/);
    expect(JSON.parse(await readFile(path.join(reportDir, "report.json"), "utf8")).passive.judged).toBe(1);
    expect(err).not.toContain(o.clientSecret);
  });
});

describe("as docs/conformance.md's CI example runs it", () => {
  it("the suite's CLI as a background proxy: SIGTERM writes the reports and exits with the run's code", async () => {
    const server = await startContractServer({ break: "token_cacheable" });
    closers.push(server.close);
    const reportDir = await mkdtemp(path.join(dir, "reports-"));
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("DINTERO_") && !k.startsWith("CONTRACT_")));
    const child = spawn("./node_modules/.bin/tsx", ["contract-tests/cli.ts", "--proxy", "--listen", "127.0.0.1:0", "--report-dir", reportDir], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      env: { ...env, DINTERO_BASE_URL: server.baseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((r) => child.once("close", (code) => r(code)));
    for (let i = 0; i < 300 && !/proxy listening on/.test(err); i++) await new Promise((r) => setTimeout(r, 50));
    const url = /proxy listening on (\S+)/.exec(err)![1]!;
    const o = server.options;
    const res = await raw(
      `${url}/v1/accounts/${o.accountId}/auth/token`,
      "POST",
      [
        ["content-type", "application/json"],
        ["authorization", `Basic ${Buffer.from(`${o.clientId}:${o.clientSecret}`).toString("base64")}`],
      ],
      Buffer.from(JSON.stringify({ grant_type: "client_credentials", audience: `https://api.dintero.com/v1/accounts/${o.accountId}` })),
    );
    expect(res.status).toBe(200);
    for (let i = 0; i < 100 && !/ADVISORY token_caching/.test(err); i++) await new Promise((r) => setTimeout(r, 50));
    process.kill(child.pid!, "SIGTERM"); // as the CI example does (tsx passes it on to the suite)
    expect(await exited).toBe(0); // an advisory finding does not fail the default run
    const report = JSON.parse(await readFile(path.join(reportDir, "report.json"), "utf8")) as {
      exitCode: number;
      passive: { judged: number };
      violations: Array<{ check: string }>;
    };
    expect(report.passive.judged).toBe(1);
    expect(report.violations.map((v) => v.check)).toEqual(["token_caching"]);
    expect(err).toMatch(/ADVISORY token_caching \[advisory\] exchange 1 POST/);
    expect(err).not.toContain(o.clientSecret);
  }, 60_000);
});

/** A fetch for the client that records each exchange as a HAR entry: the session's own recording. */
function recordingFetch(entries: unknown[]) {
  return async (input: Request): Promise<Response> => {
    const body = input.body ? await input.clone().text() : undefined;
    const req: JourneyRequest = { method: input.method, url: input.url, headers: Object.fromEntries(input.headers), ...(body !== undefined ? { body } : {}) };
    const started = new Date();
    const t0 = performance.now();
    const res = await fetch(input);
    const bytes = Buffer.from(await res.arrayBuffer());
    entries.push(harEntry(req, started, performance.now() - t0, { status: res.status, statusText: res.statusText, headers: [...res.headers], body: bytes }));
    return new Response(bytes, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

describe("the proxy between this package's client and a broken server reports what the session's HAR reports", () => {
  const breakages: Breakage[] = ["exp_mismatch", "echoes_password", "token_cacheable", "identity_in_errors"];
  for (const breakage of breakages) {
    it(breakage, async () => {
      const server: ContractServer = await startContractServer({ break: breakage });
      closers.push(server.close);
      const env = contractEnv(server);
      const proxy = await startProxyRun(server.baseUrl);
      const entries: unknown[] = [];
      const client = createLoginClient({
        accountId: env.DINTERO_ACCOUNT_ID!,
        baseUrl: `${proxy.url}/v1`,
        auth: { clientId: env.DINTERO_CLIENT_ID!, clientSecret: env.DINTERO_CLIENT_SECRET! },
        fetch: recordingFetch(entries),
        validateResponses: false,
      });
      await client.login({ type: "customer", email: env.DINTERO_LOGIN_EMAIL!, password: env.DINTERO_LOGIN_PASSWORD! }).catch(() => undefined);
      await client.login({ type: "customer", email: env.DINTERO_LOGIN_EMAIL!, password: "not-the-password-9" }).catch(() => undefined);
      await client.login({ type: "customer", email: "someone-else@example.com", password: "not-the-password-9" }).catch(() => undefined);
      const live = await proxy.stop();
      const file = await writeHar(path.join(dir, `${breakage}-session.har`), {
        log: { version: "1.2", creator: { name: "recordingFetch", version: "1" }, entries },
      } as Har);
      const reportDir = await mkdtemp(path.join(dir, "reports-"));
      const harCode = await main(["--har", file, "--report-dir", reportDir], {}, { out: () => {}, err: () => {} });
      const recorded = JSON.parse(await readFile(path.join(reportDir, "report.json"), "utf8")) as typeof live.report;
      // check, severity and rule: a message may carry a figure measured at each end (seconds of clock skew)
      const shape = (r: typeof live.report) => r.violations.map((v) => `${v.check} ${v.severity}: ${v.rule}`).sort();
      expect(shape(live.report).length).toBeGreaterThan(0);
      expect(shape(live.report)).toEqual(shape(recorded));
      expect(live.code).toBe(harCode);
      expect(live.report.passive.judged).toBe(entries.length);
      // live: one line per finding as it is judged
      expect(proxy.lines.filter((l) => /^(FAIL|ADVISORY|STANDARD|CONTRACT) /.test(l))).toHaveLength(live.report.violations.length);
      for (const secret of [env.DINTERO_LOGIN_PASSWORD!, env.DINTERO_CLIENT_SECRET!, "not-the-password-9"]) {
        expect(JSON.stringify(live.report)).not.toContain(secret);
        expect(proxy.lines.join("\n")).not.toContain(secret);
      }
    });
  }
});
