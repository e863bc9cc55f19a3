// identity_binding: an identity logs in only as its own ident_type (and user type).
import { defineCheck } from "./check.ts";
import { any4xx, refusal } from "./support/refusal.ts";
import { dintero, DINTERO_LOGIN_DOCS } from "./support/sources.ts";

const identityRefusal = refusal("identity_rejection", any4xx, "logged in under the wrong ident_type or user type");

export const identityBinding = defineCheck({
  name: "identity_binding",
  severity: "contract",
  severityReason:
    "Dintero documents that ident is read by its ident_type: an identity that logs in as another " +
    "ident_type logs in a user the caller did not name; advisory: under another user type, since Dintero " +
    "says users of different types can share an email",
  source: dintero(
    DINTERO_LOGIN_DOCS,
    'ident: "Email or phone_number, depending on the ident_type"; type: "user type to login, required as users with different type can share email"',
  ),
  catches:
    "the known identity under the other ident_type (the email as a phone number, the phone number as an " +
    "email), with its right password, is not refused (any 4xx); advisory: the same under another user " +
    "type (customer as company)",
  ...identityRefusal,
  run(ex, ctx) {
    const found = identityRefusal.run(ex, ctx);
    // "users with different type can share email" (Dintero): a company user with the same email and
    // password may exist, so a 200 for type company may be right. Only the ident_type binding is contract.
    if (!Array.isArray(found) || !(ctx.kase.expect as { userType?: true }).userType) return found;
    return found.map((f) => ({
      ...f,
      severity: "advisory" as const,
      severityReason: "the server may be right: a user of the other type with the same email and password may exist",
      message:
        `${f.message}; advisory: a ${String((ctx.kase.body as { type?: unknown })?.type)} user with the same ` +
        `email and password may exist ("users with different type can share email")`,
      source: dintero(
        DINTERO_LOGIN_DOCS,
        'type: "users with different type can share email": a twin of another type may log in, so this binding is this project\'s advisory rule',
      ),
    }));
  },
});
