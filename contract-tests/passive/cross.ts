// Rules that only a sequence of exchanges can break, judged across a recording (or the proxy's traffic):
// the same identity and password answered both 2xx and a refusal; a bearer refused and then accepted; a
// refresh token that still gets tokens after its revoke was answered 2xx.
// Each rule carries its metadata like a check (name, severity, reason, source); --check sets their
// severity too. Secrets are kept only as salted hashes, in memory, for the run.
import { createHash, randomBytes } from "node:crypto";
import { jwtClaims } from "../../lib/jwt.ts";
import type { Finding, Severity, Source } from "../checks.ts";
import { revokedRefreshToken } from "../checks/revoked_refresh_token.ts";
import type { Exchange } from "../http.ts";
import type { OperationSpec } from "../spec.ts";

export interface CrossCheck {
  name: string;
  severity: Severity;
  severityReason: string;
  source: Source;
  catches: string;
}

export const CREDENTIALS_ANSWERED_BOTH: CrossCheck = {
  name: "credentials_answered_both",
  severity: "standard",
  severityReason:
    "a login that succeeded with these credentials before and after was refused in between: a correct consumer is told its user's password is wrong when it is not; advisory when the answer changed only once (the password may have changed, or the account been created or locked, in between)",
  source: {
    ref: "this project's rule: a server answers the same credentials alike while they do not change (RFC 9110 §15.5.2: 401 means the request lacks valid credentials)",
    url: "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2",
  },
  catches:
    "recorded traffic only: the same identity and password, with the same bearer (compared as salted hashes, in memory), answered both 2xx and 401/403 by one login operation",
};

export const BEARER_REFUSED_THEN_ACCEPTED: CrossCheck = {
  name: "bearer_refused_then_accepted",
  severity: "standard",
  severityReason:
    'a 401 with error="invalid_token" tells a correct consumer to discard its bearer (RFC 6750 §3.1), so a later acceptance shows one of the two answers was wrong; advisory when the refusal gave no such error (an outage answered 401 is also possible)',
  source: {
    ref: "RFC 6750 §3.1 (invalid_token: the access token is expired, revoked, malformed or invalid)",
    url: "https://www.rfc-editor.org/rfc/rfc6750#section-3.1",
  },
  catches: "recorded traffic only: a bearer answered 401 by an operation and later accepted (2xx) by one",
};

export const REFRESH_AFTER_REVOKE: CrossCheck = {
  name: "refresh_after_revoke",
  // The live suite's revoked_refresh_token judges the same rule on its own session: the same severity and source.
  severity: revokedRefreshToken.severity,
  severityReason: `${revokedRefreshToken.severityReason}; advisory when the revoke and the refresh carried bearers the recording cannot show to be of one client (a revoke by another client may rightly change nothing)`,
  source: revokedRefreshToken.source,
  catches:
    "recorded traffic only: a refresh token named by a revoke answered 2xx, later used in a refresh grant answered 2xx (tokens compared as salted hashes, in memory)",
};

export const CROSS_CHECKS: readonly CrossCheck[] = [CREDENTIALS_ANSWERED_BOTH, BEARER_REFUSED_THEN_ACCEPTED, REFRESH_AFTER_REVOKE];

export interface CrossFinding {
  check: CrossCheck;
  finding: Finding;
}

/** What one exchange carries that the cross-exchange rules compare, taken by the caller from the request. */
export interface CrossInput {
  ex: Exchange;
  op: OperationSpec;
  /** a readable label of the exchange (its entry), shown in messages of later findings */
  label: string;
  /** the credentials of a login body (identity fields and password) as one string, when it has them */
  credentials?: string;
  /** the bearer the request carried */
  bearer?: string;
  /** the refresh token a revoke request names */
  revokes?: string;
  /** the refresh token a refresh grant uses */
  refreshes?: string;
}

/** Who a bearer was issued to, when it is a JWT that says so (`client_id`, RFC 9068 §2.2; else `sub`). */
function clientOf(bearer: string | undefined): string | undefined {
  const claims = bearer === undefined ? undefined : jwtClaims(bearer);
  const id = claims?.client_id ?? claims?.sub;
  return typeof id === "string" ? id : undefined;
}

const REFUSED = new Set([401, 403]);
const bearerChallengeError = (ex: Exchange) => /\berror\s*=\s*"?invalid_token\b/i.test(ex.response?.headers["www-authenticate"] ?? "");

