// Retry-After for the suite: the client's parser (lib/retry-after.ts), so the suite never passes a
// value the client refuses. `parseRetryAfter` says which form, or why neither, as a finding needs it.
export { readRetryAfter as parseRetryAfter, retryDelaySeconds, type RetryAfter } from "../lib/retry-after.ts";
