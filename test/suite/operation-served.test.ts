// operation_served: a documented operation (or grant) the target does not serve at all is one contract finding,
// naming the operation from the model, and its cases are not judged one by one; a missing MFA test user or
// refresh scope is not an unserved operation. Over real HTTP against the project's fake, bent by one override.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "vitest";
import { resolveConfig } from "../../contract-tests/config.ts";
import { NO_MFA_USER } from "../../contract-tests/lifecycle-cases.ts";
import { loadSpec } from "../../contract-tests/spec.ts";
import { runSuite, type RunResult } from "../../contract-tests/suite.ts";
import { startFakeServer } from "../../testing/internal.ts";
import type { Override } from "../../testing/overrides.ts";
import { fakeDefaultsEnv, notServed } from "../helpers/contract-servers.ts";
import { failedChecks, run } from "./selftest-tables.ts";

const spec = loadSpec();
/** The fake's client with the scopes the whole session needs (the login, MFA and refresh tokens). */
const SESSION_SCOPES = ["write:accounts:/auth/users", "write:accounts:/auth/mfa", "create:accounts:auth:refresh_token"];
const failing = (r: RunResult) => r.results.filter((x) => x.outcome === "fail");
const verdicts = (r: RunResult) => r.results.filter((x) => x.check === "operation_served");

/** One run against startFakeDintero()'s documented defaults (a client without the refresh scope, no second
 * client, no MFA user: what a team's first staging run looks like), bent by `bends`. */
async function defaultsRun(
  bends: Override[],
  args: Record<string, string> = {},
  env: (url: string) => Record<string, string> = fakeDefaultsEnv,
  scopes?: string[],
) {
  const { fake, internals } = await startFakeServer(
    scopes ? { clients: [{ clientId: "fake-client-id", clientSecret: "fake-client-secret", scopes }] } : undefined,
  );
  internals.use(...bends);
  try {
    return await runSuite(resolveConfig({ ...env(fake.url), CONTRACT_CASES: "2" }, args));
  } finally {
    await fake.close();
  }
}

