// dintero-login-kit for browsers (package.json's "browser" export): the same client and types as
// src/index.ts, without the token provider. A client secret must never ship to a page, so
// `{ clientId, clientSecret }` is refused here as the default entry refuses it where a document exists.
import { validateLoginCredentials } from "../generated/client-validators.js";
import { buildLoginClient, type EntryWiring, type LoginClient, type LoginClientOptions } from "./client.ts";
import { check } from "./validation.ts";

const browserWiring: EntryWiring = {
  // This build is for browsers, pages and workers alike: a Web Worker has no `document`.
  browser: true,
  // Here `audience` goes into the login body only: that body's schema judges it (the other fields
  // are valid stand-ins, so every problem found is the audience's).
  checkAudience: (audience) => check(validateLoginCredentials, { type: "customer", email: "", password: "    ", audience }),
};

/** Throws only LoginError (`invalid_request`), whatever it is given. */
export function createLoginClient(options: LoginClientOptions): LoginClient {
  return buildLoginClient(options, browserWiring);
}

export * from "./public-api.ts";
