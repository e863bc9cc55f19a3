// What refresh, revoke and the MFA steps do in a browser: refuse before sending. Dintero: "A Single-Page
// Application should not ever receive a Refresh Token" (docs.dintero.com/docs/auth-service); a page holds
// none to refresh or revoke, and the MFA continuation ends in tokens that belong on your server. Kept
// small: it is all of the session that the browser bundle carries.
import type { SessionMethods } from "./client.ts";
import { LoginError } from "./errors.ts";

const message = "is refused in a browser: a page must never hold a refresh token (Dintero); do it on your server";
const refused = (operation: string) => new LoginError("invalid_request", `${operation} ${message}`, { details: [{ pointer: "", rule: "browser", message }] });

export const refuseInBrowser: SessionMethods = {
  refresh: async () => {
    throw refused("refresh");
  },
  revoke: async () => {
    throw refused("revoke");
  },
  mfa() {
    throw refused("mfa");
  },
};
