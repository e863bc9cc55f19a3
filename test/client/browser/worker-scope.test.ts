// The browser build never hands page code a refresh_token, in a Web Worker (no document) too (#16 §5).
import { afterEach, describe, expect, it, vi } from "vitest";
import * as browserEntry from "../../../src/browser.ts";
import { createLoginClient } from "../../../src/index.ts";
import { customerToken, sendJson, type LoginServer } from "../../helpers/login-server.ts";
import { accountId, clientAuth, email, useClientFixture } from "../../helpers/client-fixture.ts";

let server: LoginServer;
const client = useClientFixture((s) => (server = s));
afterEach(() => {
  vi.restoreAllMocks();
});

describe("1. the browser build never hands page code a refresh_token, in a Web Worker (no document) too", () => {
  it("the browser entry removes refresh_token where no document exists (as in a Web Worker, or here)", async () => {
    expect(typeof (globalThis as { document?: unknown }).document).toBe("undefined");
    server.login = (_req, res) => sendJson(res, 200, customerToken({ refresh_token: "fake-refresh-token-1" }));
    const token = await browserEntry.createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl }).login(email);
    expect(token).not.toHaveProperty("refresh_token");
    const kept = await browserEntry
      .createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl, allowRefreshTokenInBrowser: true })
      .login(email);
    expect(kept.refresh_token).toBe("fake-refresh-token-1");
  });

  it("the default entry treats a worker's global scope (importScripts) as a browser: no secret, no refresh_token", async () => {
    const scope = globalThis as { importScripts?: unknown };
    scope.importScripts = () => undefined;
    try {
      server.login = (_req, res) => sendJson(res, 200, customerToken({ refresh_token: "fake-refresh-token-1" }));
      expect(await client().login(email)).not.toHaveProperty("refresh_token");
      expect(() => createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl })).toThrow(/client secret must not ship to a browser/);
    } finally {
      delete scope.importScripts;
    }
    expect(createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl })).toBeTruthy();
  });
});
