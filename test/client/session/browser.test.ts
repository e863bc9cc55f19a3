// The browser build refuses refresh, revoke and the MFA steps before sending anything (Dintero: a
// single-page application must never hold a refresh token), and carries none of their code.
import { describe, expect, it } from "vitest";
import { buildBrowserBundle } from "../../../scripts/browser-bundle.ts";
import { createLoginClient } from "../../../src/browser.ts";
import { createLoginClient as createServerClient, LoginError } from "../../../src/index.ts";
import { rejection } from "./fixture.ts";

describe("browser build", () => {
  it("refuses refresh, revoke and mfa with invalid_request, sending nothing", async () => {
    const sent: string[] = [];
    const client = createLoginClient({
      accountId: "T12345678",
      auth: { accessToken: "provided-page-bearer" },
      baseUrl: "http://127.0.0.1:9/v1",
      fetch: async (request) => {
        sent.push(request.url);
        return new Response("{}", { status: 500 });
      },
    });
    for (const [operation, call] of [
      ["refresh", () => client.refresh("rt_page-held-token")],
      ["revoke", () => client.revoke("rt_page-held-token")],
    ] as const) {
      const error = (await rejection(call())) as LoginError;
      expect(error).toBeInstanceOf(LoginError);
      expect(error).toMatchObject({ kind: "invalid_request", details: [{ rule: "browser" }] });
      expect(error.message).toMatch(new RegExp(`^${operation} is refused in a browser: a page must never hold a refresh token \\(Dintero\\)`));
      expect(JSON.stringify(error)).not.toContain("rt_page-held-token");
    }
    const mfaError = new LoginError("mfa_required", "login needs multi-factor authentication (403)", { status: 403, mfaToken: "mfa_page" });
    expect(() => client.mfa(mfaError)).toThrow(expect.objectContaining({ kind: "invalid_request", details: [expect.objectContaining({ rule: "browser" })] }));
    expect(sent).toEqual([]);
  });

  it("the default entry in a browser worker's scope (importScripts) refuses them too", async () => {
    const scope = globalThis as { importScripts?: unknown };
    scope.importScripts = () => undefined;
    try {
      const client = createServerClient({ accountId: "T12345678", auth: { accessToken: "provided-worker-bearer" }, baseUrl: "http://127.0.0.1:9/v1" });
      expect(await rejection(client.refresh("rt_worker-held-token"))).toMatchObject({ kind: "invalid_request", details: [{ rule: "browser" }] });
      expect(await rejection(client.revoke("rt_worker-held-token"))).toMatchObject({ kind: "invalid_request", details: [{ rule: "browser" }] });
    } finally {
      delete scope.importScripts;
    }
  });

  it("the browser bundle holds none of the session's code (tree-shaken; only the refusal is in)", async () => {
    const { inputs } = await buildBrowserBundle();
    expect(Object.keys(inputs)).toContain("src/browser-refusal.ts");
    expect(Object.keys(inputs).filter((file) => /session|token-provider/.test(file))).toEqual([]);
  });
});
