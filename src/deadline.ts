// Deadlines: a request settles when its timeout passes or the caller aborts, whatever the fetch
// function does with the AbortSignal it is given.
import { LoginError } from "./errors.ts";

export interface Deadline {
  /** Aborts when the deadline passes; handed to fetch, which may or may not honour it. */
  readonly signal: AbortSignal;
  /** `work`, unless the deadline passes first: then the deadline's LoginError. */
  race<T>(work: Promise<T>): Promise<T>;
  /** Clears the timer and stops watching the caller's signal. */
  dispose(): void;
}

/** A deadline of `timeoutMs` (none when undefined) and the caller's `signal`. */
export function startDeadline(operation: string, timeoutMs: number | undefined, callerSignal: AbortSignal | undefined): Deadline {
  const controller = new AbortController();
  let reject: (error: LoginError) => void = () => undefined;
  const expired = new Promise<never>((_resolve, fail) => {
    reject = fail;
  });
  expired.catch(() => undefined); // nobody may be racing when it fires
  function expire(error: LoginError, reason: unknown): void {
    reject(error); // first, so a fetch that rejects on abort cannot win the race
    controller.abort(reason);
  }
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          const message = `${operation} timed out after ${timeoutMs} ms`;
          expire(new LoginError("timeout", message), new DOMException(message, "TimeoutError"));
        }, timeoutMs);
  let unwatch: (() => void) | undefined;
  if (callerSignal?.aborted) expire(abortedError(operation, callerSignal), callerSignal.reason);
  else if (callerSignal) unwatch = watchAbort(callerSignal, () => expire(abortedError(operation, callerSignal), callerSignal.reason));
  return {
    signal: controller.signal,
    race(work) {
      work.catch(() => undefined); // work that loses the race may still reject later
      return Promise.race([work, expired]);
    },
    dispose() {
      clearTimeout(timer);
      unwatch?.();
    },
  };
}

/** Waits for `promise`, but gives up as soon as `signal` aborts. */
export async function raceAbort<T>(operation: string, promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  const deadline = startDeadline(operation, undefined, signal);
  try {
    return await deadline.race(promise);
  } finally {
    deadline.dispose();
  }
}

export function throwIfAborted(operation: string, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError(operation, signal);
}

/**
 * The caller aborted: we reject with a LoginError too, keeping their reason as `cause`. A signal
 * whose reason is a `TimeoutError` (`AbortSignal.timeout(ms)`) is the caller's deadline passing,
 * not a cancel: kind `timeout`.
 */
export function abortedError(operation: string, signal: AbortSignal): LoginError {
  if (isTimeoutReason(signal.reason)) {
    return new LoginError("timeout", `${operation} timed out: the caller's signal passed its deadline`, { cause: signal.reason });
  }
  return new LoginError("aborted", `${operation} was aborted by the caller`, { cause: signal.reason });
}

/** A DOMException (or Error) named TimeoutError, as `AbortSignal.timeout()` aborts with; never throws. */
function isTimeoutReason(reason: unknown): boolean {
  try {
    return typeof reason === "object" && reason !== null && (reason as { name?: unknown }).name === "TimeoutError";
  } catch {
    return false;
  }
}

/**
 * One `abort` listener per caller signal, however many logins share it: a listener per login
 * would make Node print MaxListenersExceededWarning past ten concurrent logins.
 */
const watchers = new WeakMap<AbortSignal, Set<() => void>>();

function watchAbort(signal: AbortSignal, onAbort: () => void): () => void {
  let callbacks = watchers.get(signal);
  if (!callbacks) {
    const set = new Set<() => void>();
    callbacks = set;
    watchers.set(signal, set);
    signal.addEventListener(
      "abort",
      () => {
        for (const callback of set) callback();
        set.clear();
      },
      { once: true },
    );
  }
  const entry = () => onAbort();
  callbacks.add(entry);
  return () => callbacks.delete(entry);
}

/**
 * The value of what a caller's function returned (a fetch, an accessToken function), adopting a
 * foreign thenable once: one that resolves to another thenable is refused, not followed, because a
 * thenable that resolves to itself would be followed forever in microtasks, where no deadline's timer
 * can fire. Native promises and plain values pass as they are.
 */
export function adoptOnce<T>(value: T | PromiseLike<T>): Promise<T> {
  if (value instanceof Promise || value === null || (typeof value !== "object" && typeof value !== "function")) return Promise.resolve(value as T);
  let then: unknown;
  try {
    then = (value as { then?: unknown }).then;
  } catch (error) {
    return Promise.reject(error);
  }
  if (typeof then !== "function") return Promise.resolve(value as T);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const fulfil = (result: unknown) => {
      if (settled) return;
      settled = true;
      let inner: unknown;
      try {
        inner = result !== null && (typeof result === "object" || typeof result === "function") ? (result as { then?: unknown }).then : undefined;
      } catch (error) {
        return reject(error);
      }
      if (typeof inner === "function") return reject(new TypeError("the value is a thenable that resolves to another thenable"));
      resolve(result as T);
    };
    try {
      (then as (onFulfilled: (v: unknown) => void, onRejected: (e: unknown) => void) => void).call(value, fulfil, (error: unknown) => {
        if (settled) return;
        settled = true;
        reject(error);
      });
    } catch (error) {
      if (!settled) {
        settled = true;
        reject(error);
      }
    }
  });
}
