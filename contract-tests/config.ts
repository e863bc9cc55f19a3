// The suite's configuration: command-line options and environment variables, validated before any
// request is sent. A problem is a ConfigError (exit 2) naming the variable or option.
import { randomBytes } from "node:crypto";
import { closest } from "fastest-levenshtein";
import { isLoopbackHost } from "../lib/loopback.ts";
import { CHECK_NAMES } from "./checks/names.ts";
import { identityFieldNames, secretFieldNames } from "./request-fields.ts";
import { SEVERITIES, type Severity } from "./severity.ts";
import { loadSpec, type SpecModel } from "./spec.ts";
import type { CheckOverride, Identity, SuiteConfig } from "./types.ts";
// Only names and metadata: the rules recorded traffic is judged by across exchanges (--check sets them too).
import { CROSS_CHECKS } from "./passive/cross.ts";

export type { CheckOverride, Identity, SuiteConfig } from "./types.ts";
export { identityFieldNames, secretFieldNames } from "./request-fields.ts";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** The default `--fail-on`: what breaks a correct consumer or exposes a secret fails the run. */
export const DEFAULT_FAIL_ON: Severity = "standard";

export interface Option {
  flag: string;
  env: string;
  arg?: string;
  /** may be given more than once; the values add up (comma-separated in the variable) */
  repeatable?: boolean;
  /** takes every following argument up to the next option (--har a.har b.har); the values are joined
   * with a newline, and the variable separates them with the platform's path delimiter (":" or ";") */
  variadic?: boolean;
  description: string;
  default: string;
}

/** Every option, with its environment variable: the one list --help and the README are made from. */
export const OPTIONS: Option[] = [
  {
    flag: "--timeout",
    env: "CONTRACT_TIMEOUT_MS",
    arg: "MS",
    default: "10000",
    description: "per-request timeout; a request that gets no answer in time fails its case",
  },
  { flag: "--deadline", env: "CONTRACT_DEADLINE_S", arg: "S", default: "300", description: "whole-run deadline; the run always ends by then" },
  { flag: "--rate", env: "CONTRACT_RATE", arg: "N", default: "5", description: "at most N requests per second to a non-loopback host" },
  { flag: "--budget", env: "CONTRACT_BUDGET", arg: "N", default: "300", description: "at most N requests in the whole run" },
  { flag: "--cases", env: "CONTRACT_CASES", arg: "N", default: "10", description: "generated cases per kind (valid bodies, invalid bodies)" },
  { flag: "--seed", env: "CONTRACT_SEED", arg: "N", default: "20260101", description: "seed of the generated cases (printed on every run)" },
  { flag: "--strict", env: "CONTRACT_STRICT", default: "off", description: "responses may not carry undocumented properties" },
  {
    flag: "--fail-on",
    env: "CONTRACT_FAIL_ON",
    arg: "SEVERITY",
    default: DEFAULT_FAIL_ON,
    description:
      "the lowest severity that fails the run: contract (Dintero's published rules only), standard (also " +
      "standards and security rules whose break harms a correct consumer or exposes a secret), advisory " +
      "(every finding)",
  },
  {
    flag: "--check",
    env: "CONTRACT_CHECKS",
    arg: "NAME=SEVERITY",
    repeatable: true,
    default: "none",
    description:
      "set one check's severity: off (not run), advisory, standard or contract; repeatable, " +
      "comma-separated in the variable (--check wins over it); recorded in the reports",
  },
  {
    flag: "--har",
    env: "CONTRACT_HAR",
    arg: "FILE...",
    variadic: true,
    default: "none",
    description: "judge the exchanges recorded in these HAR 1.2 files instead of sending requests (at most 256 MiB each); nothing is sent",
  },
  {
    flag: "--proxy",
    env: "CONTRACT_PROXY",
    default: "off",
    description:
      "run as a forwarding proxy to DINTERO_BASE_URL and judge the traffic that passes; reports are written on " + "Ctrl-C/SIGTERM or after --max-exchanges",
  },
  {
    flag: "--listen",
    env: "CONTRACT_LISTEN",
    arg: "HOST:PORT",
    default: "127.0.0.1:8787",
    description: "where the proxy listens; a host other than loopback is warned about",
  },
  {
    flag: "--max-exchanges",
    env: "CONTRACT_MAX_EXCHANGES",
    arg: "N",
    default: "none",
    description: "the proxy stops, writes the reports and exits after N exchanges",
  },
  {
    flag: "--min-coverage",
    env: "CONTRACT_MIN_COVERAGE",
    arg: "N",
    default: "0",
    description:
      "fail the run (exit 1) when its spec coverage (documented statuses observed, request keywords kept and " +
      "broken, response keywords seen) is below N percent",
  },
  { flag: "--report-dir", env: "CONTRACT_REPORT_DIR", arg: "DIR", default: "reports/", description: "where junit.xml, report.json and report.html go" },
];

