// What the browser bundle leaves out because no browser path uses it: the token request's documented
// responses (the browser entry has no token provider) and the words for Node's network system codes
// (a browser's fetch never reports ECONNREFUSED or CERT_HAS_EXPIRED).
import { describe, expect, it } from "vitest";
import { buildBrowserBundle } from "../../../scripts/browser-bundle.ts";
import { tokenResponses } from "../../../generated/client-responses.js";
import { describeCode } from "../../../src/errors.ts";

const bundle = new TextDecoder().decode((await buildBrowserBundle()).code);

describe("the browser bundle", () => {
  it("carries no documented response of the token request", () => {
    // The token's 403 names MfaError, a schema only the token request documents.
    const onlyToken = Object.values(tokenResponses)
      .map((r) => r.schema)
      .filter((s) => s === "MfaError");
    expect(onlyToken).toEqual(["MfaError"]);
    expect(bundle).not.toContain('"MfaError"');
  });

  it("carries no words for Node's system codes", () => {
    const words = describeCode("ECONNREFUSED");
    expect(words).toBeTruthy();
    expect(bundle).not.toContain(words);
    expect(bundle).not.toContain("host name not found");
  });
});
