// Proof that the conformance suite's checks work: against the fake bent to break exactly one rule of
// the contract, the suite fails and names the right check; against the fake as it is and bent in
// correct but unusual ways (an undocumented property, other refusal statuses) it passes.
// Runs the suite in-process, each run against a server of its own, several runs at a time (their
// waits for timeouts and Retry-After overlap).
import { afterEach, describe, expect, it } from "vitest";
import { CHECKS, failsRun, type Severity } from "../../contract-tests/checks.ts";
import { identityFieldNames, resolveConfig } from "../../contract-tests/config.ts";
import { summaryTable } from "../../contract-tests/console.ts";
import { keywordSites, type Schema } from "../../contract-tests/schema-keywords.ts";
import { loadSpec } from "../../contract-tests/spec.ts";
import { runSuite, type RunResult } from "../../contract-tests/suite.ts";
import {
  BREAKAGES,
  contractEnv,
  DISCLOSURE_LEAKS,
  startContractServer,
  VARIATIONS,
  type Breakage,
  type ContractServer,
  type Variation,
} from "../helpers/contract-servers.ts";

let server: ContractServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** One suite run against a server of its own, closed when the run ends. The suite's default timeout
 * (10 s), so that runs sharing a busy machine are not cut short; a server that never answers is
 * given up on after 1 s. */
async function run(breakage?: Breakage, args: Record<string, string> = {}, vary?: Variation): Promise<RunResult> {
  const own = await startContractServer({ ...(breakage ? { break: breakage } : {}), ...(vary ? { vary } : {}) });
  try {
    return await runSuite(
      resolveConfig(contractEnv(own, { CONTRACT_CASES: "4", ...(breakage === "never_answers" ? { CONTRACT_TIMEOUT_MS: "1000" } : {}) }), args),
      { control: own.control },
    );
  } finally {
    await own.close();
  }
}

/** The exit code the same run ends with at another --fail-on: --fail-on changes nothing but which
 * findings fail the run (suite.ts); "derived exit codes" below proves it against real runs. */
const exitAt = (r: RunResult, failOn: Severity): number =>
  r.exitCode === 2 ? 2 : r.aborted || r.results.some((x) => x.outcome === "fail" && failsRun(x.severity, failOn)) ? 1 : 0;

const failedChecks = (r: RunResult) => [...new Set(r.results.filter((x) => x.outcome === "fail").map((x) => x.check))];

/** Each broken server that must fail the default run (--fail-on standard): the check that must catch it
 * and the severity of its finding. contract: Dintero documents the rule; standard: a standard or security
 * rule whose break harms a correct consumer or exposes a secret (see each check's severityReason). */
