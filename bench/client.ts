// Benchmarks 1, 3 and 4: the built client against a node:http server in another process.
import { execFile } from "node:child_process";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { validateAccessToken, validateLoginCredentials } from "../generated/validators.js";
import { interleave, median, startChildServer } from "./stats.ts";

const run = promisify(execFile);
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const credentials = { type: "customer" as const, email: "bench@example.com", password: "bench-password" };
const audience = "https://api.dintero.com/v1/accounts/T12345678";

type ClientModule = typeof import("../src/index.ts");
const loadClient = async (): Promise<ClientModule> => (await import(here("../dist/index.js"))) as ClientModule;

export interface OverheadResult {
  calls_each: number;
  client_us_per_call: number;
  hand_fetch_us_per_call: number;
  /** median over rounds of (client round time / adjacent hand-fetch round time) */
  ratio: number;
  /** median client round / median hand-fetch round, for comparison */
  ratio_of_medians: number;
  /**
   * Where the overhead lies: a hand-written fetch that also validates both bodies with the
   * generated validators and arms the client's timeout, without openapi-fetch (paired ratio).
   */
  validated_fetch_ratio: number;
  budget: number;
  within_budget: boolean;
}

/** 1. client.login() vs a hand-written fetch of the same request and response parsing. */
export async function benchOverhead(callsEach = 4_000, rounds = 20): Promise<OverheadResult> {
  const server = await startChildServer(here("login-server.mjs"));
  try {
    const { createLoginClient } = await loadClient();
    const baseUrl = `http://127.0.0.1:${server.port}/v1`;
    const client = createLoginClient({ accountId: "T12345678", auth: { accessToken: "bench-bearer" }, baseUrl });
    const url = `${baseUrl}/accounts/T12345678/customers/login`;
    const handFetch = async () => {
      const res = await fetch(url, {
        method: "POST",
        headers: { authorization: "Bearer bench-bearer", "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ ...credentials, audience }),
      });
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      return (await res.json()) as { access_token: string };
    };
    const perRound = Math.ceil(callsEach / rounds);
    const timeRound = (call: () => Promise<unknown>) => async () => {
      const t0 = performance.now();
      for (let i = 0; i < perRound; i++) await call();
      return ((performance.now() - t0) * 1000) / perRound;
    };
    const validatedFetch = async () => {
      const body = { ...credentials, audience };
      if (!validateLoginCredentials(body)) throw new Error("invalid body");
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 10_000);
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { authorization: "Bearer bench-bearer", "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: controller.signal,
          redirect: "manual",
        });
        const token = JSON.parse(await res.text()) as unknown;
        if (res.status !== 200 || !validateAccessToken(token)) throw new Error("invalid response");
        return token;
      } finally {
        clearTimeout(timer);
      }
    };
    const viaClient = () => client.login(credentials);
    // Warm up connections and JIT for every path.
    for (let i = 0; i < 5; i++) {
      await timeRound(viaClient)();
      await timeRound(handFetch)();
      await timeRound(validatedFetch)();
    }
    const [c = [], h = [], v = []] = await interleave(rounds, timeRound(viaClient), timeRound(handFetch), timeRound(validatedFetch));
    // Each round of one is paired with the adjacent round of the other: the median of those
    // ratios is robust to the machine's load drifting during the run.
    const ratio = median(c.map((x, i) => x / h[i]!));
    return {
      calls_each: perRound * rounds,
      client_us_per_call: median(c),
      hand_fetch_us_per_call: median(h),
      ratio,
      ratio_of_medians: median(c) / median(h),
      validated_fetch_ratio: median(v.map((x, i) => x / h[i]!)),
      budget: 1.1,
      within_budget: ratio <= 1.1,
    };
  } finally {
    await server.stop();
  }
}

export interface ColdStartResult {
  runs_each: number;
  precompiled_ms: number;
  runtime_ajv_ms: number;
  ratio_runtime_vs_precompiled: number;
}

/** 3. Import of the built client plus a first validated login, precompiled vs Ajv at run time. */
export async function benchColdStart(runs = 11): Promise<ColdStartResult> {
  const server = await startChildServer(here("login-server.mjs"));
  try {
    const once = (mode: string) => async () => {
      const { stdout } = await run(process.execPath, [here("cold-start.mjs"), mode, String(server.port)]);
      return (JSON.parse(stdout) as { ms: number }).ms;
    };
    const [pre = [], rt = []] = await interleave(runs, once("precompiled"), once("runtime-ajv"));
    return {
      runs_each: runs,
      precompiled_ms: median(pre),
      runtime_ajv_ms: median(rt),
      ratio_runtime_vs_precompiled: median(rt) / median(pre),
    };
  } finally {
    await server.stop();
  }
}

export interface ConcurrencyResult {
  concurrent_logins: number;
  token_requests: number;
  logins_per_s: number;
}

/** 4. 1,000 concurrent logins through one client with client credentials. */
export async function benchConcurrency(concurrent = 1_000, repeats = 3): Promise<ConcurrencyResult> {
  const server = await startChildServer(here("login-server.mjs"));
  try {
    const { createLoginClient } = await loadClient();
    const baseUrl = `http://127.0.0.1:${server.port}/v1`;
    const admin = `http://127.0.0.1:${server.port}`;
    const stats = async () => (await (await fetch(`${admin}/__stats`)).json()) as { token: number; login: number };
    const rates: number[] = [];
    const tokenCounts: number[] = [];
    for (let r = 0; r < repeats; r++) {
      await fetch(`${admin}/__reset`);
      const client = createLoginClient({
        accountId: "T12345678",
        auth: { clientId: "bench-client", clientSecret: "bench-client-secret" },
        baseUrl,
      });
      const t0 = performance.now();
      await Promise.all(Array.from({ length: concurrent }, () => client.login(credentials)));
      rates.push(concurrent / ((performance.now() - t0) / 1000));
      const s = await stats();
      if (s.login !== concurrent) throw new Error(`server saw ${s.login} logins, expected ${concurrent}`);
      tokenCounts.push(s.token);
    }
    return { concurrent_logins: concurrent, token_requests: Math.max(...tokenCounts), logins_per_s: median(rates) };
  } finally {
    await server.stop();
  }
}
