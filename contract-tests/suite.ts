// Runs the whole suite against one target and returns a fully redacted result: every exchange, every
// check's verdict per case, what was not applicable and why. The CLI and the tests both call runSuite.
import type { CheckOverride, SuiteConfig } from "./config.ts";
import { secretFieldNames } from "./config.ts";
import { fixedCases, tamperedJws, type Capture, type Case } from "./cases.ts";
import { CHECKS, failsRun, isRefusal, lowerOf, rateLimitedThroughout, SEVERITIES, unwaitedRateLimit, unwaitedReason, type Check, type CheckContext, type Finding, type Severity } from "./checks.ts";
import { generatedCases } from "./generated-cases.ts";
import { createTransport, IDENTITY_BUDGET, RunAborted, type AbortReason, type Exchange } from "./http.ts";
import { stringMembers } from "./json-members.ts";
import { createRedactor, REDACTED, type Redactor } from "./redact.ts";
import { curlCommand, type SecretVariable } from "./reproduce.ts";
import { loadSpec, type SpecModel } from "./spec.ts";
import { startPrism } from "./targets/prism.ts";

export type Outcome = "pass" | "fail" | "not_applicable";

export interface CheckResult {
  check: string;
  /** the severity of every finding of this result (a check's findings of different severities are
   * recorded as one result per severity), or, without findings, the check's own */
  severity: Severity;
  caseId: string;
  outcome: Outcome;
  findings: Finding[];
  exchangeId?: number;
  /** why a check was not applicable */
  reason?: string;
}

export interface CaseSummary {
  id: string;
  group: Case["group"];
  operation: Case["operation"];
  title: string;
  expect: Case["expect"];
  notApplicable?: string;
}

export { failsRun };

/** An exchange as reports show it: redacted, with a curl command that sends its request again. */
export interface ReportedExchange extends Exchange {
  /** secrets and made-up credentials as shell variables (reproduce.ts), never values */
  curl: string;
}

export interface RunResult {
  target: SuiteConfig["target"];
  seed: number;
  cases: number;
  strict: boolean;
  failOn: Severity;
  /** the per-check severities the user set (--check, CONTRACT_CHECKS), in the order given */
  checkOverrides: CheckOverride[];
  startedAt: string;
  durationMs: number;
  requestsSent: number;
  rateLimited: number;
  /** requests that carried each real test identity (by its label: email, ident), and the budget */
  identityRequests: Record<string, number>;
  identityBudget: number;
  caseList: CaseSummary[];
  exchanges: ReportedExchange[];
  results: CheckResult[];
  aborted?: { reason: AbortReason | "no_bearer" | "error" | "incomplete"; message: string };
  exitCode: 0 | 1 | 2;
}

export interface RunOptions {
  /** progress lines */
  log?: (line: string) => void;
  signal?: AbortSignal;
  spec?: SpecModel;
}

/** Which checks judge a case that is not sent (the target cannot judge it, or what it needs did not
 * come back): each gets a not-applicable result with the reason. */
function judgedBy(kase: Case): string[] {
  switch (kase.expect.kind) {
    case "auth_rejection": return ["ignored_auth"];
    case "credentials_rejection": return kase.expect.sameAnswerAs ? ["wrong_credentials", "account_enumeration"] : ["wrong_credentials"];
    case "scope_rejection": return ["token_scope"];
    case "isolation_rejection": return ["account_isolation"];
    case "identity_rejection": return ["identity_binding"];
    case "method_rejection": return ["unsupported_methods"];
    case "success": case "valid_input": return ["positive_data_acceptance"];
    case "rejection": return ["negative_data_rejection"];
    default: return ["response_schema_conformance"];
  }
}

/** Each check's effective severity: the user's (--check, CONTRACT_CHECKS; the last one given wins) or
 * its own; "off" when the user turned it off. */
export function effectiveSeverities(overrides: readonly CheckOverride[]): Map<string, { severity: Severity | "off"; override?: CheckOverride }> {
  const out = new Map<string, { severity: Severity | "off"; override?: CheckOverride }>(CHECKS.map((c) => [c.name, { severity: c.severity }]));
  for (const o of overrides) out.set(o.check, { severity: o.severity, override: o });
  return out;
}

/** A finding as the run records it: its check's severity (lowered by the check, with the check's reason for
 * it, or set by the user), and its check's source unless it names a more precise one. */
