// The LoginError a login rejects with: a test fails if it resolves, or rejects with anything else.
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
