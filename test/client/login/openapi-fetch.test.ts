// What the client relies on from openapi-fetch, through its public API only (the `fetch` option,
// `bodySerializer`, `headers`, `redirect`): if a release within the accepted range (package.json,
// ^0.17) changes any of it, this fails and names what changed.
import { readdirSync, readFileSync } from "node:fs";
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import type { paths } from "../../../generated/schema.js";

describe("openapi-fetch, as login() and the token request use it", () => {
  it("calls the `fetch` option once with the Request it built (URL, method, headers, redirect), and accepts a Response of ours in return", async () => {
    const seen: Request[] = [];
    const client = createClient<paths>({ baseUrl: "http://127.0.0.1:9/v1/", redirect: "manual" });
    const result = await client.POST("/accounts/{aid}/customers/login", {
      params: { path: { aid: "T12345678" } },
      body: { audience: "a", type: "customer", email: "a@example.com", password: "fake-password-1" },
      bodySerializer: () => '{"serialised":"once"}',
      headers: { Authorization: "Bearer b" },
      fetch: async (request: Request) => {
        seen.push(request);
        return new Response(null, { status: 204 });
      },
    });
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request).toBeInstanceOf(Request);
    expect([request!.method, request!.url, request!.redirect]).toEqual(["POST", "http://127.0.0.1:9/v1/accounts/T12345678/customers/login", "manual"]);
    expect(request!.headers.get("authorization")).toBe("Bearer b");
    expect(request!.headers.get("content-type")).toBe("application/json");
    expect(await request!.text()).toBe('{"serialised":"once"}');
    expect(result.response.status).toBe(204);
  });

  it("src/ passes openapi-fetch no option outside its documented public API (no Request constructor)", () => {
    const dir = new URL("../../../src/", import.meta.url);
    for (const file of readdirSync(dir)) {
      const text = readFileSync(new URL(file, dir), "utf8");
      expect([file, /\bRequest:\s/.test(text)]).toEqual([file, false]);
    }
  });
});
