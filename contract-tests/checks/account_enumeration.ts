// account_enumeration: an unknown identity and a wrong password get the same answer.
import { defineCheck } from "./check.ts";
import { errorShape } from "./support/error-shape.ts";
import { judgeable } from "./support/exchange.ts";

export const accountEnumeration = defineCheck({
  name: "account_enumeration",
  severity: "advisory",
  severityReason: "it tells which identities exist, not how to log in as one: an attacker still needs each password, which rate limits and lockout guard",
  source: {
    ref: "OWASP Authentication Cheat Sheet: authentication and error messages (generic answers for unknown users and wrong passwords)",
    url: "https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#authentication-and-error-messages",
  },
  catches: "the unknown identity and the wrong password get a different status, error.code or error.message, telling an attacker which identities exist",
  judges: ["credentials_rejection"],
  judgesCase: (kase) => kase.expect.kind === "credentials_rejection" && kase.expect.sameAnswerAs !== undefined,
  appliesTo: (ex, ctx) => judgeable(ex) && ctx.kase.expect.kind === "credentials_rejection" && ctx.kase.expect.sameAnswerAs !== undefined,
  run(ex, ctx) {
    const otherId = (ctx.kase.expect as { sameAnswerAs: string }).sameAnswerAs;
    const other = ctx.earlier(otherId);
    if (!other?.response || other.response.status === 429) return { notApplicable: `needs the answer to ${otherId}, which did not come back` };
    const a = errorShape(other);
    const b = errorShape(ex);
    const differs = (["status", "code", "message"] as const).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
    if (!differs.length) return [];
    const show = (x: typeof a) => differs.map((k) => `${k} ${JSON.stringify(x[k])}`).join(", ");
    return [
      {
        rule: "the same answer for an unknown identity and a wrong password",
        expected: `as ${otherId}: ${show(a)}`,
        actual: show(b),
        message: `an unknown identity is told apart from a wrong password by its ${differs.join(", ")}`,
      },
    ];
  },
});
