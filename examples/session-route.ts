// Example: your backend's session routes around Dintero's customer login. The browser gets an opaque
// session cookie; Dintero's tokens (the refresh token above all) stay in this server's store.
//   POST /login          { email, password } -> 200 (session cookie), or 403 { error: "mfa_required" } (MFA cookie)
//   POST /login/mfa      { channel: "sms" | "email" } -> 204: Dintero sends the customer a code
//   POST /login/mfa/code { code } -> 200 (session cookie), or 401 { error: "wrong_code" }
//   GET  /me             -> 200 with the session, refreshing Dintero's access token when it is about to expire
//   POST /logout         -> 204: the refresh token is revoked at Dintero and the session forgotten
// Its tests, against the fake Dintero of dintero-login-kit/testing: examples/session-route.test.ts.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isLoginError, type AccessToken, type LoginClient, type MfaChallengeStep, type MfaCodeStep } from "dintero-login-kit";

interface Session {
  accessToken: string;
  /** Kept here only: never sent to the browser, never logged. */
  refreshToken: string | undefined;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** Refresh when less than this is left of the access token's lifetime (our choice: a minute). */
const refreshMarginMs = 60_000;
/** A pending MFA login is forgotten after this (Dintero's mfa_token expires too). */
const mfaPendingMs = 5 * 60_000;

export function sessionRoutes(client: LoginClient, now: () => number = Date.now) {
  // In memory for the example; use your session store (Redis, a database) in production.
  const sessions = new Map<string, Session>();
  /** MFA logins under way: the challenge step (asked again to send a new code) and the code step of the last code sent. */
  const pendingMfa = new Map<string, { challenge: MfaChallengeStep; code?: MfaCodeStep; until: number }>();

  const start = (token: AccessToken): string => {
    const id = randomBytes(24).toString("base64url");
    sessions.set(id, { accessToken: token.access_token, refreshToken: token.refresh_token, expiresAt: now() + token.expires_in * 1000 });
    return id;
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const reply = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, body === undefined ? headers : { "content-type": "application/json", ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const cookie = (name: string) =>
      req.headers.cookie
        ?.split(";")
        .map((part) => part.trim().split("="))
        .find(([key]) => key === name)?.[1];
    const setCookie = (name: string, value: string, maxAgeS: number) => `${name}=${value}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=${maxAgeS}`;
    const route = `${req.method} ${req.url}`;
    try {
      if (route === "POST /login") {
        const input = await readJson(req);
        if (typeof input?.email !== "string" || typeof input.password !== "string") return reply(400, { error: "email_and_password_required" });
        try {
          const token = await client.login({ type: "customer", email: input.email, password: input.password });
          return reply(200, { loggedIn: true }, { "set-cookie": setCookie("sid", start(token), 86_400) });
        } catch (error) {
          if (isLoginError(error) && (error.kind === "forbidden" || error.kind === "unauthorized")) return reply(401, { error: "wrong_email_or_password" }); // the customer's credentials, or a refusal that does not say whose
          if (!isLoginError(error) || error.kind !== "mfa_required") throw error;
          // The MFA continuation: kept server side, the browser gets an id for it.
          const id = randomBytes(24).toString("base64url");
          pendingMfa.set(id, { challenge: client.mfa(error), until: now() + mfaPendingMs });
          return reply(403, { error: "mfa_required", channels: ["sms", "email"] }, { "set-cookie": setCookie("mfa", id, mfaPendingMs / 1000) });
        }
      }
      if (route === "POST /login/mfa" || route === "POST /login/mfa/code") {
        const id = cookie("mfa");
        const pending = id === undefined ? undefined : pendingMfa.get(id);
        if (!id || !pending || pending.until < now()) return reply(401, { error: "log_in_again" });
        const input = await readJson(req);
        if (route === "POST /login/mfa") {
          if (input?.channel !== "sms" && input?.channel !== "email") return reply(400, { error: "channel_required" });
          try {
            // Asked again, a new code is sent and the last one counts.
            pending.code = await pending.challenge.challenge({ channel: input.channel });
          } catch (error) {
            // The mfa_token expired or was spent (too many wrong codes): the customer starts over.
            if (!isLoginError(error) || error.kind !== "mfa_token_invalid") throw error;
            pendingMfa.delete(id);
            return reply(401, { error: "log_in_again" });
          }
          return reply(204);
        }
        if (typeof input?.code !== "string") return reply(400, { error: "code_required" });
        if (!pending.code) return reply(409, { error: "ask_for_a_code_first" });
        try {
          const token = await pending.code.complete(input.code);
          pendingMfa.delete(id);
          return reply(200, { loggedIn: true }, { "set-cookie": setCookie("sid", start(token), 86_400) });
        } catch (error) {
          if (isLoginError(error) && error.kind === "mfa_code_invalid") return reply(401, { error: "wrong_code" });
          throw error;
        }
      }
      const sid = cookie("sid");
      const session = sid === undefined ? undefined : sessions.get(sid);
      if (route === "GET /me") {
        if (!sid || !session) return reply(401, { error: "log_in" });
        if (session.expiresAt - now() < refreshMarginMs) {
          if (!session.refreshToken) {
            sessions.delete(sid);
            return reply(401, { error: "log_in" });
          }
          try {
            // Concurrent requests of one session share this refresh: the client sends one request per refresh token.
            const token = await client.refresh(session.refreshToken);
            Object.assign(session, { accessToken: token.access_token, expiresAt: now() + token.expires_in * 1000 });
            // Dintero may rotate the refresh token: keep the new one when it sends one.
            if (token.refresh_token) session.refreshToken = token.refresh_token;
          } catch (error) {
            if (!isLoginError(error) || error.kind !== "refresh_token_invalid") throw error;
            sessions.delete(sid);
            return reply(401, { error: "log_in" });
          }
        }
        return reply(200, { loggedIn: true, expiresInSeconds: Math.round((session.expiresAt - now()) / 1000) });
      }
      if (route === "POST /logout") {
        if (sid && session) {
          sessions.delete(sid);
          // An access token stays valid until it expires (Dintero documents no revocation of it); the
          // refresh token is revoked, so the session cannot be extended.
          if (session.refreshToken) await client.revoke(session.refreshToken);
        }
        return reply(204, undefined, { "set-cookie": setCookie("sid", "", 0) });
      }
      return reply(404, { error: "not_found" });
    } catch (error) {
      // Unforeseen, or Dintero unavailable (LoginError kinds server_error, timeout, network, ...).
      return reply(503, { error: isLoginError(error) ? "dintero_unavailable" : "internal_error" });
    }
  };
}

/** The request's JSON object (application/json only, at most 10,000 characters), or undefined. */
async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  // JSON only: a cross-site <form> cannot send application/json without a CORS preflight (login CSRF).
  if (req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase() !== "application/json") return undefined;
  let text = "";
  req.setEncoding("utf8");
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 10_000) return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
