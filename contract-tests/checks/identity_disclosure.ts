// identity_disclosure: a response names no user its request did not name.
import { canonicalize } from "../../src/redact.ts";
import { defineCheck } from "./check.ts";
import { answered } from "./support/exchange.ts";

export const identityDisclosure = defineCheck({
  name: "identity_disclosure",
  severity: "standard",
  severityReason:
    "a response naming a user the request did not name discloses personal data (an email, a phone " +
    "number) to whoever asked, e.g. to anyone trying made-up identities",
  source: {
    ref: "this project's rule, after OWASP API Security Top 10 2023 API3 (broken object property level authorization)",
    url: "https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/",
  },
  catches: "a response carrying a configured test identity (its email, phone number or ident) that its request did not carry",
  judges: [],
  notApplicableTo: (config) =>
    config.target.kind === "mock" ? "the mock's identities are the spec's examples, which its own example answers may contain" : undefined,
  appliesTo: (ex, ctx) => answered(ex) && ctx.config.target.kind !== "mock",
  run(ex, ctx) {
    const sent = `${ex.request.url} ${ex.request.body ?? ""}`;
    const res = ex.response!;
    const texts = [res.bodyText, canonicalize(res.bodyText), ...Object.values(res.headers)];
    const values = ctx.config.identities
      .flatMap((i) =>
        Object.entries(i.fields)
          .filter(([k]) => k !== "ident_type")
          .map(([, v]) => v),
      )
      .filter((v) => v.length >= 6);
    const leaked = values.filter(
      (v) => !sent.includes(v) && !sent.includes(JSON.stringify(v).slice(1, -1)) && texts.some((t) => t.toLowerCase().includes(v.toLowerCase())),
    );
    if (!leaked.length) return [];
    return [
      {
        rule: "a response names no user its request did not name",
        pointer: "",
        expected: "no configured identity",
        actual: `${leaked.length} identity value(s)`,
        message: `the ${res.status} answer names a configured test identity the request did not carry`,
      },
    ];
  },
});
