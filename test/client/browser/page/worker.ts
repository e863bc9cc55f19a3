// Runs in a module Web Worker of the test page (a browser global scope without `document`): logs in
// with the browser build and reports whether refresh_token reached it and whether a client secret
// was refused. Never posts a secret or a token.
import { createLoginClient, isLoginError } from "dintero-login-kit";
import { pageSecrets } from "./secrets.ts";

const scope = self as unknown as { onmessage: ((event: MessageEvent<{ mock: string }>) => void) | null; postMessage(message: unknown): void };

scope.onmessage = async ({ data: { mock } }) => {
  const credentials = { email: "john.doe@example.com", password: pageSecrets.password, type: "customer" as const };
  // Prism's `Prefer` picks the documented example that carries a refresh_token.
  const withRefreshToken = (request: Request) => {
    const headers = new Headers(request.headers);
    headers.set("Prefer", "example=with_refresh_token");
    return fetch(new Request(request, { headers }));
  };
  const report: Record<string, unknown> = { hasDocument: typeof (globalThis as { document?: unknown }).document !== "undefined" };
  try {
    const client = createLoginClient({
      accountId: "T10000009",
      baseUrl: mock,
      auth: { accessToken: pageSecrets.bearer },
      fetch: withRefreshToken,
      timeoutMs: 5000,
    });
    const token = (await client.login(credentials)) as unknown as Record<string, unknown>;
    report.resolved = true;
    report.hasRefreshToken = "refresh_token" in token;
  } catch (error) {
    report.resolved = false;
    report.kind = isLoginError(error) ? error.kind : "not a LoginError";
  }
  try {
    createLoginClient({ accountId: "T10000010", baseUrl: mock, auth: { clientId: "browser-test-client", clientSecret: pageSecrets.clientSecret } });
    report.clientSecret = "accepted";
  } catch (error) {
    report.clientSecret = isLoginError(error) ? error.kind : "not a LoginError";
  }
  scope.postMessage(report);
};