const CAUGHT_BY: Record<Exclude<Breakage, "rate_limits_once" | "token_429_long_once" | AdvisoryBreakage | IncompleteBreakage>, [string, Severity]> = {
  expires_in_as_string: ["response_schema_conformance", "contract"],
  // Dintero sets no minimum on expires_in: a token that has expired on arrival harms every consumer (standard).
  token_expires_in_zero: ["token_semantics", "standard"],
  // 422 for an invalid body: Dintero documents 400 for it (an undocumented 4xx on a refusal is only an
  // advisory status_code_conformance finding since the suite-review fixes).
  validation_422: ["negative_data_rejection", "contract"],
  token_201_created: ["status_code_conformance", "contract"],
  content_type_text_plain: ["content_type_conformance", "contract"],
  truncated_json_errors: ["content_type_conformance", "contract"],
  rejects_max_length_password: ["positive_data_acceptance", "contract"],
  accepts_short_password: ["negative_data_rejection", "contract"],
  ignores_type_enum: ["negative_data_rejection", "contract"],
  ignores_content_type: ["negative_data_rejection", "contract"],
  accepts_any_bearer: ["ignored_auth", "contract"],
  no_auth_required: ["ignored_auth", "contract"],
  accepts_any_password: ["wrong_credentials", "contract"],
  never_answers: ["server_answers", "contract"],
  customer_token_opens_login: ["token_scope", "contract"],
  serves_other_account: ["account_isolation", "contract"],
  ignores_path_account: ["account_isolation", "contract"],
  token_serves_other_account: ["account_isolation", "contract"],
  alg_none_case_insensitive: ["ignored_auth", "contract"],
  weak_hmac_key: ["ignored_auth", "contract"],
  ident_password_not_checked: ["wrong_credentials", "contract"],
  ignores_audience: ["account_isolation", "contract"],
  ignores_ident_type: ["identity_binding", "contract"],
  // Dintero documents POST only; refusing other methods is RFC 9110's rule
  serves_any_method: ["unsupported_methods", "standard"],
  token_retry_after_not_a_number: ["response_headers", "contract"],
  latin1_error_body: ["encoding", "standard"],
  duplicate_content_type: ["encoding", "standard"],
  accepts_lower_case_aid: ["negative_data_rejection", "contract"],
  accepts_alg_none: ["ignored_auth", "contract"],
  token_any_audience: ["account_isolation", "contract"],
  counts_password_bytes: ["negative_data_rejection", "contract"],
  counts_password_utf16_units: ["positive_data_acceptance", "contract"],
  ident_without_ident_type: ["negative_data_rejection", "contract"],
  login_always_429: ["server_answers", "contract"],
  enum_case_insensitive: ["negative_data_rejection", "contract"],
  token_ignores_oid: ["negative_data_rejection", "contract"],
  token_ignores_content_type: ["negative_data_rejection", "contract"],
  // #15: these passed the default run while severity followed provenance
  crash_on_non_ascii: ["not_a_server_error", "standard"],
  echoes_password: ["secret_reflection", "standard"],
  echoes_password_encoded: ["secret_reflection", "standard"],
  echoes_basic_header: ["secret_reflection", "standard"],
  refresh_token_on_login: ["refresh_token_without_scope", "contract"],
  signature_compared_as_prefix: ["ignored_auth", "contract"],
  payload_unchecked_under_known_signature: ["ignored_auth", "contract"],
  trusts_embedded_jwk: ["ignored_auth", "contract"],
  token_endpoint_accepts_bearer: ["ignored_auth", "contract"],
  issues_unsigned_tokens: ["token_semantics", "standard"],
  token_on_wrong_password: ["token_on_refusal", "standard"],
  identity_in_errors: ["identity_disclosure", "standard"],
  bom_json: ["encoding", "standard"],
  rejects_charset_param: ["positive_data_acceptance", "contract"],
  jwt_carries_password: ["secret_reflection", "standard"],
  echoes_bearer: ["secret_reflection", "standard"],
  exp_mismatch: ["token_semantics", "standard"],
  // the login's 429 is curated (its integer schema: advisory), but RFC 9110's grammar is a standard's
  retry_after_not_a_number: ["response_headers", "standard"],
  conflicting_json_members: ["duplicate_json_members", "standard"],
  // #24 item 1: forgeries across algorithm families and keys a token brings or names
  fail_open_algorithms: ["ignored_auth", "contract"],
  psychic_signatures: ["ignored_auth", "contract"],
  trusts_embedded_rsa_jwk: ["ignored_auth", "contract"],
  key_lookup_fails_open: ["ignored_auth", "contract"],
  // #24 item 2: a clock that lies (RFC 7519 §4.1.4–§4.1.6; this project's claim rules)
  clock_an_hour_ahead: ["token_semantics", "standard"],
  wrong_iat_hides_wrong_exp: ["token_semantics", "standard"],
  iat_disagrees_with_expires_in: ["token_semantics", "standard"],
  // #24 item 3: a token a shared cache may store is exposed to the cache's next client
  token_storable_by_shared_caches: ["token_caching", "standard"],
  // #24: sanitising before the length check; lax secret comparison; made-up identities; normalising comparison
  strips_password_whitespace: ["positive_data_acceptance", "contract"],
  client_secret_prefix_match: ["wrong_credentials", "contract"],
  client_secret_case_insensitive: ["wrong_credentials", "contract"],
  signs_up_unknown_phone_numbers: ["wrong_credentials", "contract"],
  aid_dollar_before_newline: ["negative_data_rejection", "contract"],
  aid_unicode_digits: ["negative_data_rejection", "contract"],
  password_case_insensitive: ["wrong_credentials", "contract"],
  password_trimmed: ["wrong_credentials", "contract"],
  // #24 review: a bearer refused long before its expires_in; a comparison that skips the last character; a
  // refusal of the customer's credentials that blames the bearer (RFC 6750 §3.1)
  bearer_dies_early: ["token_semantics", "standard"],
  password_offbyone: ["wrong_credentials", "contract"],
  invalid_token_on_wrong_password: ["wrong_credentials", "standard"],
  // #24 review: a kid whose lookup yields an empty key; a self-signed certificate in x5c taken at its word
  kid_lookup_yields_empty_key: ["ignored_auth", "contract"],
  trusts_x5c_certificate: ["ignored_auth", "contract"],
  // #24 review: a T account's bearer opens the P account of the same number
  account_compared_by_number: ["account_isolation", "contract"],
  // #24 review: the password Base64-encoded inside a larger blob is echoed all the same
  echoes_credentials_base64: ["secret_reflection", "standard"],
  // #24 item 8: a token in a cookie that scripts, plain http and other sites can reach
  token_in_plain_cookie: ["token_cookie", "standard"],
  // #26: the session after login
  refresh_token_any_client: ["refresh_token_binding", "contract"],
  revoke_does_nothing: ["revoked_refresh_token", "contract"],
  revoke_tells_unknown: ["revoke_enumeration", "standard"],
  refresh_token_on_mfa_grant: ["refresh_token_without_scope", "contract"],
  mfa_token_reusable: ["mfa_token_reuse", "standard"],
  mfa_token_never_expires: ["mfa_token_reuse", "standard"],
  binding_code_unchecked: ["mfa_binding_code", "contract"],
  binding_code_unbounded: ["mfa_binding_code", "standard"],
  customer_token_opens_session_endpoints: ["token_scope", "contract"],
};

