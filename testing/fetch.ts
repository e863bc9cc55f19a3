// createFakeDintero: the fake behind a Fetch API function. No socket is opened; any origin is answered
// by its path, which must start with the spec's base path (/v1), as at Dintero.
import { createCore, type FakeCore, type Plan } from "./fake.ts";
import type { FakeDintero, FakeDinteroOptions, FetchFunction } from "./types.ts";

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first; never, when ms is Infinity. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      if (timer !== undefined) clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = Number.isFinite(ms) ? setTimeout(() => (signal.removeEventListener("abort", onAbort), resolve()), ms) : undefined;
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export function fetchOf(core: FakeCore): FetchFunction {
  return async (input, init) => {
    const request = new Request(input, init);
    if (request.signal.aborted) throw request.signal.reason;
    const body = await request.text();
    const plan: Plan = core.answer({
      method: request.method,
      pathname: new URL(request.url).pathname,
      header: (name) => request.headers.get(name) ?? undefined,
      body,
    });
    // No answer: pending until the caller's signal aborts (like a server that holds the connection).
    if (plan.answer === null) await wait(Infinity, request.signal);
    else if (plan.delayMs > 0) await wait(plan.delayMs, request.signal);
    const { status, headers, body: payload } = plan.answer!;
    const list = new Headers();
    for (const [name, value] of Object.entries(headers)) for (const v of Array.isArray(value) ? value : [value]) list.append(name, v);
    return new Response(payload as BodyInit, { status, headers: list });
  };
}

/** A stateful fake of Dintero's token and login endpoints, answering through its `fetch`. */
export function createFakeDintero(options?: FakeDinteroOptions): FakeDintero {
  const core = createCore(options);
  return facadeOf(core, { fetch: fetchOf(core) });
}

/** The public face of a core: its state and controls, plus what the transport adds. */
export function facadeOf<T extends object>(core: FakeCore, extra: T): FakeDintero & T {
  return Object.freeze({
    accountId: core.accountId,
    audience: core.audience,
    get exchanges() {
      return core.exchanges;
    },
    get scenarios() {
      return core.scenarios;
    },
    scenario: core.scenario,
    revokeClientBearers: core.revokeClientBearers,
    mfaCode: core.mfaCode,
    reset: core.reset,
    ...extra,
  }) as unknown as FakeDintero & T;
}
