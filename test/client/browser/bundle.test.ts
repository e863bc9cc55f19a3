// What the browser bundle (bench/size.ts measures it, test/client/browser/ runs it) is made of: the browser
// entry's modules of src/ and the shared Web-API modules of lib/, the client-only validators, the documented responses and openapi-fetch, nothing else: no token provider.
import { describe, expect, it } from "vitest";
import { buildBrowserBundle } from "../../../scripts/browser-bundle.ts";

const allowed = [/^src\/[\w-]+\.ts$/, /^lib\/[\w-]+\.ts$/, /^generated\/client-(validators|responses)\.js$/, /^node_modules\/openapi-fetch\/dist\/index\.mjs$/];

describe("the browser bundle", () => {
  it("bundles only src/, lib/, generated/client-validators.js, generated/client-responses.js and openapi-fetch", async () => {
    const { inputs } = await buildBrowserBundle();
    const files = Object.keys(inputs);
    expect(files.filter((file) => !allowed.some((pattern) => pattern.test(file)))).toEqual([]);
    expect(files).toContain("generated/client-validators.js");
    expect(files).toContain("generated/client-responses.js");
    expect(files).toContain("node_modules/openapi-fetch/dist/index.mjs");
    expect(files).not.toContain("generated/validators.js");
  });

  it("is built from package.json's browser export, and carries no client-credentials code", async () => {
    const { inputs } = await buildBrowserBundle();
    const files = Object.keys(inputs);
    expect(files).toContain("src/browser.ts");
    expect(files).not.toContain("src/index.ts");
    // The token provider and its wiring: a browser refuses client credentials, so none of it may ship.
    expect(files).not.toContain("src/token-provider.ts");
    expect(files).not.toContain("src/client-credentials.ts");
  });

  it("drops the validators only client credentials use (ClientCredentialsTokenRequest, MfaError)", async () => {
    const code = new TextDecoder().decode((await buildBrowserBundle()).code);
    // Their schemas' own words: the grant type's enum value, and MfaError's `allOf` over Error
    // (login() reads `mfa_token` itself, so that name alone proves nothing).
    expect(code).not.toContain("client_credentials");
    expect(code).not.toContain('"#/$defs/Error"');
    // The login body's and the login response's are there.
    expect(code).toContain('"phone_number"');
    expect(code).toContain('"Bearer"');
  });

  it("needs no string evaluation (runs under a CSP without 'unsafe-eval')", async () => {
    const code = new TextDecoder().decode((await buildBrowserBundle()).code);
    expect(code).not.toMatch(/\beval\(|new Function\(|\bFunction\(/);
    expect(code).not.toMatch(/\brequire\(/);
  });
});
