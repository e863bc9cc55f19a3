// positive_data_acceptance: a known-good request succeeds, a schema-valid body is not rejected as invalid.
import type { Case } from "../case-types.ts";
import { documentedStatuses } from "../spec.ts";
import { defineCheck, type Found } from "./check.ts";
import { judgeable, statusText } from "./support/exchange.ts";
import { dintero, DINTERO_LOGIN_DOCS } from "./support/sources.ts";

export const positiveDataAcceptance = defineCheck({
  name: "positive_data_acceptance",
  severity: "contract",
  severityReason:
    "Dintero documents the body schema and the 200: a known-good request refused, or a schema-valid body " +
    "rejected as invalid, shuts out correct consumers; advisory when the identity, whose format Dintero " +
    "states in prose only, may be what the server refused",
  source: dintero(DINTERO_LOGIN_DOCS, "request body schema; 200 AccessToken"),
  catches: "a known-good request not answered with a documented 2xx, or a schema-valid body rejected as invalid",
  judges: ["success", "valid_input"],
  appliesTo: (ex, ctx) => judgeable(ex) && (ctx.kase.expect.kind === "success" || ctx.kase.expect.kind === "valid_input"),
  run(ex, ctx) {
    const status = ex.response!.status;
    if (ctx.kase.expect.kind === "success") {
      const ok = [...ctx.op.responses.keys()].filter((s) => s >= 200 && s < 300);
      if (ok.includes(status)) return [];
      return [{ rule: "a known-good request succeeds", expected: ok.join(", "), actual: statusText(ex), message: `known-good request answered ${status}` }];
    }
    const invalid = documentedStatuses(ctx.op, "invalid_request");
    if (!invalid.includes(status)) return [];
    const finding: Found = {
      rule: "a schema-valid body is not rejected as invalid",
      expected: `not ${invalid.join(" or ")}`,
      actual: statusText(ex),
      message: `a body the spec accepts was answered ${status}`,
    };
    // The made-up identity is the only unusual value: Dintero states the email and ident formats in prose
    // only ("Email or phone_number"), so a server may validate them more strictly than the schema does.
    const { unusual, control } = ctx.kase.expect as Extract<Case["expect"], { kind: "valid_input" }>;
    const proseReason =
      "the server may be right: Dintero states the identity formats in prose only, so a stricter identity check than the schema's is the server's choice";
    const prose = dintero(
      DINTERO_LOGIN_DOCS,
      'ident: "Email or phone_number, depending on the ident_type" (prose, no schema rule): a stricter identity check is the server\'s choice',
    );
    if (unusual && unusual.length === 0) {
      return [
        {
          ...finding,
          severity: "advisory",
          severityReason: proseReason,
          message: `${finding.message}; its only unusual values are made-up identities, whose format Dintero states in prose only`,
          source: prose,
        },
      ];
    }
    // The control of this form (a made-up identity, a plain password) was refused as invalid too: the
    // server rejects made-up identities, so this 400 may be the identity's, not the tested value's.
    const controlStatus = control ? ctx.earlier(control)?.response?.status : undefined;
    if (controlStatus !== undefined && invalid.includes(controlStatus)) {
      return [
        {
          ...finding,
          severity: "advisory",
          severityReason: proseReason,
          message: `${finding.message}; so was ${control} (a made-up identity with a plain password), so the ${controlStatus} may be the identity's`,
          source: prose,
        },
      ];
    }
    return [{ ...finding, ...(unusual?.length ? { message: `${finding.message} (the body tests ${unusual.join(", ")})` } : {}) }];
  },
});
