// dintero-login-kit/testing: a stateful fake of Dintero's token and login endpoints for tests (Node),
// faithful to openapi/login.yaml and proven so by the conformance suite (docs/testing.md).
export { createFakeDintero } from "./fetch.ts";
export { startFakeDintero } from "./server.ts";
export type {
  ActiveScenario,
  FakeClient,
  FakeDintero,
  FakeDinteroOptions,
  FakeExchange,
  FakeOperation,
  FakeUser,
  FetchFunction,
  RunningFakeDintero,
  ScenarioName,
  ScenarioOperation,
  ScenarioOptions,
} from "./types.ts";
