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

/** The caller aborted: we reject with a LoginError too, keeping their reason as `cause`. */
export function abortedError(operation: string, signal: AbortSignal): LoginError {
  return new LoginError("aborted", `${operation} was aborted by the caller`, { cause: signal.reason });
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
    signal.addEventListener("abort", () => {
      for (const callback of set) callback();
      set.clear();
    }, { once: true });
  }
  const entry = () => onAbort();
  callbacks.add(entry);
  return () => callbacks.delete(entry);
}