export function settle(f: Finding, check: Check, override: CheckOverride | undefined): Finding & { severity: Severity; severityReason: string } {
  const own = lowerOf(f.severity ?? check.severity, check.severity);
  const ownReason = f.severity !== undefined && own !== check.severity ? f.severityReason ?? check.severityReason : check.severityReason;
  if (override && override.severity !== "off") {
    const was = own === override.severity ? "" : ` (the check gives it ${own}: ${ownReason})`;
    return { ...f, source: f.source ?? check.source, severity: override.severity, severityReason: `set to ${override.severity} by ${override.from} ${check.name}=${override.severity}${was}` };
  }
  return { ...f, source: f.source ?? check.source, severity: own, severityReason: ownReason };
}

function buildRequest(kase: Case, config: SuiteConfig, spec: SpecModel, baseUrl: string, captured: ReadonlyMap<Capture, string>) {
  const op = spec.operations[kase.operation];
  const aid = encodeURIComponent(kase.aid ?? config.accountId);
  // Content-Type and Accept are the spec's: the first documented request media type, and every media type
  // the operation's responses document (a spec that adds one asks for it with no code change).
  const accept = [...new Set([...op.responses.values()].flatMap((r) => [...r.content.keys()]))].join(", ");
  const headers: Record<string, string> = { "content-type": kase.contentType ?? op.requestMediaTypes[0]!, accept };
  const from = typeof kase.auth === "object" && "bearerFrom" in kase.auth ? kase.auth : undefined;
  const taken = from ? captured.get(from.bearerFrom) : undefined;
  const tampered = from?.tamper && taken ? tamperedJws(taken, from.tamper) : undefined;
  const bearer = kase.auth === "bearer" ? captured.get("clientBearer") : tampered && "value" in tampered ? tampered.value : taken;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  else if (kase.auth === "basic" && config.auth.kind === "client_credentials") {
    headers.authorization = `Basic ${Buffer.from(`${config.auth.clientId}:${config.auth.clientSecret}`).toString("base64")}`;
  } else if (typeof kase.auth === "object" && "authorization" in kase.auth) headers.authorization = kase.auth.authorization;
  return {
    method: kase.method ?? op.method,
    // The login's path names the account `aid`; the token endpoint's `oid` is given the same account id.
    url: `${baseUrl}${op.pathTemplate.replace(/\{(?:aid|oid)\}/, aid)}`,
    headers,
    body: kase.rawBody ?? (kase.body === undefined ? undefined : JSON.stringify(kase.body)),
  };
}

/** The exchange as it may appear in output: request secrets redacted (writeOnly properties, credentials);
 * the response kept as received (its text, or its bytes when they are not UTF-8; its header lines with
 * repeats) with known secrets and tokens replaced in place, never re-serialised. `caseSecrets` are the
 * passwords this case submitted (made-up ones included), redacted in this exchange only. */
export function redactExchange(ex: Exchange, redactor: Redactor, secretProps: Set<string>, caseSecrets: string[]): Exchange {
  const local = createRedactor(caseSecrets);
  const text = (t: string) => local.text(redactor.text(t));
  let body = ex.request.body;
  if (body !== undefined) {
    try {
      body = JSON.stringify(redactor.json(JSON.parse(body), secretProps));
    } catch {
      body = text(body);
    }
  }
  const res = ex.response;
  const bodyBytes = res ? local.bytes(redactor.bytes(res.bodyBytes)) : undefined;
  // A body that held a secret or a token is shown with it replaced: its Content-Length would tell the
  // replaced value's length (the body's length as received, less the rest of the body shown).
  const altered = res !== undefined && !Buffer.from(bodyBytes!).equals(Buffer.from(res.bodyBytes));
  const lengthHidden = (k: string, v: string) => (altered && k.toLowerCase() === "content-length" ? `${REDACTED} (the body held a secret or a token)` : v);
  const pair = ([k, v]: [string, string]): [string, string] => [k, lengthHidden(k, Object.values(local.headers(redactor.headers({ [k]: v })))[0]!)];
  const headers = (h: Record<string, string>) => Object.fromEntries(Object.entries(local.headers(redactor.headers(h))).map(([k, v]) => [k, lengthHidden(k, v)]));
  return {
    ...ex,
    request: { ...ex.request, headers: redactor.headers(ex.request.headers), ...(body !== undefined ? { body } : {}) },
    ...(res ? { response: { ...res, headers: headers(res.headers), rawHeaders: res.rawHeaders.map(pair), bodyText: text(res.bodyText), bodyBytes: bodyBytes! } } : {}),
    ...(ex.error ? { error: { ...ex.error, message: text(ex.error.message) } } : {}),
  };
}

