// startFakeDintero: the same fake on node:http, 127.0.0.1, a free port; `url` ends in /v1. For the
// conformance suite, browsers and programs in other languages.
import { startFakeServer } from "./internal.ts";
import type { FakeDinteroOptions, RunningFakeDintero } from "./types.ts";

export async function startFakeDintero(options?: FakeDinteroOptions): Promise<RunningFakeDintero> {
  return (await startFakeServer(options)).fake;
}
