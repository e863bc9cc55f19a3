// Judges recorded exchanges (from HAR files or the proxy) with the suite's checks and returns the same
// RunResult a live run returns, so exit codes, severities, --fail-on, --check and the report files are
// the live run's. Each exchange is judged by every check that judges a single exchange; checks that need
// controlled input are reported not applicable once, with the reason (applicability.ts); rules across
// exchanges come from cross.ts. Secrets the recording carries are learnt per exchange and kept out of
// every output: reports, findings, log lines and curl commands.
import type { Case } from "../cases.ts";
import { CHECKS, failsRun, SEVERITIES, type Check, type CheckContext, type Finding, type Severity } from "../checks.ts";
import { secretFieldNames, identityFieldNames, type SuiteConfig } from "../config.ts";
import { IDENTITY_BUDGET, type Exchange } from "../http.ts";
import { stringMembers } from "../json-members.ts";
import { createRedactor, REDACTED, shortenToken, type Redactor } from "../redact.ts";
import { curlCommand, type SecretVariable } from "../reproduce.ts";
import type { OperationSpec, SpecModel } from "../spec.ts";
import { redactExchange } from "../exchange-redaction.ts";
import { effectiveSeverities, MAX_ACTUAL_CHARS, settle, type CheckResult, type RunResult } from "../suite.ts";
import { specCoverage } from "../coverage.ts";
import { passiveNotApplicable } from "./applicability.ts";
import { createCrossJudge, CROSS_CHECKS, type CrossCheck } from "./cross.ts";
import type { HarEntry } from "./har.ts";
import { createMatcher } from "./match.ts";
import { createSecretIndex } from "./secret-index.ts";
import { sessionFields } from "../session-fields.ts";

/** What a passive run adds to a RunResult: where the traffic came from, and what of it was judged. */
export interface PassiveSummary {
  mode: "har" | "proxy";
  files: Array<{ file: string; creator: string; version: string; entries: number }>;
  /** every entry or exchange seen */
  entries: number;
  judged: number;
  skipped: Record<"other_host" | "other_path" | "preflight" | "bad_url", number>;
  /** entries that are the spec's operations but could not be judged, counted by reason */
  unjudged: Array<{ reason: string; count: number; first: string }>;
  notes: string[];
  /** exchanges judged but whose evidence was not kept (past MAX_KEPT_EXCHANGES, without findings) */
  evidenceDropped: number;
  /** per operation, the statuses observed (a hook for spec coverage, issue 22 §2) */
  observedStatuses: Record<string, Record<string, number>>;
}

export type PassiveRunResult = RunResult & { passive: PassiveSummary };

/** Evidence (the redacted exchange) kept for at most this many exchanges without findings; exchanges with
 * findings are always kept. Bounds memory and report size for long recordings and proxy sessions. */
export const MAX_KEPT_EXCHANGES = 1000;
/** Identities of the recording that identity_disclosure looks for in every answer (the first ones seen). */
export const MAX_IDENTITIES = 200;

const TOKEN_MEMBERS = new Set(["access_token", "refresh_token", "id_token", "mfa_token"]);
const CREDENTIAL_PARAMS = ["client_secret", "password", "refresh_token", "code", "assertion", "client_assertion"];

export interface PassiveJudgeOptions {
  mode: PassiveSummary["mode"];
  /** only this origin and base path are judged (DINTERO_BASE_URL) */
  base?: URL;
  /** one line per finding, as the exchange is judged */
  onFinding?: (line: string) => void;
}

