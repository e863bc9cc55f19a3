// server_answers: every request gets an answer, and no operation is rate limited throughout.
import { type Exchange, MAX_RETRIES, MAX_RETRY_AFTER_S } from "../http.ts";
import type { OperationSpec } from "../spec.ts";
import { defineCheck, type Finding } from "./check.ts";
import { retryAfterText, unwaitedRateLimit, unwaitedReason } from "./support/exchange.ts";
import { specPointer } from "./support/sources.ts";

/**
 * Rate limited throughout: a case that must succeed ended in an unwaited 429 and its operation answered
 * nothing but 429 in the whole run. A server that answers only 429 must not pass by never being judged;
 * the runner records this finding after the run, when it knows whether the operation ever answered.
 */
export function rateLimitedThroughout(ex: Exchange, op: OperationSpec): Finding {
  const what = op.key === "login" ? "login" : "token request";
  return {
    check: "server_answers",
    rule: "an operation that must succeed is not answered 429 throughout the run",
    expected: "a documented 2xx",
    actual: `429${retryAfterText(ex)} after ${ex.rateLimited.length} honoured ${ex.rateLimited.length === 1 ? "retry" : "retries"}`,
    message:
      `rate limited throughout: the known-good ${what} was never answered, and no ${what} of this run got ` +
      `any answer but 429 (429${retryAfterText(ex)}; the suite waits out a Retry-After of at most ` +
      `${MAX_RETRY_AFTER_S} s, at most ${MAX_RETRIES} times per request)`,
  };
}

export const serverAnswers = defineCheck({
  name: "server_answers",
  severity: "contract",
  severityReason:
    "Dintero documents an answer to every request of both operations: a request left without one, or an " +
    "operation that answers nothing but 429, breaks every consumer",
  source: specPointer("#/paths/~1accounts~1{aid}~1customers~1login/post/responses"),
  catches:
    "a request that gets no answer within the per-request timeout, a broken connection, or an operation " +
    "rate limited throughout: a request that must succeed (the known-good token request and logins) ends " +
    "in a 429 the suite did not wait out, and that operation got no answer but 429 in the whole run",
  judges: [],
  appliesTo: () => true,
  run(ex, ctx) {
    // Not judged here: whether the operation was rate limited throughout is known only at the end of the
    // run, when the runner turns this into a rateLimitedThroughout finding if it never got another answer.
    if (unwaitedRateLimit(ex, ctx.kase)) return { notApplicable: unwaitedReason(ex) };
    if (!ex.error) return [];
    const mismatch = ex.error.lengthMismatch;
    if (mismatch)
      return [
        {
          rule: "a body as long as its Content-Length (RFC 9112 §6.2: a shorter one is an incomplete message)",
          pointer: "content-length (header)",
          expected: `${mismatch.announced} bytes`,
          actual: `${mismatch.received} bytes`,
          message: ex.error.message,
        },
      ];
    return [
      {
        rule: ex.error.kind === "timeout" ? "answer within the per-request timeout" : "answer the request",
        expected: "an HTTP response",
        actual: ex.error.message,
        message: `no response: ${ex.error.message}`,
      },
    ];
  },
});
