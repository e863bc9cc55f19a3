// Loopback detection: whether a URL's host is this machine (localhost, 127.0.0.0/8, ::1), the hosts plain http: may reach.

/**
 * Whether a hostname as `URL` gives it (IPv4 shorthands such as `127.1` already normalised, lower-cased,
 * IPv6 in brackets or not) names the loopback interface: `localhost` (RFC 6761 §6.3), 127.0.0.0/8
 * (RFC 1122 §3.2.1.3) or `::1` (RFC 4291 §2.5.3). A name that merely starts with "127." is not one.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, "$1");
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Whether an absolute URL points at the loopback interface; false when it is not a URL. */
export function isLoopbackUrl(url: string | URL): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
