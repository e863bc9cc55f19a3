// mfa_binding_code: a wrong binding code is refused, and wrong codes are bounded.
import { documented4xx } from "../spec.ts";
import { defineCheck } from "./check.ts";
import { refusal } from "./support/refusal.ts";
import { DINTERO_MFA_DOCS, OWASP_MFA } from "./support/sources.ts";

const codeRefusal = refusal("binding_code_rejection", (ctx) => documented4xx(ctx.op), "the MFA grant logged a customer in");

export const mfaBindingCode = defineCheck({
  name: "mfa_binding_code",
  severity: "contract",
  severityReason:
    "Dintero documents that the binding code the customer received must be submitted: a wrong one that logs in " +
    "is no second factor; standard: unbounded attempts, which let a six-digit code be guessed",
  source: {
    ref:
      `Dintero ("a binding_code that will have to be submitted along with the mfa_token") ${DINTERO_MFA_DOCS}; ` +
      "OWASP Multifactor Authentication Cheat Sheet (limit the attempts)",
    url: DINTERO_MFA_DOCS,
  },
  catches:
    "a wrong binding code is not refused (a documented 4xx); standard: after the suite's own few wrong codes the " +
    "right one still logs in (no bound on attempts)",
  ...codeRefusal,
  run(ex, ctx) {
    const found = codeRefusal.run(ex, ctx);
    const after = (ctx.kase.expect as { afterWrongCodes?: number }).afterWrongCodes;
    if (!Array.isArray(found) || after === undefined) return found;
    return found.map((f) => ({
      ...f,
      severity: "standard" as const,
      severityReason: "the right code, not a wrong one, was accepted: the harm is that wrong codes are unbounded, which OWASP names",
      source: {
        ref: `OWASP Multifactor Authentication Cheat Sheet (limit the attempts at a one-time code); ${after} wrong codes did not spend the mfa_token`,
        url: OWASP_MFA,
      },
      message: `${f.message}: ${after} wrong binding codes did not spend the mfa_token, so its code can be guessed`,
    }));
  },
});
