// mfa_token_reuse: an mfa_token is single-use and expires.
import { documented4xx } from "../spec.ts";
import { defineCheck } from "./check.ts";
import { refusal } from "./support/refusal.ts";
import { DINTERO_MFA_DOCS, OWASP_MFA } from "./support/sources.ts";

export const mfaTokenReuse = defineCheck({
  name: "mfa_token_reuse",
  severity: "standard",
  severityReason:
    "an mfa_token that logs in twice, or an hour later, is a second factor that can be replayed: whoever " +
    "intercepts one completed step (a log, a proxy) opens the customer's session again",
  source: {
    ref:
      `this project's rule (Dintero publishes no lifetime and no reuse rule for the mfa_token, ${DINTERO_MFA_DOCS}): ` +
      "a one-time continuation of a login; OWASP Multifactor Authentication Cheat Sheet (one-time codes and their tokens are single-use and short-lived)",
    url: OWASP_MFA,
  },
  catches: "an mfa_token that completed the MFA grant once completes it again, or completes it an hour after the login (where the suite controls the clock)",
  ...refusal("mfa_token_rejection", (ctx) => documented4xx(ctx.op), "a used or expired mfa_token logged a customer in"),
});