export const LIVE_VARIABLES: Array<{ name: string; meaning: string }> = [
  { name: "DINTERO_BASE_URL", meaning: "base URL including /v1; unset: start a Prism mock of the spec" },
  { name: "DINTERO_ACCOUNT_ID", meaning: "account id, e.g. T12345678 (required for a live target)" },
  {
    name: "DINTERO_OTHER_ACCOUNT_ID",
    meaning: "another account for the account-isolation cases (one request each); default: the account id's number + 1, same T/P prefix",
  },
  { name: "DINTERO_AUDIENCE", meaning: "default https://api.dintero.com/v1/accounts/{DINTERO_ACCOUNT_ID}" },
  { name: "DINTERO_CLIENT_ID", meaning: "with DINTERO_CLIENT_SECRET: the bearer comes from POST {base}/accounts/{aid}/auth/token" },
  { name: "DINTERO_CLIENT_SECRET", meaning: "client secret (never printed)" },
  { name: "DINTERO_ACCESS_TOKEN", meaning: "alternatively, a bearer to use as is" },
  { name: "DINTERO_LOGIN_TYPE", meaning: "customer (default) or company" },
  { name: "DINTERO_LOGIN_EMAIL", meaning: "a known-good test user, email form (required for a live target)" },
  { name: "DINTERO_LOGIN_PASSWORD", meaning: "its password (required for a live target)" },
  { name: "DINTERO_LOGIN_IDENT_TYPE", meaning: "optional known-good identity: ident_type" },
  { name: "DINTERO_LOGIN_IDENT", meaning: "optional known-good identity: ident" },
  { name: "DINTERO_LOGIN_IDENT_PASSWORD", meaning: "optional known-good identity: its password" },
  {
    name: "DINTERO_OTHER_CLIENT_ID",
    meaning: "optional, with DINTERO_OTHER_CLIENT_SECRET: another client of the account, whose bearer must not use the first client's refresh token",
  },
  { name: "DINTERO_OTHER_CLIENT_SECRET", meaning: "the other client's secret (never printed)" },
  { name: "DINTERO_MFA_LOGIN_EMAIL", meaning: "optional, with DINTERO_MFA_LOGIN_PASSWORD: a test user with MFA enabled, for the MFA cases" },
  { name: "DINTERO_MFA_LOGIN_PASSWORD", meaning: "its password (never printed)" },
];

function parseNumber(name: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || !/^\d+(\.\d+)?$/.test(raw.trim())) {
    throw new ConfigError(`${name} must be a number of at least ${min}, got "${raw}"`);
  }
  return n;
}

function parsePercent(name: string, raw: string): number {
  const n = parseNumber(name, raw, 0);
  if (n > 100) throw new ConfigError(`${name} is a percentage from 0 to 100, got "${raw}"`);
  return n;
}

