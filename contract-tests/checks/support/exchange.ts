// What an exchange is, for the checks: answered, judgeable, a refusal, a 429 not waited out.
import type { Case } from "../../case-types.ts";
import { type Exchange, MAX_RETRIES, MAX_RETRY_AFTER_S } from "../../http.ts";
import type { CheckContext } from "../check.ts";

export const answered = (ex: Exchange) => ex.response !== undefined;
/** A 429 still standing after the honoured retries is reported, not judged against expectations. */
export const judgeable = (ex: Exchange) => answered(ex) && ex.response!.status !== 429;
export const statusText = (ex: Exchange) => String(ex.response?.status);
/** A refusal: any 4xx but 429 (a 429 says "not now", not "no"). */
export const isRefusal = (status: number) => status >= 400 && status < 500 && status !== 429;
/** Cases whose request the server must refuse (as opposed to serve, or merely answer well). */
export const REFUSAL_KINDS: ReadonlySet<Case["expect"]["kind"]> = new Set([
  "rejection",
  "auth_rejection",
  "credentials_rejection",
  "scope_rejection",
  "isolation_rejection",
  "identity_rejection",
  "method_rejection",
  "refresh_binding_rejection",
  "revoked_token_rejection",
  "mfa_token_rejection",
  "binding_code_rejection",
]);
export const expectsRefusal = (kase: Case) => REFUSAL_KINDS.has(kase.expect.kind);
/** The operation's documented responses describe its own method only, not the unsupported-method cases. */
export const documentedMethod = (ctx: CheckContext) => ctx.kase.expect.kind !== "method_rejection";

/** A case that must succeed whose final answer is a 429 the suite did not wait out (Retry-After too long,
 * or past the deadline): the server may be right to say "not now", so the case is not judged by itself. */
export const unwaitedRateLimit = (ex: Exchange, kase: Case) => ex.response?.status === 429 && !ex.retried && kase.expect.kind === "success";

export const retryAfterText = (ex: Exchange) => {
  const v = ex.response?.headers["retry-after"];
  return v !== undefined ? `, Retry-After ${JSON.stringify(v)}` : "";
};

/** Why an unwaited 429 was not judged (the runner reports it not applicable). */
export function unwaitedReason(ex: Exchange): string {
  const why =
    ex.rateLimited.length >= MAX_RETRIES
      ? `still 429 after ${MAX_RETRIES} honoured retries`
      : `not waited out (the suite waits at most ${MAX_RETRY_AFTER_S} s, and never past the run's deadline)`;
  return `answered 429${retryAfterText(ex)}, ${why}: the server said "not now", so this case cannot be judged`;
}
