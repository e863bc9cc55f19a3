// What the browser bundle leaves out because no browser path uses it: the token request's documented
// responses (the browser entry has no token provider) and the words for Node's network system codes
// (a browser's fetch never reports ECONNREFUSED or CERT_HAS_EXPIRED).
import { describe, expect, it } from "vitest";
import { buildBrowserBundle } from "../../../scripts/browser-bundle.ts";
import { documentedResponses, loginResponses } from "../../../generated/client-responses.js";
import { describeCode } from "../../../src/errors.ts";

const bundle = new TextDecoder().decode((await buildBrowserBundle()).code);

describe("the browser bundle", () => {
  it("carries the login's documented responses and no other operation's", () => {
    // Each documented response is one object literal with a `meaning` member in the bundle: the login's
    // alone, not the token request's (the browser entry has no token provider) nor the session's.
    const entries = (bundle.match(/meaning:"/g) ?? []).length;
    expect(entries).toBe(Object.keys(loginResponses).length);
    const all = Object.values(documentedResponses).reduce((n, table) => n + Object.keys(table).length, 0);
    expect(all).toBeGreaterThan(entries);
  });

  it("carries no words for Node's system codes", () => {
    const words = describeCode("ECONNREFUSED");
    expect(words).toBeTruthy();
    expect(bundle).not.toContain(words);
    expect(bundle).not.toContain("host name not found");
  });
});
