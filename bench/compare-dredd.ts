// `npm run compare:dredd`: how many contract breaks Dredd finds versus our conformance suite, on the
// same broken local servers (test/helpers/contract-servers.ts). Prints a table and writes
// bench/compare-dredd.json.
//
// Dredd is NOT a dependency of this package: dredd@14.1.0 is installed on demand into
// node_modules/.cache/dredd-14.1.0 (gitignored) and reused when present. Not part of `npm test`.
//
// Dredd 14 reads OpenAPI 2 and (experimentally) OpenAPI 3.0, not 3.1, so it gets a 3.0 copy of
// generated/openapi.json written to a temporary directory (see deriveOpenApi30 for every change):
// that is the headline. Because Dredd's OpenAPI 3 support is experimental (it ignores `minimum`,
// `pattern`, lengths and `allOf`, and judges a JSON body only by the keys of its example), Dredd
// also runs on a Swagger 2.0 copy (deriveSwagger20), its mature format, reported beside it.
// Dredd sends each operation's first request example and expects the documented response. Its
// hooks (DREDD_HOOKS below) only (1) skip the non-2xx transactions (Dredd skips them by default
// for OpenAPI 2 but not for 3, and an example request cannot produce a 400, 401, ...),
// (2) put the server's account id into the path and the audience, (3) give the token request the
// client credentials as HTTP Basic, and (4) give the login request a bearer obtained from the
// token endpoint before the run, and the known-good user's email and password (the spec's example
// user does not exist on the server). The suite gets exactly the same credentials (contractEnv).
//
// Dredd's verdict on a broken server: "caught" when it reports a failure that it does not also
// report on the correct server (every server here answers `application/json; charset=utf-8`, which
// Dredd 14.1 rejects, so that failure alone tells nothing), "missed" otherwise, "error" when Dredd
// itself could not run. On the correct server any failure is a "false alarm".
//
// Dredd's console output (it prints requests, so passwords and credentials) is captured and never
// printed; its xunit report is read from the temporary directory, removed at the end; only failure
// messages, with every secret redacted, are kept. Every server listens on 127.0.0.1 and is closed; every child process is stopped.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BREAKAGES, contractEnv, startContractServer, type Breakage, type ContractServer } from "../test/helpers/contract-servers.ts";
import { encodeBasicCredentials } from "../lib/basic-auth.ts";

const DREDD_VERSION = "14.1.0";
const root = fileURLToPath(new URL("..", import.meta.url));
const cacheDir = path.join(root, "node_modules", ".cache", `dredd-${DREDD_VERSION}`);
const dreddBin = path.join(cacheDir, "node_modules", "dredd", "bin", "dredd");
/** Dredd's per-request timeout, the same as the suite's default --timeout. */
const REQUEST_TIMEOUT_MS = 10_000;
const DREDD_RUN_TIMEOUT_MS = 60_000;
const SUITE_RUN_TIMEOUT_MS = 120_000;
const SUITE_CASES = "10";

/** Breakages left out, with the reason. */
const EXCLUDED: Partial<Record<Breakage, string>> = {
  rate_limits_once: "not a break: answering 429 with Retry-After is correct behaviour",
  // Rules of no spec (this project's or a standard's): Dredd judges responses against the spec only, so
  // it has nothing to catch these with. The suite fails its default run on the standard ones.
  method_405_without_allow: "advisory rule (RFC 9110), not part of the contract comparison",
  enumeration_leak: "advisory rule (OWASP), not part of the contract comparison",
  token_cacheable: "advisory rule (RFC 6749 §5.1), not part of the contract comparison",
  refresh_token_on_client_credentials: "advisory rule, not part of the contract comparison",
  duplicate_json_members: "advisory rule (RFC 8259 §4, the same value repeated), not part of the contract comparison",
  ignores_user_type:
    "advisory: Dintero documents that users of different types can share an email, so a login under another type may be correct; not part of the contract comparison",
  crash_on_non_ascii: "standard rule (no 5xx; Dintero documents 500 without saying when), not part of the contract comparison",
  echoes_password: "standard rule (OWASP: never echo a secret), not part of the contract comparison",
  echoes_password_encoded: "standard rule (OWASP: never echo a secret), not part of the contract comparison",
  retry_after_not_a_number:
    "standard rule (RFC 9110 Retry-After grammar) on the login's 429, a response this spec adds (curated), not part of the contract comparison",
  exp_mismatch: "standard rule (exp against expires_in; Dintero publishes no claim rules), not part of the contract comparison",
  conflicting_json_members: "standard rule (RFC 8259 §4, different values repeated), not part of the contract comparison",
  token_429_long_once:
    "not a break: a token 429 with a Retry-After longer than the suite waits is correct behaviour (the run stops without a bearer and says so)",
};

