// not_a_server_error: no 5xx.
import { defineCheck } from "./check.ts";
import { answered } from "./support/exchange.ts";
import { project } from "./support/sources.ts";

export const notAServerError = defineCheck({
  name: "not_a_server_error",
  // Dintero documents 500 "Unexpected Error" as a possible answer without saying when, so "never a 5xx" is
  // this project's rule (after Schemathesis' check of that name), not Dintero's; its severity follows the
  // harm. A 5xx where a documented answer is due is also a contract finding of positive_data_acceptance,
  // negative_data_rejection, wrong_credentials or unsupported_methods.
  severity: "standard",
  severityReason:
    "a 5xx says the server erred (RFC 9110 §15.6): a correct consumer cannot tell its own mistake from " +
    "an outage, so it retries, alerts or gives up on a request that a working server answers",
  source: {
    ...project(
      "a server error answers no request well (RFC 9110 §15.6.1: the server met an unexpected condition), " +
        'after Schemathesis\' not_a_server_error; Dintero documents 500 "Unexpected Error" without saying ' +
        "when",
    ),
    url: "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.1",
  },
  catches: "any 5xx",
  judges: [],
  appliesTo: answered,
  run(ex, ctx) {
    const status = ex.response!.status;
    // RFC 9110 §15.6.2: 501 is the right answer to a method the server does not recognise.
    if (status === 501 && ctx.kase.expect.kind === "method_rejection") return [];
    return status >= 500 ? [{ rule: "no 5xx", expected: "< 500", actual: String(status), message: `server error ${status}` }] : [];
  },
});
