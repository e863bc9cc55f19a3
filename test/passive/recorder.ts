// Test helpers for the passive modes: a small HAR writer that records fetch exchanges (what a Node script
// of a consumer would write), and the journey a consumer app sends, built from the spec's model and the
// suite's own request bodies, never hand-written paths.
import { writeFile } from "node:fs/promises";
import { loginBody, tokenBody } from "../../contract-tests/cases.ts";
import { resolveConfig, type SuiteConfig } from "../../contract-tests/config.ts";
import { loadSpec } from "../../contract-tests/spec.ts";
import { contractEnv, type ContractServer } from "../helpers/contract-servers.ts";

export interface JourneyRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Har {
  log: { version: string; creator: { name: string; version: string }; entries: unknown[] };
}

const spec = loadSpec();

/** One HAR 1.2 entry of a fetch exchange: the body as text when it is UTF-8, else base64 (as Playwright does). */
export function harEntry(
  req: JourneyRequest,
  started: Date,
  time: number,
  res: { status: number; statusText: string; headers: Array<[string, string]>; body: Buffer },
) {
  let text: string;
  let encoding: string | undefined;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(res.body);
  } catch {
    text = res.body.toString("base64");
    encoding = "base64";
  }
  return {
    startedDateTime: started.toISOString(),
    time,
    request: {
      method: req.method,
      url: req.url,
      httpVersion: "HTTP/1.1",
      headers: Object.entries(req.headers).map(([name, value]) => ({ name, value })),
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: req.body === undefined ? 0 : Buffer.byteLength(req.body),
      ...(req.body !== undefined ? { postData: { mimeType: req.headers["content-type"] ?? "", text: req.body } } : {}),
    },
    response: {
      status: res.status,
      statusText: res.statusText,
      httpVersion: "HTTP/1.1",
      headers: res.headers.map(([name, value]) => ({ name, value })),
      cookies: [],
      content: {
        size: res.body.length,
        mimeType: res.headers.find(([k]) => k.toLowerCase() === "content-type")?.[1] ?? "",
        text,
        ...(encoding ? { encoding } : {}),
      },
      redirectURL: "",
      headersSize: -1,
      bodySize: res.body.length,
    },
    cache: {},
    timings: { send: 0, wait: time, receive: 0 },
  };
}

/** Sends each request with fetch and records it as a HAR entry; a request that gets no answer is recorded
 * with status 0, as browsers record it. */
export async function recordWithFetch(requests: JourneyRequest[]): Promise<Har> {
  const entries: unknown[] = [];
  for (const req of requests) {
    const started = new Date();
    const t0 = performance.now();
    try {
      const res = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
        signal: AbortSignal.timeout(2000),
      });
      const body = Buffer.from(await res.arrayBuffer());
      entries.push(harEntry(req, started, performance.now() - t0, { status: res.status, statusText: res.statusText, headers: [...res.headers], body }));
    } catch {
      entries.push({
        ...harEntry(req, started, performance.now() - t0, { status: 0, statusText: "", headers: [], body: Buffer.alloc(0) }),
        response: {
          status: 0,
          statusText: "",
          httpVersion: "",
          headers: [],
          cookies: [],
          content: { size: 0, mimeType: "" },
          redirectURL: "",
          headersSize: -1,
          bodySize: -1,
          _error: "net::ERR_TIMED_OUT",
        },
      });
    }
  }
  return { log: { version: "1.2", creator: { name: "dintero-login-kit test recorder", version: "1" }, entries } };
}

export async function writeHar(file: string, har: Har): Promise<string> {
  await writeFile(file, JSON.stringify(har));
  return file;
}

/** The environment that points the suite at a contract server (its identities, client and account). */
export const envOf = (server: ContractServer) => contractEnv(server);

const basic = (c: SuiteConfig) =>
  c.auth.kind === "client_credentials" ? `Basic ${Buffer.from(`${c.auth.clientId}:${c.auth.clientSecret}`).toString("base64")}` : "";

/**
 * What a consumer app sends in a session: a client token, logins of both forms, a wrong password, an
 * unknown user, a non-ASCII wrong password, a too-short password, a login without and with a forged bearer,
 * a login with a charset parameter, and a PUT to the login path. `bearer` is read from the token answer.
 */
export async function consumerJourney(env: Record<string, string>): Promise<Har> {
  const config: SuiteConfig = resolveConfig(env, {});
  const url = (key: "login" | "token") => `${config.target.baseUrl}${spec.operations[key].pathTemplate.replace(/\{[^}]+\}/, config.accountId)}`;
  const json = spec.operations.login.requestMediaTypes[0]!;
  const tokenReq: JourneyRequest = {
    method: spec.operations.token.method.toUpperCase(),
    url: url("token"),
    headers: { "content-type": spec.operations.token.requestMediaTypes[0]!, authorization: basic(config) },
    body: JSON.stringify(tokenBody(spec, config)),
  };
  // The token request first, alone: its answer's bearer authorizes the logins (a 429 first is retried once).
  let first = await recordWithFetch([tokenReq]);
  let bearer = bearerOf(first);
  if (!bearer) {
    const again = await recordWithFetch([tokenReq]);
    first = { log: { ...first.log, entries: [...first.log.entries, ...again.log.entries] } };
    bearer = bearerOf(again);
  }
  const [email, ident] = config.identities;
  const login = (body: unknown, auth: string | undefined, contentType = json): JourneyRequest => ({
    method: spec.operations.login.method.toUpperCase(),
    url: url("login"),
    headers: { "content-type": contentType, ...(auth ? { authorization: auth } : {}) },
    body: JSON.stringify(body),
  });
  const auth = bearer ? `Bearer ${bearer}` : undefined;
  const unknown = { ...loginBody(spec, config, email!), email: "nobody-recorded@example.com" };
  const rest = await recordWithFetch([
    login(loginBody(spec, config, email!), auth),
    ...(ident ? [login(loginBody(spec, config, ident), auth)] : []),
    login(loginBody(spec, config, email!, "wrong-password-1"), auth),
    login(unknown, auth),
    login(loginBody(spec, config, { ...email!, fields: { email: "someone-else@example.com" } }, "wrong-pässwörd-ü"), auth),
    login(loginBody(spec, config, { ...email!, fields: { email: "short@example.com" } }, "x"), auth),
    login(loginBody(spec, config, email!), undefined),
    login(loginBody(spec, config, email!), "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmb3JnZWQifQ.c2lnbmF0dXJl"),
    login(loginBody(spec, config, email!), auth, `${json}; charset=utf-8`),
    // a method the path does not document, as a misconfigured client sends it
    { ...login(loginBody(spec, config, email!), auth), method: "PUT" },
  ]);
  return { log: { ...first.log, entries: [...first.log.entries, ...rest.log.entries] } };
}

function bearerOf(har: Har): string | undefined {
  const entry = har.log.entries.at(-1) as { response: { status: number; content: { text?: string } } };
  if (entry.response.status !== 200) return undefined;
  try {
    return (JSON.parse(entry.response.content.text ?? "") as { access_token?: string }).access_token;
  } catch {
    return undefined;
  }
}