// ---------------------------------------------------------------------------------------------
// Child processes and servers: every one is tracked and stopped, also on Ctrl-C.

const children = new Set<ChildProcess>();
const servers = new Set<ContractServer>();

function killTree(child: ChildProcess) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL"); // its own process group (detached): npm, sh, tsx, node
  } catch {
    child.kill("SIGKILL");
  }
}

async function cleanup() {
  for (const c of children) killTree(c);
  await Promise.all([...servers].map((s) => s.close()));
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    void cleanup().finally(() => process.exit(130));
  });
}

async function startServer(breakage?: Breakage): Promise<ContractServer> {
  const s = await startContractServer(breakage ? { break: breakage } : {});
  servers.add(s);
  return s;
}
async function stopServer(s: ContractServer) {
  servers.delete(s);
  await s.close();
}

interface Exit {
  code: number | null;
  timedOut: boolean;
  wall_s: number;
}

function run(command: string, args: string[], opts: { cwd: string; env: Record<string, string>; timeoutMs: number }): Promise<Exit & { output: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let output = "";
    child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child);
    }, opts.timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      children.delete(child);
      reject(err);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, timedOut, wall_s: (performance.now() - t0) / 1000, output });
    });
  });
}

// A user's own DINTERO_ and CONTRACT_ variables must not leak into the runs.
function baseEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k, v]) => !k.startsWith("DINTERO_") && !k.startsWith("CONTRACT_") && v !== undefined),
  ) as Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Dredd: install on demand.

function installedVersion(): string | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(cacheDir, "node_modules", "dredd", "package.json"), "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

