// revoked_refresh_token: a revoked refresh token is refused (use after revoke; Schemathesis' use_after_free
// applied to tokens).
import { documented4xx } from "../spec.ts";
import { defineCheck } from "./check.ts";
import { refusal } from "./support/refusal.ts";
import { DINTERO_REVOKE_DOCS } from "./support/sources.ts";

export const revokedRefreshToken = defineCheck({
  name: "revoked_refresh_token",
  severity: "contract",
  severityReason:
    "Dintero documents revoke to invalidate a compromised refresh token: one that still works after its revoke " +
    "leaves a stolen session open while the consumer believes it closed",
  source: {
    ref:
      `Dintero (revoke: "invalidate a Refresh Token if it has been compromised", answered 200 {}) ${DINTERO_REVOKE_DOCS}; ` +
      "RFC 7009 §2.1 (the token is invalidated immediately); RFC 9700 §4.14",
    url: "https://www.rfc-editor.org/rfc/rfc7009#section-2.1",
  },
  catches: "the refresh token the run just revoked (answered 2xx) still gets tokens from the refresh grant",
  ...refusal("revoked_token_rejection", (ctx) => documented4xx(ctx.op), "a revoked refresh token still opened a session"),
});
