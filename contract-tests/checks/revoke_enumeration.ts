// revoke_enumeration: revoking an unknown or already-revoked token answers as revoking a live one.
import { defineCheck } from "./check.ts";
import { judgeable } from "./support/exchange.ts";
import { rfc } from "./support/sources.ts";

/** The answer a consumer and an attacker can tell apart: the status and the body (its JSON when it is JSON). */
function answerOf(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

export const revokeEnumeration = defineCheck({
  name: "revoke_enumeration",
  severity: "standard",
  severityReason:
    "an answer that differs for unknown or revoked tokens tells whoever holds a token string whether it is a " +
    "live session, and breaks a correct consumer that revokes twice on logout (RFC 7009: no error for invalid tokens)",
  source: {
    ref:
      'RFC 7009 §2.2 ("The authorization server responds with HTTP status code 200 if the token has been revoked ' +
      'successfully or if the client submitted an invalid token"); Dintero answers revoke 200 {}',
    url: rfc(7009, "2.2").url!,
  },
  catches: "a revoke of an unknown token, or of one revoked already, is answered otherwise (status or body) than the revoke of the live refresh token",
  judges: ["revoke_answer"],
  appliesTo: (ex, ctx) => judgeable(ex) && ctx.kase.expect.kind === "revoke_answer",
  run(ex, ctx) {
    const expect = ctx.kase.expect as { rule: string; sameAnswerAs: string };
    const first = ctx.earlier(expect.sameAnswerAs);
    if (!first?.response || first.response.status === 429)
      return { notApplicable: `${expect.sameAnswerAs} was not answered, so there is nothing to compare this revoke's answer with` };
    const [a, b] = [first.response, ex.response!];
    const same = a.status === b.status && answerOf(a.bodyText) === answerOf(b.bodyText);
    if (same) return [];
    return [
      {
        rule: expect.rule,
        expected: `${a.status} ${answerOf(a.bodyText).slice(0, 200)} (as ${expect.sameAnswerAs})`,
        actual: `${b.status} ${answerOf(b.bodyText).slice(0, 200)}`,
        message: `${ctx.kase.title}: answered otherwise than ${expect.sameAnswerAs}, which tells whether the token was a live session`,
      },
    ];
  },
});
