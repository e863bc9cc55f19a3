// refresh_token_binding: a refresh token works only with a bearer of the client that created it.
import { documented4xx } from "../spec.ts";
import { defineCheck } from "./check.ts";
import { refusal } from "./support/refusal.ts";
import { DINTERO_TOKEN_DOCS } from "./support/sources.ts";

export const refreshTokenBinding = defineCheck({
  name: "refresh_token_binding",
  severity: "contract",
  severityReason:
    "Dintero documents that the refresh grant's bearer must be the client that created the refresh token: a " +
    "refresh token another client can use is a customer's session open to every client of the account",
  source: {
    ref:
      `Dintero (refresh: "the bearer must be an access token of the client that created the refresh token") ${DINTERO_TOKEN_DOCS}; ` +
      "RFC 6749 §6 (the server MUST validate that the refresh token was issued to the authenticated client); RFC 9700 §4.14.2",
    url: "https://www.rfc-editor.org/rfc/rfc6749#section-6",
  },
  catches: "the known-good login's refresh token, sent by another configured client's bearer, is not refused (a documented 4xx)",
  ...refusal("refresh_binding_rejection", (ctx) => documented4xx(ctx.op), "another client's bearer used this client's refresh token"),
});