function parseSeverity(raw: string): Severity {
  const value = raw.trim().toLowerCase();
  const found = SEVERITIES.find((s) => s === value);
  if (found) return found;
  throw new ConfigError(`CONTRACT_FAIL_ON / --fail-on must be one of ${SEVERITIES.join(", ")}, got "${raw}": did you mean ${closest(value, [...SEVERITIES])}?`);
}

/**
 * Per-check severities: CONTRACT_CHECKS (comma-separated NAME=SEVERITY) first, then each --check, so a
 * --check wins over the variable. An unknown check or severity is a ConfigError naming the closest known one.
 */
export function parseCheckOverrides(fromEnv: string | undefined, fromArgs: string | undefined): CheckOverride[] {
  const names: string[] = [...CHECK_NAMES, ...CROSS_CHECKS.map((c) => c.name)];
  const severities = ["off", ...SEVERITIES];
  const parse = (list: string | undefined, from: string): CheckOverride[] =>
    (list ?? "")
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean)
      .map((entry) => {
        const at = entry.indexOf("=");
        if (at < 0) throw new ConfigError(`${from} "${entry}" must be NAME=SEVERITY, e.g. ${names[0]}=advisory (severities: ${severities.join(", ")})`);
        const check = entry.slice(0, at).trim();
        const severity = entry
          .slice(at + 1)
          .trim()
          .toLowerCase();
        if (!names.includes(check))
          throw new ConfigError(`${from} "${entry}": no check is named "${check}"; did you mean ${closest(check, names)}? (--help lists the checks)`);
        if (!severities.includes(severity))
          throw new ConfigError(
            `${from} "${entry}": "${severity}" is not a severity; did you mean ${closest(severity, severities)}? (one of ${severities.join(", ")})`,
          );
        return { check, severity: severity as CheckOverride["severity"], from };
      });
  return [...parse(fromEnv, "CONTRACT_CHECKS"), ...parse(fromArgs, "--check")];
}

/** Parse argv (after the script) into option values keyed by env name. Returns "help" for --help. */
export function parseArgs(argv: string[]): Record<string, string> | "help" {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--help" || token === "-h") return "help";
    // --flag=value: the value is everything after the first "=" (--check=NAME=SEVERITY holds one too).
    const eq = token.indexOf("=");
    const flag = eq < 0 ? token : token.slice(0, eq);
    const inline = eq < 0 ? undefined : token.slice(eq + 1);
    const option = OPTIONS.find((o) => o.flag === flag);
    if (!option) throw new ConfigError(`unknown option ${token} (see --help)`);
    if (!option.arg) {
      values[option.env] = inline ?? "1";
      continue;
    }
    let value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value ${option.arg}`);
    if (option.variadic) {
      while (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("-")) value = `${value}\n${argv[++i]}`;
      values[option.env] = values[option.env] !== undefined ? `${values[option.env]}\n${value}` : value;
      continue;
    }
    values[option.env] = option.repeatable && values[option.env] !== undefined ? `${values[option.env]},${value}` : value;
  }
  return values;
}

function exampleField(spec: SpecModel, name: string): Record<string, unknown> {
  const ex = spec.operations.login.requestExamples[name];
  if (!ex || typeof ex !== "object") throw new Error(`the spec has no "${name}" login example`);
  return ex as Record<string, unknown>;
}

/** Another account id of the same kind: the same prefix (T test, P production), the number + 1 (wrapping),
 * checked against the spec's aid schema. The isolation cases only need an account that is not this one. */
export function deriveOtherAccountId(accountId: string, isValid: (v: unknown) => boolean): string | undefined {
  const m = /^(\D*)(\d+)$/.exec(accountId);
  if (!m) return undefined;
  const digits = m[2]!;
  const next = ((BigInt(digits) + 1n) % 10n ** BigInt(digits.length)).toString().padStart(digits.length, "0");
  const other = `${m[1]}${next}`;
  return other !== accountId && isValid(other) ? other : undefined;
}

function otherAccount(accountId: string, configured: string | undefined, isValid: (v: unknown) => boolean): string {
  if (configured !== undefined) {
    if (!isValid(configured)) throw new ConfigError(`DINTERO_OTHER_ACCOUNT_ID "${configured}" does not match the spec's account id schema`);
    if (configured === accountId) throw new ConfigError("DINTERO_OTHER_ACCOUNT_ID must differ from DINTERO_ACCOUNT_ID");
    return configured;
  }
  const derived = deriveOtherAccountId(accountId, isValid);
  if (!derived) throw new ConfigError(`cannot derive another account id from "${accountId}": set DINTERO_OTHER_ACCOUNT_ID`);
  return derived;
}

