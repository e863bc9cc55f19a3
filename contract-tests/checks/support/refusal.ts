// Refusals: an undocumented 4xx to a request that may be refused, and the factory of checks that a case kind is refused.
import { readRefusal, type Refusal } from "../../../src/refusal.ts";
import type { CaseKind } from "../../case-types.ts";
import type { Exchange } from "../../http.ts";
import type { CheckContext, CheckDefinition } from "../check.ts";
import { expectsRefusal, isRefusal, judgeable } from "./exchange.ts";
import { parseBody } from "./body.ts";
import type { Source } from "./sources.ts";

/** Whose credentials a refusal says failed, read as this project's client reads it (src/refusal.ts): the
 * RFC 6750 Bearer challenge's error, else the body's error.code. `bearer`: invalid_token (evidence
 * `rejected`) or insufficient_scope; `customer`: invalid_grant, mfa_required; `unknown`: it says neither. */
export function readRefusalOf(ex: Exchange): Refusal {
  const headers = new Headers();
  const challenge = ex.response?.headers["www-authenticate"];
  try {
    if (challenge !== undefined) headers.set("www-authenticate", challenge);
  } catch {
    // a value Headers refuses (bytes outside Latin-1) is no challenge a Fetch client can read either
  }
  const parsed = parseBody(ex);
  const code = parsed?.ok ? (parsed.value as { error?: { code?: unknown } } | null)?.error?.code : undefined;
  return readRefusal(headers, typeof code === "string" ? code : undefined);
}

export const UNDOCUMENTED_REFUSAL: Source = {
  ref:
    "OpenAPI 3.1 §4.8.16 (the Responses Object need not cover every possible status); an undocumented " +
    "4xx to a request that must be refused is this project's advisory finding",
  url: "https://spec.openapis.org/oas/v3.1.0#responses-object",
};

/** Why a finding about an undocumented refusal is advisory (see undocumentedRefusal). */
export const UNDOCUMENTED_REFUSAL_REASON =
  "a refusal all the same: a consumer that switches on the documented statuses still treats it as a " +
  "refusal, and OpenAPI's responses need not list every status";

/**
 * Whether a status is an undocumented refusal: a 4xx (not 429) the operation does not document, to a
 * request the server may refuse. OpenAPI: the responses need not cover every possible status, and
 * Dintero does not say its list is complete. So a request the server must refuse may be refused with an
 * undocumented 4xx (415 for a wrong Content-Type, 404 for an account it cannot see): advisory. An
 * undocumented 2xx, 3xx or 5xx, and any undocumented status on a request that must succeed, are contract.
 */
export function undocumentedRefusal(status: number, ctx: CheckContext): boolean {
  if (ctx.op.responses.has(status)) return false;
  // A generated body (valid, or with unusual identity values) logs in a made-up identity: refusing it is
  // right, with whatever 4xx the server gives an unknown user (which status is this project's curation,
  // not Dintero's: openapi/SOURCES.md).
  const mayBeRefused = expectsRefusal(ctx.kase) || ctx.kase.expect.kind === "valid_input" || ctx.kase.expect.kind === "well_formed";
  return mayBeRefused && isRefusal(status);
}

/** Every 4xx but 429 (a 429 is not an answer to the question): a refusal, documented or not. */
export const any4xx = (): number[] => Array.from({ length: 100 }, (_, i) => 400 + i).filter((s) => s !== 429);

/** The function of a check that a case of one expectation kind (the kind it judges) is refused with one of `allowed(ctx)`. */
export function refusal(kind: CaseKind, allowed: (ctx: CheckContext) => number[], what: string): Pick<CheckDefinition, "judges" | "appliesTo" | "run"> {
  return {
    judges: [kind],
    appliesTo: (ex, ctx) => judgeable(ex) && ctx.kase.expect.kind === kind,
    run(ex, ctx) {
      const status = ex.response!.status;
      const ok = allowed(ctx);
      if (ok.includes(status)) return [];
      const expected = ok.length > 10 ? "a 4xx" : ok.join(" or ");
      const rule = (ctx.kase.expect as { rule: string }).rule;
      return [
        {
          rule,
          expected,
          actual: String(status),
          message: `${ctx.kase.title}: answered ${status}${status >= 200 && status < 300 ? ` (${what})` : ""}, expected ${expected}`,
        },
      ];
    },
  };
}
