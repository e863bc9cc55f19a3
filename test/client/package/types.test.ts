// Type-level tests. `npm run typecheck` (tsc) checks this file: every `@ts-expect-error` below must
// be an error, or tsc fails. vitest only runs the small runtime part.
import { describe, expectTypeOf, it } from "vitest";
import type { components } from "../../../generated/schema.js";
import { createLoginClient, type LoginError, type AccessToken, type LoginClient, type LoginCredentials, type LoginErrorKind } from "../../../src/index.ts";

declare const client: LoginClient;

// Compile-time only: never called.
function compileTimeChecks(): void {
  // Both forms of the either/or rule compile, with or without audience.
  void client.login({ type: "customer", email: "a@example.com", password: "pw12" });
  void client.login({ type: "company", ident_type: "phone_number", ident: "+4799999999", password: "1234" });
  void client.login({ type: "customer", email: "a@example.com", password: "pw12", audience: "https://x" });

  // @ts-expect-error neither email nor ident
  void client.login({ type: "customer", password: "pw12" });
  // @ts-expect-error ident without ident_type
  void client.login({ type: "customer", ident: "+4799999999", password: "pw12" });
  // @ts-expect-error ident_type without ident
  void client.login({ type: "customer", ident_type: "email", password: "pw12" });
  // @ts-expect-error type outside the enum
  void client.login({ type: "admin", email: "a@example.com", password: "pw12" });
  // @ts-expect-error ident_type outside the enum
  void client.login({ type: "customer", ident_type: "username", ident: "bob", password: "pw12" });
  // @ts-expect-error password missing
  void client.login({ type: "customer", email: "a@example.com" });
  // @ts-expect-error type missing
  void client.login({ email: "a@example.com", password: "pw12" });
  // @ts-expect-error the signal must be an AbortSignal
  void client.login({ type: "customer", email: "a@example.com", password: "pw12" }, { signal: "stop" });

  // @ts-expect-error auth needs clientId + clientSecret, or accessToken
  createLoginClient({ accountId: "T12345678", auth: { clientId: "id" } });
  // @ts-expect-error accountId is required
  createLoginClient({ auth: { accessToken: "x" } });
  createLoginClient({ accountId: "T12345678", auth: { accessToken: async () => "x" }, fetch: globalThis.fetch });

  // raw is openapi-fetch typed by the generated paths.
  void client.raw.POST("/accounts/{aid}/customers/login", {
    params: { path: { aid: "T12345678" } },
    body: { audience: "a", type: "customer", email: "a@example.com", password: "pw12" },
  });
  // @ts-expect-error not a path of the spec
  void client.raw.POST("/accounts/{aid}/customers/logout", { params: { path: { aid: "T12345678" } } });

  // Exhaustive switch over the kinds: adding a kind breaks this until it is handled.
  const describeKind = (kind: LoginErrorKind): string => {
    switch (kind) {
      case "invalid_request":
      case "bad_request":
      case "unauthorized":
      case "forbidden":
      case "bearer_refused":
      case "mfa_required":
      case "rate_limited":
      case "server_error":
      case "timeout":
      case "aborted":
      case "network":
      case "contract_violation":
      case "client_token_failed":
      case "refresh_token_invalid":
      case "mfa_token_invalid":
      case "mfa_code_invalid":
        return kind;
      default: {
        const unreachable: never = kind;
        return unreachable;
      }
    }
  };
  void describeKind;
}
void compileTimeChecks;

describe("types", () => {
  it("login() resolves to the generated AccessToken", () => {
    expectTypeOf<LoginClient["login"]>().returns.toEqualTypeOf<Promise<AccessToken>>();
    expectTypeOf<AccessToken>().toEqualTypeOf<components["schemas"]["AccessToken"]>();
  });

  it("LoginCredentials is the generated schema with audience optional", () => {
    expectTypeOf<LoginCredentials>().toHaveProperty("password").toEqualTypeOf<string>();
    expectTypeOf<LoginCredentials["type"]>().toEqualTypeOf<components["schemas"]["LoginCredentials"]["type"]>();
    expectTypeOf<components["schemas"]["LoginCredentials"]>().toExtend<LoginCredentials>();
    expectTypeOf<{ type: "customer"; password: string }>().not.toExtend<LoginCredentials>();
  });

  it("LoginError carries a kind; causeKind and refused are typed for a switch", () => {
    expectTypeOf<LoginError["kind"]>().toEqualTypeOf<LoginErrorKind>();
    expectTypeOf<LoginError["causeKind"]>().toEqualTypeOf<Exclude<LoginErrorKind, "client_token_failed"> | undefined>();
    expectTypeOf<LoginError["refused"]>().toEqualTypeOf<"customer" | "unknown" | undefined>();
    expectTypeOf<LoginError>().toExtend<Error>();
  });
});
