// Sends one case's request with raw fetch and records the exchange exactly, within the run's safety
// limits: per-request timeout, throttle to non-loopback hosts, request budget, 429 handling,
// consecutive-timeout stop and a whole-run deadline.
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  bodyText: string;
  /** epoch milliseconds when the response headers arrived */
  receivedAt: number;
}

export interface Exchange {
  id: number;
  caseId: string;
  request: RecordedRequest;
  response?: RecordedResponse;
  error?: { kind: "timeout" | "network"; message: string };
  durationMs: number;
  /** 429 answers that were honoured (waited for) before this exchange; not violations */
  rateLimited: Array<{ status: number; retryAfterS: number }>;
}

export type AbortReason = "not_answering" | "deadline" | "budget" | "unreachable" | "interrupted";

/** The run cannot go on; `reason` says why. */
export class RunAborted extends Error {
  constructor(readonly reason: AbortReason, message: string, readonly exchange?: Exchange) {
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
}

export interface Transport {
  send(caseId: string, request: RecordedRequest): Promise<Exchange>;
  readonly requestsSent: number;
  readonly rateLimitedCount: number;
}

export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}

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

function retryAfterSeconds(value: string | undefined): number {
  if (!value) return 1;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? 1 : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

export function createTransport(options: TransportOptions): Transport {
  const maxTimeouts = options.maxConsecutiveTimeouts ?? 3;
  const maxRetryAfterS = options.maxRetryAfterS ?? 60;
  let sent = 0;
  let rateLimitedCount = 0;
  let consecutiveTimeouts = 0;
  let answered = false;
  let lastStart = 0;
  let nextId = 1;

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
    lastStart = Date.now();
    sent++;
    const started = performance.now();
    const timeout = AbortSignal.timeout(Math.max(1, Math.min(options.timeoutMs, options.deadlineAt - Date.now())));
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    try {
      const res = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal,
        redirect: "manual",
      });
      const receivedAt = Date.now();
      const bodyText = await res.text();
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k] = v));
      answered = true;
      consecutiveTimeouts = 0;
      return { request, response: { status: res.status, headers, bodyText, receivedAt }, durationMs: performance.now() - started };
    } catch (err) {
      if (options.signal?.aborted) throw new RunAborted("interrupted", "interrupted");
      const durationMs = performance.now() - started;
      if (timeout.aborted) {
        consecutiveTimeouts++;
        return { request, error: { kind: "timeout", message: `no answer within ${Math.round(durationMs)} ms` }, durationMs };
      }
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const message = cause?.code ?? cause?.message ?? (err as Error).message;
      if (!answered) throw new RunAborted("unreachable", `target unreachable: ${message}`);
      consecutiveTimeouts = 0;
      return { request, error: { kind: "network", message }, durationMs };
    }
  }

  return {
    get requestsSent() {
      return sent;
    },
    get rateLimitedCount() {
      return rateLimitedCount;
    },
    async send(caseId, request) {
      const rateLimited: Exchange["rateLimited"] = [];
      for (let tries = 0; ; tries++) {
        const result = await attempt(request);
        const status = result.response?.status;
        if (status === 429 && tries < 3) {
          const retryAfterS = retryAfterSeconds(result.response?.headers["retry-after"]);
          rateLimited.push({ status, retryAfterS });
          rateLimitedCount++;
          if (retryAfterS > maxRetryAfterS || Date.now() + retryAfterS * 1000 >= options.deadlineAt) {
            return { ...result, id: nextId++, caseId, rateLimited };
          }
          await sleep(retryAfterS * 1000, options.signal);
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
