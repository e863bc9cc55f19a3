// Example: log a customer in with a bearer you already have (for example from your own token
// service). The function is called before every login, so it can hand out a fresh token.
//
//   DINTERO_ACCOUNT_ID=T12345678 DINTERO_ACCESS_TOKEN=... CUSTOMER_PIN=... \
//     npx tsx examples/login-with-access-token.ts +4799999999
import { createLoginClient, isLoginError } from "dintero-login-kit";

const accountId = process.env.DINTERO_ACCOUNT_ID ?? "T12345678";

async function currentBearer(): Promise<string> {
  // Replace with your token cache; it must hold a token with scope write:accounts:/auth/users.
  const token = process.env.DINTERO_ACCESS_TOKEN;
  if (!token) throw new Error("set DINTERO_ACCESS_TOKEN");
  return token;
}

const client = createLoginClient({
  accountId,
  auth: { accessToken: currentBearer },
  timeoutMs: 5_000,
  ...(process.env.DINTERO_BASE_URL ? { baseUrl: process.env.DINTERO_BASE_URL } : {}),
});

const controller = new AbortController();
process.once("SIGINT", () => controller.abort());

try {
  const token = await client.login(
    { type: "customer", ident_type: "phone_number", ident: process.argv[2] ?? "+4799999999", password: process.env.CUSTOMER_PIN ?? "" },
    { signal: controller.signal },
  );
  console.log(`logged in: token valid for ${token.expires_in} s${token.refresh_token ? ", with a refresh token" : ""}`);
} catch (error) {
  if (!isLoginError(error)) throw error; // isLoginError knows any copy of the package; instanceof only its own
  console.error(`login failed [${error.kind}]${error.requestId ? ` request-id ${error.requestId}` : ""}: ${error.message}`);
  if (error.details) for (const d of error.details) console.error(`  ${d.pointer || "(body)"}: ${d.rule}: ${d.message}`);
  process.exitCode = 1;
}