/** Standard breaks that do not pass at --fail-on contract either, and why: a contract rule breaks as well. */
const ALSO_CONTRACT: Partial<Record<Breakage, string>> = {
  token_expires_in_zero: "the bearer has expired on arrival, so the known-good login is refused (positive_data_acceptance)",
  issues_unsigned_tokens: "a server that accepts its own unsigned tokens accepts a forged alg none token too (ignored_auth)",
};

/** The case that catches a breakage, where one case was added for it. */
const CAUGHT_AT: Partial<Record<Breakage, string>> = {
  accepts_lower_case_aid: "login.negative.aid.pattern.case",
  accepts_alg_none: "login.auth.alg_none",
  token_any_audience: "token.isolation.other_audience",
  // one rule per case: the audience check passes these, only the path's account can refuse them
  ignores_path_account: "login.isolation.other_account_path_own_audience",
  alg_none_case_insensitive: "login.auth.alg_none_upper",
  signature_compared_as_prefix: "login.auth.tampered.truncated_signature",
  payload_unchecked_under_known_signature: "login.auth.tampered.payload_edited",
  trusts_embedded_jwk: "login.auth.embedded_jwk",
  token_endpoint_accepts_bearer: "token.auth.bearer_instead_of_basic",
  rejects_charset_param: "login.generated.valid.control.email.charset",
  weak_hmac_key: "login.auth.weak_key.jwt_io",
  ident_password_not_checked: "login.credentials.ident.wrong_password",
  token_serves_other_account: "token.isolation.other_account_path_own_audience",
  counts_password_bytes: "login.email.negative.minLength.multibyte.password",
  ident_without_ident_type: "login.ident.negative.anyOf.partial.ident",
  login_always_429: "login.email.known_good",
  enum_case_insensitive: "token.negative.enum.case.grant_type",
  token_ignores_oid: "token.negative.oid.pattern.case",
  token_ignores_content_type: "token.negative.content_type",
  fail_open_algorithms: "login.auth.alg.RS256",
  psychic_signatures: "login.auth.es256_zero_signature",
  trusts_embedded_rsa_jwk: "login.auth.embedded_rsa_jwk",
  key_lookup_fails_open: "login.auth.jku_elsewhere",
  clock_an_hour_ahead: "token.known_good",
  wrong_iat_hides_wrong_exp: "login.email.known_good",
  iat_disagrees_with_expires_in: "token.known_good",
  token_storable_by_shared_caches: "token.known_good",
  strips_password_whitespace: "login.bounds.email.minLength.whitespace.password",
  client_secret_prefix_match: "token.credentials.wrong_secret.prefix",
  client_secret_case_insensitive: "token.credentials.wrong_secret.other_case",
  signs_up_unknown_phone_numbers: "login.credentials.ident.unknown_identity",
  aid_dollar_before_newline: "login.negative.aid.pattern.trailing_newline",
  aid_unicode_digits: "login.negative.aid.pattern.unicode_digits",
  password_case_insensitive: "login.credentials.email.wrong_password.other_case",
  password_trimmed: "login.credentials.email.wrong_password.trailing_space",
  password_offbyone: "login.credentials.email.wrong_password.last_changed",
  invalid_token_on_wrong_password: "login.credentials.wrong_password",
  kid_lookup_yields_empty_key: "login.auth.kid_path_traversal",
  trusts_x5c_certificate: "login.auth.x5c_self_signed",
  account_compared_by_number: "login.isolation.other_environment",
  echoes_credentials_base64: "login.email.known_good",
  token_in_plain_cookie: "login.email.known_good",
  refresh_token_any_client: "token.refresh.other_client",
  revoke_does_nothing: "token.refresh.after_revoke",
  revoke_tells_unknown: "revoke.unknown_token",
  refresh_token_on_mfa_grant: "token.mfa.known_good",
  mfa_token_reusable: "token.mfa.reused",
  mfa_token_never_expires: "token.mfa.expired",
  binding_code_unchecked: "token.mfa.wrong_code.1",
  binding_code_unbounded: "token.mfa.right_code_after_wrong_codes",
  customer_token_opens_session_endpoints: "revoke.customer_token_as_bearer",
};

