// Runs in the test page under a strict CSP: drives the bundled client against the Prism mock and
// publishes what it observed (never a secret or a token) on `window.__loginKit` and in a results table.
import { createLoginClient, isLoginError, type LoginClientOptions } from "dintero-login-kit";
import { pageSecrets } from "./secrets.ts";

export interface Observation {
  name: string;
  /** What the page expects, in words; the vitest test asserts `observed` on its own. */
  expected: string;
  observed: Record<string, unknown>;
  pass: boolean;
}

export interface PageResults {
  userAgent: string;
  scenarios: Observation[];
  violations: string[];
}

declare global {
  interface Window {
    __loginKit?: PageResults;
  }
}

// First thing: every CSP violation the page sees from now on is recorded and shown.
const violations: string[] = [];
document.addEventListener("securitypolicyviolation", (event) => {
  violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "(inline)"}`);
});

const params = new URLSearchParams(location.search);
const mock = params.get("mock") ?? "";
const refused = params.get("refused") ?? "";

const credentials = { email: "john.doe@example.com", password: pageSecrets.password, type: "customer" as const };

/** A custom fetch, as a user may pass: counts the requests and adds headers (Prism's `Prefer`). */
function countingFetch(extraHeaders: Record<string, string> = {}) {
  const counter = { requests: 0 };
  const fetchWith = (request: Request): Promise<Response> => {
    counter.requests++;
    const headers = new Headers(request.headers);
    for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
    return fetch(new Request(request, { headers }));
  };
  return { counter, fetch: fetchWith };
}

function client(accountId: string, extra: Partial<LoginClientOptions> = {}, baseUrl = mock) {
  return createLoginClient({ accountId, baseUrl, auth: { accessToken: pageSecrets.bearer }, timeoutMs: 5000, ...extra });
}

/** What a rejection looked like, and whether any secret got into its text. */
function describeError(error: unknown): Record<string, unknown> {
  if (!isLoginError(error)) return { isLoginError: false, name: (error as Error)?.name, message: String(error) };
  const texts = [error.message, String(error), JSON.stringify(error), error.stack ?? "", JSON.stringify(error.details ?? [])];
  const leaked = Object.entries(pageSecrets)
    .filter(([, secret]) => texts.some((text) => text.includes(secret)))
    .map(([name]) => name);
  return {
    isLoginError: true,
    kind: error.kind,
    status: error.status,
    requestId: error.requestId,
    retryAfterSeconds: error.retryAfterSeconds,
    detailRules: error.details?.map((d) => `${d.pointer} ${d.rule}`),
    leakedSecrets: leaked,
  };
}

async function outcome(run: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    const value = await run();
    const token = value as Record<string, unknown>;
    return {
      resolved: true,
      accessTokenIsString: typeof token.access_token === "string",
      tokenType: token.token_type,
      hasRefreshToken: "refresh_token" in token,
    };
  } catch (error) {
    return { resolved: false, ...describeError(error) };
  }
}

type Scenario = { name: string; expected: string; run: () => Promise<Record<string, unknown>>; pass: (o: Record<string, unknown>) => boolean };

const scenarios: Scenario[] = [
  {
    name: "login with { accessToken }",
    expected: "resolves to a Bearer access token",
    run: async () => {
      const f = countingFetch();
      return { ...(await outcome(() => client("T10000001", { fetch: f.fetch }).login(credentials))), requests: f.counter.requests };
    },
    pass: (o) => o.resolved === true && o.accessTokenIsString === true && o.tokenType === "Bearer",
  },
  {
    name: "refresh_token in a browser",
    expected: "removed from the result",
    run: async () => {
      const f = countingFetch({ Prefer: "example=with_refresh_token" });
      return outcome(() => client("T10000002", { fetch: f.fetch }).login(credentials));
    },
    pass: (o) => o.resolved === true && o.hasRefreshToken === false,
  },
  {
    name: "refresh_token with allowRefreshTokenInBrowser",
    expected: "kept in the result",
    run: async () => {
      const f = countingFetch({ Prefer: "example=with_refresh_token" });
      return outcome(() => client("T10000003", { fetch: f.fetch, allowRefreshTokenInBrowser: true }).login(credentials));
    },
    pass: (o) => o.resolved === true && o.hasRefreshToken === true,
  },
  {
    name: "{ clientId, clientSecret } in a browser",
    expected: "invalid_request, secret in no message",
    run: async () => {
      const f = countingFetch();
      const auth = { clientId: "browser-test-client", clientSecret: pageSecrets.clientSecret };
      return { ...(await outcome(async () => client("T10000004", { fetch: f.fetch, auth }).login(credentials))), requests: f.counter.requests };
    },
    pass: (o) => o.kind === "invalid_request" && (o.leakedSecrets as string[]).length === 0 && o.requests === 0,
  },
  {
    name: "invalid login body",
    expected: "invalid_request, no request sent",
    run: async () => {
      const f = countingFetch();
      const body = { password: pageSecrets.password, type: "robot" } as never;
      return { ...(await outcome(() => client("T10000005", { fetch: f.fetch }).login(body))), requests: f.counter.requests };
    },
    pass: (o) => o.kind === "invalid_request" && o.requests === 0 && (o.leakedSecrets as string[]).length === 0,
  },
  {
    name: "429 Too Many Requests",
    expected: "rate_limited with retryAfterSeconds",
    run: async () => {
      const f = countingFetch({ Prefer: "code=429" });
      return outcome(() => client("T10000006", { fetch: f.fetch }).login(credentials));
    },
    pass: (o) => o.kind === "rate_limited" && typeof o.retryAfterSeconds === "number",
  },
  {
    name: "aborted signal",
    expected: "aborted",
    run: async () => {
      const f = countingFetch();
      const controller = new AbortController();
      controller.abort();
      const result = await outcome(() => client("T10000007", { fetch: f.fetch }).login(credentials, { signal: controller.signal }));
      return { ...result, requests: f.counter.requests };
    },
    pass: (o) => o.kind === "aborted",
  },
  {
    name: "refresh_token in a Web Worker",
    expected: "removed there too (a worker has no document), and a client secret refused",
    run: () =>
      new Promise<Record<string, unknown>>((resolve) => {
        const worker = new Worker("/worker.js", { type: "module" });
        const timer = setTimeout(() => resolve({ resolved: false, kind: "worker gave no answer" }), 10_000);
        worker.onmessage = ({ data }) => {
          clearTimeout(timer);
          worker.terminate();
          resolve(data as Record<string, unknown>);
        };
        worker.onerror = (event) => {
          clearTimeout(timer);
          resolve({ resolved: false, kind: `worker error: ${event.message}` });
        };
        worker.postMessage({ mock });
      }),
    pass: (o) => o.hasDocument === false && o.resolved === true && o.hasRefreshToken === false && o.clientSecret === "invalid_request",
  },
  {
    name: "refused connection",
    expected: "network",
    // The platform fetch (no custom one): the refused origin is allowed by connect-src, so this is a
    // connection failure, not a CSP block.
    run: () => outcome(() => client("T10000008", {}, refused).login(credentials)),
    pass: (o) => o.kind === "network",
  },
];

function show(observation: Observation) {
  const row = document.createElement("tr");
  for (const text of [observation.name, `${observation.pass ? "PASS" : "FAIL"}: ${observation.expected}`, JSON.stringify(observation.observed)]) {
    const cell = document.createElement("td");
    cell.textContent = text;
    row.append(cell);
  }
  // CSSOM, not a style attribute: allowed under the CSP.
  row.style.backgroundColor = observation.pass ? "#d8f5d8" : "#f8d0d0";
  document.querySelector("#results tbody")!.append(row);
}

const results: Observation[] = [];
for (const scenario of scenarios) {
  const observed = await scenario.run();
  const observation = { name: scenario.name, expected: scenario.expected, observed, pass: scenario.pass(observed) };
  results.push(observation);
  show(observation);
}
// Let a violation raised by the last request reach the listener before publishing.
await new Promise((resolve) => setTimeout(resolve, 50));
for (const violation of violations) {
  const item = document.createElement("li");
  item.textContent = violation;
  document.getElementById("violations")!.append(item);
}
if (violations.length === 0) document.getElementById("violations")!.textContent = "none";
const passed = results.filter((r) => r.pass).length;
document.getElementById("status")!.textContent = `${passed} of ${results.length} scenarios passed in ${navigator.userAgent}`;
window.__loginKit = { userAgent: navigator.userAgent, scenarios: results, violations };
