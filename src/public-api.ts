// What both entries (src/index.ts, src/browser.ts) export besides their own createLoginClient: one list, so they cannot drift.
export { defaultBaseUrl } from "./client.ts";
export type {
  AccessToken,
  LoginClient,
  LoginClientAuth,
  LoginClientOptions,
  LoginCredentials,
  LoginOptions,
  MfaChallengeStep,
  MfaChannel,
  MfaCodeStep,
} from "./client.ts";
export { LoginError, isLoginError, loginErrorKinds } from "./errors.ts";
export type { LoginErrorDetail, LoginErrorKind } from "./errors.ts";
export type { TokenRetryPolicy } from "./token-provider.ts";
export type { components, paths } from "../generated/schema.js";