function identityFrom(example: Record<string, unknown>, identityFields: string[], secret: string, label: Identity["label"]): Identity {
  const fields: Record<string, string> = {};
  for (const f of identityFields) if (typeof example[f] === "string") fields[f] = example[f] as string;
  return { fields, password: String(example[secret]), label };
}

/** The variables the suite reads: every option's and every live target's. */
export function knownVariables(): string[] {
  return [...OPTIONS.map((o) => o.env), ...LIVE_VARIABLES.map((v) => v.name)];
}

/** The prefixes the suite owns: a variable with one of them that the suite does not know is a typo. */
export const OWNED_PREFIXES = ["DINTERO_", "CONTRACT_"];

/**
 * Refuses, before anything is sent, an environment that would make the run judge something else than
 * the user meant (exit 2, never a silent fallback):
 * - a DINTERO_* or CONTRACT_* variable the suite does not know (a typo such as DINTERO_BASEURL would
 *   otherwise leave DINTERO_BASE_URL unset, and the run would judge the mock and pass), named with the
 *   closest known name;
 * - a live-target variable without DINTERO_BASE_URL, or DINTERO_BASE_URL set but empty (a CI secret
 *   that is missing): the mock is judged only when no live variable is there at all.
 * A variable that is present but empty counts as present: an unset CI secret arrives as "".
 */
export function checkEnvironment(env: Record<string, string | undefined>): void {
  const known = knownVariables();
  const present = Object.keys(env).filter((name) => env[name] !== undefined);
  for (const name of present) {
    if (!OWNED_PREFIXES.some((p) => name.startsWith(p)) || known.includes(name)) continue;
    throw new ConfigError(
      `unknown variable ${name}: did you mean ${closest(name, known)}? (the suite reads only the variables listed by --help; unset ${name} or fix its name)`,
    );
  }
  const baseUrl = env.DINTERO_BASE_URL;
  const live = LIVE_VARIABLES.map((v) => v.name).filter((n) => n !== "DINTERO_BASE_URL" && present.includes(n));
  if (baseUrl !== undefined && baseUrl.trim() === "") {
    throw new ConfigError(
      "DINTERO_BASE_URL is set but empty (a missing CI secret?): set it to the live target's base URL, or unset it to judge the Prism mock",
    );
  }
  if (baseUrl === undefined && live.length) {
    throw new ConfigError(
      `${live.join(", ")} ${live.length === 1 ? "is" : "are"} set but DINTERO_BASE_URL is not: set ` +
        `DINTERO_BASE_URL to judge a live target, or unset ${live.join(", ")} to judge the Prism mock (the ` +
        `suite never falls back to the mock on its own)`,
    );
  }
}

