// The names of every check, in report order: what --check and CONTRACT_CHECKS accept. A plain list, so
// that the configuration can validate names without loading the checks; checks/index.ts fails to load
// when CHECKS and this list disagree.
export const CHECK_NAMES = [
  "server_answers",
  "response_schema_conformance",
  "status_code_conformance",
  "content_type_conformance",
  "not_a_server_error",
  "positive_data_acceptance",
  "negative_data_rejection",
  "ignored_auth",
  "wrong_credentials",
  "token_semantics",
  "secret_reflection",
  "token_scope",
  "account_isolation",
  "identity_binding",
  "unsupported_methods",
  "response_headers",
  "encoding",
  "account_enumeration",
  "token_caching",
  "refresh_token_on_client_credentials",
  "refresh_token_without_scope",
  "duplicate_json_members",
  "allow_header",
  "www_authenticate",
  "token_on_refusal",
  "identity_disclosure",
  "error_disclosure",
  "refresh_token_binding",
  "revoked_refresh_token",
  "revoke_enumeration",
  "mfa_token_reuse",
  "mfa_binding_code",
] as const;

export type CheckName = (typeof CHECK_NAMES)[number];
