// A real node:http server on 127.0.0.1 that plays Dintero's token and login endpoints and records
// every request. Handlers can be swapped per test, to answer what no correct server would (broken
// bodies, odd statuses, hangs); nothing patches fetch. Tests that need a correct Dintero use the fake
// (dintero-login-kit/testing) instead.
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { afterAll, afterEach, beforeAll } from "vitest";
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
  /** Answers `POST .../auth/token`; default: a fresh bearer `cc-token-<n>` valid for 3600 s. */
  token: Handler;
  /** Answers `POST .../customers/login`; default: 401 unless the bearer was issued here, else a customer token. */
  login: Handler;
  /** Anything else; default 404. */
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

export async function startLoginServer(handlers: Partial<Pick<LoginServer, "token" | "login" | "other">> = {}): Promise<LoginServer> {
  const requests: RecordedRequest[] = [];
  const issued: string[] = [];
  let minted = 0;
  const local = await startHttpServer((req, res) => {
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
  }, { keepAliveTimeout: 1000 });
  local.server.maxConnections = 5000;
  const origin = local.origin;

  const state: LoginServer = {
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
    },
    token: (_req, res) => sendJson(res, 200, state.issueToken()),
    login: (req, res) => {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (!bearer || (!issued.includes(bearer) && !bearer.startsWith("provided-"))) {
        sendJson(res, 401, { error: { code: "UNAUTHORIZED", message: "Access forbidden, invalid JWT token was used" } });
        return;
      }
      sendJson(res, 200, customerToken());
    },
    other: (_req, res) => sendJson(res, 404, { error: { message: "Not found" } }),
    close: local.close,
    ...handlers,
  };
  return state;
}

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
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
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
    server.token = (_req, res) => sendJson(res, 200, server!.issueToken());
    server.login = (_req, res) => sendJson(res, 200, customerToken());
  });
}
