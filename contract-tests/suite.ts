// Runs the whole suite against one target and returns a fully redacted result: every exchange, every
// check's verdict per case, what was not applicable and why. The CLI and the tests both call runSuite.
import type { Capture, Case } from "./case-types.ts";
import { CLIENT_SECRET_VARIANTS, PASSWORD_VARIANTS, secretVariants } from "./case-bodies.ts";
import { fixedCases } from "./cases.ts";
import { specCoverage, type Coverage } from "./coverage.ts";
import { judgesCase, type Check, type CheckContext, type Finding, type Found } from "./checks/check.ts";
import { CHECKS } from "./checks/index.ts";
import { rateLimitedThroughout } from "./checks/server_answers.ts";
import { judgeOperationsServed, operationServed } from "./checks/operation_served.ts";
import { isRefusal, unwaitedRateLimit, unwaitedReason } from "./checks/support/exchange.ts";
import { readRefusalOf } from "./checks/support/refusal.ts";
import { learnTokens, redactExchange, submittedSecrets } from "./exchange-redaction.ts";
import { encodeBase64, encodeBase64url } from "../lib/base64.ts";
import { tamperedJws } from "./forged-tokens.ts";
import { generatedCases } from "./generated-cases.ts";
import { lifecycleCases } from "./lifecycle-cases.ts";
import { createTransport, IDENTITY_BUDGET, RunAborted, type AbortReason, type Exchange } from "./http.ts";
import { knownGoodRefusal } from "./known-good-refusal.ts";
import { createRedactor } from "./redact.ts";
import { curlCommand, type SecretVariable } from "./reproduce.ts";
import { buildRequest, captureFrom } from "./request-building.ts";
import { secretFieldNames } from "./request-fields.ts";
import { failsRun, lowerOf, SEVERITIES, type Severity } from "./severity.ts";
import { loadSpec, type SpecModel } from "./spec.ts";
import { startPrism } from "./targets/prism.ts";
import type { CheckOverride, SuiteConfig, TargetControl } from "./types.ts";

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
  /** `unjudged`: on an incomplete run, the checks that judged none of their cases of one operation and question */
  aborted?: { reason: AbortReason | "no_bearer" | "error" | "incomplete"; message: string; unjudged?: string[] };
  /** what of the spec the run exercised (coverage.ts) */
  coverage: Coverage;
  /** --min-coverage: the gate and whether the run met it (a run below it fails, exit 1) */
  minCoverage: { min: number; met: boolean };
  exitCode: 0 | 1 | 2;
}

export interface RunOptions {
  /** progress lines */
  log?: (line: string) => void;
  signal?: AbortSignal;
  spec?: SpecModel;
  /** what an in-process caller lets the suite do to its target beyond HTTP (read the MFA user's binding
   * code, move the clock); without it, the cases that need it are not applicable, with the reason */
  control?: TargetControl;
}

/** The checks that give the verdict of a case (each declares the case kinds it judges): a case that is
 * not sent (the target cannot judge it, or what it needs did not come back) gets a not-applicable result
 * of each, with the reason. */