export function resolveConfig(env: Record<string, string | undefined>, args: Record<string, string>, spec = loadSpec()): SuiteConfig {
  checkEnvironment(env);
  const get = (name: string) => {
    const v = args[name] ?? env[name];
    return v === undefined || v === "" ? undefined : v;
  };
  const opt = (name: string) => get(name) ?? OPTIONS.find((o) => o.env === name)!.default;
  const common = {
    strict: ["1", "true", "yes", "on"].includes((get("CONTRACT_STRICT") ?? "").toLowerCase()),
    failOn: parseSeverity(opt("CONTRACT_FAIL_ON")),
    checkOverrides: parseCheckOverrides(env.CONTRACT_CHECKS, args.CONTRACT_CHECKS),
    seed: parseNumber("CONTRACT_SEED / --seed", opt("CONTRACT_SEED"), 0),
    cases: parseNumber("CONTRACT_CASES / --cases", opt("CONTRACT_CASES"), 0),
    timeoutMs: parseNumber("CONTRACT_TIMEOUT_MS / --timeout", opt("CONTRACT_TIMEOUT_MS"), 1),
    rate: parseNumber("CONTRACT_RATE / --rate", opt("CONTRACT_RATE"), 0),
    budget: parseNumber("CONTRACT_BUDGET / --budget", opt("CONTRACT_BUDGET"), 1),
    deadlineMs: parseNumber("CONTRACT_DEADLINE_S / --deadline", opt("CONTRACT_DEADLINE_S"), 1) * 1000,
    reportDir: opt("CONTRACT_REPORT_DIR"),
    minCoverage: parsePercent("CONTRACT_MIN_COVERAGE / --min-coverage", opt("CONTRACT_MIN_COVERAGE")),
  };
  const login = spec.operations.login;
  const [secretField] = [...secretFieldNames(login.requestSchema)];
  if (!secretField) throw new Error("the login body schema marks no property writeOnly (the password)");
  const identityFields = identityFieldNames(spec);
  const typeEnum = (login.requestSchema.properties as Record<string, { enum?: string[] }>).type?.enum ?? [];
  const baseUrl = get("DINTERO_BASE_URL");

  if (!baseUrl) {
    // Mock: the known-good user is the spec's example; the mock accepts any client credentials.
    const email = exampleField(spec, "email");
    const phone = exampleField(spec, "phone");
    const mockAccountId = String(login.pathParams.get("aid")?.example);
    return {
      ...common,
      target: { kind: "mock", baseUrl: "", why: "DINTERO_BASE_URL is not set, nor any other live-target variable" },
      accountId: mockAccountId,
      otherAccountId: otherAccount(mockAccountId, get("DINTERO_OTHER_ACCOUNT_ID"), spec.validator(login.pathParams.get("aid")!.schema)),
      audience: String(email.audience),
      loginType: String(email.type),
      auth: { kind: "client_credentials", clientId: "contract-suite", clientSecret: `mock-${randomBytes(12).toString("hex")}` },
      identities: [identityFrom(email, identityFields, secretField, "email"), identityFrom(phone, identityFields, secretField, "ident")],
    };
  }

  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError("DINTERO_BASE_URL is not a URL (its value is not shown: it may hold credentials)");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError("DINTERO_BASE_URL must be http(s)");
  // Credentials in the URL would be printed on the first line and in every report; the client refuses them too.
  if (url.username || url.password)
    throw new ConfigError(
      "DINTERO_BASE_URL must not carry user:password@ (its value is not shown); the suite authenticates " +
        "with DINTERO_CLIENT_ID/DINTERO_CLIENT_SECRET or DINTERO_ACCESS_TOKEN",
    );
  if (url.search || url.hash)
    throw new ConfigError(
      "DINTERO_BASE_URL must not carry a query or a fragment (its value is not shown): the suite appends " +
        "the operations' paths to it, e.g. https://api.dintero.com/v1",
    );
  // The client refuses plain http: off this machine; so does the suite: the client secret and the test
  // password would cross the network in clear (the host is shown: it carries no credentials).
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname))
    throw new ConfigError(
      `DINTERO_BASE_URL uses plain http: to ${url.hostname}, which is not this machine: the client secret and ` +
        `the test password would cross the network in clear. Use https://${url.host}${url.pathname}; plain ` +
        "http: is allowed for loopback only (localhost, 127.0.0.0/8, ::1)",
    );
  const need = (name: string) => {
    const v = get(name);
    if (v === undefined) throw new ConfigError(`${name} is required when DINTERO_BASE_URL is set`);
    return v;
  };
  const accountId = need("DINTERO_ACCOUNT_ID");
  const aidValid = spec.validator(login.pathParams.get("aid")!.schema);
  if (!aidValid(accountId)) throw new ConfigError(`DINTERO_ACCOUNT_ID "${accountId}" does not match the spec's account id schema`);
  let auth: SuiteConfig["auth"];
  const token = get("DINTERO_ACCESS_TOKEN");
  if (get("DINTERO_CLIENT_ID") || get("DINTERO_CLIENT_SECRET") || !token) {
    if (!get("DINTERO_CLIENT_ID") && !get("DINTERO_CLIENT_SECRET")) {
      throw new ConfigError("DINTERO_CLIENT_ID and DINTERO_CLIENT_SECRET (or DINTERO_ACCESS_TOKEN) are required when DINTERO_BASE_URL is set");
    }
    auth = { kind: "client_credentials", clientId: need("DINTERO_CLIENT_ID"), clientSecret: need("DINTERO_CLIENT_SECRET") };
  } else auth = { kind: "access_token", token };
  const loginType = get("DINTERO_LOGIN_TYPE") ?? typeEnum[0] ?? "customer";
  if (typeEnum.length && !typeEnum.includes(loginType)) {
    throw new ConfigError(`DINTERO_LOGIN_TYPE must be one of ${typeEnum.join(", ")}, got "${loginType}"`);
  }
  const emailField = identityFields.find((f) => f === "email") ?? "email";
  const identities: Identity[] = [{ fields: { [emailField]: need("DINTERO_LOGIN_EMAIL") }, password: need("DINTERO_LOGIN_PASSWORD"), label: "email" }];
  const identVars = ["DINTERO_LOGIN_IDENT_TYPE", "DINTERO_LOGIN_IDENT", "DINTERO_LOGIN_IDENT_PASSWORD"];
  if (identVars.some((v) => get(v) !== undefined)) {
    for (const v of identVars) if (get(v) === undefined) throw new ConfigError(`${v} is required when any of ${identVars.join(", ")} is set`);
    identities.push({
      fields: { ident_type: get("DINTERO_LOGIN_IDENT_TYPE")!, ident: get("DINTERO_LOGIN_IDENT")! },
      password: get("DINTERO_LOGIN_IDENT_PASSWORD")!,
      label: "ident",
    });
  }
  // Optional pairs: both or neither (a half-configured pair is a typo, not a choice).
  const pair = (a: string, b: string): [string, string] | undefined => {
    if (get(a) === undefined && get(b) === undefined) return undefined;
    for (const v of [a, b]) if (get(v) === undefined) throw new ConfigError(`${v} is required when ${v === a ? b : a} is set`);
    return [get(a)!, get(b)!];
  };
  const other = pair("DINTERO_OTHER_CLIENT_ID", "DINTERO_OTHER_CLIENT_SECRET");
  if (other && auth.kind === "client_credentials" && other[0] === auth.clientId)
    throw new ConfigError("DINTERO_OTHER_CLIENT_ID must differ from DINTERO_CLIENT_ID (it names another client of the account)");
  const mfa = pair("DINTERO_MFA_LOGIN_EMAIL", "DINTERO_MFA_LOGIN_PASSWORD");
  return {
    ...common,
    ...(other ? { otherClient: { clientId: other[0], clientSecret: other[1] } } : {}),
    ...(mfa ? { mfaUser: { fields: { [emailField]: mfa[0] }, password: mfa[1] } } : {}),
    target: { kind: "live", baseUrl: baseUrl.replace(/\/+$/, ""), why: "DINTERO_BASE_URL is set" },
    accountId,
    otherAccountId: otherAccount(accountId, get("DINTERO_OTHER_ACCOUNT_ID"), aidValid),
    audience: get("DINTERO_AUDIENCE") ?? `https://api.dintero.com/v1/accounts/${accountId}`,
    loginType,
    auth,
    identities,
  };
}
