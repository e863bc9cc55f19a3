// The registry: every check, in report order. A new check is one module (checks/<name>.ts, made with
// defineCheck) plus one line here, and its name in names.ts.
import type { Check } from "./check.ts";
import { CHECK_NAMES } from "./names.ts";
import { serverAnswers } from "./server_answers.ts";
import { responseSchemaConformance } from "./response_schema_conformance.ts";
import { statusCodeConformance } from "./status_code_conformance.ts";
import { contentTypeConformance } from "./content_type_conformance.ts";
import { notAServerError } from "./not_a_server_error.ts";
import { positiveDataAcceptance } from "./positive_data_acceptance.ts";
import { negativeDataRejection } from "./negative_data_rejection.ts";
import { ignoredAuth } from "./ignored_auth.ts";
import { wrongCredentials } from "./wrong_credentials.ts";
import { tokenSemantics } from "./token_semantics.ts";
import { secretReflection } from "./secret_reflection.ts";
import { tokenScope } from "./token_scope.ts";
import { accountIsolation } from "./account_isolation.ts";
import { identityBinding } from "./identity_binding.ts";
import { unsupportedMethods } from "./unsupported_methods.ts";
import { responseHeaders } from "./response_headers.ts";
import { encoding } from "./encoding.ts";
import { accountEnumeration } from "./account_enumeration.ts";
import { tokenCaching } from "./token_caching.ts";
import { tokenCookie } from "./token_cookie.ts";
import { refreshTokenOnClientCredentials } from "./refresh_token_on_client_credentials.ts";
import { refreshTokenWithoutScope } from "./refresh_token_without_scope.ts";
import { duplicateJsonMembers } from "./duplicate_json_members.ts";
import { allowHeader } from "./allow_header.ts";
import { wwwAuthenticate } from "./www_authenticate.ts";
import { tokenOnRefusal } from "./token_on_refusal.ts";
import { identityDisclosure } from "./identity_disclosure.ts";
import { errorDisclosure } from "./error_disclosure.ts";
import { refreshTokenBinding } from "./refresh_token_binding.ts";
import { revokedRefreshToken } from "./revoked_refresh_token.ts";
import { revokeEnumeration } from "./revoke_enumeration.ts";
import { mfaTokenReuse } from "./mfa_token_reuse.ts";
import { mfaBindingCode } from "./mfa_binding_code.ts";
import { operationServed } from "./operation_served.ts";

export const CHECKS: Check[] = [
  serverAnswers,
  responseSchemaConformance,
  statusCodeConformance,
  contentTypeConformance,
  notAServerError,
  positiveDataAcceptance,
  negativeDataRejection,
  ignoredAuth,
  wrongCredentials,
  tokenSemantics,
  secretReflection,
  tokenScope,
  accountIsolation,
  identityBinding,
  unsupportedMethods,
  responseHeaders,
  encoding,
  accountEnumeration,
  tokenCaching,
  tokenCookie,
  refreshTokenOnClientCredentials,
  refreshTokenWithoutScope,
  duplicateJsonMembers,
  allowHeader,
  wwwAuthenticate,
  tokenOnRefusal,
  identityDisclosure,
  errorDisclosure,
  refreshTokenBinding,
  revokedRefreshToken,
  revokeEnumeration,
  mfaTokenReuse,
  mfaBindingCode,
  operationServed,
];

// The configuration validates --check against CHECK_NAMES without loading the checks: the two lists must
// name the same checks in the same order, or nothing runs.
const names = CHECKS.map((c) => c.name);
if (names.join() !== CHECK_NAMES.join()) {
  throw new Error(`checks/index.ts: CHECKS (${names.join(", ")}) and checks/names.ts (${CHECK_NAMES.join(", ")}) disagree`);
}
