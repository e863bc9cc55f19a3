// What a check is: its metadata (name, severity and why, source, what it catches, the case kinds it
// judges) next to its function, and what it finds. defineCheck stamps every finding with its check.
import type { Case, CaseKind } from "../case-types.ts";
import type { Exchange } from "../http.ts";
import type { Severity } from "../severity.ts";
import type { OperationSpec, SpecModel } from "../spec.ts";
import type { SuiteConfig } from "../types.ts";
import type { CheckName } from "./names.ts";
import type { Source } from "./support/sources.ts";

export type { Source };

export interface Finding {
  check: string;
  /** inherited from the check when the runner records the finding; a check may lower it (never raise
   * it), and then says why in `severityReason` */
  severity?: Severity;
  /** why this finding has its severity: the check's reason, or the finding's own when the check lowered it */
  severityReason?: string;
  /** the check's source, or a more precise one (e.g. the violated schema node's x-source) */
  source?: Source;
  rule: string;
  /** JSON pointer into the response body (or a header / request location) */
  pointer?: string;
  expected?: string;
  actual?: string;
  message: string;
  /** for generated cases: what was unusual about the input, never the value */
  input?: string;
  /** how serious among its check's findings of the same severity, 0 the most (secret_reflection: the test
   * user's password before a made-up submitted one); reports show the most serious first, before the most frequent */
  rank?: number;
}

/** A finding as a check returns it: the check's name is stamped on it by defineCheck and the runner. */
export type Found = Omit<Finding, "check">;

export interface CheckContext {
  spec: SpecModel;
  config: SuiteConfig;
  kase: Case;
  op: OperationSpec;
  /** configured secrets: passwords, client secret */
  secrets: string[];
  /** the live tokens taken from earlier exchanges (client bearer, customer token) */
  tokens?: string[];
  /** the final exchange of an earlier case of this run */
  earlier(caseId: string): Exchange | undefined;
}

/** What a check declares next to its function (see defineCheck). */
export interface CheckDefinition {
  name: CheckName;
  /** the highest severity its findings have; a finding may be lowered with its own reason */
  severity: Severity;
  /** why: what a finding of this check harms (a correct consumer, a secret), or that it harms no one */
  severityReason: string;
  source: Source;
  /** what a failure of this check means, for the README, --help and reports */
  catches: string;
  /** The case kinds whose verdict this check gives (empty: it judges every answer, owning no case kind).
   * A case of these kinds that is not sent gets a not-applicable result of this check, with the reason;
   * on a live target, the first such case of a run must be judged, or the run is incomplete. */
  judges: readonly CaseKind[];
  /** narrows `judges` to some cases of those kinds (e.g. only credentials cases compared with another) */
  judgesCase?(kase: Case): boolean;
  /** a reason when this kind of target cannot judge the check at all (reported once, not sent) */
  notApplicableTo?(config: SuiteConfig): string | undefined;
  appliesTo(exchange: Exchange, ctx: CheckContext): boolean;
  /** what it found; `notApplicable` when what it compares with did not come back */
  run(exchange: Exchange, ctx: CheckContext): Found[] | { notApplicable: string };
}

export interface Check extends Omit<CheckDefinition, "run" | "name"> {
  name: string;
  /** what it found, each finding stamped with this check's name */
  run(exchange: Exchange, ctx: CheckContext): Found[] | { notApplicable: string };
}

/**
 * A check from its definition: every finding its function returns carries the check's name. A response no
 * check foresaw (JSON nested deeper than the stack) must not end the run, nor pass unjudged: a response
 * the suite cannot read is one a consumer cannot be trusted to read either, so an error is a finding.
 */
export function defineCheck(definition: CheckDefinition): Check {
  const { run } = definition;
  return {
    ...definition,
    run(exchange, ctx) {
      let found: Found[] | { notApplicable: string };
      try {
        found = run(exchange, ctx);
      } catch (err) {
        const why = `${(err as Error)?.name ?? "error"}: ${String((err as Error)?.message ?? err).slice(0, 200)}`;
        found = [
          {
            rule: "a response the check can judge",
            expected: "a response a consumer can process",
            actual: why,
            message: `the check could not judge this response (${why}), so it cannot pass`,
          },
        ];
      }
      return Array.isArray(found) ? found.map((f) => ({ check: definition.name, ...f })) : found;
    },
  };
}

/** Whether a check gives the verdict of a case (see CheckDefinition.judges). */
export function judgesCase(check: Pick<Check, "judges" | "judgesCase">, kase: Case): boolean {
  return check.judges.includes(kase.expect.kind) && (check.judgesCase?.(kase) ?? true);
}
