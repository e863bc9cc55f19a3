// dintero-login-kit: the typed login client for Dintero's customer login endpoint (the default entry:
// Node and other servers; bundlers for browsers pick src/browser.ts through package.json's "browser" export).
import { buildLoginClient, type LoginClient, type LoginClientOptions } from "./client.ts";
import { clientCredentialsWiring } from "./client-credentials.ts";

/** Throws only LoginError (`invalid_request`), whatever it is given. */
export function createLoginClient(options: LoginClientOptions): LoginClient {
  return buildLoginClient(options, clientCredentialsWiring);
}

export * from "./public-api.ts";
