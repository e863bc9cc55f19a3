// The self-test's tables (test/suite/selftest.test.ts and selftest-breakages.test.ts): each broken server and
// the check and severity that must catch it, each correct but different server and the advisory findings it
// may get, and one suite run against a server of its own. Two test files, so that two workers share the runs.
import { failsRun, type Severity } from "../../contract-tests/checks.ts";
import { identityFieldNames, resolveConfig } from "../../contract-tests/config.ts";
import { keywordSites, type Schema } from "../../contract-tests/schema-keywords.ts";
import { loadSpec } from "../../contract-tests/spec.ts";
import { runSuite, type RunResult } from "../../contract-tests/suite.ts";
import { contractEnv, DISCLOSURE_LEAKS, startContractServer, type Breakage, type Variation } from "../helpers/contract-servers.ts";

/** One suite run against a server of its own, closed when the run ends. The suite's default timeout
 * (10 s), so that runs sharing a busy machine are not cut short; a server that never answers is
 * given up on after 1 s. */
export async function run(breakage?: Breakage, args: Record<string, string> = {}, vary?: Variation): Promise<RunResult> {
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
export const exitAt = (r: RunResult, failOn: Severity): number =>
  r.exitCode === 2 ? 2 : r.aborted || r.results.some((x) => x.outcome === "fail" && failsRun(x.severity, failOn)) ? 1 : 0;

export const failedChecks = (r: RunResult) => [...new Set(r.results.filter((x) => x.outcome === "fail").map((x) => x.check))];

/** Each broken server that must fail the default run (--fail-on standard): the check that must catch it
 * and the severity of its finding. contract: Dintero documents the rule; standard: a standard or security
 * rule whose break harms a correct consumer or exposes a secret (see each check's severityReason). */
export const CAUGHT_BY: Record<Exclude<Breakage, "rate_limits_once" | "token_429_long_once" | AdvisoryBreakage | IncompleteBreakage>, [string, Severity]> = {
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
export const ALSO_CONTRACT: Partial<Record<Breakage, string>> = {
  token_expires_in_zero: "the bearer has expired on arrival, so the known-good login is refused (positive_data_acceptance)",
  issues_unsigned_tokens: "a server that accepts its own unsigned tokens accepts a forged alg none token too (ignored_auth)",
};

/** The case that catches a breakage, where one case was added for it. */
export const CAUGHT_AT: Partial<Record<Breakage, string>> = {
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
export type AdvisoryBreakage =
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
export const ADVISED_BY: Record<AdvisoryBreakage, string> = {
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
export type IncompleteBreakage = "wrong_password_429";
export const INCOMPLETE_AT: Record<IncompleteBreakage, [string, RegExp]> = {
  // every wrong password answered 429 Retry-After 3600: no wrong_credentials verdict on a wrong password
  wrong_password_429: ["wrong_credentials", /wrong_credentials \(login\.credentials\.wrong_password: answered 429, Retry-After "3600"/],
};

/** Whether the login body's schema states a bound or pattern on an identity field (none does today). */
export function identityFieldBounded(): boolean {
  const spec = loadSpec();
  const identity = identityFieldNames(spec);
  const bounds = ["pattern", "format", "minLength", "maxLength"];
  return keywordSites(spec.operations.login.requestSchema as Schema).some((site) => identity.includes(site.path[0]!) && bounds.includes(site.keyword));
}

/** Correct but different servers, and the advisory checks that report them: each must pass at --fail-on
 * contract (exit 0), with exactly these checks failing as advisory. */
export const PASSES_WITH: Record<Variation, string[]> = {
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
