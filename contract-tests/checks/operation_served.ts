// operation_served: every operation the spec documents is served, and every grant of a discriminated request.
// Judged across the run (a single 404 says little; every answer of an operation being 404 says it is not
// there): the runner calls judgeOperationsServed once the cases have been sent.
import type { Case } from "../case-types.ts";
import type { Exchange } from "../http.ts";
import type { Severity } from "../severity.ts";
import type { OperationSpec, SpecModel } from "../spec.ts";
import { defineCheck, judgesCase, type Check, type Finding, type Found } from "./check.ts";
import type { CheckName } from "./names.ts";
import { parseBody } from "./support/body.ts";
import { isRefusal } from "./support/exchange.ts";
import { DINTERO_REVOKE_DOCS } from "./support/sources.ts";
import { specRule } from "./support/spec-rule.ts";

/** An operation is not there: no route (404), or its route refuses the documented method (405, 501; RFC 9110
 * §15.5.6, §15.6.2). Only requests with the operation's documented method are counted. */
export const NOT_SERVED_STATUSES: readonly number[] = [404, 405, 501];
/** The OAuth refusal of a grant the server does not serve (RFC 6749 §5.2). */
export const UNSUPPORTED_GRANT = "unsupported_grant_type";

/**
 * The checks that hold an answer against what the spec documents for its operation (its status, media type,
 * body schema and headers). For an operation that is not served there is no documented answer to hold the
 * 404 against: the single verdict "not served" replaces theirs on its cases. Checks that judge what an answer
 * carries (an echoed secret, a token on a refusal, a disclosed identity, its encoding) still judge it.
 */
const HELD_TO_DOCUMENTED_ANSWER: readonly CheckName[] = [
  "status_code_conformance",
  "content_type_conformance",
  "response_schema_conformance",
  "response_headers",
];

export const operationServed = defineCheck({
  name: "operation_served",
  severity: "contract",
  severityReason:
    "Dintero documents the operation (or the grant): a server that does not serve it at all breaks every consumer " +
    "that calls it, such as one that revokes the refresh token on logout or continues a login with MFA",
  source: {
    ref:
      "the spec's operations and the token request's grants, each documented by the Dintero pages of its x-source, " +
      `which its finding names (e.g. revoke: ${DINTERO_REVOKE_DOCS}); unsupported_grant_type: RFC 6749 §5.2`,
    url: DINTERO_REVOKE_DOCS,
  },
  catches:
    "an operation every request of which (with its documented method) was answered 404, 405 or 501 in a run in " +
    "which the target served another request (2xx), and at least one of them a status the operation does not document " +
    "or a request it must serve; or a grant of the token request every request of which was refused with " +
    "unsupported_grant_type (RFC 6749 §5.2), under each name the spec documents for it",
  judges: [],
  // judged across the run, not per exchange (judgeOperationsServed)
  appliesTo: () => false,
  run: () => [],
});

/** A result of the run, as the runner records it (suite.ts's CheckResult). */
interface Result {
  check: string;
  severity: Severity;
  caseId: string;
  outcome: "pass" | "fail" | "not_applicable";
  findings: Finding[];
  exchangeId?: number;
  reason?: string;
}

export interface ServedRun {
  spec: SpecModel;
  cases: readonly Case[];
  exchanges: readonly Exchange[];
  /** the run's results: this verdict's are added, and the verdicts it replaces turned not applicable */
  results: Result[];
  checks: readonly Check[];
  /** this check's severity in the run (the user's --check, or its own) */
  severity: Severity;
  /** each check's severity in the run */
  severityOf(check: string): Severity;
  /** a finding as the run records it: severity settled (lowered, or set by --check), source, secrets redacted */
  settle(found: Found): Finding & { severity: Severity };
}

