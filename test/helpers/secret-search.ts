// Where a test looks for a secret: everything a LoginError can show, and the 8-character pieces of a
// secret found in a text (an echo need not be whole to leak it).
import { inspect } from "node:util";
import type { LoginError } from "../../src/index.ts";

/** Every rendering of an error a caller, a logger or an error tracker may produce. */
export function everything(error: LoginError): string {
  return [error.message, error.stack, JSON.stringify(error), inspect(error, { depth: Infinity }), String(error.code), String(error.requestId)].join("\n");
}

/** Every 8-character piece of `secret` found in `text`. */
export function pieces(text: string, secret: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) if (text.includes(secret.slice(i, i + 8))) found.push(secret.slice(i, i + 8));
  return found;
}
