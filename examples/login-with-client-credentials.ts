// Example: log a customer in from a backend with the account's client credentials.
// The client gets the client-credentials bearer itself, caches it and refreshes it at half-life.
//
//   DINTERO_ACCOUNT_ID=T12345678 DINTERO_CLIENT_ID=... DINTERO_CLIENT_SECRET=... \
//     npx tsx examples/login-with-client-credentials.ts customer@example.com
//   (the password is read from the CUSTOMER_PASSWORD environment variable, never from argv)
import { createLoginClient, isLoginError, type AccessToken } from "dintero-login-kit";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
};

const client = createLoginClient({
  accountId: env("DINTERO_ACCOUNT_ID"),
  auth: { clientId: env("DINTERO_CLIENT_ID"), clientSecret: env("DINTERO_CLIENT_SECRET") },
  ...(process.env.DINTERO_BASE_URL ? { baseUrl: process.env.DINTERO_BASE_URL } : {}),
});

try {
  const token: AccessToken = await client.login({
    type: "customer",
    email: process.argv[2] ?? "customer@example.com",
    password: env("CUSTOMER_PASSWORD"),
  });
  // Hand the token to your session store; never log it.
  console.log(`logged in: a ${token.token_type} token valid for ${token.expires_in} s`);
} catch (error) {
  if (!isLoginError(error)) throw error; // isLoginError knows any copy of the package; instanceof only its own
  switch (error.kind) {
    case "unauthorized":
    case "forbidden":
      // The customer's credentials were refused, or the response does not say whose were
      // (`error.refused` is "customer" or "unknown"): tell the customer, without saying which field was wrong.
      console.error(`login refused (${error.status}, refused: ${error.refused ?? "?"}): wrong email or password`);
      break;
    case "bearer_refused":
      // Our server's credential was refused, not the customer's: their password was not judged.
      // The client has already replaced its bearer; ask the customer to try again, and alert operations.
      console.error(`our bearer was refused (${error.status}, ${error.code ?? "no code"}): try again; request-id ${error.requestId ?? "none"}`);
      break;
    case "bad_request":
      console.error(`login rejected (${error.status}, ${error.code ?? "no code"}): ${error.message}`);
      break;
    case "mfa_required":
      console.error("multi-factor authentication required: continue with error.mfaToken");
      break;
    case "rate_limited":
      console.error(`rate limited: retry after ${error.retryAfterSeconds ?? "?"} s`);
      break;
    default:
      // The message never contains the password, the client secret or any token: safe to log.
      console.error(`login failed [${error.kind}]: ${error.message}`);
  }
  process.exitCode = 1;
}