/** The error code of an OAuth refusal: RFC 6749's `error` string, or Dintero's `error.code`. */
function errorCode(ex: Exchange): string | undefined {
  const parsed = parseBody(ex);
  if (!parsed?.ok) return undefined;
  const error = (parsed.value as { error?: unknown } | null)?.error;
  if (typeof error === "string") return error;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/** What is judged: an operation, or one grant (a discriminator branch) of its request. */
interface Subject {
  op: OperationSpec;
  cases: Case[];
  what: string;
  rule: string;
  pointer: string;
  /** the names the spec documents for a grant; all must have been sent before it is judged not served */
  values?: readonly string[];
  notServed(ex: Exchange): boolean;
  /** whether an answer that says "not served" is evidence of it: never on a request the operation must refuse
   * (a customer's token as the bearer: a server may hide a forbidden route as 404), nor when the operation
   * documents that status for something else (the MFA challenge's 404 "Resource was not found" to a made-up
   * mfa_token), unless the request is one the operation must serve */
  evidence(kase: Case, ex: Exchange): boolean;
}

/**
 * The verdict "operation not served", after the run: for every operation of the model the run sent cases to,
 * and every grant of a discriminated request body, whether the target serves it. One finding per operation or
 * grant that it does not serve; the verdicts of its cases that hold the answer to what the spec documents, and
 * of the cases that build on one of them (a value it yields, a step it presumes), are not applicable with that
 * reason, instead of passing or failing one by one.
 */
export function judgeOperationsServed(run: ServedRun): void {
  const { spec, cases, exchanges, results } = run;
  // A target that answered nothing (unreachable, not speaking TLS) had nothing judged, this verdict included.
  if (!exchanges.some((ex) => ex.response)) return;
  const lastOf = new Map<string, Exchange>();
  for (const ex of exchanges) lastOf.set(ex.caseId, ex);
  /** an answer to the question: not a missing response, not a 429 ("not now") */
  const answerOf = (kase: Case) => {
    const ex = lastOf.get(kase.id);
    return ex?.response && ex.response.status !== 429 ? ex : undefined;
  };
  // A 404 to everything may be a wrong DINTERO_BASE_URL: only a target that served something is judged.
  const servedSomething = exchanges.some((ex) => ex.response && ex.response.status >= 200 && ex.response.status < 300);
  const subjects: Subject[] = [];
  for (const op of Object.values(spec.operations)) {
    const own = cases.filter((c) => c.operation === op.key && (c.method ?? op.method) === op.method && c.expect.kind !== "method_rejection");
    const at = `${op.operationId} (${op.method} ${op.pathTemplate})`;
    subjects.push({
      op,
      cases: own,
      what: `operation ${at}`,
      rule: `the operation ${at} is served`,
      pointer: op.pointer.replace(/^#/, ""),
      notServed: (ex) => NOT_SERVED_STATUSES.includes(ex.response!.status),
      evidence: (kase, ex) => kase.expect.kind === "success" || (!refusalCase(kase) && !op.responses.has(ex.response!.status)),
    });
    const discriminator = op.model.request?.content[0]?.discriminator;
    for (const variant of discriminator?.variants ?? []) {
      const of = own.filter((c) => variant.values.includes(String((c.body as Record<string, unknown> | undefined)?.[discriminator!.propertyName])));
      subjects.push({
        op,
        cases: of,
        what: `the ${variant.values.join(" / ")} grant of ${at}`,
        rule: `the ${discriminator!.propertyName} ${variant.values.join(" / ")} of ${at} is served`,
        pointer: variant.pointer,
        values: variant.values,
        notServed: (ex) => isRefusal(ex.response!.status) && errorCode(ex) === UNSUPPORTED_GRANT,
        evidence: (kase) => !refusalCase(kase),
      });
    }
  }
  const dependsOn = new Map<string, string[]>();
  /** operations not served at all: their grants are not judged apart */
  const opNotServed = new Set<OperationSpec>();
  for (const subject of subjects) {
    if (subject.values && opNotServed.has(subject.op)) continue;
    const answered = subject.cases.flatMap((c) => {
      const ex = answerOf(c);
      return ex ? [{ kase: c, ex }] : [];
    });
    if (!answered.length) {
      // Nothing of it was answered: why its first case was not sent (a mock, a missing MFA user, no refresh token).
      const first = subject.cases[0];
      if (!first) continue;
      const why = results.find((r) => r.caseId === first.id && r.outcome === "not_applicable")?.reason ?? first.notApplicable;
      results.push({
        check: "operation_served",
        severity: run.severity,
        caseId: first.id,
        outcome: "not_applicable",
        findings: [],
        reason: `${subject.what} got no answer in this run${why ? ` (${first.id}: ${why})` : ""}`,
      });
      continue;
    }
    const first = answered.find((a) => a.kase.expect.kind === "success") ?? answered[0]!;
    const pass = () =>
      results.push({ check: "operation_served", severity: run.severity, caseId: first.kase.id, outcome: "pass", findings: [], exchangeId: first.ex.id });
    if (!answered.every((a) => subject.notServed(a.ex))) {
      pass();
      continue;
    }
    const statuses = [...new Set(answered.map((a) => a.ex.response!.status))].join(", ");
    // A request answered 429 (not waited out) did not say whether the operation is there.
    const limited = subject.cases.filter((c) => lastOf.get(c.id)?.response?.status === 429).map((c) => c.id);
    const verdictNotApplicable = (reason: string) =>
      results.push({
        check: "operation_served",
        severity: run.severity,
        caseId: first.kase.id,
        outcome: "not_applicable",
        findings: [],
        exchangeId: first.ex.id,
        reason,
      });
    const undecided = (reason: string) => verdictNotApplicable(`every request of ${subject.what} was answered ${statuses}, but ${reason}`);
    if (!servedSomething) {
      undecided("no request of this run was answered 2xx: a target that answers everything so may be a wrong DINTERO_BASE_URL");
      continue;
    }
    if (limited.length) {
      undecided(
        `${limited.join(", ")} ${limited.length === 1 ? "was" : "were"} answered 429 (rate limited, not waited out): whether it is served is not known`,
      );
      continue;
    }
    if (!answered.some((a) => subject.evidence(a.kase, a.ex))) {
      const must = subject.cases.find((c) => c.expect.kind === "success");
      undecided(
        `no request it must serve was answered so (${answered.map((a) => a.kase.id).join(", ")} may be refused so: a refusal, or an answer ` +
          `the operation documents)${must ? `; it is judged when ${must.id} is sent${must.notApplicable ? ` (not sent: ${must.notApplicable})` : ""}` : ""}`,
      );
      continue;
    }
    const grantName = discriminatorOf(subject.op);
    const sent = new Set(subject.cases.filter((c) => lastOf.has(c.id)).map((c) => String((c.body as Record<string, unknown> | undefined)?.[grantName])));
    const unsent = subject.values?.filter((v) => !sent.has(v)) ?? [];
    if (unsent.length) {
      verdictNotApplicable(
        `every request of ${subject.what} was refused with ${UNSUPPORTED_GRANT}, but the run sent only ${[...sent].join(", ")} of the names the ` +
          `spec documents for it (${subject.values!.join(", ")}): the server may serve it under another`,
      );
      continue;
    }
    const how = subject.values ? `${statuses} ${UNSUPPORTED_GRANT}` : statuses;
    const documented = [...subject.op.responses.keys()].join(", ");
    const finding = run.settle({
      ...specRule(spec.doc, subject.pointer),
      rule: subject.rule,
      expected: subject.values ? `the grant served (RFC 6749 §5.2: ${UNSUPPORTED_GRANT} says it is not)` : `a documented status (${documented})`,
      actual: `${answered.length} of ${answered.length} ${answered.length === 1 ? "answer" : "answers"} ${how}`,
      message:
        `not served: ${subject.what} answered every request of this run ${how} (${answered.map((a) => a.kase.id).join(", ")}); ` +
        "a consumer that calls it breaks",
    });
    results.push({
      check: "operation_served",
      severity: finding.severity,
      caseId: first.kase.id,
      outcome: "fail",
      findings: [finding],
      exchangeId: first.ex.id,
    });
    if (!subject.values) opNotServed.add(subject.op);
    const reason = `${subject.what} is not served (operation_served: every request answered ${how})`;
    notApplicable(
      run,
      answered.map((a) => a.kase),
      () => `${reason}, so this case cannot be judged on its own`,
      (check, kase) => judgesCase(check, kase) || HELD_TO_DOCUMENTED_ANSWER.includes(check.name as CheckName),
    );
    // What builds on its answered cases: a value one yields, or a step one is presumed to have taken (in run
    // order, so that what builds on a dependent depends too).
    const from = new Set(answered.map((a) => a.kase.id));
    const yielded = new Set(answered.flatMap((a) => yieldsOf(a.kase)));
    const dependents: Case[] = [];
    for (const kase of cases) {
      if (from.has(kase.id)) continue;
      const sameAnswerAs = "sameAnswerAs" in kase.expect ? kase.expect.sameAnswerAs : undefined;
      const on = [
        ...(kase.presumes ?? []).filter((id) => from.has(id)),
        ...(kase.needs ?? []).filter((n) => yielded.has(n)),
        ...(sameAnswerAs !== undefined && from.has(sameAnswerAs) ? [sameAnswerAs] : []),
      ];
      if (!on.length) continue;
      dependents.push(kase);
      dependsOn.set(kase.id, on);
      from.add(kase.id);
      for (const name of yieldsOf(kase)) yielded.add(name);
    }
    notApplicable(run, dependents, (kase) => `${reason}, and this case builds on ${dependsOn.get(kase.id)!.join(", ")}`, judgesCase);
  }
}

/** The property that names a request's variant (the token request's grant_type), from the model. */
/** A case whose expected answer is a refusal (the customer's token as the bearer, a revoked token): a 404 or
 * an unsupported_grant_type to it may be how a server refuses, so it alone never shows an operation missing. */
const refusalCase = (kase: Case) => kase.expect.kind.endsWith("rejection");

const discriminatorOf = (op: OperationSpec): string => op.model.request?.content[0]?.discriminator?.propertyName ?? "";

/** The values a case yields to later cases: its captures, and the binding code read after it. */
const yieldsOf = (kase: Case): string[] => [...Object.keys(kase.captures ?? {}), ...(kase.readsBindingCode ? [`bindingCode.${kase.readsBindingCode}`] : [])];

/** The results of `which` checks on these cases become one not-applicable result each, with the reason; the
 * cases are marked not applicable too (a run is not incomplete for a case it could not judge by nature). */
function notApplicable(run: ServedRun, cases: readonly Case[], reason: (kase: Case) => string, which: (check: Check, kase: Case) => boolean): void {
  for (const kase of cases) {
    const why = reason(kase);
    kase.notApplicable = why;
    const replaced = new Set<string>();
    const kept: Result[] = [];
    for (const r of run.results) {
      const check = run.checks.find((c) => c.name === r.check);
      if (r.caseId !== kase.id || !check || check.name === "operation_served" || !which(check, kase)) kept.push(r);
      else if (!replaced.has(r.check)) {
        replaced.add(r.check);
        kept.push({
          check: r.check,
          severity: run.severityOf(r.check),
          caseId: r.caseId,
          outcome: "not_applicable",
          findings: [],
          ...(r.exchangeId !== undefined ? { exchangeId: r.exchangeId } : {}),
          reason: why,
        });
      }
    }
    run.results.splice(0, run.results.length, ...kept);
  }
}
