// The client tests' shared fixture: the test account, the credentials a test customer logs in with, the
// client credentials, and a login server per test with a factory for a client of it.
import { createLoginClient, type LoginClient, type LoginClientOptions } from "../../src/index.ts";
import { type LoginServer, useLoginServer } from "./login-server.ts";

export const accountId = "T12345678";
export const password = "fake-password-1";
export const email = { type: "customer", email: "a@example.com", password } as const;
export const clientAuth = { clientId: "test-client-id", clientSecret: "fake-client-secret-for-tests" };

/**
 * A login server per test (`useLoginServer`, given to `assign`), and a factory for a client of it that
 * sends a provided bearer; `options` override any default.
 */
export function useClientFixture(assign: (server: LoginServer) => void): (options?: Partial<LoginClientOptions>) => LoginClient {
  let current: LoginServer | undefined;
  useLoginServer((s) => {
    current = s;
    assign(s);
  });
  return (options = {}) => createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: current!.baseUrl, ...options });
}
