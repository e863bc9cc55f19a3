// Sends one case's request over node:http(s) and records the exchange exactly (header lines as received,
// repeats kept; the body's bytes), within the run's safety limits: per-request timeout, throttle to
// non-loopback hosts, request budget, 429 handling, consecutive-timeout stop and a whole-run deadline.
// node:http rather than fetch: fetch joins repeated headers and replaces invalid UTF-8, which would hide
// exactly what the encoding checks judge, and it refuses a body on GET (unsupported-method cases send one).
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { isLoopbackUrl } from "../lib/loopback.ts";
import { retryDelaySeconds } from "./retry-after.ts";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface RecordedResponse {
  status: number;
  /** what a Fetch-standard client sees: lower-case names, repeated fields joined with ", " */
  headers: Record<string, string>;
  /** the header lines as received: original case, order and repeats */
  rawHeaders: Array<[string, string]>;
  /** the body decoded the way fetch's text() does: UTF-8, invalid sequences as U+FFFD, a BOM dropped */
  bodyText: string;
  /** the body's bytes as received (a Content-Encoding undone, as fetch does) */
  bodyBytes: Uint8Array;
  /** epoch milliseconds when the response headers arrived */
  receivedAt: number;
}

export interface Exchange {
  id: number;
  caseId: string;
  request: RecordedRequest;
  response?: RecordedResponse;
  /** `lengthMismatch`: the headers came, but fewer body bytes than their Content-Length announces before
   * the connection closed or the timeout passed (RFC 9112 §6.2, §8) */
  error?: { kind: "timeout" | "network"; message: string; lengthMismatch?: { announced: number; received: number } };
  durationMs: number;
  /** set on a 429 that was waited out and retried (its case's final exchange follows it) */
  retried?: true;
  /** 429 answers met before this exchange, each recorded (and judged) as an exchange of its own */
  rateLimited: Array<{ exchangeId: number; status: number; retryAfter: string | null; waitedS: number }>;
  /** set by the runner on a 401 to the suite's own client bearer that a fresh bearer did not get: the case
   * was sent again and judged on that answer; `early`: the bearer was refused before its expires_in (less
   * clock skew) ran out (token_semantics) */
  bearerRefused?: { ageMs: number; expiresInS: number; freshStatus: number; freshExchangeId: number; early: boolean };
}

export type AbortReason = "not_answering" | "deadline" | "budget" | "identity_budget" | "unreachable" | "interrupted" | "known_good_refused";

/** The run cannot go on; `reason` says why. */
export class RunAborted extends Error {
  constructor(
    readonly reason: AbortReason,
    message: string,
    readonly exchange?: Exchange,
  ) {
    super(message);
    this.name = "RunAborted";
  }
}

export interface TransportOptions {
  timeoutMs: number;
  /** max requests per second to non-loopback hosts */
  rate: number;
  budget: number;
  deadlineAt: number;
  /** aborted on Ctrl-C */
  signal?: AbortSignal;
  maxConsecutiveTimeouts?: number;
  /** throttle loopback hosts too (tests of the throttle itself) */
  throttleLoopback?: boolean;
  /** longest Retry-After honoured, seconds */
  maxRetryAfterS?: number;
  /** the real test identities: a request whose body carries one of an identity's values counts against
   * that identity's `identityBudget` (every attempt, 429 retries included); none is sent past it */
  identities?: Array<{ label: string; values: string[] }>;
  identityBudget?: number;
}

/** At most this many requests of a run carry one real test identity (its email, phone number or ident),
 * whatever the server answers: 429 retries count. Our own number: a default run against a correct server
 * plans at most IDENTITY_BUDGET - IDENTITY_HEADROOM of them (a test keeps it so), and the headroom is for
 * 429 retries and resends with a fresh bearer, so that a server that rate limits a few requests does not
 * end a run for want of budget. Only wrong passwords can lock an account; they are bounded on their own. */
export const IDENTITY_BUDGET = 80;
export const IDENTITY_HEADROOM = 20;

/** The identities whose values a request body carries (raw or JSON-escaped). */
export function identitiesIn(body: string | undefined, identities: ReadonlyArray<{ label: string; values: string[] }>): string[] {
  if (!body) return [];
  return identities.filter((i) => i.values.some((v) => v !== "" && (body.includes(v) || body.includes(JSON.stringify(v).slice(1, -1))))).map((i) => i.label);
}

/** The longest Retry-After the suite waits out (seconds); a longer one ends the case with its 429. */
export const MAX_RETRY_AFTER_S = 60;
/** How many 429s of one request are waited out and retried. */
export const MAX_RETRIES = 3;

/** Seconds waited after a 429 whose Retry-After is missing or invalid (never 0: that would hammer). */
export const RETRY_FALLBACK_S = 1;

export interface Transport {
  /** requests sent so far that carried each real test identity, by its label */
  readonly identityRequests: Record<string, number>;
  /** `onRateLimited` receives each 429 exchange that was waited out and retried (counted in rateLimitedCount) */
  send(caseId: string, request: RecordedRequest, onRateLimited?: (exchange: Exchange) => void): Promise<Exchange>;
  readonly requestsSent: number;
  readonly rateLimitedCount: number;
}

