// The LoginError a login (or any call) rejects with: a test fails if it resolves, or rejects with anything else.
import { expect } from "vitest";
import { LoginError } from "../../src/index.ts";

export async function loginError(promise: Promise<unknown>): Promise<LoginError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the login to reject");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LoginError);
  return error as LoginError;
}

/** The settled rejection of `run`, which must be a LoginError (also when `run` throws synchronously). */
export async function rejection(run: () => unknown): Promise<LoginError> {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(error, `expected a LoginError, got ${String(error)}`).toBeInstanceOf(LoginError);
  return error as LoginError;
}