async function ensureDredd(): Promise<void> {
  if (installedVersion() === DREDD_VERSION && existsSync(dreddBin)) {
    process.stderr.write(`compare:dredd: using dredd@${DREDD_VERSION} from ${path.relative(root, cacheDir)}\n`);
    return;
  }
  process.stderr.write(`compare:dredd: installing dredd@${DREDD_VERSION} into ${path.relative(root, cacheDir)} (not into package.json)...\n`);
  await mkdir(cacheDir, { recursive: true });
  let result: Exit & { output: string };
  try {
    result = await run("npm", ["install", "--prefix", cacheDir, "--no-save", "--no-audit", "--no-fund", "--no-package-lock", `dredd@${DREDD_VERSION}`], {
      cwd: cacheDir,
      env: baseEnv(),
      timeoutMs: 300_000,
    });
  } catch (err) {
    result = { code: null, timedOut: false, wall_s: 0, output: String((err as Error).message) };
  }
  if (result.code !== 0 || installedVersion() !== DREDD_VERSION) {
    process.stderr.write(`${result.output.trim().split("\n").slice(-15).join("\n")}\n`);
    process.stderr.write(
      `compare:dredd: cannot install dredd@${DREDD_VERSION} with npm (${result.timedOut ? "timed out" : `exit ${result.code}`}); nothing was compared.\n`,
    );
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI 3.0 copy for Dredd.

/** Every change made to generated/openapi.json, in words (also written to the JSON output). */
const SPEC_CHANGES = [
  "`openapi: 3.1.0` → `3.0.3`",
  "removed the top-level `x-generated` note",
  "removed `info.summary` (3.1 only)",
  "removed `info.license.identifier` (3.1 only)",
] as const;

/** Returns the 3.0 copy; throws if the spec uses a 3.1-only construct this function does not handle. */
function deriveOpenApi30(spec: Record<string, unknown>): Record<string, unknown> {
  const s = structuredClone(spec) as Record<string, any>;
  delete s["x-generated"];
  s.openapi = "3.0.3";
  delete s.info?.summary;
  delete s.info?.license?.identifier;
  // Nothing else in this spec is 3.1-only; refuse to silently hand Dredd something that is.
  const problems: string[] = [];
  for (const k of ["webhooks", "jsonSchemaDialect"]) if (k in s) problems.push(k);
  if (s.components && "pathItems" in s.components) problems.push("components.pathItems");
  (function walk(node: unknown, at: string) {
    if (Array.isArray(node)) return node.forEach((v, i) => walk(v, `${at}/${i}`));
    if (!node || typeof node !== "object") return;
    const o = node as Record<string, unknown>;
    if (Array.isArray(o.type)) problems.push(`${at}: type array`);
    if (typeof o.exclusiveMinimum === "number" || typeof o.exclusiveMaximum === "number") problems.push(`${at}: numeric exclusiveMinimum/Maximum`);
    if ("$ref" in o && Object.keys(o).length > 1) problems.push(`${at}: $ref with siblings`);
    for (const k of ["const", "$schema", "$defs", "prefixItems", "unevaluatedProperties", "contentMediaType", "if"]) {
      if (k in o && !/\/properties$/.test(at)) problems.push(`${at}: ${k}`);
    }
    for (const [k, v] of Object.entries(o)) walk(v, `${at}/${k}`);
  })(s, "#");
  if (problems.length) throw new Error(`generated/openapi.json uses 3.1-only constructs the 3.0 conversion does not handle: ${problems.join(", ")}`);
  return s;
}

/**
 * A second, Swagger 2.0 copy, Dredd's mature input format (not what the README's headline uses):
 * Dredd's OpenAPI 3 parser ignores `minimum`, `pattern`, lengths and `allOf`, and validates a
 * body only by the keys of its example, whereas for Swagger 2.0 it validates bodies against the
 * JSON Schema. What this conversion does, in words:
 */
const SWAGGER_CHANGES = [
  "`swagger: 2.0` with host, `basePath: /v1`, consumes/produces application/json",
  "components/schemas → definitions (refs rewritten)",
  "`LoginCredentials`: the allOf/anyOf either/or rule dropped (Swagger 2 has no anyOf; request bodies are not judged by Dredd) and `writeOnly` dropped",
  "request bodies → a body parameter whose schema carries the first request example as `example`",
  "responses: schema, header types, and the first example as `examples.application/json`",
  "security: JWT as an apiKey header `Authorization`, BasicAuth as basic; scopes dropped",
] as const;

function deriveSwagger20(spec: Record<string, any>): Record<string, unknown> {
  const deref = (o: any): any => {
    while (o && typeof o.$ref === "string")
      o = o.$ref
        .replace(/^#\//, "")
        .split("/")
        .reduce((a: any, k: string) => a?.[k], spec);
    return o;
  };
  const fixRefs = (o: unknown): any => JSON.parse(JSON.stringify(o).replaceAll('"#/components/schemas/', '"#/definitions/'));
  const firstExample = (media: any) => media.example ?? Object.values<any>(media.examples ?? {}).map((e) => deref(e).value)[0];
  const definitions = fixRefs(spec.components.schemas);
  delete definitions.LoginCredentials.allOf;
  delete definitions.LoginCredentials.properties.password.writeOnly;
  const paths: Record<string, any> = {};
  for (const [p, item] of Object.entries<any>(spec.paths)) {
    paths[p] = {};
    for (const [method, op] of Object.entries<any>(item)) {
      const parameters: any[] = (op.parameters ?? []).map((x: any) => {
        const { schema, example, ...rest } = deref(x);
        return { ...rest, ...schema, ...(example !== undefined ? { "x-example": example } : {}) };
      });
      const rb = deref(op.requestBody);
      const rbMedia = rb.content["application/json"];
      parameters.push({ name: "body", in: "body", required: !!rb.required, schema: { allOf: [fixRefs(rbMedia.schema)], example: firstExample(rbMedia) } });
      const responses: Record<string, unknown> = {};
      for (const [code, r0] of Object.entries<any>(op.responses)) {
        const r = deref(r0);
        const media = r.content["application/json"];
        const headers = Object.fromEntries(
          Object.entries<any>(r.headers ?? {}).map(([h, hv]) => [h, { description: deref(hv).description, ...deref(hv).schema }]),
        );
        responses[code] = { description: r.description, headers, schema: fixRefs(media.schema), examples: { "application/json": firstExample(media) } };
      }
      const security = [...new Set<string>(op.security.flatMap((x: object) => Object.keys(x)))].map((k) => ({ [k]: [] }));
      paths[p][method] = { operationId: op.operationId, summary: op.summary, description: op.description, security, parameters, responses };
    }
  }
  return {
    swagger: "2.0",
    info: { title: spec.info.title, version: spec.info.version, description: spec.info.description },
    host: "api.dintero.com",
    basePath: "/v1",
    schemes: ["https"],
    consumes: ["application/json"],
    produces: ["application/json"],
    securityDefinitions: { JWT: { type: "apiKey", in: "header", name: "Authorization" }, BasicAuth: { type: "basic" } },
    paths,
    definitions,
  };
}

// ---------------------------------------------------------------------------------------------
// Dredd's configuration: hooks (Node.js, run inside Dredd's process) and dredd.yml.

const DREDD_HOOKS = `// Dredd hooks for compare:dredd. Credentials come from the same DINTERO_* variables as the suite's.
const hooks = require('hooks');
const env = process.env;
const aid = env.DINTERO_ACCOUNT_ID;
const audience = 'https://api.dintero.com/v1/accounts/' + aid;
const basic = 'Basic ' + Buffer.from(env.DINTERO_CLIENT_ID + ':' + env.DINTERO_CLIENT_SECRET).toString('base64');
const exampleAccount = '/accounts/T12345678/';
let bearer = '';

// A bearer for the login, from the token endpoint, before any transaction.
hooks.beforeAll((transactions, done) => {
  fetch(env.DINTERO_BASE_URL + '/accounts/' + aid + '/auth/token', {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', audience }),
    signal: AbortSignal.timeout(${REQUEST_TIMEOUT_MS}),
  })
    .then((res) => res.json())
    .then((body) => { bearer = (body && body.access_token) || ''; })
    .catch(() => {})
    .finally(() => done());
});

hooks.beforeEach((transaction) => {
  // Only the 200 transactions: the example request cannot produce the documented errors.
  if (!/^2\\d\\d$/.test(String(transaction.expected.statusCode))) { transaction.skip = true; return; }
  const request = transaction.request;
  transaction.fullPath = transaction.fullPath.replace(exampleAccount, '/accounts/' + aid + '/');
  request.uri = request.uri.replace(exampleAccount, '/accounts/' + aid + '/');
  const body = JSON.parse(request.body);
  if (/\\/auth\\/token$/.test(request.uri)) {
    request.headers.Authorization = basic;
    request.body = JSON.stringify(Object.assign(body, { audience }));
  } else if (/\\/customers\\/login$/.test(request.uri)) {
    // The spec's example user does not exist on the server: the known-good user's email and password.
    request.headers.Authorization = 'Bearer ' + bearer;
    request.body = JSON.stringify(Object.assign(body, { audience, email: env.DINTERO_LOGIN_EMAIL, password: env.DINTERO_LOGIN_PASSWORD }));
  }
});
`;

function dreddYml(specFile: string, endpoint: string, hookFile: string, xunitFile: string): string {
  // dredd.yml is the only way to give the CLI a request timeout (`http` is passed to the request library).
  return [
    `blueprint: ${JSON.stringify(specFile)}`,
    `endpoint: ${JSON.stringify(endpoint)}`,
    "path: []",
    `hookfiles: [${JSON.stringify(hookFile)}]`,
    "language: nodejs",
    "reporter: [xunit]",
    `output: [${JSON.stringify(xunitFile)}]`,
    "loglevel: warning",
    "color: false",
    "http:",
    `  timeout: ${REQUEST_TIMEOUT_MS}`,
    "",
  ].join("\n");
}

interface DreddTransaction {
  transaction: string;
  status: "pass" | "fail" | "skip";
  messages: string[];
}

function parseXunit(xml: string): DreddTransaction[] {
  const out: DreddTransaction[] = [];
  for (const m of xml.matchAll(/<testcase name="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const name = m[1]!
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
    const inner = m[2] ?? "";
    if (inner.includes("<skipped")) {
      out.push({ transaction: name, status: "skip", messages: [] });
      continue;
    }
    const cdata = /<!\[CDATA\[([\s\S]*?)\]\]>/.exec(inner)?.[1];
    if (!cdata) {
      out.push({ transaction: name, status: "pass", messages: [] });
      continue;
    }
    let messages: string[];
    const err = /\nError: \n([^\n]*)/.exec(cdata);
    if (err) messages = [`error: ${err[1]}`];
    else messages = (/^Message:\n([\s\S]*?)\n\n(?:Request:|$)/.exec(cdata)?.[1] ?? cdata.split("\n\n")[0]!).split("\n").filter(Boolean);
    out.push({ transaction: name, status: "fail", messages });
  }
  return out;
}

function redactor(server: ContractServer): (text: string) => string {
  const o = server.options;
  const secrets = [o.clientSecret, o.password, o.identPassword, encodeBasicCredentials(o.clientId, o.clientSecret), ...server.issuedTokens].filter(
    (s) => s.length >= 6,
  );
  return (text) => secrets.reduce((t, s) => t.split(s).join("[REDACTED]"), text);
}

interface DreddRun {
  exit_code: number | null;
  timed_out: boolean;
  wall_s: number;
  transactions: DreddTransaction[];
  error?: string;
}

interface Variant {
  id: "openapi-3.0" | "swagger-2.0";
  specFile: string;
  /** Swagger 2.0 paths carry basePath /v1 already */
  endpoint(server: ContractServer): string;
}

async function runDredd(dir: string, variant: Variant, hookFile: string, label: string, breakage?: Breakage): Promise<DreddRun & { warnings: string[] }> {
  const server = await startServer(breakage);
  const redact = redactor(server);
  const xunitFile = path.join(dir, `xunit-${variant.id}-${label}.xml`);
  const ymlFile = path.join(dir, `dredd-${variant.id}-${label}.yml`);
  try {
    await writeFile(ymlFile, dreddYml(variant.specFile, variant.endpoint(server), hookFile, xunitFile));
    const r = await run(process.execPath, [dreddBin, "--config", ymlFile], {
      cwd: dir,
      env: { ...baseEnv(), ...contractEnv(server), NO_COLOR: "1" },
      timeoutMs: DREDD_RUN_TIMEOUT_MS,
    });
    // Dredd's console output holds requests (passwords, credentials): keep only its parser warnings.
    const warnings = [
      ...new Set(
        [...r.output.matchAll(/'([^']+)' contains unsupported key '([^']+)'|only one example is supported/g)].map((m) =>
          m[1] ? `${m[1]}: ${m[2]}` : "Media Type Object: only the first of several examples is used",
        ),
      ),
    ];
    let transactions: DreddTransaction[] = [];
    let error: string | undefined;
    if (r.timedOut) error = `Dredd did not finish within ${DREDD_RUN_TIMEOUT_MS / 1000} s and was stopped`;
    else if (existsSync(xunitFile)) transactions = parseXunit(await readFile(xunitFile, "utf8")).map((t) => ({ ...t, messages: t.messages.map(redact) }));
    if (!error && transactions.length === 0) error = `Dredd ran no transaction (exit ${r.code})`;
    if (!error && r.code !== 0 && r.code !== 1) error = `Dredd exited ${r.code}`;
    return { exit_code: r.code, timed_out: r.timedOut, wall_s: round(r.wall_s), transactions, warnings, ...(error ? { error } : {}) };
  } finally {
    await rm(xunitFile, { force: true });
    await stopServer(server);
  }
}

// ---------------------------------------------------------------------------------------------
// The suite, exactly as a user runs it.

interface SuiteRun {
  exit_code: number | null;
  timed_out: boolean;
  wall_s: number;
  requests: number | null;
  failing_checks: Array<{ check: string; violations: number }>;
  aborted: string | null;
  error?: string;
}

async function runSuite(dir: string, label: string, breakage?: Breakage): Promise<SuiteRun> {
  const server = await startServer(breakage);
  const reportDir = path.join(dir, `suite-${label}`);
  try {
    const r = await run("npm", ["run", "--silent", "contract"], {
      cwd: root,
      env: { ...baseEnv(), ...contractEnv(server), CONTRACT_CASES: SUITE_CASES, CONTRACT_REPORT_DIR: reportDir },
      timeoutMs: SUITE_RUN_TIMEOUT_MS,
    });
    const base = { exit_code: r.code, timed_out: r.timedOut, wall_s: round(r.wall_s) };
    let report: { exitCode: number; requestsSent: number; aborted: unknown; violations: Array<{ check: string }> };
    try {
      report = JSON.parse(await readFile(path.join(reportDir, "report.json"), "utf8"));
    } catch {
      return {
        ...base,
        requests: null,
        failing_checks: [],
        aborted: null,
        error: r.timedOut ? "the suite did not finish and was stopped" : `no report.json (exit ${r.code})`,
      };
    }
    const counts = new Map<string, number>();
    for (const v of report.violations) counts.set(v.check, (counts.get(v.check) ?? 0) + 1);
    const aborted = report.aborted == null ? null : typeof report.aborted === "string" ? report.aborted : JSON.stringify(report.aborted);
    return {
      ...base,
      requests: report.requestsSent,
      failing_checks: [...counts].sort((a, b) => b[1] - a[1]).map(([check, violations]) => ({ check, violations })),
      aborted: aborted === null ? null : redactor(server)(aborted),
      ...(report.exitCode !== r.code ? { error: `exit ${r.code} but report.json says ${report.exitCode}` } : {}),
    };
  } finally {
    await rm(reportDir, { recursive: true, force: true });
    await stopServer(server);
  }
}

// ---------------------------------------------------------------------------------------------

type Verdict = "pass" | "caught" | "missed" | "false alarm" | "error";
const round = (n: number) => Math.round(n * 10) / 10;
const short = (t: string) =>
  t.replace(/^POST \((\d+)\) (?:\/v1)?\/accounts\/[^/]+\/(customers\/login|auth\/token)$/, (_, s, p) => `${p === "auth/token" ? "token" : "login"} ${s}`);

type DreddResult = DreddRun & { verdict: Verdict; failures_beyond_correct_server: string[] };

interface Row {
  server: string;
  breakage: Breakage | null;
  description: string;
  /** Dredd on the OpenAPI 3.0 copy: the headline */
  dredd: DreddResult;
  /** Dredd on the Swagger 2.0 copy: its mature input format, for comparison */
  dredd_swagger2: DreddResult;
  suite: SuiteRun & { verdict: Verdict };
  note?: string;
}

/** A catch that happens only through the hooks' use of the token deserves saying so. */
function noteFor(b: Breakage | undefined, d30: DreddResult): string | undefined {
  if (b !== "token_expires_in_zero" || d30.verdict !== "caught") return undefined;
  if (d30.failures_beyond_correct_server.some((f) => f.startsWith("token 200"))) return undefined;
  return "Dredd passes the token response itself (the spec sets no minimum on `expires_in`, as Dintero publishes none); it fails only the login, answered 401 because the hooks' bearer had expired at once";
}

function failureKeys(run: DreddRun): string[] {
  return run.transactions.filter((t) => t.status === "fail").flatMap((t) => t.messages.map((m) => `${short(t.transaction)}: ${m}`));
}

function judgeDredd(run: DreddRun, baseline: string[] | undefined): DreddResult {
  const failures = failureKeys(run);
  if (baseline === undefined) {
    return { ...run, verdict: run.error ? "error" : run.exit_code === 0 && failures.length === 0 ? "pass" : "false alarm", failures_beyond_correct_server: [] };
  }
  const beyond = failures.filter((f) => !baseline.includes(f));
  return { ...run, verdict: run.error ? "error" : beyond.length > 0 ? "caught" : "missed", failures_beyond_correct_server: beyond };
}

function judgeSuite(s: SuiteRun, broken: boolean): Verdict {
  if (s.error) return "error";
  if (!broken) return s.exit_code === 0 ? "pass" : "false alarm";
  if (s.exit_code === 1 && (s.failing_checks.length > 0 || s.aborted)) return "caught";
  return s.exit_code === 0 ? "missed" : "error";
}

async function main() {
  const started = Date.now();
  await ensureDredd();
  const dir = await mkdtemp(path.join(tmpdir(), "dlk-compare-dredd-"));
  try {
    const spec = JSON.parse(await readFile(path.join(root, "generated", "openapi.json"), "utf8")) as Record<string, unknown>;
    const hookFile = path.join(dir, "dredd-hooks.js");
    await writeFile(hookFile, DREDD_HOOKS);
    const v30: Variant = { id: "openapi-3.0", specFile: path.join(dir, "openapi-3.0.json"), endpoint: (s) => s.baseUrl };
    const v20: Variant = { id: "swagger-2.0", specFile: path.join(dir, "swagger-2.0.json"), endpoint: (s) => new URL(s.baseUrl).origin };
    await writeFile(v30.specFile, JSON.stringify(deriveOpenApi30(spec), null, 2));
    await writeFile(v20.specFile, JSON.stringify(deriveSwagger20(spec), null, 2));

    const targets: Array<Breakage | undefined> = [undefined, ...(Object.keys(BREAKAGES) as Breakage[]).filter((b) => !EXCLUDED[b])];
    const rows: Row[] = [];
    const baseline: Partial<Record<Variant["id"], string[]>> = {};
    const parserWarnings: Partial<Record<Variant["id"], string[]>> = {};
    for (const b of targets) {
      const label = b ?? "correct";
      process.stderr.write(`compare:dredd: ${label.padEnd(28)} dredd (3.0)...`);
      const { warnings: w30, ...d30 } = await runDredd(dir, v30, hookFile, label, b);
      process.stderr.write(` ${d30.wall_s} s, dredd (2.0)...`);
      const { warnings: w20, ...d20 } = await runDredd(dir, v20, hookFile, label, b);
      process.stderr.write(` ${d20.wall_s} s, suite...`);
      const s = await runSuite(dir, label, b);
      process.stderr.write(` ${s.wall_s} s\n`);
      if (b === undefined) {
        baseline[v30.id] = failureKeys(d30);
        baseline[v20.id] = failureKeys(d20);
        parserWarnings[v30.id] = w30;
        parserWarnings[v20.id] = w20;
      }
      const dredd = judgeDredd(d30, b ? baseline[v30.id] : undefined);
      const note = noteFor(b, dredd);
      rows.push({
        server: b ? `break: ${b}` : "correct",
        breakage: b ?? null,
        description: b ? BREAKAGES[b] : "correct implementation (application/json; charset=utf-8, an undocumented `scope` property)",
        dredd,
        dredd_swagger2: judgeDredd(d20, b ? baseline[v20.id] : undefined),
        suite: { ...s, verdict: judgeSuite(s, b !== undefined) },
        ...(note ? { note } : {}),
      });
    }

    const broken = rows.filter((r) => r.breakage);
    const correct = rows.find((r) => !r.breakage)!;
    const n = broken.length;
    const count = (f: (r: Row) => DreddResult | Row["suite"]) => ({
      caught: broken.filter((r) => f(r).verdict === "caught").length,
      false_alarms: f(correct).verdict === "false alarm" ? 1 : 0,
    });
    const c30 = count((r) => r.dredd);
    const c20 = count((r) => r.dredd_swagger2);
    const cs = count((r) => r.suite);
    const alarms = (k: number) => `${k} false alarm${k === 1 ? "" : "s"}`;
    const totals = `Dredd caught ${c30.caught} of ${n} breaks with ${alarms(c30.false_alarms)}; the suite caught ${cs.caught} of ${n} with ${cs.false_alarms}`;
    const totalsSwagger = `Dredd on a Swagger 2.0 copy of the spec caught ${c20.caught} of ${n} with ${alarms(c20.false_alarms)}`;

    // Table.
    const dreddCell = (r: Row, d: DreddResult) => {
      if (d.error) return `error: ${d.error}`;
      const shown = r.breakage ? d.failures_beyond_correct_server : failureKeys(d);
      return shown.length ? `${d.verdict}: ${shown.join("; ")}` : d.verdict;
    };
    const suiteCell = (r: Row) => {
      const s = r.suite;
      if (s.error) return `error: ${s.error}`;
      return s.failing_checks.length ? `${s.verdict}: ${s.failing_checks.map((c) => c.check).join(", ")}` : s.verdict;
    };
    const head = ["server", "Dredd (OpenAPI 3.0 copy)", "Dredd (Swagger 2.0 copy)", "suite (failing checks)"];
    const table = rows.map((r) => [r.breakage ?? "(correct server)", r.dredd.verdict, r.dredd_swagger2.verdict, suiteCell(r)]);
    const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join(" | ");
    console.log(`\n${line(head)}\n${widths.map((w) => "-".repeat(w)).join("-|-")}`);
    for (const row of table) console.log(line(row));
    console.log("\nWhat Dredd reported (on a broken server: only what it does not also report on the correct server):");
    for (const r of rows) {
      for (const [label, d] of [
        ["3.0", r.dredd],
        ["2.0", r.dredd_swagger2],
      ] as const) {
        const text = dreddCell(r, d);
        if (text !== "missed" && text !== "pass") console.log(`  ${(r.breakage ?? "(correct server)").padEnd(widths[0]!)} ${label}: ${text}`);
      }
      if (r.note) console.log(`  ${"".padEnd(widths[0]!)} note: ${r.note}`);
    }
    console.log(`\n${totals}\n${totalsSwagger}`);
    for (const [b, why] of Object.entries(EXCLUDED)) console.log(`not run: ${b} (${why})`);

    const out = {
      generated_at: new Date().toISOString(),
      node: process.version,
      dredd: `dredd@${DREDD_VERSION} (installed on demand into node_modules/.cache/dredd-${DREDD_VERSION})`,
      suite: `npm run contract, CONTRACT_CASES=${SUITE_CASES}, other options default`,
      total_s: round((Date.now() - started) / 1000),
      totals,
      totals_swagger2: totalsSwagger,
      counts: {
        breaks: n,
        dredd_caught: c30.caught,
        dredd_false_alarms: c30.false_alarms,
        dredd_swagger2_caught: c20.caught,
        dredd_swagger2_false_alarms: c20.false_alarms,
        suite_caught: cs.caught,
        suite_false_alarms: cs.false_alarms,
      },
      method: {
        servers:
          "test/helpers/contract-servers.ts: one correct implementation and one single-rule breakage each; a fresh server on 127.0.0.1 for every run of either tool",
        dredd_verdict:
          "caught = Dredd reports a failure it does not also report on the correct server with the same spec copy (the charset false alarm fires on every server, so it alone proves nothing); missed = no such failure; error = Dredd could not run; on the correct server any failure is a false alarm",
        suite_verdict: "caught = exit 1 with violations (failing checks from report.json); missed = exit 0",
        dredd_request_timeout_ms: REQUEST_TIMEOUT_MS,
        openapi_3_0_changes: SPEC_CHANGES,
        swagger_2_0_changes: SWAGGER_CHANGES,
        dredd_hooks: [
          "skip every non-2xx transaction (Dredd does so by default for Swagger 2.0, not for OpenAPI 3): the example request cannot produce them",
          "replace the example account T12345678 in the path and audience with the server's account",
          "token 200: Authorization Basic with the server's client credentials (the suite's DINTERO_CLIENT_ID/SECRET)",
          "login 200: Authorization Bearer from a token request made in beforeAll; email and password of the known-good user (the suite's DINTERO_LOGIN_EMAIL/PASSWORD) substituted into the email example",
        ],
        dredd_parser_warnings: parserWarnings,
        excluded: EXCLUDED,
      },
      rows,
    };
    await writeFile(path.join(root, "bench", "compare-dredd.json"), `${JSON.stringify(out, null, 2)}\n`);
    console.log(`\nwrote bench/compare-dredd.json (${out.total_s} s)`);
  } finally {
    await cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch(async (err) => {
  process.stderr.write(`compare:dredd: ${(err as Error).stack ?? err}\n`);
  await cleanup();
  process.exit(2);
});
