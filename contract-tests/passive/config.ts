// The configuration of a passive run (--har, --proxy): the live run's common options (--fail-on, --check,
// --strict, --report-dir, ...) resolved by the suite's own resolver, plus what a passive run needs. It
// sends nothing of its own, so no test identity or client credentials are asked for.
import { delimiter } from "node:path";
import { ConfigError, LIVE_VARIABLES, resolveConfig, type SuiteConfig } from "../config.ts";
import { isLoopback } from "../http.ts";
import type { SpecModel } from "../spec.ts";

export interface PassiveConfig {
  mode: "har" | "proxy";
  suite: SuiteConfig;
  /** --har: the files, in order */
  files: string[];
  /** DINTERO_BASE_URL: the proxy's upstream; for --har, only entries under it are judged */
  base?: URL;
  listen: { host: string; port: number };
  maxExchanges?: number;
}

const truthy = (v: string | undefined) => ["1", "true", "yes", "on"].includes((v ?? "").toLowerCase());
/** Whether a listen host is loopback (the suite's one test of it, over a URL). */
export const isLoopbackHost = (host: string) => isLoopback(`http://${host.includes(":") ? `[${host}]` : host}/`);

/** Whether the arguments or environment ask for a passive run. */
export function passiveMode(env: Record<string, string | undefined>, args: Record<string, string>): "har" | "proxy" | undefined {
  const har = args.CONTRACT_HAR ?? (env.CONTRACT_HAR || undefined);
  const proxy = truthy(args.CONTRACT_PROXY ?? env.CONTRACT_PROXY);
  if (har !== undefined && proxy) throw new ConfigError("--har and --proxy are two modes: judge recorded files, or traffic as it passes; give one");
  return har !== undefined ? "har" : proxy ? "proxy" : undefined;
}

function parseBase(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError("DINTERO_BASE_URL is not a URL (its value is not shown: it may hold credentials)");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError("DINTERO_BASE_URL must be http(s)");
  if (url.username || url.password) throw new ConfigError("DINTERO_BASE_URL must not carry user:password@ (its value is not shown)");
  if (url.search || url.hash)
    throw new ConfigError("DINTERO_BASE_URL must not carry a query or a fragment (its value is not shown), e.g. https://api.dintero.com/v1");
  return url;
}

export function parseListen(raw: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(raw.trim());
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || port > 65535) throw new ConfigError(`--listen / CONTRACT_LISTEN must be HOST:PORT, e.g. 127.0.0.1:8787, got "${raw}"`);
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

export function resolvePassiveConfig(env: Record<string, string | undefined>, args: Record<string, string>, spec?: SpecModel): PassiveConfig {
  const mode = passiveMode(env, args);
  if (!mode) throw new ConfigError("neither --har nor --proxy was given");
  // The common options come from the suite's resolver; the live-target variables are this mode's own.
  const live = new Set(LIVE_VARIABLES.map((v) => v.name));
  const common = resolveConfig(Object.fromEntries(Object.entries(env).filter(([k]) => !live.has(k))), args, ...(spec ? [spec] : []));
  const rawBase = args.DINTERO_BASE_URL ?? env.DINTERO_BASE_URL;
  if (rawBase !== undefined && rawBase.trim() === "") throw new ConfigError("DINTERO_BASE_URL is set but empty (a missing CI secret?)");
  const base = rawBase ? parseBase(rawBase) : undefined;
  if (mode === "proxy" && !base)
    throw new ConfigError("--proxy forwards to DINTERO_BASE_URL: set it to the upstream API's base URL, e.g. https://api.dintero.com/v1");
  const files =
    mode === "har"
      ? (args.CONTRACT_HAR !== undefined ? args.CONTRACT_HAR.split("\n") : (env.CONTRACT_HAR ?? "").split(delimiter)).map((f) => f.trim()).filter(Boolean)
      : [];
  if (mode === "har" && !files.length) throw new ConfigError("--har needs at least one HAR file");
  const rawMax = args.CONTRACT_MAX_EXCHANGES ?? env.CONTRACT_MAX_EXCHANGES;
  let maxExchanges: number | undefined;
  if (rawMax !== undefined && rawMax !== "") {
    maxExchanges = Number(rawMax);
    if (!/^\d+$/.test(rawMax.trim()) || maxExchanges < 1)
      throw new ConfigError(`--max-exchanges / CONTRACT_MAX_EXCHANGES must be a whole number of at least 1, got "${rawMax}"`);
  }
  const listen = parseListen(args.CONTRACT_LISTEN ?? (env.CONTRACT_LISTEN || "127.0.0.1:8787"));
  const why =
    mode === "har"
      ? `recorded traffic: ${files.length} HAR file${files.length === 1 ? "" : "s"} (--har); nothing is sent`
      : `proxy on ${listen.host}:${listen.port} to DINTERO_BASE_URL (--proxy)`;
  const suite: SuiteConfig = { ...common, identities: [], target: { kind: "live", baseUrl: base ? base.href.replace(/\/+$/, "") : "", why } };
  return { mode, suite, files, ...(base ? { base } : {}), listen, ...(maxExchanges !== undefined ? { maxExchanges } : {}) };
}
