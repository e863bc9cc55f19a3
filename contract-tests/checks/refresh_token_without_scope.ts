// refresh_token_without_scope: a login, or a grant that continues one (refresh, MFA), issues a refresh_token
// only to a caller with the refresh scope.
import type { Json } from "../spec.ts";
import { defineCheck } from "./check.ts";
import { parseBody } from "./support/body.ts";
import { documentedMethod } from "./support/exchange.ts";
import { requestGrant } from "./support/grant.ts";
import { decodeJwt } from "./support/jwt.ts";
import { dintero, DINTERO_LOGIN_DOCS } from "./support/sources.ts";
import { carriesToken } from "./support/tokens.ts";

/** Dintero issues a login's refresh_token only to a caller holding this scope (D1). */
const REFRESH_SCOPE = "create:accounts:auth:refresh_token";

export const refreshTokenWithoutScope = defineCheck({
  name: "refresh_token_without_scope",
  severity: "contract",
  severityReason:
    'Dintero documents the rule, and a refresh token ("remain authenticated essentially forever") handed ' +
    "to a caller that was not granted it, such as a browser's login client, is a long-lived secret " +
    "where none belongs",
  source: dintero(DINTERO_LOGIN_DOCS, `refresh_token: issued only when the caller's token has scope ${REFRESH_SCOPE}`),
  catches:
    `a login, or a token grant taken with the client's bearer (refresh, MFA), answered with a refresh_token although the ` +
    `bearer's scope claim (a readable JWT) lacks ${REFRESH_SCOPE}`,
  judges: [],
  appliesTo: (ex, ctx) =>
    (ctx.op.key === "login" || (ctx.op.key === "token" && requestGrant(ex, ctx.spec)?.scheme === "bearer")) && documentedMethod(ctx) && carriesToken(ex),
  run(ex, ctx) {
    const body = (parseBody(ex) as { value: Json }).value;
    if (body.refresh_token === undefined) return [];
    const bearer = /^Bearer\s+(\S+)$/i.exec(ex.request.headers.authorization ?? "")?.[1];
    const jwt = bearer ? decodeJwt(bearer) : undefined;
    const scope = jwt && typeof jwt === "object" && "payload" in jwt ? (jwt.payload.scope ?? jwt.payload.scp) : undefined;
    if (scope === undefined)
      return { notApplicable: "the bearer's scope cannot be read (not a JWS with a scope claim), so whether it may receive a refresh token is unknown" };
    const scopes = Array.isArray(scope) ? scope.map(String) : String(scope).split(/\s+/);
    if (scopes.includes(REFRESH_SCOPE)) return [];
    const answered = ctx.op.key === "login" ? "login" : `${requestGrant(ex, ctx.spec)?.values[0]} grant`;
    return [
      {
        rule: `a refresh_token only for a caller with ${REFRESH_SCOPE}`,
        pointer: "/refresh_token",
        expected: "absent",
        actual: "present",
        message: `the ${answered} answered a refresh_token to a bearer whose scope lacks ${REFRESH_SCOPE}`,
      },
    ];
  },
});