function submittedSecrets(kase: Case | undefined, secretProps: Set<string>): string[] {
  const body = kase?.body;
  if (!body || typeof body !== "object") return [];
  return Object.entries(body as Record<string, unknown>).filter(([k, v]) => secretProps.has(k) && typeof v === "string").map(([, v]) => v as string);
}

const TOKEN_MEMBERS = new Set(["access_token", "refresh_token", "id_token", "mfa_token"]);

function learnTokens(ex: Exchange, redactor: Redactor) {
  for (const token of stringMembers(ex.response?.bodyText ?? "", TOKEN_MEMBERS)) redactor.addSecret(token, "token");
}

/** The string at a JSON pointer of a 2xx JSON response, or why there is none. */
function captureFrom(ex: Exchange, pointer: string): { value: string } | { missing: string } {
  const status = ex.response?.status;
  if (status === undefined) return { missing: `got no answer (${ex.error?.message ?? "no response"})` };
  if (status < 200 || status >= 300) return { missing: `was answered ${status}` };
  try {
    let node: unknown = JSON.parse(ex.response!.bodyText);
    for (const raw of pointer.split("/").slice(1)) node = node && typeof node === "object" ? (node as Record<string, unknown>)[raw.replaceAll("~1", "/").replaceAll("~0", "~")] : undefined;
    return typeof node === "string" && node ? { value: node } : { missing: `had no string at ${pointer}` };
  } catch {
    return { missing: "did not answer JSON" };
  }
}

/** A finding's `actual` is evidence to read, not the body itself (report.json keeps that): a hostile
 * response must not multiply its size into every finding and report. */
export const MAX_ACTUAL_CHARS = 500;
const clipActual = (text: string) => (text.length > MAX_ACTUAL_CHARS ? `${text.slice(0, MAX_ACTUAL_CHARS)}… (cut)` : text);

/**
 * Why a refused known-good request stops the run: what the configuration says is good was refused, so
 * every further request with the same identity or client would be refused too, and a real test user may
 * be locked out. The hint names the variables that most likely hold the mistake; never their values.
 */
function knownGoodRefusal(kase: Case, status: number, config: SuiteConfig, spec: SpecModel): string {
  const stop = "the run stops before it sends the test identity or client credentials again";
  // A path the server does not know: most likely the base URL (Dintero's includes /v1), not a credential.
  if (status === 404) return `the ${kase.title} was answered 404: ${stop}. Check DINTERO_BASE_URL (${config.target.baseUrl}: it must be the API's base including /v1, e.g. https://api.dintero.com/v1) and DINTERO_ACCOUNT_ID (${config.accountId})`;
  if (kase.operation === "token") {
    return `the known-good token request was refused with ${status}: ${stop}. Check DINTERO_CLIENT_ID and DINTERO_CLIENT_SECRET, DINTERO_ACCOUNT_ID (${config.accountId}) and DINTERO_AUDIENCE (${config.audience}: it must be a grant of the client)`;
  }
  const form = kase.id.split(".")[1] === "ident" ? "DINTERO_LOGIN_IDENT_TYPE, DINTERO_LOGIN_IDENT and DINTERO_LOGIN_IDENT_PASSWORD" : "DINTERO_LOGIN_EMAIL and DINTERO_LOGIN_PASSWORD";
  const scopes = spec.operations.login.security.flatMap((s) => s.scopes);
  return `the ${kase.title} was refused with ${status}: ${stop}. Check ${form}, DINTERO_LOGIN_TYPE (${config.loginType}: the user's type), that the user belongs to account ${config.accountId}, DINTERO_AUDIENCE (${config.audience})${scopes.length ? `, and that the client holds ${scopes.join(" or ")}` : ""}`;
}

