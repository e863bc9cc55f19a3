// content_type_conformance: a documented media type, and a body that parses as it.
import { mediaTypeOf } from "../spec.ts";
import { defineCheck } from "./check.ts";
import { parseBody } from "./support/body.ts";
import { answered, documentedMethod } from "./support/exchange.ts";
import { UNDOCUMENTED_REFUSAL, undocumentedRefusal } from "./support/refusal.ts";
import { dintero, DINTERO_LOGIN_DOCS } from "./support/sources.ts";

export const contentTypeConformance = defineCheck({
  name: "content_type_conformance",
  severity: "contract",
  severityReason:
    "a consumer parses the media type Dintero documents: another one, or a body that does not parse as " +
    "it, breaks its parse; advisory on an undocumented refusal, whose media type and body Dintero does " +
    "not document",
  source: dintero(DINTERO_LOGIN_DOCS, "application/json responses"),
  catches: "an undocumented media type (parameters such as charset are fine), or a body that does not parse as its media type",
  judges: [],
  appliesTo: (ex, ctx) => answered(ex) && documentedMethod(ctx),
  run(ex, ctx) {
    const res = ex.response!;
    const documented = ctx.op.responses.get(res.status);
    const allowed = documented ? [...documented.content.keys()] : [...new Set([...ctx.op.responses.values()].flatMap((r) => [...r.content.keys()]))];
    if (allowed.length === 0) return [];
    const header = res.headers["content-type"];
    const type = mediaTypeOf(header);
    // A status Dintero does not document has no documented media type or body: on an undocumented refusal
    // (advisory in status_code_conformance) everything about the body is advisory too (an HTML 404 from a
    // router, an empty 404, a problem+json 415 are common); elsewhere it keeps the check's severity.
    const lowered = undocumentedRefusal(res.status, ctx);
    const advisory = lowered
      ? {
          severity: "advisory" as const,
          severityReason: `${res.status} is not documented for this operation, so neither is its body`,
          source: { ...UNDOCUMENTED_REFUSAL, ref: `${UNDOCUMENTED_REFUSAL.ref}; Dintero documents no media type for status ${res.status}` },
        }
      : {};
    const why = lowered ? `; ${res.status} is not documented for this operation, so neither is its body (advisory)` : "";
    const base = { pointer: "content-type (header)", expected: allowed.join(", "), ...advisory };
    if (!type || !allowed.includes(type)) {
      return [
        {
          ...base,
          rule: "documented response media type",
          actual: header ?? "(none)",
          message: `media type ${header ?? "(none)"} is not documented for ${res.status} (documented: ${allowed.join(", ")})${why}`,
        },
      ];
    }
    const parsed = parseBody(ex);
    if (parsed && !parsed.ok) {
      return [
        {
          ...base,
          rule: `body parses as ${type}`,
          pointer: "",
          actual: res.bodyText.slice(0, 120),
          message: `the ${type} body does not parse: ${parsed.error}${why}`,
        },
      ];
    }
    return [];
  },
});
