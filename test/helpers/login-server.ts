// A real node:http server on 127.0.0.1 that records every request, for client tests that read the
// wire. Its token and login endpoints are the project's fake (testing/), bent to let every caller in
// (any client, any audience, bearers `cc-token-<n>` it issued or `provided-…`, any customer
// credentials, answered with customerToken()); a test swaps a handler to answer what no correct server
// would (broken bodies, odd statuses, hangs). Nothing patches fetch.
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { afterAll, afterEach, beforeAll } from "vitest";
import { createCore } from "../../testing/fake.ts";
import type { BearerRecord, OverrideContext } from "../../testing/overrides.ts";
import { writeAnswer } from "../../testing/internal.ts";
import { startHttpServer } from "./http-server.ts";

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/v1/accounts/T12345678/customers/login`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
  /** performance.now() when the request arrived. */
  readonly at: number;
}

export type Handler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

export interface LoginServer {
  /** e.g. `http://127.0.0.1:54321/v1`: pass as `baseUrl`. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:54321` */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  /** Requests to the token endpoint. */
  tokenRequests(): RecordedRequest[];
  /** Requests to the login endpoint. */
  loginRequests(): RecordedRequest[];
  /** Answers `POST .../auth/token`; default: the fake, issuing a fresh bearer `cc-token-<n>` valid for 3600 s. */
  token: Handler;
  /** Answers `POST .../customers/login`; default: the fake, 401 unless the bearer was issued here (or
   * starts with `provided-`), else customerToken(). */
  login: Handler;
  /** Anything else; default: the fake (404). */
  other: Handler;
  /** Bearers issued (by `issueToken`) and not revoked, in order. */
  readonly issued: string[];
  /** A fresh client-credentials AccessToken `cc-token-<n>` (n counts from 1, never reused); records it as issued. */
  issueToken(expiresIn?: number): { access_token: string; token_type: "Bearer"; expires_in: number };
  /** Forgets every issued bearer: the login endpoint answers 401 to them from now on. */
  revokeAll(): void;
  close(): Promise<void>;
}

export const tokenPath = /\/accounts\/[^/]+\/auth\/token$/;
export const loginPath = /\/accounts\/[^/]+\/customers\/login$/;

/** The request id every answer of this server carries (tests pin it). */
const REQUEST_ID = "req-0123456789abcdef";

export async function startLoginServer(handlers: Partial<Pick<LoginServer, "token" | "login" | "other">> = {}): Promise<LoginServer> {
  const requests: RecordedRequest[] = [];
  const issued: string[] = [];
  let minted = 0;
  /** After a test of useLoginServer: any login is answered, with or without a bearer. */
  let anyBearer = false;
  /** The lifetime the next bearer the fake issues gets (issueToken's default). */
  const lifetime = 3600;
  const fake = createCore();
  const letIn = (ctx: OverrideContext): BearerRecord => ({
    kind: "client",
    clientId: ctx.clients[0]!.clientId,
    aud: ctx.audienceOf(ctx.accountId),
    revoked: false,
  });
  fake.internals.use({
    pathIdValid: () => true,
    accountServed: () => true,
    clientAuth: (client, ctx) => client ?? ctx.clients[0],
    audienceGranted: () => true,
    bearer: (record, ctx) => {
      const bearer = ctx.bearer ?? "";
      return anyBearer || issued.includes(bearer) || bearer.startsWith("provided-") ? letIn(ctx) : record;
    },
    user: (user, ctx) => user ?? ctx.users[0],
    // bearers are `cc-token-<n>`, as issueToken makes them
    serialize: (_token, ctx) => (ctx.op === "token" ? state.issueToken(lifetime).access_token : String(customerToken().access_token)),
    success: (body, ctx) => (ctx.op === "token" ? { ...body, access_token: issued.at(-1)!, expires_in: lifetime } : customerToken()),
    answer: (answer) => ({ ...answer, headers: { ...answer.headers, "request-id": REQUEST_ID } }),
  });
  /** The fake answers (the default of every handler). */
  const fakeAnswers: Handler = (req, res) => {
    const plan = fake.answer({
      method: req.method,
      pathname: req.path.split("?")[0] ?? "",
      header: (name) => {
        const value = req.headers[name.toLowerCase()];
        return Array.isArray(value) ? value.join(", ") : value;
      },
      body: req.body,
    });
    if (plan.answer === null) return; // held open
    const answer = plan.answer;
    if (plan.delayMs > 0) setTimeout(() => writeAnswer(res, answer), plan.delayMs);
    else writeAnswer(res, answer);
  };
  const local = await startHttpServer(
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const recorded: RecordedRequest = {
          method: req.method ?? "",
          path: req.url ?? "",
          headers: req.headers,
          body,
          json: parseJson(body),
          at: performance.now(),
        };
        requests.push(recorded);
        const path = recorded.path.split("?")[0] ?? "";
        const handler = tokenPath.test(path) ? state.token : loginPath.test(path) ? state.login : state.other;
        Promise.resolve(handler(recorded, res)).catch((error: unknown) => {
          if (!res.headersSent) sendJson(res, 599, { error: { message: `test handler threw: ${String(error)}` } });
          else res.destroy();
        });
      });
    },
    { keepAliveTimeout: 1000 },
  );
  local.server.maxConnections = 5000;
  const origin = local.origin;

  const state: LoginServer & { anyBearer(on: boolean): void } = {
    baseUrl: `${origin}/v1`,
    origin,
    requests,
    issued,
    tokenRequests: () => requests.filter((r) => tokenPath.test(r.path)),
    loginRequests: () => requests.filter((r) => loginPath.test(r.path)),
    issueToken: (expiresIn = 3600) => {
      const bearer = `cc-token-${++minted}`;
      issued.push(bearer);
      return { access_token: bearer, token_type: "Bearer", expires_in: expiresIn };
    },
    revokeAll: () => {
      issued.length = 0;
      fake.revokeClientBearers();
    },
    token: fakeAnswers,
    login: fakeAnswers,
    other: fakeAnswers,
    close: local.close,
    anyBearer: (on) => {
      anyBearer = on;
    },
    ...handlers,
  };
  defaults.set(state, fakeAnswers);
  return state;
}

/** Each server's default handler (the fake), to put back after a test. */
const defaults = new WeakMap<LoginServer, Handler>();

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The customer's token a successful login returns. */
export function customerToken(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { access_token: "customer-access-token-0001", token_type: "Bearer", expires_in: 86400, ...extra };
}

/** Sends JSON with Dintero's content type (`application/json; charset=utf-8`) and a request id. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "request-id": "req-0123456789abcdef",
    ...headers,
  });
  res.end(text);
}

/** Sends an arbitrary body as-is. */
export function sendRaw(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** An error body in the spec's `Error` shape. */
export function errorBody(code: string, message: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { error: { code, message }, ...extra };
}

/** Resolves after `ms`; handlers use it to answer late. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * One login server for a test file: started before its tests, closed after them, and after each test
 * its record emptied and its handlers back to a bearer issued per token request and a customer token
 * for any login. `assign` receives the server (files keep their own `server` variable).
 */
export function useLoginServer(assign: (server: LoginServer) => void): void {
  let server: LoginServer | undefined;
  beforeAll(async () => {
    server = await startLoginServer();
    assign(server);
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => {
    if (!server) return;
    server.requests.length = 0;
    const fake = defaults.get(server)!;
    server.token = fake;
    server.login = fake;
    server.other = fake;
    // from now on the fake answers any login, with or without a bearer
    (server as LoginServer & { anyBearer(on: boolean): void }).anyBearer(true);
  });
}
