// dintero-login-kit for browsers (package.json's "browser" export): the same client and types as
// src/index.ts, without the token provider. A client secret must never ship to a page, so
// `{ clientId, clientSecret }` is refused here as the default entry refuses it where a document exists.
import { validateLoginCredentialsAudience } from "../generated/client-validators.js";
import { buildLoginClient, type EntryWiring, type LoginClient, type LoginClientOptions } from "./client.ts";
import { check } from "./validation.ts";
import { refuseInBrowser } from "./browser-refusal.ts";

const browserWiring: EntryWiring = {
  // This build is for browsers, pages and workers alike: a Web Worker has no `document`.
  browser: true,
  // Here `audience` goes into the login body only: the schema of that body's `audience` property judges
  // it, alone (no stand-in body, whose other fields a new rule in the spec could make invalid).
  checkAudience: (audience) => check(validateLoginCredentialsAudience, audience, "/audience"),
  // refresh, revoke and the MFA steps refuse before sending (src/browser-refusal.ts): none of their code is in this build.
  session: () => refuseInBrowser,
};

/** Throws only LoginError (`invalid_request`), whatever it is given. */
export function createLoginClient(options: LoginClientOptions): LoginClient {
  return buildLoginClient(options, browserWiring);
}

export * from "./public-api.ts";