/** Broken servers whose break harms no one on its own: an advisory finding, reported in every run, that
 * fails the run only with --fail-on advisory. */
type AdvisoryBreakage =
  | "method_405_without_allow"
  | "enumeration_leak"
  | "token_cacheable"
  | "refresh_token_on_client_credentials"
  | "duplicate_json_members"
  | "ignores_user_type"
  | "no_www_authenticate"
  | "cdn_cacheable_token"
  | "stack_in_errors"
  | "enum_by_errors_detail"
  | keyof typeof DISCLOSURE_LEAKS;
const ADVISED_BY: Record<AdvisoryBreakage, string> = {
  method_405_without_allow: "allow_header",
  enumeration_leak: "account_enumeration",
  token_cacheable: "token_caching",
  no_www_authenticate: "www_authenticate",
  stack_in_errors: "error_disclosure",
  cdn_cacheable_token: "token_caching",
  refresh_token_on_client_credentials: "refresh_token_on_client_credentials",
  // the same value twice: every parser reads it alike
  duplicate_json_members: "duplicate_json_members",
  // "users with different type can share email" (Dintero): a 200 under another user type may be a twin
  ignores_user_type: "identity_binding",
  // one server per pattern of error_disclosure, each leaking only that (DISCLOSURE_LEAKS)
  ...(Object.fromEntries(Object.keys(DISCLOSURE_LEAKS).map((b) => [b, "error_disclosure"])) as Record<keyof typeof DISCLOSURE_LEAKS, string>),
  // the same status, code and message: only error.errors[0].path tells them apart (request_id and timestamp differ in every answer)
  enum_by_errors_detail: "account_enumeration",
};

/** Broken servers that leave a check with nothing to judge: the run ends incomplete (exit 1) naming it, whatever
 * --check says of the other checks. */
