// Proof that the conformance suite's checks work: against the fake bent to break exactly one rule of
// the contract, the suite fails and names the right check; against the fake as it is and bent in
// correct but unusual ways (an undocumented property, other refusal statuses) it passes.
// Runs the suite in-process, each run against a server of its own, several runs at a time (their
// waits for timeouts and Retry-After overlap).
import { afterEach, describe, expect, it } from "vitest";
import { CHECKS } from "../../contract-tests/checks.ts";
import { identityFieldNames, resolveConfig } from "../../contract-tests/config.ts";
import { summaryTable } from "../../contract-tests/console.ts";
import { loadSpec } from "../../contract-tests/spec.ts";
import { runSuite } from "../../contract-tests/suite.ts";
import { contractEnv, startContractServer, type Breakage, type ContractServer, type Variation } from "../helpers/contract-servers.ts";
import { failedChecks, INCOMPLETE_AT, PASSES_WITH, run } from "./selftest-tables.ts";

let server: ContractServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("the correct local server", () => {
  it("passes with zero failures, though it answers with a charset and adds an undocumented property", async () => {
    const result = await run(undefined, {}, "undocumented_property");
    expect(result.results.filter((r) => r.outcome === "fail")).toEqual([]);
    expect(result.exitCode).toBe(0);
    const login = result.exchanges.find((e) => e.caseId === "login.email.known_good")!;
    expect(login.response?.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(login.response!.bodyText)).toHaveProperty("x_conformance_selftest_extra");
    // every check ran against a live target with a user store: nothing is "not applicable"
    for (const check of CHECKS)
      expect(
        result.results.some((r) => r.check === check.name && r.outcome === "pass"),
        check.name,
      ).toBe(true);
    expect(result.results.some((r) => r.outcome === "not_applicable")).toBe(false);
  });

  it("passes at --fail-on advisory too: it breaks no advisory rule either", async () => {
    const result = await run(undefined, { CONTRACT_FAIL_ON: "advisory" }, "undocumented_property");
    expect(result.failOn).toBe("advisory");
    expect(result.results.filter((r) => r.outcome === "fail")).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  it("fails response_schema_conformance only in --strict mode, naming the undocumented property", async () => {
    const result = await run(undefined, { CONTRACT_STRICT: "1" }, "undocumented_property");
    expect(failedChecks(result)).toEqual(["response_schema_conformance"]);
    const finding = result.results.find((r) => r.outcome === "fail")!.findings[0]!;
    expect(finding.rule).toMatch(/unevaluatedProperties/);
    expect(finding.expected).toContain("x_conformance_selftest_extra");
  });

  it.concurrent.for(Object.entries(PASSES_WITH))(
    "correct but different: %s passes at --fail-on contract (advisory: %j)",
    async ([vary, advisory], { expect }) => {
      const result = await run(undefined, {}, vary as Variation);
      expect(result.exitCode).toBe(0);
      expect(failedChecks(result).sort()).toEqual([...advisory].sort());
      const failures = result.results.filter((r) => r.outcome === "fail");
      expect(failures.every((r) => r.severity === "advisory" && r.findings.every((f) => f.severity === "advisory"))).toBe(true);
      const statusOf = (id: string) => result.exchanges.find((e) => e.caseId === id)?.response?.status;
      // each control reached the wire: the known-good login's answer shows it
      const ok = result.exchanges.find((e) => e.caseId === "login.email.known_good")!.response!;
      // (the RS256 header is checked on the wire below: reports keep only a token's prefix)
      if (vary === "short_lifetimes") expect((JSON.parse(ok.bodyText) as { expires_in: number }).expires_in).toBe(60);
      if (vary === "json_escapes") expect(ok.bodyText).toContain("\\u0074\\u006f\\u006b\\u0065\\u006e\\u005f\\u0074\\u0079\\u0070\\u0065"); // token_type
      if (vary === "media_type_capitalised") expect(ok.headers["content-type"]).toBe("Application/JSON; charset=UTF-8");
      if (vary === "quoted_charset") expect(ok.headers["content-type"]).toBe('application/json; charset="utf-8"');
      if (vary === "chunked_with_trailers")
        expect([ok.headers["transfer-encoding"], ok.headers.trailer, ok.headers["content-length"]]).toEqual(["chunked", "x-selftest-trailer", undefined]);
      if (vary === "close_delimited")
        expect([ok.headers.connection, ok.headers["content-length"], ok.headers["transfer-encoding"]]).toEqual(["close", undefined, undefined]);
      if (vary === "auth_400_for_malformed") {
        expect(["login.auth.empty_bearer", "login.auth.malformed", "login.auth.wrong_scheme", "login.auth.forged_jwt"].map(statusOf)).toEqual([
          400, 400, 400, 401,
        ]);
      }
      if (vary === "unknown_identity_404") {
        expect(statusOf("login.credentials.unknown_identity")).toBe(404);
        expect(result.results.some((r) => r.check === "status_code_conformance" && r.outcome === "fail" && r.caseId.startsWith("login.generated.valid."))).toBe(
          true,
        );
      }
      if (vary === "login_429_long_once") {
        const first = result.results.find((r) => r.check === "server_answers" && r.outcome === "not_applicable")!;
        expect(first.reason).toMatch(/answered 429, Retry-After "90", not waited out .*cannot be judged/);
        expect(result.rateLimited).toBe(0);
      }
      // the session's refusals reached the wire with their other documented status
      if (vary === "mfa_refusals_400") expect([statusOf("token.mfa.wrong_code.1"), statusOf("token.mfa.reused")]).toEqual([400, 400]);
      if (vary === "refresh_refusals_401") expect([statusOf("token.refresh.other_client"), statusOf("token.refresh.after_revoke")]).toEqual([401, 401]);
      if (vary === "framework_refusals") expect([statusOf("login.negative.aid.pattern.case"), statusOf("login.negative.content_type")]).toEqual([404, 415]);
      if (vary === "validates_identity_formats") {
        expect(result.results.some((r) => r.caseId.startsWith("login.generated.valid") && r.outcome === "pass")).toBe(true);
        // whatever it refused is a bound of an identity field, never the password's or another field's
        const identity = identityFieldNames(loadSpec());
        for (const r of failures)
          expect(
            identity.some((f) => r.caseId.startsWith("login.bounds.") && r.caseId.endsWith(`.${f}`)),
            r.caseId,
          ).toBe(true);
      }
      if (vary === "rejects_made_up_identities") {
        // every generated valid body got 400; each finding says why it is advisory (prose-only, or the control)
        const found = failures.filter((r) => r.check === "positive_data_acceptance").flatMap((r) => r.findings.map((f) => f.message));
        expect(found.some((m) => /only unusual values are made-up identities/.test(m))).toBe(true);
        expect(found.some((m) => /so was login\.generated\.valid\.control\.\w+/.test(m))).toBe(true);
      }
    },
  );

  it("the RS256 control issues RS256 JWTs with a kid, and its server accepts them", async () => {
    const own = await startContractServer({ vary: "rs256_with_kid" });
    try {
      const o = own.options;
      const audience = `https://api.dintero.com/v1/accounts/${o.accountId}`;
      const res = await fetch(`${own.baseUrl}/accounts/${o.accountId}/auth/token`, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from(`${o.clientId}:${o.clientSecret}`).toString("base64")}`, "content-type": "application/json" },
        body: JSON.stringify({ grant_type: "client_credentials", audience }),
      });
      const { access_token: bearer } = (await res.json()) as { access_token: string };
      expect(JSON.parse(Buffer.from(bearer.split(".")[0]!, "base64url").toString())).toEqual({ alg: "RS256", typ: "JWT", kid: "selftest-key-1" });
      const login = await fetch(`${own.baseUrl}/accounts/${o.accountId}/customers/login`, {
        method: "POST",
        headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
        body: JSON.stringify({ audience, type: "customer", email: o.email, password: o.password }),
      });
      expect(login.status).toBe(200);
    } finally {
      await own.close();
    }
  });

  it("a 400 on an unusual password stays a contract finding when the control of its form was accepted", async () => {
    const result = await run("rejects_max_length_password");
    const found = result.results.filter((r) => r.check === "positive_data_acceptance" && r.outcome === "fail");
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((r) => r.severity === "contract")).toBe(true);
    expect(result.exchanges.filter((e) => e.caseId.startsWith("login.generated.valid.control.")).map((e) => e.response?.status)).toEqual([403, 403, 403, 403]); // each control and its charset twin
  });

  it("a login answered only 429 (Retry-After: 3600) fails at once, and no 429 is counted as retried", async () => {
    const started = Date.now();
    const result = await run("login_always_429");
    expect(Date.now() - started).toBeLessThan(5000); // a Retry-After over 60 s is not waited for
    expect(result.rateLimited).toBe(0);
    expect(result.exitCode).toBe(1);
    const finding = result.results.find((r) => r.check === "server_answers" && r.outcome === "fail")!.findings[0]!;
    expect(finding.message).toMatch(/rate limited throughout: the known-good login was never answered/);
    // only the cases that must succeed: a refusal case answered 429 is not judged (not a break by itself)
    expect(
      result.results
        .filter((r) => r.check === "server_answers" && r.outcome === "fail")
        .map((r) => r.caseId)
        .sort(),
    ).toEqual(["login.email.known_good", "login.ident.known_good"]);
  });

  it("a known-good token request answered 429 with a Retry-After over 60 s stops the run (exit 1), saying why", async () => {
    const started = Date.now();
    const result = await run("token_429_long_once");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.exitCode).toBe(1);
    expect(result.aborted?.reason).toBe("no_bearer");
    expect(result.aborted?.message).toMatch(/the known-good token request was answered 429, Retry-After "90", not waited out.*run again/);
    // the token endpoint answered other requests: not "rate limited throughout", not judged either
    expect(result.results.find((r) => r.check === "server_answers" && r.caseId === "token.known_good")?.outcome).toBe("not_applicable");
  });

  it("honours a 429 with Retry-After and reports it, without counting a violation", async () => {
    const result = await run("rate_limits_once");
    expect(result.exitCode).toBe(0);
    expect(result.rateLimited).toBe(1);
    expect(result.exchanges.some((e) => e.rateLimited.length === 1)).toBe(true);
  });
});

describe("safety limits", () => {
  it("stops after 3 consecutive timeouts and reports the target as not answering", async () => {
    const result = await run("never_answers");
    expect(result.aborted?.reason).toBe("not_answering");
    expect(result.results.filter((r) => r.check === "server_answers" && r.outcome === "fail")).toHaveLength(3);
  });

  it("the whole-run deadline ends a run against a server that never answers", async () => {
    const started = Date.now();
    server = await startContractServer({ break: "never_answers" });
    const config = resolveConfig(contractEnv(server, { CONTRACT_TIMEOUT_MS: "10000", CONTRACT_DEADLINE_S: "1" }), {});
    const result = await runSuite(config);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.exitCode).toBe(1);
    expect(["deadline", "not_answering"]).toContain(result.aborted?.reason);
  });

  it("never sends more requests than the budget", async () => {
    server = await startContractServer();
    const result = await runSuite(resolveConfig(contractEnv(server), { CONTRACT_BUDGET: "5" }));
    expect(server.requestCount()).toBe(5);
    expect(result.aborted?.reason).toBe("budget");
    expect(result.exitCode).toBe(1);
  });

  it("generated cases are deterministic for a seed and change with it", async () => {
    const bodies = async (seed: string) => {
      server = await startContractServer();
      const r = await runSuite(resolveConfig(contractEnv(server, { CONTRACT_CASES: "3", CONTRACT_SEED: seed }), {}));
      await server.close();
      server = undefined;
      return r.exchanges.filter((e) => e.caseId.includes("generated")).map((e) => e.request.body);
    };
    const a = await bodies("7");
    expect(await bodies("7")).toEqual(a);
    expect(await bodies("8")).not.toEqual(a);
  });
});

describe("the suite's own bearer and refusals it cannot judge (#24 review)", () => {
  it("a bearer that outlives neither the run nor a 10 ms answer is renewed at half its expires_in: no case is sent a dead bearer", async () => {
    const result = await run(undefined, {}, "short_lived_bearer");
    expect(result.exitCode).toBe(0);
    const renewals = result.exchanges.filter((e) => e.caseId === "token.bearer_renewal");
    expect(renewals.length).toBeGreaterThan(0);
    expect(renewals.every((e) => e.response?.status === 200)).toBe(true);
    expect(result.caseList.map((c) => c.id)).toContain("token.bearer_renewal");
    // not one 401 to a case that is not about auth: the bearer was renewed before it died
    const aboutAuth = new Set(["auth_rejection", "scope_rejection", "isolation_rejection"]);
    const withBearer = new Map(result.caseList.filter((c) => c.operation === "login" && !aboutAuth.has(c.expect.kind)).map((c) => [c.id, c]));
    expect(result.exchanges.filter((e) => e.response?.status === 401 && withBearer.has(e.caseId)).map((e) => e.caseId)).toEqual([]);
  });

  it("a bearer refused before its expires_in: the case is sent again with a fresh bearer and judged on that answer", async () => {
    const result = await run("bearer_dies_early");
    expect(Object.values(result.identityRequests).every((n) => n <= result.identityBudget)).toBe(true);
    expect(result.aborted).toBeUndefined();
    const refused = result.exchanges.filter((e) => e.bearerRefused);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((e) => e.bearerRefused!.early && e.bearerRefused!.freshStatus !== 401)).toBe(true);
    const finding = result.results.find((r) => r.check === "token_semantics" && r.outcome === "fail")!;
    expect(finding.exchangeId).toBe(refused[0]!.id);
    expect(finding.findings[0]!.message).toMatch(/refused .* after it was requested/);
    // every case's verdict comes from an answer to a live bearer: the wrong passwords are judged, not passed on a 401
    const verdictOf = (caseId: string) => result.results.find((r) => r.check === "wrong_credentials" && r.caseId === caseId);
    const wrong = verdictOf("login.credentials.wrong_password")!;
    expect(result.exchanges.find((e) => e.id === wrong.exchangeId)?.response?.status).toBe(403);
    for (const r of result.results.filter((x) => x.exchangeId !== undefined && refused.some((e) => e.id === x.exchangeId)))
      expect(CHECKS.find((c) => c.name === r.check)!.judges, r.check).toEqual([]);
  });

  it.concurrent.for(Object.entries(INCOMPLETE_AT))(
    "%s → the run is incomplete (exit 1) naming %j, also with account_enumeration off",
    async ([breakage, [check, message]], { expect }) => {
      for (const args of [{}, { CONTRACT_CHECKS: "account_enumeration=off" }] as Array<Record<string, string>>) {
        const result = await run(breakage as Breakage, args);
        expect(result.exitCode).toBe(1);
        expect(result.aborted?.reason).toBe("incomplete");
        expect(result.aborted?.message).toMatch(message);
        // the wrong-password cases answered 429 are reported not applicable by the checks that needed them, never "ok"
        const na = result.results.filter((r) => r.caseId === "login.credentials.wrong_password" && r.check === check);
        expect(na.map((r) => r.outcome)).toEqual(["not_applicable"]);
        expect(na[0]!.reason).toMatch(/answered 429, Retry-After "3600", not waited out/);
        expect(summaryTable(result)).toMatch(new RegExp(`^${check} +\\w+ .* NOT JUDGED$`, "m"));
      }
    },
  );
});