describe("operation_served against the documented defaults (no refresh scope, no MFA user)", () => {
  it.concurrent("a target that does not serve revoke fails the default run, on operation_served alone, once the client may revoke", async ({ expect }) => {
    const result = await defaultsRun([notServed("revoke")], {}, fakeDefaultsEnv, SESSION_SCOPES);
    const revoke = spec.operations.revoke;
    expect(result.exitCode).toBe(1);
    expect(failedChecks(result)).toEqual(["operation_served"]);
    const [fail] = failing(result);
    expect(fail!.severity).toBe("contract");
    const finding = fail!.findings[0]!;
    // named from the model: operation id, method and path template
    expect(finding.message).toContain(`${revoke.operationId} (${revoke.method} ${revoke.pathTemplate})`);
    expect(finding.source?.url).toMatch(/^https:\/\/docs\.dintero\.com\//);
    expect(finding.severityReason!.length).toBeGreaterThan(20);
    // the customer token's case is not judged on its own: token_scope would pass a 404
    const ownCase = result.results.filter((r) => r.caseId === "revoke.customer_token_as_bearer" && r.check !== "operation_served");
    expect(ownCase.find((r) => r.check === "token_scope")).toMatchObject({ outcome: "not_applicable", reason: expect.stringContaining("is not served") });
  });

  it.concurrent("without the refresh scope, revoke's only request is a refusal: its 404 may be how a server refuses, so revoke is not judged", async ({
    expect,
  }) => {
    const result = await defaultsRun([notServed("revoke")]);
    expect(failing(result).filter((r) => r.severity !== "advisory")).toEqual([]);
    const verdict = verdicts(result).find((r) => result.caseList.find((c) => c.id === r.caseId)?.operation === "revoke")!;
    expect(verdict.outcome).toBe("not_applicable");
    expect(verdict.reason).toMatch(/no request it must serve was answered so \(revoke\.customer_token_as_bearer may be refused so/);
  });

  it.concurrent("a request answered 429 leaves it unknown whether the operation is served: no verdict", async ({ expect }) => {
    // the revoke of a refresh token the fake issued (rt_ and 48 hex digits; the suite makes up rt_ and 32) is
    // answered 429 with an hour's Retry-After, not waited out; the others 404
    const rateLimitedKnownRevoke: Override = {
      intercept: (request, ctx) =>
        ctx.operation === "revoke" && /"rt_[0-9a-f]{48}"/.test(request.body)
          ? {
              delayMs: 0,
              answer: {
                status: 429,
                headers: { "content-type": "application/json", "retry-after": "3600" },
                body: JSON.stringify({ error: { code: "TOO_MANY_REQUESTS", message: "slow down" } }),
              },
            }
          : undefined,
    };
    const result = await defaultsRun([rateLimitedKnownRevoke, notServed("revoke")], {}, fakeDefaultsEnv, SESSION_SCOPES);
    const verdict = verdicts(result).find((r) => result.caseList.find((c) => c.id === r.caseId)?.operation === "revoke")!;
    expect(verdict.outcome).toBe("not_applicable");
    expect(verdict.reason).toMatch(/answered 429 \(rate limited/);
    // nor is the refresh after it a use-after-revoke: the revoke took no effect
    const after = result.results.find((r) => r.caseId === "token.refresh.after_revoke" && r.check === "revoked_refresh_token");
    expect(after?.outcome).not.toBe("fail");
  });

  it.concurrent("without operation_served the same target passes with advisories only (the gap it closes)", async ({ expect }) => {
    const result = await defaultsRun([notServed("revoke")], { CONTRACT_CHECKS: "operation_served=off" });
    expect(result.exitCode).toBe(0);
    expect(failing(result).every((r) => r.severity === "advisory")).toBe(true);
    expect(verdicts(result)).toEqual([]);
  });

  it.concurrent("without an MFA user, a 404 from the MFA challenge (which documents 404) is not judged: the MFA user is what is missing", async ({
    expect,
  }) => {
    expect(spec.operations.mfa_challenge.responses.has(404), "the MFA challenge documents 404 (Resource was not found)").toBe(true);
    const result = await defaultsRun([notServed("mfa_challenge")]);
    expect(failing(result).filter((r) => r.severity !== "advisory")).toEqual([]);
    expect(result.exitCode).toBe(0);
    const verdict = verdicts(result).find((r) => result.caseList.find((c) => c.id === r.caseId)?.operation === "mfa_challenge")!;
    expect(verdict.outcome).toBe("not_applicable");
    expect(verdict.reason).toMatch(/no request it must serve was answered so .*an answer the operation documents/);
    expect(verdict.reason).toContain(NO_MFA_USER);
    // the flows that need the MFA user were never sent: their reason is the missing user, not the operation
    const mfaFlows = result.results.filter(
      (r) => /^(login\.mfa|mfa_challenge\.(guesses|reuse|expiry)|token\.mfa)\./.test(r.caseId) && r.check !== "operation_served",
    );
    expect(mfaFlows.length).toBeGreaterThan(0);
    for (const r of mfaFlows) expect(r.reason, r.caseId).toBe(NO_MFA_USER);
  });

  it.concurrent("the correct fake: every operation it was sent is served, and a missing MFA user is only not applicable", async ({ expect }) => {
    const result = await defaultsRun([]);
    expect(result.exitCode).toBe(0);
    expect(failing(result)).toEqual([]);
    const passed = verdicts(result).filter((r) => r.outcome === "pass");
    const ops = new Set(passed.map((r) => result.caseList.find((c) => c.id === r.caseId)!.operation));
    expect([...ops].sort()).toEqual(Object.keys(spec.operations).sort());
    // the grants it could not send (no refresh token, no MFA user) are not applicable, with the case's reason
    const unsent = verdicts(result).filter((r) => r.outcome === "not_applicable");
    expect(unsent.map((r) => r.reason)).toEqual([expect.stringMatching(/refresh_token grant .*needs refreshToken/), expect.stringContaining(NO_MFA_USER)]);
  });

  it.concurrent.for([405, 501])(
    "a router that knows revoke's path but answers its documented method %i does not serve it either",
    async (status, { expect }) => {
      const result = await defaultsRun([notServed("revoke", status)], {}, fakeDefaultsEnv, SESSION_SCOPES);
      const fail = failing(result).find((r) => r.check === "operation_served");
      expect(fail?.findings[0]?.actual).toMatch(new RegExp(`^(\\d+) of \\1 answers? ${status}$`));
    },
  );

  it.concurrent("a wrong base URL (everything 404) is no unserved operation: nothing was served to compare with", async ({ expect }) => {
    const result = await defaultsRun([], {}, (url) => ({ ...fakeDefaultsEnv(url), DINTERO_BASE_URL: url.replace(/\/v1$/, "/v2") }));
    expect(result.exitCode).not.toBe(0);
    expect(failing(result).filter((r) => r.check === "operation_served")).toEqual([]);
  });
});

describe("docs/conformance.md", () => {
  it("names the operations as the model and the finding do", async ({ expect }) => {
    const doc = await readFile(path.join(import.meta.dirname, "../../docs/conformance.md"), "utf8");
    const { revoke, mfa_challenge } = spec.operations;
    expect(doc).toContain(`not served: operation\n${revoke.operationId} (${revoke.method} ${revoke.pathTemplate}) answered every request of this run 404`);
    expect(doc).toContain(`\`operation_served\` on \`${mfa_challenge.operationId}\``);
  });
});

describe("operation_served with the whole session configured", () => {
  it.concurrent.for([
    ["revoke_not_served", "revoke"],
    ["mfa_challenge_not_served", "mfa_challenge"],
  ] as const)("%s: caught by operation_served alone, its cases and those that build on them not applicable", async ([breakage, op], { expect }) => {
    const result = await run(breakage);
    expect(failedChecks(result)).toEqual(["operation_served"]);
    expect(failing(result).map((r) => r.severity)).toEqual(["contract"]);
    expect(result.aborted).toBeUndefined();
    const reasonOf = (caseId: string, check: string) => result.results.find((r) => r.caseId === caseId && r.check === check)?.reason;
    if (op === "revoke") {
      // the refresh after a revoke that never happened is no use-after-revoke
      expect(reasonOf("token.refresh.after_revoke", "revoked_refresh_token")).toMatch(/is not served .*builds on revoke\.known_good/);
      expect(reasonOf("revoke.unknown_token", "revoke_enumeration")).toContain("is not served");
    } else {
      expect(reasonOf("token.mfa.wrong_code.1", "mfa_binding_code")).toMatch(/is not served .*builds on oobCode\.guesses/);
      expect(reasonOf("token.mfa.reused", "mfa_token_reuse")).toContain("is not served");
    }
  });

  it.concurrent("refresh_grant_not_served: every refresh grant refused unsupported_grant_type is the grant not served", async ({ expect }) => {
    const result = await run("refresh_grant_not_served");
    expect(failedChecks(result)).toEqual(["operation_served"]);
    const finding = failing(result)[0]!.findings[0]!;
    expect(finding.message).toMatch(/refresh_token grant of .* 400 unsupported_grant_type/);
    expect(finding.source?.ref).toContain("RefreshTokenRequest");
  });

  it.concurrent("a grant the spec documents under two names is not judged unserved when only one of them was sent", async ({ expect }) => {
    const variant = spec.operations.token.model.request!.content[0]!.discriminator!.variants.find((v) => v.values.length > 1)!;
    expect(variant.values.length, "the MFA grant has two documented names (mfa_oob, mfa-oob)").toBeGreaterThan(1);
    const secret = `client-secret-${randomBytes(8).toString("hex")}`;
    const [password, mfaPassword] = [randomBytes(8).toString("hex"), randomBytes(8).toString("hex")];
    const { fake, internals } = await startFakeServer({
      clients: [{ clientId: "served-client", clientSecret: secret, scopes: ["write:accounts:/auth/users", "write:accounts:/auth/mfa"] }],
      users: [
        { type: "customer", email: "ada@example.com", password },
        { type: "customer", email: "mfa-user@example.com", password: mfaPassword, mfa: true },
      ],
    });
    // the MFA grant refused as unsupported, whatever name it is sent under
    internals.use({
      intercept: (request, ctx) =>
        ctx.operation === "token" && variant.values.includes(String((JSON.parse(request.body || "{}") as { grant_type?: unknown }).grant_type))
          ? {
              delayMs: 0,
              answer: { ...ctx.answers("token", 400), body: JSON.stringify({ error: { code: "unsupported_grant_type", message: "Unsupported grant type" } }) },
            }
          : undefined,
    });
    try {
      const env = {
        ...fakeDefaultsEnv(fake.url),
        DINTERO_CLIENT_ID: "served-client",
        DINTERO_CLIENT_SECRET: secret,
        DINTERO_LOGIN_EMAIL: "ada@example.com",
        DINTERO_LOGIN_PASSWORD: password,
        DINTERO_MFA_LOGIN_EMAIL: "mfa-user@example.com",
        DINTERO_MFA_LOGIN_PASSWORD: mfaPassword,
        CONTRACT_CASES: "2",
      };
      for (const name of ["DINTERO_LOGIN_IDENT_TYPE", "DINTERO_LOGIN_IDENT", "DINTERO_LOGIN_IDENT_PASSWORD"]) delete (env as Record<string, string>)[name];
      const result = await runSuite(resolveConfig(env, {}), { control: { mfaCode: (identity) => fake.mfaCode(identity) } });
      const grant = verdicts(result).find((r) => r.caseId.startsWith("token.mfa."))!;
      expect(grant.outcome).toBe("not_applicable");
      expect(grant.reason).toMatch(/refused with unsupported_grant_type, but the run sent only .* of the names the spec documents/);
      // the known-good MFA grant was refused all the same: that is positive_data_acceptance's to report
      expect(failedChecks(result)).toContain("positive_data_acceptance");
      expect(failedChecks(result)).not.toContain("operation_served");
    } finally {
      await fake.close();
    }
  });
});