/** Parses a request body as the operation's media type would: JSON, or a form. */
function parseRequestBody(ex: Exchange): Record<string, unknown> | undefined {
  const body = ex.request.body;
  if (body === undefined || body === "") return undefined;
  const type = (ex.request.headers["content-type"] ?? "").toLowerCase();
  try {
    if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(body));
    const v = JSON.parse(body) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The credentials an exchange's request carries, as secrets to keep out of output and as curl variables. */
function requestSecrets(ex: Exchange, body: Record<string, unknown> | undefined, secretProps: ReadonlySet<string>, loginSecretProps: ReadonlySet<string>) {
  const secrets: string[] = [];
  const variables: SecretVariable[] = [];
  let bearer: string | undefined;
  let clientId: string | undefined;
  for (const [k, v] of Object.entries(body ?? {})) {
    if (typeof v !== "string" || !v) continue;
    if (secretProps.has(k)) secrets.push(v), variables.push({ value: v, name: loginSecretProps.has(k) ? "DINTERO_LOGIN_PASSWORD" : k.toUpperCase() });
    else if (CREDENTIAL_PARAMS.includes(k))
      secrets.push(v), variables.push({ value: v, name: k === "client_secret" ? "DINTERO_CLIENT_SECRET" : "DINTERO_LOGIN_PASSWORD" });
  }
  const auth = ex.request.headers.authorization ?? "";
  const [scheme = "", ...rest] = auth.split(" ");
  const credential = rest.join(" ").trim();
  if (scheme.toLowerCase() === "bearer" && credential) {
    bearer = credential;
    secrets.push(credential);
    variables.push({ value: credential, name: "CLIENT_BEARER" });
  } else if (scheme.toLowerCase() === "basic" && credential) {
    const decoded = Buffer.from(credential, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const secret = colon < 0 ? "" : decoded.slice(colon + 1);
    clientId = colon < 0 ? decoded : decoded.slice(0, colon);
    secrets.push(credential, credential.replace(/=+$/, ""), Buffer.from(decoded).toString("base64url"));
    if (secret) {
      secrets.push(secret, Buffer.from(secret).toString("base64").replace(/=+$/, ""), Buffer.from(secret).toString("base64url"));
      variables.push({ value: secret, name: "DINTERO_CLIENT_SECRET" });
    }
  } else if (credential) secrets.push(credential);
  for (const name of ["proxy-authorization", "x-api-key"]) if (ex.request.headers[name]) secrets.push(ex.request.headers[name]!);
  return { secrets, variables, bearer, clientId };
}

/** Cookie values: a recording carries the session cookies of whatever the browser visited. */
function cookieValues(ex: Exchange): string[] {
  const out: string[] = [];
  for (const pair of (ex.request.headers.cookie ?? "").split(";")) {
    const v = pair.slice(pair.indexOf("=") + 1).trim();
    if (pair.includes("=") && v) out.push(v);
  }
  for (const [k, v] of ex.response?.rawHeaders ?? []) {
    if (k.toLowerCase() !== "set-cookie") continue;
    const first = v.split(";")[0] ?? "";
    const value = first.slice(first.indexOf("=") + 1).trim();
    if (first.includes("=") && value) out.push(value);
  }
  return out;
}

/** The exchange with cookie values replaced (names kept), before the suite's own redaction. */
function withoutCookies(ex: Exchange): Exchange {
  const cookie = (v: string) =>
    v
      .split(";")
      .map((p) => (p.includes("=") ? `${p.slice(0, p.indexOf("=") + 1)}${REDACTED}` : p))
      .join(";");
  const setCookie = (v: string) => {
    const [first = "", ...attrs] = v.split(";");
    return [first.includes("=") ? `${first.slice(0, first.indexOf("=") + 1)}${REDACTED}` : first, ...attrs].join(";");
  };
  const headers = { ...ex.request.headers };
  if (headers.cookie !== undefined) headers.cookie = cookie(headers.cookie);
  const res = ex.response;
  if (!res) return { ...ex, request: { ...ex.request, headers } };
  const rawHeaders = res.rawHeaders.map(([k, v]): [string, string] => [k, k.toLowerCase() === "set-cookie" ? setCookie(v) : v]);
  const resHeaders = { ...res.headers };
  if (resHeaders["set-cookie"] !== undefined)
    resHeaders["set-cookie"] = rawHeaders
      .filter(([k]) => k.toLowerCase() === "set-cookie")
      .map(([, v]) => v)
      .join(", ");
  return { ...ex, request: { ...ex.request, headers }, response: { ...res, headers: resHeaders, rawHeaders } };
}

/** A bearer that carries the scope its token response stated (RFC 6749 §5.1 `scope`), for a check that
 * reads the scope from the bearer: unsigned, never sent, never shown. */
function bearerWithScope(scope: string): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part({ scope })}.`;
}

export function createPassiveJudge(config: SuiteConfig, spec: SpecModel, options: PassiveJudgeOptions) {
  const started = Date.now();
  const match = createMatcher(spec, options.base);
  const loginSecretProps = secretFieldNames(spec.operations.login.requestSchema);
  // Every operation's secret request fields (writeOnly in the spec): the session's refresh token, the token a
  // revoke names, the mfa_token and binding code are kept out of output as the password is, though the
  // recording may never show them issued (a session recorded mid-way).
  const secretProps = new Set(Object.values(spec.operations).flatMap((op) => [...secretFieldNames(op.requestSchema)]));
  const session = sessionFields(spec);
  const identityFields = identityFieldNames(spec);
  // Every secret and token of the traffic, for the redaction of every exchange's evidence (an answer may echo
  // another exchange's secret); each exchange's own are also redacted by the suite's redactor, decoded forms too.
  const everySecret = createSecretIndex();
  const everyToken = createSecretIndex();
  const severities = effectiveSeverities(config.checkOverrides);
  const crossOverrides = new Map(config.checkOverrides.filter((o) => CROSS_CHECKS.some((c) => c.name === o.check)).map((o) => [o.check, o]));
  const isOn = (name: string) => (severities.get(name)?.severity ?? crossOverrides.get(name)?.severity) !== "off";
  const severityOf = (check: Pick<Check, "name" | "severity">): Severity => {
    const s = severities.get(check.name)?.severity ?? crossOverrides.get(check.name)?.severity;
    return s === undefined || s === "off" ? check.severity : s;
  };
  const observeCross = createCrossJudge();
  const results: CheckResult[] = [];
  /** an exchange whose evidence goes into the reports, with what its redaction and curl command need */
  const kept: Array<{ ex: Exchange; kase: Case; secrets: string[]; tokens: string[]; variables: SecretVariable[]; baseUrl: string; clientId?: string }> = [];
  const caseList: RunResult["caseList"] = [];
  /** every judged exchange and its case, for spec coverage from the traffic (coverage.ts, as a live run) */
  const covered: Exchange[] = [];
  const caseById = new Map<string, Case>();
  const summary: PassiveSummary = {
    mode: options.mode,
    files: [],
    entries: 0,
    judged: 0,
    skipped: { other_host: 0, other_path: 0, preflight: 0, bad_url: 0 },
    unjudged: [],
    notes: [],
    evidenceDropped: 0,
    observedStatuses: {},
  };
  /** the scope each token was issued with, when its token response stated one */
  const scopeOfIssued = new Map<string, { scope: string; label: string }>();
  /** identities the recording's logins named: identity_disclosure looks for them in other answers */
  const identities: SuiteConfig["identities"] = [];
  const identityKeys = new Set<string>();
  let keptWithoutFindings = 0;

  // Checks that need controlled input: one not-applicable result each, with the reason.
  for (const check of CHECKS) {
    const why = passiveNotApplicable(check);
    if (why && isOn(check.name))
      results.push({ check: check.name, severity: severityOf(check), caseId: "(recorded traffic)", outcome: "not_applicable", findings: [], reason: why });
  }

  /** Text as reports may show it: the exchange's own secrets (the suite's redactor), then every other's. */
  const everywhere = (text: string) =>
    everyToken.replaceIn(
      everySecret.replaceIn(text, () => REDACTED),
      shortenToken,
    );
  const redactorFor = (secrets: string[], tokens: string[]): Redactor => {
    const r = createRedactor(secrets);
    for (const t of tokens) r.addSecret(t, "token");
    return r;
  };
  const finish = (f: Finding, r: Redactor): Finding => ({
    ...f,
    ...(f.actual !== undefined ? { actual: clip(everywhere(r.text(f.actual))) } : {}),
    message: everywhere(r.text(f.message)),
  });
  const clip = (t: string) => (t.length > MAX_ACTUAL_CHARS ? `${t.slice(0, MAX_ACTUAL_CHARS)}… (cut)` : t);

  function record(
    check: { name: string },
    severity: Severity,
    kase: Case,
    ex: Exchange,
    findings: Finding[],
  ): Array<{ check: string; severity: Severity; finding: Finding }> {
    if (!findings.length) {
      results.push({ check: check.name, severity, caseId: kase.id, outcome: "pass", findings, exchangeId: ex.id });
      return [];
    }
    const out: Array<{ check: string; severity: Severity; finding: Finding }> = [];
    for (const sev of SEVERITIES) {
      const at = findings.filter((f) => f.severity === sev);
      if (at.length) results.push({ check: check.name, severity: sev, caseId: kase.id, outcome: "fail", findings: at, exchangeId: ex.id });
      for (const f of at) out.push({ check: check.name, severity: sev, finding: f });
    }
    return out;
  }

  /** Counts an entry that is not the spec's, or that cannot be judged, with its reason. */
  function unjudged(label: string, reason: string) {
    summary.entries++;
    const known = summary.unjudged.find((u) => u.reason === reason);
    if (known) known.count++;
    else summary.unjudged.push({ reason, count: 1, first: label });
  }

  /** Judges one exchange; returns how many findings fail the run. */
  function judge(ex: Exchange, label: string): number {
    summary.entries++;
    const m = match(ex.request.method, ex.request.url);
    if ("skip" in m) {
      summary.skipped[m.skip]++;
      return 0;
    }
    summary.judged++;
    const op: OperationSpec = m.op;
    const body = parseRequestBody(ex);
    const { secrets, variables, bearer, clientId } = requestSecrets(ex, body, secretProps, loginSecretProps);
    const cookies = cookieValues(ex);
    const issuedHere = stringMembers(ex.response?.bodyText ?? "", TOKEN_MEMBERS).filter(Boolean);
    const ownSecrets = [...secrets, ...cookies].filter(Boolean);
    const local = redactorFor(ownSecrets, issuedHere);
    // Tokens issued earlier that this answer carries (found in time linear in the answer, not in the
    // number of tokens): secret_reflection judges them as a live run judges its bearers.
    const answer = ex.response ? [ex.response.bodyText, ...Object.values(ex.response.headers)].join("\n") : "";
    const earlierTokens = everyToken.findIn(answer);
    const kase: Case = {
      id: label,
      group: "known_good",
      operation: op.key,
      title: `recorded ${ex.request.method} ${new URL(ex.request.url).pathname}`,
      auth: "none",
      ...(m.documentedMethod ? {} : { method: ex.request.method }),
      ...(body ? { body } : {}),
      expect: m.documentedMethod
        ? { kind: "well_formed" }
        : { kind: "method_rejection", rule: "a method the path does not document is refused (RFC 9110 §15.5.6)" },
    };
    caseList.push({ id: kase.id, group: kase.group, operation: kase.operation, title: kase.title, expect: kase.expect });
    caseById.set(kase.id, kase);
    covered.push({ ...ex, caseId: kase.id });
    const statuses = summary.observedStatuses[op.operationId] ?? {};
    summary.observedStatuses[op.operationId] = statuses;
    const statusKey = String(ex.response?.status ?? "none");
    statuses[statusKey] = (statuses[statusKey] ?? 0) + 1;

    // The recording's identities: the login body's identity fields.
    if (op.key === "login" && body) {
      const fields: Record<string, string> = {};
      for (const f of identityFields) if (typeof body[f] === "string") fields[f] = body[f] as string;
      const key = JSON.stringify(fields);
      if (Object.keys(fields).length && identities.length < MAX_IDENTITIES && !identityKeys.has(key)) {
        identityKeys.add(key);
        identities.push({ fields, password: "", label: "email" });
      }
    }
    const ctx: CheckContext = {
      spec,
      config: { ...config, identities },
      kase,
      op,
      secrets,
      tokens: [...(bearer ? [bearer] : []), ...earlierTokens],
      earlier: () => undefined,
    };
    const found: Array<{ check: string; severity: Severity; finding: Finding }> = [];
    for (const check of CHECKS) {
      const { severity: set, override } = severities.get(check.name)!;
      if (set === "off" || passiveNotApplicable(check) || !check.appliesTo(ex, ctx)) continue;
      // (a check that throws on a response reports it as a finding: defineCheck)
      let verdict = check.run(ex, ctx);
      // A refresh token answered to an opaque bearer: its scope is known if the recording holds its issuance.
      if (!Array.isArray(verdict) && check.name === "refresh_token_without_scope" && bearer && scopeOfIssued.has(bearer)) {
        const issued = scopeOfIssued.get(bearer)!;
        const view: Exchange = {
          ...ex,
          request: { ...ex.request, headers: { ...ex.request.headers, authorization: `Bearer ${bearerWithScope(issued.scope)}` } },
        };
        const again = check.run(view, ctx);
        verdict = Array.isArray(again)
          ? again.map((f) => ({ ...f, message: `${f.message} (its scope as the token response of ${issued.label} stated it)` }))
          : verdict;
      }
      if (!Array.isArray(verdict)) {
        results.push({
          check: check.name,
          severity: severityOf(check),
          caseId: kase.id,
          outcome: "not_applicable",
          findings: [],
          exchangeId: ex.id,
          reason: verdict.notApplicable,
        });
        continue;
      }
      found.push(
        ...record(
          check,
          severityOf(check),
          kase,
          ex,
          verdict.map((f) => finish(settle(f, check, override), local)),
        ),
      );
    }
    // Across exchanges: the credentials of a login body (identity and password), and the bearer.
    const password = body ? [...loginSecretProps].map((p) => body[p]).find((v) => typeof v === "string") : undefined;
    const credentials =
      op.key === "login" && body && typeof password === "string" ? JSON.stringify([identityFields.map((f) => body[f] ?? null), password]) : undefined;
    // The session: the refresh token a revoke names, and the one a refresh grant uses (session-fields.ts).
    const revokes = op.key === "revoke" && typeof body?.[session.revokeField] === "string" ? (body[session.revokeField] as string) : undefined;
    const refreshes =
      op.key === "token" && session.refreshGrants.includes(String(body?.[session.discriminator])) && typeof body?.[session.refreshField] === "string"
        ? (body[session.refreshField] as string)
        : undefined;
    const crossInput = {
      ex,
      op,
      label,
      ...(credentials ? { credentials } : {}),
      ...(bearer ? { bearer } : {}),
      ...(revokes ? { revokes } : {}),
      ...(refreshes ? { refreshes } : {}),
    };
    for (const { check, finding } of observeCross(crossInput)) {
      if (!isOn(check.name)) continue;
      const asCheck: Check = { ...(check as CrossCheck), judges: [], appliesTo: () => true, run: () => [] };
      found.push(...record(check, severityOf(check), kase, ex, [finish(settle(finding, asCheck, crossOverrides.get(check.name)), local)]));
    }
    // What later exchanges compare with: tokens issued here, and the scope a token response stated.
    for (const t of issuedHere) everyToken.add(t);
    if (bearer) everyToken.add(bearer);
    for (const s of ownSecrets) if (s !== bearer) everySecret.add(s);
    if (ex.response && ex.response.status >= 200 && ex.response.status < 300) {
      try {
        const parsed = JSON.parse(ex.response.bodyText) as { access_token?: unknown; scope?: unknown };
        if (typeof parsed.access_token === "string" && typeof parsed.scope === "string") scopeOfIssued.set(parsed.access_token, { scope: parsed.scope, label });
      } catch {
        // not JSON: nothing issued to remember
      }
    }
    if (found.length || keptWithoutFindings < MAX_KEPT_EXCHANGES) {
      if (!found.length) keptWithoutFindings++;
      kept.push({
        ex,
        kase,
        secrets: ownSecrets,
        tokens: [...issuedHere, ...(bearer ? [bearer] : []), ...earlierTokens],
        variables,
        baseUrl: m.baseUrl,
        ...(clientId !== undefined ? { clientId } : {}),
      });
    } else summary.evidenceDropped++;
    const failing = found.filter((f) => failsRun(f.severity, config.failOn));
    for (const f of found) {
      const status = ex.response ? String(ex.response.status) : "no answer";
      options.onFinding?.(
        `${failsRun(f.severity, config.failOn) ? "FAIL" : f.severity.toUpperCase()} ${f.check} [${f.severity}] ${label} ${ex.request.method} ${new URL(ex.request.url).pathname} → ${status}: ${f.finding.message}`,
      );
    }
    return failing.length;
  }

  /** A redacted exchange with every other exchange's secrets and tokens replaced too; a body changed by
   * that does not show its Content-Length, which would tell the replaced value's length. */
  function everywhereIn(ex: Exchange): Exchange {
    const headers = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, everywhere(v)]));
    const req = {
      ...ex.request,
      url: everywhere(ex.request.url),
      headers: headers(ex.request.headers),
      ...(ex.request.body !== undefined ? { body: everywhere(ex.request.body) } : {}),
    };
    const res = ex.response;
    if (!res) return { ...ex, request: req };
    const bytes = Buffer.from(res.bodyBytes);
    const utf8 = bytes.equals(Buffer.from(res.bodyText, "utf8"));
    const bodyText = everywhere(res.bodyText);
    const bodyBytes = utf8 ? Buffer.from(bodyText, "utf8") : Buffer.from(everywhere(bytes.toString("latin1")), "latin1");
    const altered = !bodyBytes.equals(bytes);
    const value = (k: string, v: string) =>
      altered && k.toLowerCase() === "content-length" ? `${REDACTED} (the body held a secret or a token)` : everywhere(v);
    return {
      ...ex,
      request: req,
      response: {
        ...res,
        bodyText,
        bodyBytes: new Uint8Array(bodyBytes),
        headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, value(k, v)])),
        rawHeaders: res.rawHeaders.map(([k, v]): [string, string] => [k, value(k, v)]),
      },
    };
  }

  function result(aborted?: RunResult["aborted"]): PassiveRunResult {
    const failed = results.some((r) => r.outcome === "fail" && failsRun(r.severity, config.failOn));
    // Spec coverage of the traffic, with the same --min-coverage gate as a live run.
    const coverage = specCoverage(spec, covered, caseById);
    const coverageMet = coverage.percent.total >= config.minCoverage;
    const exitCode: 0 | 1 | 2 = aborted?.reason === "unreachable" ? 2 : failed || aborted || !coverageMet ? 1 : 0;
    return {
      target: config.target,
      seed: config.seed,
      cases: 0,
      strict: config.strict,
      failOn: config.failOn,
      checkOverrides: config.checkOverrides,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      requestsSent: 0,
      rateLimited: 0,
      identityRequests: {},
      identityBudget: IDENTITY_BUDGET,
      caseList,
      // Redacted at the end, when every secret and token of the recording is known.
      exchanges: kept.map((k) => {
        const local = redactorFor(k.secrets, k.tokens);
        // The curl command holds no secret by construction (reproduce.ts); the redaction is the safety net.
        const request = { ...k.ex.request, headers: Object.fromEntries(Object.entries(k.ex.request.headers).filter(([name]) => name !== "cookie")) };
        const curl = curlCommand(request, k.variables, { baseUrl: k.baseUrl, secretProps, ...(k.clientId !== undefined ? { clientId: k.clientId } : {}) });
        return {
          ...everywhereIn(
            redactExchange(withoutCookies({ ...k.ex, request: { ...k.ex.request, url: local.known(k.ex.request.url) } }), local, secretProps, k.secrets),
          ),
          caseId: k.kase.id,
          curl: everywhere(local.known(curl)),
        };
      }),
      results,
      ...(aborted ? { aborted } : {}),
      exitCode,
      coverage,
      minCoverage: { min: config.minCoverage, met: coverageMet },
      passive: summary,
    };
  }

  /** An entry that could not be made an exchange: skipped when it is not the spec's, else counted unjudged. */
  function classifyRequest(method: unknown, url: unknown, label: string, reason: string) {
    const m = typeof method === "string" && typeof url === "string" ? match(method, url) : undefined;
    if (m && "skip" in m) {
      summary.entries++;
      summary.skipped[m.skip]++;
    } else unjudged(label, reason);
  }
  const classify = (entry: HarEntry, label: string, reason: string) => classifyRequest(entry?.request?.method, entry?.request?.url, label, reason);

  return { judge, classify, classifyRequest, summary, result };
}