/** Whether a request's URL is on this machine (lib/loopback.ts): such a target is not throttled by default. */
export const isLoopback = isLoopbackUrl;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** What a Fetch-standard client's Headers would hold: names lower-cased, repeats joined with ", ". */
export function fetchView(rawHeaders: Array<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of rawHeaders) {
    const key = name.toLowerCase();
    out[key] = key in out ? `${out[key]}, ${value}` : value;
  }
  return out;
}

const utf8Lossy = new TextDecoder("utf-8");
/** Largest response body read; a login answer is a few hundred bytes. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The body as a Fetch client reads it: decoded by its Content-Encoding. A body that does not decode is
 * an answer no Fetch client can read (RFC 9110 §8.4): an error with code EBADENCODING, not the raw bytes. */
export function decodeContent(bytes: Buffer, encoding: string | undefined, status: number): Buffer {
  const coding = (encoding ?? "").trim().toLowerCase();
  try {
    switch (coding) {
      case "gzip":
      case "x-gzip":
        return gunzipSync(bytes);
      case "deflate":
        return inflateSync(bytes);
      case "br":
        return brotliDecompressSync(bytes);
      default:
        return bytes;
    }
  } catch (err) {
    throw Object.assign(
      new Error(
        `answered ${status} with Content-Encoding: ${coding}, but the body does not decode as ${coding} (${(err as Error).message}): a Fetch client cannot read it`,
      ),
      { code: "EBADENCODING" },
    );
  }
}

interface RawResponse {
  status: number;
  rawHeaders: Array<[string, string]>;
  body: Buffer;
  receivedAt: number;
}

/** How far an answer got: its Content-Length and the body bytes read so far, once the headers came. */
interface Progress {
  announced?: number;
  received: number;
}

