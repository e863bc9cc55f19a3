// Made-up secrets the page logs in with: the test searches every result, message and the page for them.
export const pageSecrets = {
  password: "browser-test-password-5d1e",
  clientSecret: "browser-test-client-secret-8b2f",
  bearer: "browser-test-bearer-3c7a",
};