type IncompleteBreakage = "wrong_password_429";
const INCOMPLETE_AT: Record<IncompleteBreakage, [string, RegExp]> = {
  // every wrong password answered 429 Retry-After 3600: no wrong_credentials verdict on a wrong password
  wrong_password_429: ["wrong_credentials", /wrong_credentials \(login\.credentials\.wrong_password: answered 429, Retry-After "3600"/],
};

/** Whether the login body's schema states a bound or pattern on an identity field (none does today). */
function identityFieldBounded(): boolean {
  const spec = loadSpec();
  const identity = identityFieldNames(spec);
  const bounds = ["pattern", "format", "minLength", "maxLength"];
  return keywordSites(spec.operations.login.requestSchema as Schema).some((site) => identity.includes(site.path[0]!) && bounds.includes(site.keyword));
}

/** Correct but different servers, and the advisory checks that report them: each must pass at --fail-on
 * contract (exit 0), with exactly these checks failing as advisory. */
const PASSES_WITH: Record<Variation, string[]> = {
  // an undocumented property is no finding unless --strict (the correct-server tests below show it is one then)
  undocumented_property: [],
  rs256_with_kid: [],
  short_lifetimes: [],
  json_escapes: [],
  media_type_capitalised: [],
  quoted_charset: [],
  chunked_with_trailers: [],
  close_delimited: [],
  // advisory only when the spec itself bounds an identity field (a maintainer's pattern or maxLength on email):
  // its bound values are made-up identities this server may refuse (test/suite/keyword-cases.test.ts)
  validates_identity_formats: identityFieldBounded() ? ["positive_data_acceptance"] : [],
  // the unknown identity's 400 also differs from the wrong password's 403 (account_enumeration)
  rejects_made_up_identities: ["positive_data_acceptance", "account_enumeration"],
  status_415_for_content_type: ["status_code_conformance"],
  status_404_for_bad_aid: ["status_code_conformance"],
  status_404_for_other_account: ["status_code_conformance"],
  jwt_without_exp: ["token_semantics"],
  jwe_tokens: [],
  exp_with_leeway: ["token_semantics"],
  status_501_for_patch: [],
  duplicate_identical_content_type: ["encoding"],
  token_400_without_credentials: [],
  // the first login's 429 (Retry-After 90) is not waited out: that case is not judged, the run passes
  login_429_long_once: [],
  // the unknown identity's 404 (and every made-up identity's) is an undocumented refusal; it also differs from the wrong password's 403
  unknown_identity_404: ["status_code_conformance", "wrong_credentials", "account_enumeration"],
  // the email's company twin logs in as type company: reported as an advisory identity_binding finding
  company_twin: ["identity_binding"],
  auth_400_for_malformed: [],
  // an undocumented status has no documented media type: the HTML 404 and problem+json 415 are advisory
  framework_refusals: ["status_code_conformance", "content_type_conformance"],
  small_clock_skew: [],
  content_location_no_store: [],
  short_lived_bearer: [],
  // account_enumeration learns from the wrong-password answers that request_id and timestamp differ in every answer
  request_id_in_error_body: [],
  // Base64 of the identity alone: not a secret, though it looks like the breakage above
  base64_identity_header: [],
  // a cookie that carries no token is not judged; one that does, with all three attributes, passes
  session_cookie_without_token: [],
  token_cookie_protected: [],
  // #26: other bounds and other documented refusal statuses for the session's grants
  mfa_single_wrong_code: [],
  mfa_refusals_400: [],
  refresh_refusals_401: [],
};

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

describe("every broken server fails the suite and names the right check", () => {
  it("has a broken server for every check, at the severity the check gives that break", () => {
    for (const check of CHECKS) expect([...Object.values(CAUGHT_BY).map(([c]) => c), ...Object.values(ADVISED_BY)], check.name).toContain(check.name);
    for (const b of Object.keys(BREAKAGES))
      expect(b === "rate_limits_once" || b === "token_429_long_once" || b in CAUGHT_BY || b in ADVISED_BY || b in INCOMPLETE_AT, b).toBe(true);
    expect(Object.keys(VARIATIONS).sort()).toEqual(Object.keys(PASSES_WITH).sort());
    // a check gives its findings its own severity or a lower one: a break at a severity needs a check that reaches it
    const rank = (s: Severity) => ["contract", "standard", "advisory"].indexOf(s);
    for (const [b, [name, severity]] of Object.entries(CAUGHT_BY))
      expect(rank(CHECKS.find((c) => c.name === name)!.severity), b).toBeLessThanOrEqual(rank(severity));
    for (const c of CHECKS) {
      expect(c.source.ref.length, c.name).toBeGreaterThan(0);
      expect(c.severityReason.length, c.name).toBeGreaterThan(20);
    }
  });

  it.concurrent.for(Object.entries(CAUGHT_BY))("%s → %j fails the default run", async ([breakage, [check, severity]], { expect }) => {
    const result = await run(breakage as Breakage);
    expect(result.failOn).toBe("standard");
    expect(result.exitCode).toBe(1);
    expect(failedChecks(result)).toContain(check);
    const failure = result.results.find((r) => r.check === check && r.outcome === "fail" && r.severity === severity)!;
    expect(failure, `a ${severity} ${check} finding`).toBeDefined();
    expect(failure.findings[0]!.check).toBe(check);
    expect(failure.findings[0]!.severity).toBe(severity);
    expect(failure.findings[0]!.severityReason!.length).toBeGreaterThan(20);
    expect(failure.findings[0]!.source?.ref.length).toBeGreaterThan(0);
    expect(failure.findings[0]!.rule.length).toBeGreaterThan(0);
    const at = CAUGHT_AT[breakage as Breakage];
    if (at) expect(result.results.filter((r) => r.check === check && r.outcome === "fail" && r.severity === severity).map((r) => r.caseId)).toContain(at);
    if (severity !== "standard") return;
    // not one of Dintero's published rules: --fail-on contract does not fail on it
    // Unless a contract rule breaks too: then the run does not pass (how it ends is that rule's to say).
    const why = ALSO_CONTRACT[breakage as Breakage];
    if (why) expect(exitAt(result, "contract"), why).not.toBe(0);
    else expect(exitAt(result, "contract"), "no contract finding").toBe(0);
  });

  it.concurrent.for(Object.entries(ADVISED_BY))(
    "%s → %s (advisory: reported; fails the run only with --fail-on advisory)",
    async ([breakage, check], { expect }) => {
      const lenient = await run(breakage as Breakage);
      expect(failedChecks(lenient)).toEqual([check]);
      expect(lenient.results.filter((r) => r.outcome === "fail").every((r) => r.severity === "advisory")).toBe(true);
      expect(lenient.exitCode).toBe(0);
      const finding = lenient.results.find((r) => r.check === check && r.outcome === "fail")!.findings[0]!;
      expect(finding.severity).toBe("advisory");
      expect(finding.source?.ref.length).toBeGreaterThan(0);
      expect(exitAt(lenient, "advisory")).toBe(1);
    },
  );

  it.concurrent.for<[Breakage, Severity]>([
    ["echoes_password", "contract"],
    ["token_expires_in_zero", "contract"],
    ["enumeration_leak", "advisory"],
  ])("derived exit codes: %s at --fail-on %s ends as its default run's results say", async ([breakage, failOn], { expect }) => {
    const [lenient, other] = await Promise.all([run(breakage), run(breakage, { CONTRACT_FAIL_ON: failOn })]);
    expect(other.failOn).toBe(failOn);
    // the same findings at the same severities: --fail-on only decides which fail the run
    const verdicts = (r: RunResult) =>
      r.results
        .filter((x) => x.outcome === "fail")
        .map((x) => `${x.check} ${x.severity} ${x.caseId}`)
        .sort();
    expect(verdicts(other)).toEqual(verdicts(lenient));
    expect(exitAt(lenient, failOn)).toBe(other.exitCode);
    expect(exitAt(lenient, "standard")).toBe(lenient.exitCode);
  });

  it("a broken rule is caught by its own check, not only as collateral", async () => {
    const result = await run("accepts_short_password");
    expect(failedChecks(result)).toEqual(["negative_data_rejection"]);
    const ids = result.results.filter((r) => r.outcome === "fail").map((r) => r.caseId);
    expect(ids).toContain("login.email.negative.minLength.password");
    expect(ids.every((id) => /minLength\.(multibyte\.)?password|generated\.invalid/.test(id))).toBe(true);
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
