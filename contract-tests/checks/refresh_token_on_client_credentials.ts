// refresh_token_on_client_credentials: no refresh_token for the client_credentials grant.
import type { Json } from "../spec.ts";
import { defineCheck } from "./check.ts";
import { parseBody } from "./support/body.ts";
import { documentedMethod } from "./support/exchange.ts";
import { requestGrant } from "./support/grant.ts";
import { DINTERO_LOGIN_DOCS } from "./support/sources.ts";
import { carriesToken } from "./support/tokens.ts";

export const refreshTokenOnClientCredentials = defineCheck({
  name: "refresh_token_on_client_credentials",
  severity: "advisory",
  severityReason:
    "a correct consumer ignores the member, and the refresh token gives its holder nothing the client " +
    "secret it already holds does not (RFC 6749 §4.4.3: SHOULD NOT)",
  source: {
    ref:
      `Dintero (refresh_token only for the authorization_code and password grants) ${DINTERO_LOGIN_DOCS}; ` +
      `RFC 6749 §4.4.3 (a refresh token SHOULD NOT be included)`,
    url: "https://www.rfc-editor.org/rfc/rfc6749#section-4.4.3",
  },
  catches: "a client-credentials token response that carries a refresh_token",
  judges: [],
  // the client-credentials grant only (the one taken with Basic): an MFA grant's answer may carry one (D1)
  appliesTo: (ex, ctx) => ctx.op.key === "token" && documentedMethod(ctx) && requestGrant(ex, ctx.spec)?.scheme !== "bearer" && carriesToken(ex),
  run(ex) {
    const body = (parseBody(ex) as { value: Json }).value;
    if (body.refresh_token === undefined) return [];
    return [
      {
        rule: "no refresh_token for the client_credentials grant",
        pointer: "/refresh_token",
        expected: "absent",
        actual: "present",
        message: "the client-credentials token response carries a refresh_token",
      },
    ];
  },
});