export async function runSuite(config: SuiteConfig, options: RunOptions = {}): Promise<RunResult> {
  const log = options.log ?? (() => {});
  const spec = options.spec ?? loadSpec();
  const started = Date.now();
  const deadlineAt = started + config.deadlineMs;
  const secretProps = new Set([...secretFieldNames(spec.operations.login.requestSchema)]);
  // The client credentials also travel base64-encoded in `Authorization: Basic`: a server that echoes that
  // header (a debug header, an error body) echoes the secret, and reports must not carry it either.
  const encodedForms = (v: string) => [Buffer.from(v).toString("base64").replace(/=+$/, ""), Buffer.from(v).toString("base64url")];
  const basicForms = config.auth.kind === "client_credentials" ? [...encodedForms(`${config.auth.clientId}:${config.auth.clientSecret}`), ...encodedForms(config.auth.clientSecret)] : [];
  const configuredSecrets = [...config.identities.map((i) => i.password), config.auth.kind === "client_credentials" ? config.auth.clientSecret : config.auth.token, ...basicForms];
  const redactor = createRedactor(configuredSecrets);
  if (config.auth.kind === "access_token") redactor.addSecret(config.auth.token, "token");

  const cases = [...fixedCases(spec, config), ...generatedCases(spec, config)];
  const caseById = new Map(cases.map((c) => [c.id, c]));
  const exchanges: Exchange[] = [];
  const results: CheckResult[] = [];
  const severities = effectiveSeverities(config.checkOverrides);
  const severityOf = (name: string): Severity => {
    const s = severities.get(name)!.severity;
    return s === "off" ? CHECKS.find((c) => c.name === name)!.severity : s;
  };
  const isOn = (name: string) => severities.get(name)!.severity !== "off";
  /** each exchange's curl command, made when it is recorded (the captured tokens it may use are known then) */
  const curls = new Map<number, string>();
  let aborted: RunResult["aborted"];
  let target = { ...config.target };
  let stopTarget: (() => Promise<void>) | undefined;
  let requestsSent = 0;
  let rateLimited = 0;
  let identityRequests: Record<string, number> = {};
  let refusedExchangeId: number | undefined;

  log(`judging ${config.target.kind === "mock" ? "a Prism mock of openapi/login.yaml" : `the live target ${config.target.baseUrl}`}: ${config.target.why}`);
  log(`seed ${config.seed} (--seed to change), ${config.cases} generated cases per kind, ${cases.length} cases${config.strict ? ", strict" : ""}`);
  try {
    if (config.target.kind === "mock") {
      log("starting Prism mock of openapi/login.yaml …");
      const prism = await startPrism({ timeoutMs: Math.min(30_000, config.deadlineMs), ...(options.signal ? { signal: options.signal } : {}) });
      stopTarget = prism.stop;
      target = { ...config.target, baseUrl: prism.baseUrl };
      log(`Prism is listening on ${prism.baseUrl}`);
    }

    // The real test identities (never made-up ones): every request carrying one counts against its budget.
    const identities = config.target.kind === "live" ? config.identities.map((i) => ({ label: i.label, values: Object.entries(i.fields).filter(([k]) => k !== "ident_type").map(([, v]) => v) })) : [];
    const transport = createTransport({ timeoutMs: config.timeoutMs, rate: config.rate, budget: config.budget, deadlineAt, identities, ...(options.signal ? { signal: options.signal } : {}) });
    // Values cases take from earlier exchanges, and why one is missing when it did not come back.
    const captured = new Map<Capture, string>();
    const missing = new Map<Capture, string>();
    if (config.auth.kind === "access_token") captured.set("clientBearer", config.auth.token);
    const answers = new Map<string, Exchange>();
    // What a curl command writes as a variable: the configured secrets and the tokens the run took.
    const secretVariables = (): SecretVariable[] => [
      ...config.identities.map((i) => ({ value: i.password, name: i.label === "email" ? "DINTERO_LOGIN_PASSWORD" : "DINTERO_LOGIN_IDENT_PASSWORD" })),
      config.auth.kind === "client_credentials" ? { value: config.auth.clientSecret, name: "DINTERO_CLIENT_SECRET" } : { value: config.auth.token, name: "DINTERO_ACCESS_TOKEN" },
      ...(config.auth.kind === "client_credentials" && captured.has("clientBearer") ? [{ value: captured.get("clientBearer")!, name: "CLIENT_BEARER" }] : []),
      ...(captured.has("customerToken") ? [{ value: captured.get("customerToken")!, name: "CUSTOMER_TOKEN" }] : []),
    ];
    const clientId = config.auth.kind === "client_credentials" ? config.auth.clientId : undefined;
    const notApplicable = (kase: Case, reason: string) => {
      for (const check of judgedBy(kase).filter(isOn)) results.push({ check, severity: severityOf(check), caseId: kase.id, outcome: "not_applicable", findings: [], reason });
    };
    const judge = (kase: Case, ex: Exchange) => {
      const ctx: CheckContext = { spec, config, kase, op: spec.operations[kase.operation], secrets: configuredSecrets, tokens: [...captured.values()], earlier: (id) => answers.get(id) };
      const verdicts: Array<{ check: string; severity: Severity }> = [];
      for (const check of CHECKS) {
        const { severity: set, override } = severities.get(check.name)!;
        if (set === "off" || !check.appliesTo(ex, ctx)) continue;
        let found: ReturnType<typeof check.run>;
        try {
          found = check.run(ex, ctx);
        } catch (err) {
          // A response no check foresaw (e.g. JSON nested deeper than the stack) must not end the run, nor
          // pass unjudged: a response the suite cannot read is one a consumer cannot be trusted to read either.
          const why = `${(err as Error)?.name ?? "error"}: ${String((err as Error)?.message ?? err).slice(0, 200)}`;
          found = [{ check: check.name, rule: "a response the check can judge", expected: "a response a consumer can process", actual: why, message: `the check could not judge this response (${why}), so it cannot pass` }];
        }
        if (!Array.isArray(found)) {
          results.push({ check: check.name, severity: severityOf(check.name), caseId: kase.id, outcome: "not_applicable", findings: [], exchangeId: ex.id, reason: found.notApplicable });
          continue;
        }
        // Every finding gets its check's severity (lowered by the check with a reason, or set by the user),
        // and its check's source unless it names a more precise one.
        const findings = found.map((f) => ({ ...settle(f, check, override), ...(kase.describeInput ? { input: kase.describeInput } : {}), ...(f.actual !== undefined ? { actual: clipActual(redactor.text(f.actual)) } : {}), message: redactor.text(f.message) }));
        if (!findings.length) results.push({ check: check.name, severity: severityOf(check.name), caseId: kase.id, outcome: "pass", findings, exchangeId: ex.id });
        // One result per severity, so that what fails the run is decided per finding.
        for (const severity of SEVERITIES) {
          const at = findings.filter((f) => f.severity === severity);
          if (at.length) results.push({ check: check.name, severity, caseId: kase.id, outcome: "fail", findings: at, exchangeId: ex.id });
          if (at.length) verdicts.push({ check: check.name, severity });
        }
      }
      return verdicts;
    };
    const record = (kase: Case, ex: Exchange) => {
      curls.set(ex.id, curlCommand(ex.request, secretVariables(), { baseUrl: target.baseUrl, secretProps, ...(clientId !== undefined ? { clientId } : {}) }));
      learnTokens(ex, redactor);
      exchanges.push(ex);
      return judge(kase, ex);
    };
    for (const check of CHECKS) {
      const reason = isOn(check.name) ? check.notApplicableTo?.(config) : undefined;
      if (reason) results.push({ check: check.name, severity: severityOf(check.name), caseId: "(target)", outcome: "not_applicable", findings: [], reason });
    }

    let index = 0;
    let group = "";
    try {
      for (const kase of cases) {
        index++;
        if (kase.group !== group) {
          group = kase.group;
          let run = 0;
          while (cases[index - 1 + run]?.group === group) run++;
          log(`▸ ${group} (${run} cases)`);
        }
        if (kase.notApplicable) {
          notApplicable(kase, kase.notApplicable);
          log(`  [${index}/${cases.length}] n/a  ${kase.id}: ${kase.notApplicable}`);
          continue;
        }
        const lacking = (kase.needs ?? []).filter((n) => !captured.has(n));
        if (lacking.length) {
          const reason = `needs ${lacking.map((n) => `${n} (${missing.get(n) ?? "no earlier case yields it"})`).join(", ")}`;
          notApplicable(kase, reason);
          log(`  [${index}/${cases.length}] n/a  ${kase.id}: ${reason}`);
          continue;
        }
        const from = typeof kase.auth === "object" && "bearerFrom" in kase.auth ? kase.auth : undefined;
        const untamperable = from?.tamper ? tamperedJws(captured.get(from.bearerFrom) ?? "", from.tamper) : undefined;
        if (untamperable && "cannot" in untamperable) {
          notApplicable(kase, untamperable.cannot);
          log(`  [${index}/${cases.length}] n/a  ${kase.id}: ${untamperable.cannot}`);
          continue;
        }
        if (kase.auth === "bearer" && !captured.has("clientBearer")) {
          const tokenExchange = exchanges.find((e) => e.caseId === "token.known_good");
          if (tokenExchange?.error?.kind === "timeout") throw new RunAborted("not_answering", `the target is not answering: the token request got no answer within ${config.timeoutMs} ms`);
          // A 429 the suite could not wait out: the run stops (exit 1) saying so, never passing unjudged.
          const tokenCase = caseById.get("token.known_good");
          const limited = tokenExchange && tokenCase && unwaitedRateLimit(tokenExchange, tokenCase) ? `: the known-good token request was ${unwaitedReason(tokenExchange)}; run again when the server's rate limit allows` : "";
          throw Object.assign(new Error(`no bearer: the token request did not return an access_token, so the login cases cannot run${limited}`), { noBearer: true });
        }
        let ex: Exchange;
        try {
          // Every 429 met on the way is an exchange of its own, judged by every check.
          ex = await transport.send(kase.id, buildRequest(kase, config, spec, target.baseUrl, captured), (limited) => void record(kase, limited));
        } catch (err) {
          if (err instanceof RunAborted && err.exchange) record(kase, err.exchange);
          throw err;
        }
        const failed = record(kase, ex);
        answers.set(kase.id, ex);
        const refused = kase.expect.kind === "success" && ex.response && isRefusal(ex.response.status) ? knownGoodRefusal(kase, ex.response.status, config, spec) : undefined;
        if (refused) {
          refusedExchangeId = ex.id;
          log(`  [${index}/${cases.length}] FAIL ${kase.id} → ${ex.response!.status}`);
          throw new RunAborted("known_good_refused", refused);
        }
        for (const [name, pointer] of Object.entries(kase.captures ?? {}) as Array<[Capture, string]>) {
          if (captured.has(name)) continue;
          const got = captureFrom(ex, pointer);
          if ("value" in got) {
            captured.set(name, got.value);
            missing.delete(name);
          } else missing.set(name, `${kase.id} ${got.missing}`);
        }
        const shown = ex.response ? String(ex.response.status) : ex.error?.kind ?? "?";
        // FAIL only for a finding that fails the run; a finding that does not is labelled by its severity.
        const failing = failed.some((v) => failsRun(v.severity, config.failOn));
        const label = failing ? "FAIL" : failed.length ? SEVERITIES.find((sev) => failed.some((v) => v.severity === sev))! : "ok  ";
        const named = [...new Set(failed.map((v) => (failing && !failsRun(v.severity, config.failOn) ? `${v.check}: ${v.severity}` : v.check)))];
        log(`  [${index}/${cases.length}] ${label} ${kase.id} → ${shown}${named.length ? ` (${named.join(", ")})` : ""}${ex.rateLimited.length ? ` after ${ex.rateLimited.length}×429` : ""}`);
      }
    } finally {
      requestsSent = transport.requestsSent;
      rateLimited = transport.rateLimitedCount;
      identityRequests = transport.identityRequests;
    }
    if (config.target.kind === "mock") {
      if (isOn("token_semantics")) results.push({ check: "token_semantics", severity: severityOf("token_semantics"), caseId: "token.freshness", outcome: "not_applicable", findings: [], reason: "Prism replays the spec's example tokens, issued at a fixed time: whether exp lies after the response time is judged on live targets only (exp against iat + expires_in is judged)" });
    }
  } catch (err) {
    if (err instanceof RunAborted) aborted = { reason: err.reason, message: redactor.text(err.message) };
    else if ((err as { noBearer?: boolean }).noBearer) aborted = { reason: "no_bearer", message: (err as Error).message };
    else if (config.target.kind === "mock" && !stopTarget) aborted = { reason: "unreachable", message: redactor.text(`cannot start the mock: ${(err as Error).message}`) };
    else aborted = { reason: "error", message: redactor.text((err as Error).stack ?? String(err)) };
    log(`run stopped: ${aborted.message}`);
  } finally {
    await stopTarget?.();
  }

  // A known-good case that ended in a 429 the suite did not wait out was not judged; but an operation that
  // answered nothing but 429 in the whole run is "rate limited throughout" and must not pass unjudged.
  // (Answers to other methods on the path, e.g. a 405 to PUT, do not count: they are not the operation's.)
  const answeredOps = new Set(exchanges.filter((e) => e.response && e.response.status !== 429 && caseById.get(e.caseId)?.expect.kind !== "method_rejection").map((e) => caseById.get(e.caseId)?.operation));
  results.forEach((r, i) => {
    const ex = r.check === "server_answers" && r.outcome === "not_applicable" ? exchanges.find((e) => e.id === r.exchangeId) : undefined;
    const kase = caseById.get(r.caseId);
    if (!ex || !kase || !unwaitedRateLimit(ex, kase) || answeredOps.has(kase.operation)) return;
    const f = rateLimitedThroughout(ex, spec.operations[kase.operation]);
    const check = CHECKS.find((c) => c.name === r.check)!;
    const settled = settle(f, check, severities.get(check.name)!.override);
    results[i] = { check: r.check, severity: settled.severity, caseId: r.caseId, outcome: "fail", exchangeId: ex.id, findings: [{ ...settled, actual: redactor.text(f.actual ?? ""), message: redactor.text(f.message) }] };
  });

  // A check that a live target can judge, which judged nothing only because what it needed did not come
  // back (a 429 not waited out, a token that was not issued), has not passed: the run is incomplete (exit
  // 1), never green. Cases a target cannot judge by nature (a mock's) are not counted.
  if (!aborted && config.target.kind === "live") {
    const judged = new Set(results.filter((r) => r.outcome !== "not_applicable").map((r) => r.check));
    const firstCaseOf = new Map<string, Case>();
    for (const kase of cases) if (!kase.notApplicable) for (const check of judgedBy(kase).filter(isOn)) if (!firstCaseOf.has(check)) firstCaseOf.set(check, kase);
    const unjudged = [...firstCaseOf].filter(([check]) => !judged.has(check)).map(([check, kase]) => {
      const na = results.find((r) => r.check === check && r.caseId === kase.id && r.outcome === "not_applicable");
      const ex = exchanges.filter((e) => e.caseId === kase.id).at(-1);
      const why = na?.reason ?? (ex?.response ? `answered ${ex.response.status}${ex.response.headers["retry-after"] ? `, Retry-After "${ex.response.headers["retry-after"]}"` : ""}` : ex?.error?.message ?? "not sent");
      return `${check} (${kase.id}: ${why})`;
    });
    if (unjudged.length) {
      aborted = { reason: "incomplete", message: redactor.text(`never judged, so the run cannot pass: ${unjudged.join("; ")}`) };
      log(`run incomplete: ${aborted.message}`);
    }
  }
  const failed = results.some((r) => r.outcome === "fail" && failsRun(r.severity, config.failOn));
  // Cannot run (exit 2): the target is unreachable, or it refused what the configuration says is good and
  // nothing before that refusal broke a contract or standard rule (when something did, e.g. a token that
  // expired on arrival, the server is at fault as much as the configuration may be: exit 1).
  const failedBeforeRefusal = results.some((r) => r.outcome === "fail" && r.severity !== "advisory" && r.exchangeId !== refusedExchangeId);
  const cannotRun = aborted?.reason === "unreachable" || (aborted?.reason === "known_good_refused" && !failedBeforeRefusal);
  const exitCode: 0 | 1 | 2 = cannotRun ? 2 : failed || aborted ? 1 : 0;
  return {
    target,
    seed: config.seed,
    cases: config.cases,
    strict: config.strict,
    failOn: config.failOn,
    checkOverrides: config.checkOverrides,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    requestsSent,
    rateLimited,
    identityRequests,
    identityBudget: IDENTITY_BUDGET,
    caseList: cases.map((c) => ({ id: c.id, group: c.group, operation: c.operation, title: redactor.text(c.title), expect: c.expect, ...(c.notApplicable ? { notApplicable: c.notApplicable } : {}) })),
    // The curl commands hold no secret by construction (reproduce.ts); replacing known ones is the safety net.
    exchanges: exchanges.map((ex) => ({ ...redactExchange(ex, redactor, secretProps, submittedSecrets(caseById.get(ex.caseId), secretProps)), curl: redactor.known(curls.get(ex.id) ?? "") })),
    results,
    ...(aborted ? { aborted } : {}),
    exitCode,
  };
}
