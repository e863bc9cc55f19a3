// status_code_conformance: a status the operation documents.
import { defineCheck, type Found } from "./check.ts";
import { answered, documentedMethod } from "./support/exchange.ts";
import { UNDOCUMENTED_REFUSAL, UNDOCUMENTED_REFUSAL_REASON, undocumentedRefusal } from "./support/refusal.ts";
import { dintero, DINTERO_LOGIN_DOCS } from "./support/sources.ts";

export const statusCodeConformance = defineCheck({
  name: "status_code_conformance",
  severity: "contract",
  severityReason:
    "a consumer switches on the statuses Dintero documents: an undocumented 2xx, 3xx or 5xx, or any " +
    "undocumented status to a request that must succeed, falls through its handling; advisory: an " +
    "undocumented 4xx to a request that must be refused",
  source: dintero(DINTERO_LOGIN_DOCS, "the responses documented for each operation"),
  catches: "a status the operation does not document",
  judges: [],
  appliesTo: (ex, ctx) => answered(ex) && documentedMethod(ctx),
  run(ex, ctx) {
    const status = ex.response!.status;
    if (ctx.op.responses.has(status)) return [];
    const documented = [...ctx.op.responses.keys()].join(", ");
    const finding: Found = {
      rule: `documented statuses of ${ctx.op.operationId}`,
      expected: documented,
      actual: String(status),
      message: `status ${status} is not documented (documented: ${documented})`,
    };
    if (undocumentedRefusal(status, ctx)) {
      return [
        {
          ...finding,
          severity: "advisory",
          severityReason: UNDOCUMENTED_REFUSAL_REASON,
          message: `${finding.message}; a refusal all the same, but clients that switch on the documented statuses do not know it`,
          source: UNDOCUMENTED_REFUSAL,
        },
      ];
    }
    return [finding];
  },
});
