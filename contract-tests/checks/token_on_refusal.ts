// token_on_refusal: a refusal hands out no token.
import { defineCheck } from "./check.ts";
import { answered } from "./support/exchange.ts";
import { parsedTokens } from "./support/tokens.ts";

export const tokenOnRefusal = defineCheck({
  name: "token_on_refusal",
  severity: "standard",
  severityReason:
    "a refusal that hands out a credential is no refusal: whoever was refused (a wrong password, another " +
    "account's audience) holds a working token, and a consumer that trusts the status never knows",
  source: {
    ref: "this project's rule, after RESTler's leakage rule and OWASP API Security Top 10 2023 API2 (broken authentication)",
    url: "https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/",
  },
  catches: "a response that is not 2xx whose JSON body carries an access_token, refresh_token or id_token",
  judges: [],
  appliesTo: (ex) => answered(ex) && (ex.response!.status < 200 || ex.response!.status >= 300),
  run(ex) {
    const found = parsedTokens(ex);
    if (!found.length) return [];
    return [
      {
        rule: "no token in a response that is not a success",
        pointer: "",
        expected: "no access_token, refresh_token or id_token",
        actual: `${found.length} token member(s)`,
        message: `a ${ex.response!.status} carries a token: the request was refused, and answered with a credential all the same`,
      },
    ];
  },
});
