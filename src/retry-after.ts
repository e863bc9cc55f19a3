// Retry-After for the client: the shared parser of lib/retry-after.ts (the suite reads headers with it too).
export { parseHttpDate, retryAfterSeconds as parseRetryAfter } from "../lib/retry-after.ts";