function checksJudging(kase: Case): string[] {
  return CHECKS.filter((check) => judgesCase(check, kase)).map((check) => check.name);
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
export function settle(f: Found, check: Check, override: CheckOverride | undefined): Finding & { severity: Severity; severityReason: string } {
  const own = lowerOf(f.severity ?? check.severity, check.severity);
  const ownReason = f.severity !== undefined && own !== check.severity ? (f.severityReason ?? check.severityReason) : check.severityReason;
  if (override && override.severity !== "off") {
    const was = own === override.severity ? "" : ` (the check gives it ${own}: ${ownReason})`;
    return {
      ...f,
      check: check.name,
      source: f.source ?? check.source,
      severity: override.severity,
      severityReason: `set to ${override.severity} by ${override.from} ${check.name}=${override.severity}${was}`,
    };
  }
  return { ...f, check: check.name, source: f.source ?? check.source, severity: own, severityReason: ownReason };
}

/** How often the suite asks for a fresh client bearer in one run, at most (each is one token request). */
export const MAX_BEARER_RENEWALS = 30;
/** Case kinds about the bearer itself: their 401 is the answer judged, never a reason to renew. */
const ABOUT_AUTH: ReadonlySet<Case["expect"]["kind"]> = new Set(["auth_rejection", "scope_rejection", "isolation_rejection"]);
/** Case kinds whose credentials the server refuses, or may: a wrong password, an identity under another type, a
 * made-up identity. Once a fresh bearer got the same 401 to one of them, the server answers refused
 * credentials 401, and none of them is sent again for it (each resend may carry the real identity). */
const REFUSED_CREDENTIALS: ReadonlySet<Case["expect"]["kind"]> = new Set(["credentials_rejection", "identity_rejection", "valid_input", "well_formed"]);
const refusalClass = (kase: Case) => `${kase.operation} ${REFUSED_CREDENTIALS.has(kase.expect.kind) ? "refused credentials" : kase.expect.kind}`;

/** A finding's `actual` is evidence to read, not the body itself (report.json keeps that): a hostile
 * response must not multiply its size into every finding and report. */
export const MAX_ACTUAL_CHARS = 500;
const clipActual = (text: string) => (text.length > MAX_ACTUAL_CHARS ? `${text.slice(0, MAX_ACTUAL_CHARS)}… (cut)` : text);

/** An array whose elements are made when first read, then kept (a caller may also replace one): what a run's
 * caller never reads is never made. */
function madeOnRead<T, U>(items: readonly T[], make: (item: T) => U): U[] {
  const out: U[] = new Array(items.length);
  items.forEach((item, i) => {
    let made: { value: U } | undefined;
    Object.defineProperty(out, i, {
      enumerable: true,
      configurable: true,
      get: () => {
        made ??= { value: make(item) };
        return made.value;
      },
      set: (value: U) => {
        made = { value };
      },
    });
  });
  return out;
}

export async function runSuite(config: SuiteConfig, options: RunOptions = {}): Promise<RunResult> {
  const log = options.log ?? (() => {});
  const spec = options.spec ?? loadSpec();
  const started = Date.now();
  const deadlineAt = started + config.deadlineMs;
  const secretProps = new Set([...secretFieldNames(spec.operations.login.requestSchema)]);
  // The client credentials also travel base64-encoded in `Authorization: Basic`: a server that echoes that
  // header (a debug header, an error body) echoes the secret, and reports must not carry it either.
  const encodedForms = (v: string) => [encodeBase64(v).replace(/=+$/, ""), encodeBase64url(v)];
  const basicForms =
    config.auth.kind === "client_credentials"
      ? [...encodedForms(`${config.auth.clientId}:${config.auth.clientSecret}`), ...encodedForms(config.auth.clientSecret)]
      : [];
  // The wrong variants of a real secret the credentials cases send (a prefix, another case, …) reveal the
  // real one: curl commands write them as variables. They travel only in the Authorization header (always
  // redacted) and the password property (redacted, and per exchange as a submitted secret); they are not
  // searched for in responses: a prefix of the client secret may well be a prefix of the client id.
  const passwordVariants = config.identities.flatMap((i) => secretVariants(i.password, PASSWORD_VARIANTS).map((v) => v.value));
  const clientSecretVariants =
    config.auth.kind === "client_credentials"
      ? secretVariants(config.auth.clientSecret, CLIENT_SECRET_VARIANTS)
          .map((v) => v.value)
          .filter((v) => v !== "")
      : [];
  const otherBasicForms = config.otherClient
    ? [...encodedForms(`${config.otherClient.clientId}:${config.otherClient.clientSecret}`), ...encodedForms(config.otherClient.clientSecret)]
    : [];
  const configuredSecrets = [
    ...config.identities.map((i) => i.password),
    config.auth.kind === "client_credentials" ? config.auth.clientSecret : config.auth.token,
    ...basicForms,
    ...(config.otherClient ? [config.otherClient.clientSecret, ...otherBasicForms] : []),
    ...(config.mfaUser ? [config.mfaUser.password] : []),
  ];
  const redactor = createRedactor(configuredSecrets);
  if (config.auth.kind === "access_token") redactor.addSecret(config.auth.token, "token");

  // The session's cases come last: the MFA expiry moves a controllable clock on, past every token's life.
  const cases = [...fixedCases(spec, config), ...generatedCases(spec, config), ...lifecycleCases(spec, config, options.control)];
  const caseById = new Map(cases.map((c) => [c.id, c]));
  const knownGoodToken = caseById.get("token.known_good");
  const renewalCase: Case | undefined = knownGoodToken && {
    ...knownGoodToken,
    id: "token.bearer_renewal",
    title: "client credentials token request renewing the suite's bearer (half of its expires_in passed, or the server refused it)",
  };
  if (renewalCase) {
    delete renewalCase.captures;
    caseById.set(renewalCase.id, renewalCase);
  }
  const exchanges: Exchange[] = [];
  const results: CheckResult[] = [];
  const severities = effectiveSeverities(config.checkOverrides);
  const severityOf = (name: string): Severity => {
    const s = severities.get(name)!.severity;
    return s === "off" ? CHECKS.find((c) => c.name === name)!.severity : s;
  };
  const isOn = (name: string) => severities.get(name)!.severity !== "off";
  /** each exchange's curl command, made when it is recorded (the captured tokens it may use are known then) */
  const curls = new Map<number, () => string>();
  let aborted: RunResult["aborted"];
  let target = { ...config.target };
  let stopTarget: (() => Promise<void>) | undefined;
  let requestsSent = 0;
  let rateLimited = 0;
  let identityRequests: Record<string, number> = {};
  let refusedExchangeId: number | undefined;
  /** every client bearer the run took (renewed ones too): all are live tokens to look for in answers */
  const ownBearers: string[] = [];
  let usedRenewal = false;

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
    const identities =
      config.target.kind === "live"
        ? [...config.identities, ...(config.mfaUser ? [{ ...config.mfaUser, label: "mfa" }] : [])].map((i) => ({
            label: i.label,
            values: Object.entries(i.fields)
              .filter(([k]) => k !== "ident_type")
              .map(([, v]) => v),
          }))
        : [];
    const transport = createTransport({
      timeoutMs: config.timeoutMs,
      rate: config.rate,
      budget: config.budget,
      deadlineAt,
      identities,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    // Values cases take from earlier exchanges, and why one is missing when it did not come back.
    const captured = new Map<Capture, string>();
    const missing = new Map<Capture, string>();
    if (config.auth.kind === "access_token") captured.set("clientBearer", config.auth.token);
    const answers = new Map<string, Exchange>();
    // What a curl command writes as a variable: the configured secrets and the tokens the run took.
    const secretVariables = (): SecretVariable[] => [
      ...config.identities.map((i) => ({ value: i.password, name: i.label === "email" ? "DINTERO_LOGIN_PASSWORD" : "DINTERO_LOGIN_IDENT_PASSWORD" })),
      config.auth.kind === "client_credentials"
        ? { value: config.auth.clientSecret, name: "DINTERO_CLIENT_SECRET" }
        : { value: config.auth.token, name: "DINTERO_ACCESS_TOKEN" },
      // every bearer the run took (a renewed one replaced it): a command sends whichever bearer is current
      ...(config.auth.kind === "client_credentials" ? ownBearers.map((value) => ({ value, name: "CLIENT_BEARER" })) : []),
      ...(captured.has("customerToken") ? [{ value: captured.get("customerToken")!, name: "CUSTOMER_TOKEN" }] : []),
      ...(config.otherClient ? [{ value: config.otherClient.clientSecret, name: "DINTERO_OTHER_CLIENT_SECRET" }] : []),
      ...(config.mfaUser ? [{ value: config.mfaUser.password, name: "DINTERO_MFA_LOGIN_PASSWORD" }] : []),
      // the session's tokens and codes the run took, one flow's in each command: REFRESH_TOKEN, MFA_TOKEN, … (reproduce.ts)
      ...[...captured]
        .filter(([name]) => name !== "clientBearer" && name !== "customerToken")
        .map(([name, value]) => ({
          value,
          name: name
            .split(".")[0]!
            .replace(/([a-z])([A-Z])/g, "$1_$2")
            .toUpperCase(),
        })),
      ...passwordVariants.map((value) => ({ value, name: "DERIVED_SECRET" })),
      ...clientSecretVariants.map((value) => ({ value, name: "DERIVED_SECRET" })),
    ];
    const clientId = config.auth.kind === "client_credentials" ? config.auth.clientId : undefined;
    const notApplicable = (kase: Case, reason: string) => {
      for (const check of checksJudging(kase).filter(isOn))
        results.push({ check, severity: severityOf(check), caseId: kase.id, outcome: "not_applicable", findings: [], reason });
    };
    /** `answerOnly`: judge the answer alone, by the checks that own no case kind (an answer the case is not
     * judged on: the refusal of the suite's own bearer, sent again with a fresh one). */
    const judge = (kase: Case, ex: Exchange, answerOnly = false) => {
      const ctx: CheckContext = {
        spec,
        config,
        kase,
        op: spec.operations[kase.operation],
        secrets: configuredSecrets,
        // (not the binding codes: six digits are no token, and would be found by chance in any number)
        tokens: [...new Set([...[...captured].filter(([name]) => !name.startsWith("bindingCode.")).map(([, value]) => value), ...ownBearers])],
        earlier: (id) => answers.get(id),
      };
      const verdicts: Array<{ check: string; severity: Severity }> = [];
      for (const check of CHECKS) {
        const { severity: set, override } = severities.get(check.name)!;
        if (set === "off" || (answerOnly && check.judges.length > 0) || !check.appliesTo(ex, ctx)) continue;
        // (a check that throws on a response reports it as a finding: defineCheck)
        const found = check.run(ex, ctx);
        if (!Array.isArray(found)) {
          results.push({
            check: check.name,
            severity: severityOf(check.name),
            caseId: kase.id,
            outcome: "not_applicable",
            findings: [],
            exchangeId: ex.id,
            reason: found.notApplicable,
          });
          continue;
        }
        // Every finding gets its check's severity (lowered by the check with a reason, or set by the user),
        // and its check's source unless it names a more precise one.
        const findings = found.map((f) => ({
          ...settle(f, check, override),
          ...(kase.describeInput ? { input: kase.describeInput } : {}),
          ...(f.actual !== undefined ? { actual: clipActual(redactor.text(f.actual)) } : {}),
          message: redactor.text(f.message),
        }));
        if (!findings.length)
          results.push({ check: check.name, severity: severityOf(check.name), caseId: kase.id, outcome: "pass", findings, exchangeId: ex.id });
        // One result per severity, so that what fails the run is decided per finding.
        for (const severity of SEVERITIES) {
          const at = findings.filter((f) => f.severity === severity);
          if (at.length) results.push({ check: check.name, severity, caseId: kase.id, outcome: "fail", findings: at, exchangeId: ex.id });
          if (at.length) verdicts.push({ check: check.name, severity });
        }
      }
      return verdicts;
    };
    /** How far the suite has moved the target's clock on (control.advanceClock): an answer's time is read on
     * the target's clock, so that the claims of a token issued after the move are judged against it. */
    let targetClockAheadMs = 0;
    const record = (kase: Case, ex: Exchange, answerOnly = false) => {
      if (targetClockAheadMs && ex.response) ex.response.receivedAt += targetClockAheadMs;
      // the secrets known now, the command made only when a report asks for it (most runs in one process write none)
      const variables = secretVariables();
      curls.set(ex.id, () => curlCommand(ex.request, variables, { baseUrl: target.baseUrl, secretProps, ...(clientId !== undefined ? { clientId } : {}) }));
      learnTokens(ex, redactor);
      exchanges.push(ex);
      return judge(kase, ex, answerOnly);
    };
    /** Sends a case's request; every 429 met on the way is an exchange of its own, judged by every check. */
    const send = async (kase: Case): Promise<Exchange> => {
      try {
        return await transport.send(kase.id, buildRequest(kase, config, spec, target.baseUrl, captured), (limited) => void record(kase, limited));
      } catch (err) {
        if (err instanceof RunAborted && err.exchange) record(kase, err.exchange);
        throw err;
      }
    };

    // The suite's own client bearer, kept valid as this project's client keeps its own (src/token-provider.ts):
    // asked for again once half of its expires_in has passed since it was requested, so that a run longer than
    // a short-lived bearer (30 s against a remote server at 5 requests a second) never sends a dead one.
    /** when the bearer in use was requested (performance.now()) and the lifetime its answer gave, if any */
    let bearer: { requestedAt: number; lifetimeMs: number | undefined } | undefined;
    /** the shortest age at which the server refused a bearer it had said would live longer */
    let shortestLifeMs = Infinity;
    let renewals = 0;
    let renewalPausedUntil = -Infinity;
    /** classes of cases (refusalClass) whose 401 a fresh bearer got too: that 401 is the server's answer to them */
    const refusalIsTheAnswer = new Set<string>();
    const lifetimeMsOf = (ex: Exchange): number | undefined => {
      try {
        const v = (JSON.parse(ex.response?.bodyText ?? "") as { expires_in?: unknown })?.expires_in;
        return typeof v === "number" && Number.isFinite(v) && v > 0 ? v * 1000 : undefined;
      } catch {
        return undefined;
      }
    };
    const takeBearer = (ex: Exchange) => {
      if (config.auth.kind === "client_credentials") bearer = { requestedAt: performance.now() - ex.durationMs, lifetimeMs: lifetimeMsOf(ex) };
    };
    const renewalDue = () => {
      if (!bearer || !renewalCase || renewals >= MAX_BEARER_RENEWALS || performance.now() < renewalPausedUntil) return false;
      const life = Math.min(bearer.lifetimeMs ?? Infinity, shortestLifeMs);
      return Number.isFinite(life) && performance.now() - bearer.requestedAt >= life / 2;
    };
    /** Asks for a fresh client bearer; undefined when one came back, else why not. */
    const renewBearer = async (why: string): Promise<string | undefined> => {
      if (!renewalCase) return "the run has no token request to repeat";
      if (renewals >= MAX_BEARER_RENEWALS) return `the suite renews its bearer at most ${MAX_BEARER_RENEWALS} times per run`;
      renewals++;
      usedRenewal = true;
      const ex = await send(renewalCase);
      record(renewalCase, ex);
      log(`  renewed the suite's bearer (${why}): ${renewalCase.id} → ${ex.response?.status ?? ex.error?.kind}`);
      const got = captureFrom(ex, "/access_token");
      if (!("value" in got)) {
        renewalPausedUntil = performance.now() + 1000;
        return `the token request ${got.missing}`;
      }
      captured.set("clientBearer", got.value);
      ownBearers.push(got.value);
      takeBearer(ex);
      return undefined;
    };
    /** A 401 to a case that is not about auth, sent with the suite's own bearer, that does not say the
     * customer's credentials were refused (invalid_grant): by Dintero's documentation ("Access forbidden,
     * invalid JWT token was used") it refuses the bearer, unless a fresh bearer gets it too. */
    const bearerRefused = (kase: Case, ex: Exchange) =>
      kase.auth === "bearer" &&
      bearer !== undefined &&
      !ABOUT_AUTH.has(kase.expect.kind) &&
      ex.response?.status === 401 &&
      readRefusalOf(ex).refused !== "customer" &&
      !refusalIsTheAnswer.has(refusalClass(kase));
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
          // What the target's configuration does not give (a refresh token to a client without the scope) is
          // not applicable by nature: the run is not incomplete for it.
          if (lacking.every((n) => kase.mayLack?.includes(n))) kase.notApplicable = reason;
          notApplicable(kase, reason);
          log(`  [${index}/${cases.length}] n/a  ${kase.id}: ${reason}`);
          continue;
        }
        // A case whose question presumes an earlier step took effect (the refresh after a revoke): that step must
        // have been answered 2xx, or there is nothing to ask (a revoke refused or rate limited revoked nothing).
        const unmet = (kase.presumes ?? [])
          .map((id) => ({ id, status: exchanges.filter((e) => e.caseId === id).at(-1)?.response?.status }))
          .filter(({ status }) => status === undefined || status < 200 || status > 299);
        if (unmet.length) {
          const answered = (status: number | undefined) => (status === undefined ? "not answered" : `answered ${status}`);
          const reason = `presumes ${unmet.map(({ id, status }) => `${id} took effect, but it was ${answered(status)}`).join("; ")}`;
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
          if (tokenExchange?.error?.kind === "timeout")
            throw new RunAborted("not_answering", `the target is not answering: the token request got no answer within ${config.timeoutMs} ms`);
          // A 429 the suite could not wait out: the run stops (exit 1) saying so, never passing unjudged.
          const tokenCase = caseById.get("token.known_good");
          const limited =
            tokenExchange && tokenCase && unwaitedRateLimit(tokenExchange, tokenCase)
              ? `: the known-good token request was ${unwaitedReason(tokenExchange)}; run again when the server's rate limit allows`
              : "";
          throw Object.assign(new Error(`no bearer: the token request did not return an access_token, so the login cases cannot run${limited}`), {
            noBearer: true,
          });
        }
        if (kase.advancesClock && options.control?.advanceClock) {
          await options.control.advanceClock(kase.advancesClock);
          // The target's clock moved on: the suite's bearer aged as much (renewed below when that is half its life).
          targetClockAheadMs += kase.advancesClock * 1000;
          if (bearer) bearer.requestedAt -= kase.advancesClock * 1000;
        }
        const ownBearer = kase.auth === "bearer" || (from?.bearerFrom === "clientBearer" && config.auth.kind === "client_credentials");
        if (ownBearer && renewalDue()) await renewBearer("half of its lifetime has passed");
        let ex = await send(kase);
        if (bearerRefused(kase, ex)) {
          // Not judged on a refusal of the suite's own bearer: a fresh bearer, the case sent again once, and
          // that answer judged. The refused answer is judged by the answer-wide checks only.
          const ageMs = performance.now() - ex.durationMs - bearer!.requestedAt;
          const lifetimeMs = bearer!.lifetimeMs;
          const refused = ex;
          const why = await renewBearer(`${kase.id} was answered 401`);
          if (why !== undefined) {
            record(kase, refused, true);
            const reason = `the suite's bearer was refused (401) and no fresh one came back (${why}), so this case could not be judged`;
            notApplicable(kase, reason);
            log(`  [${index}/${cases.length}] n/a  ${kase.id}: ${reason}`);
            continue;
          }
          ex = await send(kase);
          const fixed = ex.response?.status !== 401;
          if (!fixed) refusalIsTheAnswer.add(refusalClass(kase));
          // Refused before its expires_in (less the client's margin and a second of NumericDate rounding) ran out.
          const early = fixed && lifetimeMs !== undefined && ageMs < lifetimeMs - Math.min(60_000, lifetimeMs / 10) - 1000;
          if (fixed) shortestLifeMs = Math.min(shortestLifeMs, ageMs);
          refused.bearerRefused = {
            ageMs: Math.round(ageMs),
            expiresInS: (lifetimeMs ?? 0) / 1000,
            freshStatus: ex.response?.status ?? 0,
            freshExchangeId: ex.id,
            early,
          };
          record(kase, refused, true);
          log(
            `  [${index}/${cases.length}] ${early ? "FAIL" : "    "} ${kase.id} → 401 to the suite's bearer ${Math.round(ageMs)} ms after it was requested` +
              `${early ? ` (expires_in ${(lifetimeMs ?? 0) / 1000} s: token_semantics)` : ""}; sent again with a fresh bearer`,
          );
        }
        const failed = record(kase, ex);
        answers.set(kase.id, ex);
        // A final 429 the suite did not wait out answers nothing: every check that gives this case's verdict and
        // judged nothing of it reports it not applicable, with the reason (never a silent "ok").
        if (ex.response?.status === 429 && !ex.retried)
          for (const check of checksJudging(kase).filter(isOn))
            if (!results.some((r) => r.check === check && r.caseId === kase.id && r.exchangeId === ex.id))
              results.push({
                check,
                severity: severityOf(check),
                caseId: kase.id,
                outcome: "not_applicable",
                findings: [],
                exchangeId: ex.id,
                reason: unwaitedReason(ex).replace("this case cannot be judged", `${check} cannot judge this case`),
              });
        const refused =
          kase.expect.kind === "success" && kase.group !== "lifecycle" && ex.response && isRefusal(ex.response.status)
            ? knownGoodRefusal(kase, ex.response.status, config, spec)
            : undefined;
        if (refused) {
          refusedExchangeId = ex.id;
          log(`  [${index}/${cases.length}] FAIL ${kase.id} → ${ex.response!.status}`);
          throw new RunAborted("known_good_refused", refused);
        }
        for (const [name, pointer] of Object.entries(kase.captures ?? {}) as Array<[Capture, string]>) {
          if (captured.has(name)) continue;
          const got = captureFrom(ex, pointer, kase.capturesFromRefusal);
          if ("value" in got) {
            captured.set(name, got.value);
            missing.delete(name);
            if (name === "clientBearer") {
              ownBearers.push(got.value);
              takeBearer(ex);
            }
          } else missing.set(name, `${kase.id} ${got.missing}`);
        }
        // The binding code the customer received, read once the challenge has sent it (the run's control).
        if (kase.readsBindingCode && ex.response && ex.response.status >= 200 && ex.response.status < 300 && config.mfaUser) {
          const name: Capture = `bindingCode.${kase.readsBindingCode}`;
          const identity = Object.entries(config.mfaUser.fields).find(([k]) => k !== "ident_type")?.[1] ?? "";
          const code = await options.control?.mfaCode?.(identity);
          if (code) {
            redactor.addSecret(code, "token");
            captured.set(name, code);
          } else missing.set(name, `the control read no binding code for the MFA test user after ${kase.id}`);
        }
        const shown = ex.response ? String(ex.response.status) : (ex.error?.kind ?? "?");
        // FAIL only for a finding that fails the run; a finding that does not is labelled by its severity.
        const failing = failed.some((v) => failsRun(v.severity, config.failOn));
        const label = failing ? "FAIL" : failed.length ? SEVERITIES.find((sev) => failed.some((v) => v.severity === sev))! : "ok  ";
        const named = [...new Set(failed.map((v) => (failing && !failsRun(v.severity, config.failOn) ? `${v.check}: ${v.severity}` : v.check)))];
        log(
          `  [${index}/${cases.length}] ${label} ${kase.id} → ` +
            `${shown}${named.length ? ` (${named.join(", ")})` : ""}${ex.rateLimited.length ? ` after ${ex.rateLimited.length}×429` : ""}`,
        );
      }
    } finally {
      requestsSent = transport.requestsSent;
      rateLimited = transport.rateLimitedCount;
      identityRequests = transport.identityRequests;
    }
    if (config.target.kind === "mock") {
      if (isOn("token_semantics"))
        results.push({
          check: "token_semantics",
          severity: severityOf("token_semantics"),
          caseId: "token.freshness",
          outcome: "not_applicable",
          findings: [],
          reason:
            "Prism replays the spec's example tokens, issued at a fixed time: whether exp lies after the " +
            "response time is judged on live targets only (exp against iat + expires_in is judged)",
        });
    }
  } catch (err) {
    if (err instanceof RunAborted) aborted = { reason: err.reason, message: redactor.text(err.message) };
    else if ((err as { noBearer?: boolean }).noBearer) aborted = { reason: "no_bearer", message: (err as Error).message };
    else if (config.target.kind === "mock" && !stopTarget)
      aborted = { reason: "unreachable", message: redactor.text(`cannot start the mock: ${(err as Error).message}`) };
    else aborted = { reason: "error", message: redactor.text((err as Error).stack ?? String(err)) };
    log(`run stopped: ${aborted.message}`);
  } finally {
    await stopTarget?.();
  }

  // A known-good case that ended in a 429 the suite did not wait out was not judged; but an operation that
  // answered nothing but 429 in the whole run is "rate limited throughout" and must not pass unjudged.
  // (Answers to other methods on the path, e.g. a 405 to PUT, do not count: they are not the operation's.)
  const answeredOps = new Set(
    exchanges
      .filter((e) => e.response && e.response.status !== 429 && caseById.get(e.caseId)?.expect.kind !== "method_rejection")
      .map((e) => caseById.get(e.caseId)?.operation),
  );
  results.forEach((r, i) => {
    const ex = r.check === "server_answers" && r.outcome === "not_applicable" ? exchanges.find((e) => e.id === r.exchangeId) : undefined;
    const kase = caseById.get(r.caseId);
    if (!ex || !kase || !unwaitedRateLimit(ex, kase) || answeredOps.has(kase.operation)) return;
    const f = rateLimitedThroughout(ex, spec.operations[kase.operation]);
    const check = CHECKS.find((c) => c.name === r.check)!;
    const settled = settle(f, check, severities.get(check.name)!.override);
    results[i] = {
      check: r.check,
      severity: settled.severity,
      caseId: r.caseId,
      outcome: "fail",
      exchangeId: ex.id,
      findings: [{ ...settled, actual: redactor.text(f.actual ?? ""), message: redactor.text(f.message) }],
    };
  });

  // Operations (and grants) the target does not serve at all: one verdict each, instead of their cases' own.
  if (isOn(operationServed.name)) {
    const override = severities.get(operationServed.name)!.override;
    const settleServed = (f: Found) => {
      const s = settle(f, operationServed, override);
      return { ...s, ...(s.actual !== undefined ? { actual: redactor.text(s.actual) } : {}), message: redactor.text(s.message) };
    };
    judgeOperationsServed({ spec, cases, exchanges, results, checks: CHECKS, severity: severityOf(operationServed.name), severityOf, settle: settleServed });
  }

  // A check that a live target can judge, which judged nothing only because what it needed did not come
  // back (a 429 not waited out, a token that was not issued), has not passed: the run is incomplete (exit
  // 1), never green. Cases a target cannot judge by nature (a mock's) are not counted.
  if (!aborted && config.target.kind === "live") {
    // Per check, operation and question: a check judged on the token endpoint (a wrong client secret) has not
    // judged the login (a wrong password), nor has an unknown identity's refusal judged a wrong password's.
    const question = (kase: Case | undefined) =>
      `${kase?.operation}${kase?.expect.kind === "credentials_rejection" ? ` ${kase.expect.rule.replace(/ \(.*$/, "")}` : ""}`;
    const judged = new Set(results.filter((r) => r.outcome !== "not_applicable").map((r) => `${r.check} ${question(caseById.get(r.caseId))}`));
    const firstCaseOf = new Map<string, Case>();
    for (const kase of cases)
      if (!kase.notApplicable)
        for (const check of checksJudging(kase).filter(isOn)) {
          const key = `${check} ${question(kase)}`;
          if (!firstCaseOf.has(key)) firstCaseOf.set(key, kase);
        }
    const missed = [...firstCaseOf].filter(([key]) => !judged.has(key));
    const unjudged = missed.map(([key, kase]) => {
      const check = key.split(" ")[0]!;
      const na = results.find((r) => r.check === check && r.caseId === kase.id && r.outcome === "not_applicable");
      const ex = exchanges.filter((e) => e.caseId === kase.id).at(-1);
      const why =
        na?.reason ??
        (ex?.response
          ? `answered ${ex.response.status}${ex.response.headers["retry-after"] ? `, Retry-After "${ex.response.headers["retry-after"]}"` : ""}`
          : (ex?.error?.message ?? "not sent"));
      return `${check} (${kase.id}: ${why})`;
    });
    if (unjudged.length) {
      aborted = {
        reason: "incomplete",
        message: redactor.text(`never judged, so the run cannot pass: ${unjudged.join("; ")}`),
        unjudged: [...new Set(missed.map(([key]) => key.split(" ")[0]!))],
      };
      log(`run incomplete: ${aborted.message}`);
    }
  }
  const failed = results.some((r) => r.outcome === "fail" && failsRun(r.severity, config.failOn));
  // Cannot run (exit 2): the target is unreachable, or it refused what the configuration says is good and
  // nothing before that refusal broke a contract or standard rule (when something did, e.g. a token that
  // expired on arrival, the server is at fault as much as the configuration may be: exit 1).
  const failedBeforeRefusal = results.some((r) => r.outcome === "fail" && r.severity !== "advisory" && r.exchangeId !== refusedExchangeId);
  const cannotRun = aborted?.reason === "unreachable" || (aborted?.reason === "known_good_refused" && !failedBeforeRefusal);
  const coverage = specCoverage(spec, exchanges, caseById);
  const coverageMet = coverage.percent.total >= config.minCoverage;
  if (!coverageMet)
    log(`spec coverage ${coverage.percent.total}% is below --min-coverage ${config.minCoverage}%: the run fails (report.json lists what was not exercised)`);
  const exitCode: 0 | 1 | 2 = cannotRun ? 2 : failed || aborted || !coverageMet ? 1 : 0;
  // The exchanges as output may show them, each redacted when first read (a report, JSON.stringify, a test's
  // find), not at the end of every run: most runs in one process (the self-test) read their verdicts and a few
  // exchanges only. The raw exchanges stay inside this function; nothing adds a secret to the redactor once the
  // run has ended, and an exchange's redaction depends on no other, so a later read shows exactly what an eager
  // redaction would have.
  const redactedExchange = (ex: Exchange): ReportedExchange => {
    const shown = redactExchange(ex, redactor, secretProps, submittedSecrets(caseById.get(ex.caseId), secretProps)) as Exchange & { curl: string };
    let curl: string | undefined;
    // an enumerable property, made on first read (a report, JSON.stringify): the same value whenever it is read
    return Object.defineProperty(shown, "curl", { enumerable: true, get: () => (curl ??= redactor.known(curls.get(ex.id)?.() ?? "")) });
  };
  const result: RunResult = {
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
    // (each made when first read, as the exchanges are)
    caseList: madeOnRead([...cases, ...(usedRenewal && renewalCase ? [renewalCase] : [])], (c) => ({
      id: c.id,
      group: c.group,
      operation: c.operation,
      title: redactor.text(c.title),
      expect: c.expect,
      ...(c.notApplicable ? { notApplicable: c.notApplicable } : {}),
    })),
    // The curl commands hold no secret by construction (reproduce.ts); replacing known ones is the safety net.
    exchanges: madeOnRead(exchanges, redactedExchange),
    results,
    ...(aborted ? { aborted } : {}),
    coverage,
    minCoverage: { min: config.minCoverage, met: coverageMet },
    exitCode,
  };
  return result;
}
