// token_scope: a customer's own token as the client's bearer must be refused. A 404 refuses it too (a target
// that does not serve the operation at all grants nothing); only an answer that serves it is the scope break.
import { describe, expect, it } from "vitest";
import { tokenScope } from "../../contract-tests/checks/token_scope.ts";
import { resolveConfig } from "../../contract-tests/config.ts";
import { loadSpec } from "../../contract-tests/spec.ts";
import { checkContext, recordedExchange } from "../helpers/check-exchange.ts";

const spec = loadSpec();
const config = resolveConfig({}, {}, spec);

/** token_scope's findings on the answer `status` to the customer token as bearer of `role`. */
function judge(role: "login" | "revoke" | "mfa_challenge", status: number) {
  const bodyText = status === 200 ? "{}" : '{"error":{"message":"no"}}';
  const ex = recordedExchange({
    caseId: `${role}.customer_token_as_bearer`,
    url: "http://127.0.0.1:1/v1/accounts/T12345678/auth/revoke",
    status,
    bodyText,
    headers: { "content-type": "application/json" },
    rawHeaders: [],
  });
  const ctx = checkContext({
    spec,
    config,
    kase: { id: ex.caseId, title: "the customer token as the bearer", expect: { kind: "scope_rejection", rule: "a customer token is no client bearer" } },
    op: spec.operations[role],
    secrets: [],
    tokens: [],
  });
  expect(tokenScope.appliesTo(ex, ctx)).toBe(true);
  return tokenScope.run(ex, ctx) as Array<{ message: string }>;
}

describe("token_scope", () => {
  it.each(["login", "revoke", "mfa_challenge"] as const)("%s: the documented refusals pass, and so does 404; a 2xx or another status is a finding", (role) => {
    for (const status of [401, 403, 404]) expect(judge(role, status), `${status}`).toEqual([]);
    expect(judge(role, 200)[0]!.message).toMatch(/answered 200 \(a customer token opened a merchant operation\)/);
    expect(judge(role, 400)).toHaveLength(1);
  });
});
