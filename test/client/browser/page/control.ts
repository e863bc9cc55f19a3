// The control: code that needs string evaluation. Under the test page's CSP (no 'unsafe-eval') this must
// throw an EvalError and report a violation, which proves the harness would catch such code in the client.
document.addEventListener("securitypolicyviolation", (event) => {
  document.getElementById("status")!.textContent = `CSP violation: ${event.violatedDirective}`;
});
const compiled = new Function("return 6 * 7") as () => number; // throws here under the CSP
document.getElementById("status")!.textContent = `eval ran: ${compiled()}`;
