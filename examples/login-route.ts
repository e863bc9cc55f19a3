// Example: your backend's own login route, `POST /login` with `{ email, password }`, which logs the
// customer in at Dintero and answers without ever handing out Dintero's token.
// Its tests, against the fake Dintero of dintero-login-kit/testing: examples/login-route.test.ts.
import type { IncomingMessage, ServerResponse } from "node:http";
import { isLoginError, type LoginClient } from "dintero-login-kit";

export function loginRoute(client: LoginClient) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    // JSON only (the media type, parameters aside): a cross-site <form> can post text/plain or form data
    // with the visitor's cookies (login CSRF: the visitor ends up in the attacker's account), but it
    // cannot send application/json without the CORS preflight your server does not answer.
    if (req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase() !== "application/json") {
      return reply(415, { error: "json_required" });
    }
    let input: { email?: unknown; password?: unknown } | null;
    try {
      let text = "";
      req.setEncoding("utf8"); // decodes across chunks: a character split between two is not mangled
      for await (const chunk of req) {
        text += chunk;
        if (text.length > 10_000) return reply(413, { error: "too_large" });
      }
      input = JSON.parse(text);
    } catch {
      return reply(400, { error: "invalid_json" });
    }
    if (typeof input !== "object" || input === null) return reply(400, { error: "email_and_password_required" });
    if (typeof input.email !== "string" || typeof input.password !== "string") return reply(400, { error: "email_and_password_required" });
    try {
      const token = await client.login({ type: "customer", email: input.email, password: input.password });
      // Keep the token server side (your session store); the browser gets a session, not the token.
      return reply(200, { loggedIn: true, sessionSeconds: token.expires_in });
    } catch (error) {
      // isLoginError, not instanceof: it knows the errors of any copy of this package.
      if (!isLoginError(error)) return reply(500, { error: "internal_error" });
      switch (error.kind) {
        case "invalid_request":
        case "bad_request":
          return reply(400, { error: "invalid_credentials_format" });
        case "unauthorized":
        case "forbidden":
          // the customer's credentials, or a refusal that does not say whose (usually a wrong password);
          // a refusal of our own bearer is bearer_refused, below
          return reply(401, { error: "wrong_email_or_password" });
        case "mfa_required":
          return reply(403, { error: "mfa_required" });
        case "rate_limited":
          return reply(429, { error: "try_again_later" }, { "retry-after": String(error.retryAfterSeconds ?? 60) });
        default:
          // bearer_refused (our bearer), server_error, timeout, network, client_token_failed, ...
          return reply(503, { error: "login_unavailable" });
      }
    }
  };
}
