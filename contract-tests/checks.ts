// The checks' public index: the registry (checks/index.ts, one module per check under checks/), the check
// types (checks/check.ts) and the severity model (severity.ts), re-exported for the reports, the CLI and
// the tests. New code may import from those modules directly.
export { CHECKS } from "./checks/index.ts";
export { CHECK_NAMES, type CheckName } from "./checks/names.ts";
export { defineCheck, judgesCase, type Check, type CheckContext, type CheckDefinition, type Finding, type Found } from "./checks/check.ts";
export { DINTERO_LOGIN_DOCS, DINTERO_TOKEN_DOCS, type Source } from "./checks/support/sources.ts";
export { parseBody } from "./checks/support/body.ts";
export { isRefusal, unwaitedRateLimit, unwaitedReason } from "./checks/support/exchange.ts";
export { rateLimitedThroughout } from "./checks/server_answers.ts";
export { EXP_CONTRADICTION_S, EXP_TOLERANCE_S } from "./checks/token_semantics.ts";
export { decodeJwt } from "./checks/support/jwt.ts";
export { fetchMediaType, firstInvalidUtf8 } from "./checks/support/encoding.ts";
export { failsRun, lowerOf, SEVERITIES, SEVERITY_MEANING, type Severity } from "./severity.ts";
