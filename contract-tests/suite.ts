// Runs the whole suite against one target and returns a fully redacted result: every exchange, every
// check's verdict per case, what was not applicable and why. The CLI and the tests both call runSuite.
import type { SuiteConfig } from "./config.ts";
import { secretFieldNames } from "./config.ts";
import { fixedCases, type Case } from "./cases.ts";
import { CHECKS, failsRun, type CheckContext, type Finding, type Level } from "./checks.ts";
import { generatedCases } from "./generated-cases.ts";
import { createTransport, RunAborted, type AbortReason, type Exchange } from "./http.ts";
import { createRedactor, type Redactor } from "./redact.ts";
import { loadSpec, type SpecModel } from "./spec.ts";
import { startPrism } from "./targets/prism.ts";

export type Outcome = "pass" | "fail" | "not_applicable";

export interface CheckResult {
  check: string;
  level: Level;
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

export interface RunResult {
  target: { kind: "mock" | "live"; baseUrl: string };
  seed: number;
  cases: number;
  strict: boolean;
  failOn: Level;
  startedAt: string;
  durationMs: number;
  requestsSent: number;
  rateLimited: number;
  caseList: CaseSummary[];
  exchanges: Exchange[];
  results: CheckResult[];
  aborted?: { reason: AbortReason | "no_bearer" | "error"; message: string };
  exitCode: 0 | 1 | 2;
}

export interface RunOptions {
  /** progress lines */
  log?: (line: string) => void;
  signal?: AbortSignal;
  spec?: SpecModel;
}

/** Which check judges a case that the target cannot judge. */
const JUDGED_BY: Partial<Record<Case["expect"]["kind"], string>> = {
  auth_rejection: "ignored_auth",
  credentials_rejection: "wrong_credentials",
};

const levelOf = (name: string): Level => CHECKS.find((c) => c.name === name)!.level;

function buildRequest(kase: Case, config: SuiteConfig, spec: SpecModel, baseUrl: string, bearer: string | undefined) {
  const op = spec.operations[kase.operation];
  const aid = encodeURIComponent(kase.aid ?? config.accountId);
  const headers: Record<string, string> = { "content-type": kase.contentType ?? op.requestMediaTypes[0] ?? "application/json", accept: "application/json" };
  if (kase.auth === "bearer" && bearer) headers.authorization = `Bearer ${bearer}`;
  else if (kase.auth === "basic" && config.auth.kind === "client_credentials") {
    headers.authorization = `Basic ${Buffer.from(`${config.auth.clientId}:${config.auth.clientSecret}`).toString("base64")}`;
  } else if (typeof kase.auth === "object") headers.authorization = kase.auth.authorization;
  return {
    method: op.method,
    url: `${baseUrl}${op.pathTemplate.replace("{aid}", aid)}`,
    headers,
    body: kase.rawBody ?? (kase.body === undefined ? undefined : JSON.stringify(kase.body)),
  };
}

function redactExchange(ex: Exchange, redactor: Redactor, secretProps: Set<string>): Exchange {
  let body = ex.request.body;
  if (body !== undefined) {
    try {
      body = JSON.stringify(redactor.json(JSON.parse(body), secretProps));
    } catch {
      body = redactor.text(body);
    }
  }
  let bodyText = ex.response?.bodyText;
  if (bodyText !== undefined) {
    try {
      bodyText = JSON.stringify(redactor.json(JSON.parse(bodyText), secretProps));
    } catch {
      bodyText = redactor.text(bodyText);
    }
  }
  return {
    ...ex,
    request: { ...ex.request, headers: redactor.headers(ex.request.headers), ...(body !== undefined ? { body } : {}) },
    ...(ex.response ? { response: { ...ex.response, headers: redactor.headers(ex.response.headers), bodyText: bodyText! } } : {}),
    ...(ex.error ? { error: { ...ex.error, message: redactor.text(ex.error.message) } } : {}),
  };
}

function learnTokens(ex: Exchange, redactor: Redactor) {
  try {
    const body = JSON.parse(ex.response?.bodyText ?? "") as Record<string, unknown>;
    for (const key of ["access_token", "refresh_token", "mfa_token"]) if (typeof body[key] === "string") redactor.addSecret(body[key] as string, "token");
  } catch {
    /* not JSON: nothing to learn */
  }
}

export async function runSuite(config: SuiteConfig, options: RunOptions = {}): Promise<RunResult> {
  const log = options.log ?? (() => {});
  const spec = options.spec ?? loadSpec();
  const started = Date.now();
  const deadlineAt = started + config.deadlineMs;
  const secretProps = new Set([...secretFieldNames(spec.operations.login.requestSchema)]);
  const configuredSecrets = [...config.identities.map((i) => i.password), config.auth.kind === "client_credentials" ? config.auth.clientSecret : config.auth.token];
  const redactor = createRedactor(configuredSecrets);
  if (config.auth.kind === "access_token") redactor.addSecret(config.auth.token, "token");

  const cases = [...fixedCases(spec, config), ...generatedCases(spec, config)];
  const exchanges: Exchange[] = [];
  const results: CheckResult[] = [];
  let aborted: RunResult["aborted"];
  let target = { ...config.target };
  let stopTarget: (() => Promise<void>) | undefined;
  let requestsSent = 0;
  let rateLimited = 0;

  log(`seed ${config.seed} (--seed to change), ${config.cases} generated cases per kind, ${cases.length} cases${config.strict ? ", strict" : ""}`);
  try {
    if (config.target.kind === "mock") {
      log("starting Prism mock of openapi/login.yaml …");
      const prism = await startPrism({ timeoutMs: Math.min(30_000, config.deadlineMs), ...(options.signal ? { signal: options.signal } : {}) });
      stopTarget = prism.stop;
      target = { kind: "mock", baseUrl: prism.baseUrl };
      log(`Prism is listening on ${prism.baseUrl}`);
    } else log(`live target ${target.baseUrl}`);

    const transport = createTransport({ timeoutMs: config.timeoutMs, rate: config.rate, budget: config.budget, deadlineAt, ...(options.signal ? { signal: options.signal } : {}) });
    let bearer = config.auth.kind === "access_token" ? config.auth.token : undefined;
    const judge = (kase: Case, ex: Exchange) => {
      const ctx: CheckContext = { spec, config, kase, op: spec.operations[kase.operation], secrets: configuredSecrets };
      const verdicts: string[] = [];
      for (const check of CHECKS) {
        if (!check.appliesTo(ex, ctx)) continue;
        // Every finding inherits its check's level, and its source unless it names a more precise one.
        const findings = check.run(ex, ctx).map((f) => ({ ...f, level: check.level, source: f.source ?? check.source, ...(f.actual !== undefined ? { actual: redactor.text(f.actual) } : {}), message: redactor.text(f.message) }));
        results.push({ check: check.name, level: check.level, caseId: kase.id, outcome: findings.length ? "fail" : "pass", findings, exchangeId: ex.id });
        if (findings.length) verdicts.push(check.name);
      }
      return verdicts;
    };

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
          const check = JUDGED_BY[kase.expect.kind];
          if (check) results.push({ check, level: levelOf(check), caseId: kase.id, outcome: "not_applicable", findings: [], reason: kase.notApplicable });
          log(`  [${index}/${cases.length}] n/a  ${kase.id}: ${kase.notApplicable}`);
          continue;
        }
        if (kase.auth === "bearer" && !bearer) {
          const tokenExchange = exchanges.find((e) => e.caseId === "token.known_good");
          if (tokenExchange?.error?.kind === "timeout") throw new RunAborted("not_answering", `the target is not answering: the token request got no answer within ${config.timeoutMs} ms`);
          throw Object.assign(new Error("no bearer: the token request did not return an access_token, so the login cases cannot run"), { noBearer: true });
        }
        let ex: Exchange;
        try {
          ex = await transport.send(kase.id, buildRequest(kase, config, spec, target.baseUrl, bearer));
        } catch (err) {
          if (err instanceof RunAborted && err.exchange) {
            exchanges.push(err.exchange);
            judge(kase, err.exchange);
          }
          throw err;
        }
        learnTokens(ex, redactor);
        exchanges.push(ex);
        const failed = judge(kase, ex);
        if (kase.group === "token" && kase.expect.kind === "success" && !bearer) {
          try {
            const token = (JSON.parse(ex.response?.bodyText ?? "") as { access_token?: unknown }).access_token;
            if (typeof token === "string") bearer = token;
          } catch {
            /* judged above */
          }
        }
        const shown = ex.response ? String(ex.response.status) : ex.error?.kind ?? "?";
        log(`  [${index}/${cases.length}] ${failed.length ? "FAIL" : "ok  "} ${kase.id} → ${shown}${failed.length ? ` (${failed.join(", ")})` : ""}${ex.rateLimited.length ? ` after ${ex.rateLimited.length}×429` : ""}`);
      }
    } finally {
      requestsSent = transport.requestsSent;
      rateLimited = transport.rateLimitedCount;
    }
    if (config.target.kind === "mock") {
      results.push({ check: "token_semantics", level: levelOf("token_semantics"), caseId: "token.freshness", outcome: "not_applicable", findings: [], reason: "Prism replays the spec's example tokens, issued at a fixed time: whether exp lies after the response time is judged on live targets only (exp against iat + expires_in is judged)" });
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

  const failed = results.some((r) => r.outcome === "fail" && failsRun(r.level, config.failOn));
  const exitCode: 0 | 1 | 2 = aborted?.reason === "unreachable" ? 2 : failed || aborted ? 1 : 0;
  return {
    target,
    seed: config.seed,
    cases: config.cases,
    strict: config.strict,
    failOn: config.failOn,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    requestsSent,
    rateLimited,
    caseList: cases.map((c) => ({ id: c.id, group: c.group, operation: c.operation, title: redactor.text(c.title), expect: c.expect, ...(c.notApplicable ? { notApplicable: c.notApplicable } : {}) })),
    exchanges: exchanges.map((ex) => redactExchange(ex, redactor, secretProps)),
    results,
    ...(aborted ? { aborted } : {}),
    exitCode,
  };
}