export function createCrossJudge() {
  const salt = randomBytes(16);
  const hash = (kind: string, value: string) => createHash("sha256").update(salt).update(kind).update("\0").update(value).digest("base64");
  /** per credentials: the answers in order ("ok" | "refused"), with the label of the last of each */
  const logins = new Map<string, { history: Array<"ok" | "refused">; lastOk?: string; lastRefused?: string }>();
  const bearers = new Map<string, { refused?: { label: string; invalidToken: boolean } }>();
  /** per revoked refresh token: the revoke's label, and its bearer's hash and client */
  const revoked = new Map<string, { label: string; bearer?: string; client?: string }>();

  return function observe(input: CrossInput): CrossFinding[] {
    const status = input.ex.response?.status;
    if (status === undefined) return [];
    const ok = status >= 200 && status < 300;
    const out: CrossFinding[] = [];
    // A refusal of the bearer (its challenge says so) says nothing of the password: only credential answers count.
    if (input.credentials !== undefined && input.op.key === "login" && (ok || (REFUSED.has(status) && !bearerChallengeError(input.ex)))) {
      // The bearer is part of the key: a login refused for its bearer (none, or one that expired) is not an
      // answer about the password, and a 401 does not always say which of the two it refused.
      const key = hash(`${input.op.key}:${new URL(input.ex.request.url).pathname}`, `${input.credentials}\0${input.bearer ?? ""}`);
      const seen = logins.get(key) ?? { history: [] };
      const now = ok ? "ok" : "refused";
      const last = seen.history.at(-1);
      if (last && last !== now) {
        const sandwiched = now === "refused" ? false : seen.history.includes("ok") && last === "refused";
        const other = now === "ok" ? seen.lastRefused : seen.lastOk;
        const finding: Finding = {
          check: CREDENTIALS_ANSWERED_BOTH.name,
          rule: "the same identity and password get the same answer",
          expected: now === "ok" ? `a 2xx, as before ${other}` : `a 2xx, as ${other} was answered`,
          actual: String(status),
          message:
            now === "ok"
              ? `the same identity and password were refused (${other}) and are now answered ${status}${sandwiched ? ", after an earlier success: the refusal was wrong" : ""}`
              : `the same identity and password, answered 2xx by ${other}, are now refused with ${status}`,
          ...(sandwiched
            ? {}
            : {
                severity: "advisory" as const,
                severityReason: "the answer changed once: the password may have changed, or the account been created or locked, between the two requests",
              }),
        };
        out.push({ check: CREDENTIALS_ANSWERED_BOTH, finding });
      }
      seen.history.push(now);
      if (seen.history.length > 3) seen.history.splice(0, seen.history.length - 3);
      if (ok) seen.lastOk = input.label;
      else seen.lastRefused = input.label;
      logins.set(key, seen);
    }
    if (ok && input.revokes !== undefined && input.op.key === "revoke") {
      const key = hash("refresh", input.revokes);
      if (!revoked.has(key)) {
        const client = clientOf(input.bearer);
        revoked.set(key, {
          label: input.label,
          ...(input.bearer !== undefined ? { bearer: hash("bearer", input.bearer) } : {}),
          ...(client !== undefined ? { client } : {}),
        });
      }
    }
    const revoke = ok && input.refreshes !== undefined && input.op.key === "token" ? revoked.get(hash("refresh", input.refreshes)) : undefined;
    if (revoke) {
      const client = clientOf(input.bearer);
      const sameClient =
        (revoke.bearer !== undefined && input.bearer !== undefined && revoke.bearer === hash("bearer", input.bearer)) ||
        (revoke.client !== undefined && revoke.client === client);
      out.push({
        check: REFRESH_AFTER_REVOKE,
        finding: {
          check: REFRESH_AFTER_REVOKE.name,
          rule: "a revoked refresh token is refused",
          expected: `a refusal: ${revoke.label} revoked this refresh token`,
          actual: String(status),
          message: `a refresh token revoked by ${revoke.label} (answered 2xx) still got tokens (${status})`,
          ...(sameClient
            ? {}
            : {
                severity: "advisory" as const,
                severityReason:
                  "the recording cannot show the revoke and the refresh came from one client: a revoke by another client may rightly change nothing",
              }),
        },
      });
    }
    if (input.bearer !== undefined && (ok || status === 401)) {
      const key = hash("bearer", input.bearer);
      const seen = bearers.get(key) ?? {};
      if (status === 401 && !seen.refused) seen.refused = { label: input.label, invalidToken: bearerChallengeError(input.ex) };
      else if (ok && seen.refused) {
        const { label, invalidToken } = seen.refused;
        out.push({
          check: BEARER_REFUSED_THEN_ACCEPTED,
          finding: {
            check: BEARER_REFUSED_THEN_ACCEPTED.name,
            rule: "a bearer refused as invalid stays refused",
            expected: `401, as ${label} was answered`,
            actual: String(status),
            message: `a bearer refused with 401${invalidToken ? ' (error="invalid_token")' : ""} by ${label} is now accepted (${status})`,
            ...(invalidToken
              ? {}
              : {
                  severity: "advisory" as const,
                  severityReason: 'the refusal gave no error="invalid_token": it may have been an outage answered 401, not a verdict on the bearer',
                }),
          },
        });
        seen.refused = undefined;
      }
      bearers.set(key, seen);
    }
    return out;
  };
}