function rawSend(request: RecordedRequest, signal: AbortSignal, progress: Progress = { received: 0 }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.url);
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) headers["content-length"] = String(Buffer.byteLength(request.body));
    const req = send(url, { method: request.method, headers, signal }, (res: IncomingMessage) => {
      const receivedAt = Date.now();
      const chunks: Buffer[] = [];
      let size = 0;
      const length = res.headers["content-length"];
      if (length !== undefined && /^\d+$/.test(length)) progress.announced = Number(length);
      res.on("data", (c: Buffer) => {
        size += c.length;
        progress.received = size;
        // A body without end must not exhaust memory before the timeout: stop reading it.
        if (size > MAX_BODY_BYTES) {
          req.destroy();
          return reject(Object.assign(new Error(`the response body exceeds ${MAX_BODY_BYTES} bytes: not read further`), { code: "EBODYTOOLARGE" }));
        }
        chunks.push(c);
      });
      res.on("error", reject);
      res.on("aborted", () => reject(Object.assign(new Error("the response was cut off"), { code: "ECONNRESET" })));
      res.on("end", () => {
        const rawHeaders: Array<[string, string]> = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) rawHeaders.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        try {
          resolve({
            status: res.statusCode ?? 0,
            rawHeaders,
            body: decodeContent(Buffer.concat(chunks), res.headers["content-encoding"], res.statusCode ?? 0),
            receivedAt,
          });
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on("error", reject);
    req.end(request.body);
  });
}

/** An https: URL whose server answered in plain HTTP (OpenSSL's "wrong version number", EPROTO): say so. */
function tlsHint(url: string, code: string | undefined): string | undefined {
  if (!url.startsWith("https:") || (code !== "EPROTO" && code !== "ERR_SSL_WRONG_VERSION_NUMBER")) return undefined;
  return `the server does not speak TLS (${code}); use http:// for loopback`;
}

export function createTransport(options: TransportOptions): Transport {
  const maxTimeouts = options.maxConsecutiveTimeouts ?? 3;
  const maxRetryAfterS = options.maxRetryAfterS ?? MAX_RETRY_AFTER_S;
  let sent = 0;
  let rateLimitedCount = 0;
  let consecutiveTimeouts = 0;
  let answered = false;
  let lastStart = 0;
  let nextId = 1;
  const identityBudget = options.identityBudget ?? IDENTITY_BUDGET;
  const identityRequests: Record<string, number> = Object.fromEntries((options.identities ?? []).map((i) => [i.label, 0]));

  function checkLimits() {
    if (options.signal?.aborted) throw new RunAborted("interrupted", "interrupted");
    if (Date.now() >= options.deadlineAt) throw new RunAborted("deadline", "the whole-run deadline passed");
    if (sent >= options.budget) throw new RunAborted("budget", `the request budget (${options.budget}) is spent`);
  }

  async function attempt(request: RecordedRequest): Promise<Omit<Exchange, "id" | "caseId" | "rateLimited">> {
    checkLimits();
    if ((options.throttleLoopback || !isLoopback(request.url)) && options.rate > 0) {
      await sleep(lastStart + 1000 / options.rate - Date.now(), options.signal);
      checkLimits();
    }
    const carried = identitiesIn(request.body, options.identities ?? []);
    for (const label of carried) {
      if (identityRequests[label]! >= identityBudget)
        throw new RunAborted(
          "identity_budget",
          `the budget of ${identityBudget} requests carrying the test identity (${label} form) is spent: the run stops rather than send it again`,
        );
    }
    for (const label of carried) identityRequests[label]!++;
    lastStart = Date.now();
    sent++;
    const started = performance.now();
    const timeout = AbortSignal.timeout(Math.max(1, Math.min(options.timeoutMs, options.deadlineAt - Date.now())));
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    const progress: Progress = { received: 0 };
    try {
      const res = await rawSend(request, signal, progress);
      answered = true;
      consecutiveTimeouts = 0;
      const response: RecordedResponse = {
        status: res.status,
        headers: fetchView(res.rawHeaders),
        rawHeaders: res.rawHeaders,
        bodyText: utf8Lossy.decode(res.body),
        bodyBytes: new Uint8Array(res.body),
        receivedAt: res.receivedAt,
      };
      return { request, response, durationMs: performance.now() - started };
    } catch (err) {
      if (options.signal?.aborted) throw new RunAborted("interrupted", "interrupted");
      const durationMs = performance.now() - started;
      // The headers came, the body fell short of their Content-Length: name the length mismatch, not "no answer".
      const { announced, received } = progress;
      const lengthMismatch = announced !== undefined && received < announced ? { announced, received } : undefined;
      const mismatch = lengthMismatch
        ? `length mismatch: Content-Length says ${announced} bytes, ${received} came before ${timeout.aborted ? `the timeout (${Math.round(durationMs)} ms)` : "the connection closed"} (RFC 9112 §6.2)`
        : undefined;
      if (lengthMismatch) answered = true;
      if (timeout.aborted) {
        consecutiveTimeouts++;
        if (mismatch) return { request, error: { kind: "timeout", message: mismatch, lengthMismatch }, durationMs };
        return { request, error: { kind: "timeout", message: `no answer within ${Math.round(durationMs)} ms` }, durationMs };
      }
      const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
      // The server answered, but with bytes a client cannot use: too much, a body that does not decode, or
      // HTTP framing llhttp refuses (HPE_*: two Content-Lengths, Transfer-Encoding with Content-Length).
      // That is a broken answer (a server_answers finding, exit 1), never "unreachable" (exit 2).
      const code = e.code ?? e.cause?.code;
      const badAnswer = code === "EBODYTOOLARGE" || code === "EBADENCODING" || code?.startsWith("HPE_") === true;
      const message =
        code === "EBODYTOOLARGE" || code === "EBADENCODING"
          ? e.message!
          : code?.startsWith("HPE_")
            ? `the answer breaks HTTP/1.1 framing (${code}: ${e.message ?? ""})`
            : (code ?? e.cause?.message ?? e.message ?? String(err));
      if (badAnswer) answered = true;
      if (!answered) throw new RunAborted("unreachable", `target unreachable: ${tlsHint(request.url, code) ?? message}`);
      consecutiveTimeouts = 0;
      return { request, error: { kind: "network", message: mismatch ?? message, ...(lengthMismatch ? { lengthMismatch } : {}) }, durationMs };
    }
  }

  return {
    get requestsSent() {
      return sent;
    },
    get rateLimitedCount() {
      return rateLimitedCount;
    },
    get identityRequests() {
      return { ...identityRequests };
    },
    async send(caseId, request, onRateLimited) {
      const rateLimited: Exchange["rateLimited"] = [];
      for (let tries = 0; ; tries++) {
        const result = await attempt(request);
        const status = result.response?.status;
        if (status === 429 && tries < MAX_RETRIES) {
          const retryAfter = result.response?.headers["retry-after"];
          const waitS = retryDelaySeconds(retryAfter, RETRY_FALLBACK_S);
          // Not retried (too long a wait, or past the deadline): the 429 is the case's final answer.
          if (waitS > maxRetryAfterS || Date.now() + waitS * 1000 >= options.deadlineAt) {
            return { ...result, id: nextId++, caseId, rateLimited };
          }
          rateLimitedCount++;
          // The 429 is an exchange of its own: the runner judges it by every check.
          const limited: Exchange = { ...result, id: nextId++, caseId, rateLimited: [], retried: true };
          onRateLimited?.(limited);
          rateLimited.push({ exchangeId: limited.id, status, retryAfter: retryAfter ?? null, waitedS: waitS });
          await sleep(waitS * 1000, options.signal);
          continue;
        }
        const exchange = { ...result, id: nextId++, caseId, rateLimited };
        if (consecutiveTimeouts >= maxTimeouts) {
          throw new RunAborted("not_answering", `the target is not answering: ${consecutiveTimeouts} consecutive requests timed out`, exchange);
        }
        return exchange;
      }
    },
  };
}
