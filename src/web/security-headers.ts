import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Security headers: helmet's full set for pages; for the JSON API the set OWASP's REST cheat sheet names
 * (nosniff, no framing, no referrer, same-origin reads, a CSP that allows nothing). The page-only headers
 * (COOP, Origin-Agent-Cluster, DNS prefetch, IE8 download and XSS-auditor switches, Flash policies) mean
 * nothing to a JSON answer, and the status JSON is polled thousands of times a second.
 */
export function securityHeaders(behindTls: boolean): RequestHandler {
  const pages = helmet({
    contentSecurityPolicy: { directives: { 'script-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'upgrade-insecure-requests': behindTls ? [] : null } },
    strictTransportSecurity: behindTls,
  });
  const api = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] } },
    strictTransportSecurity: behindTls,
    xFrameOptions: { action: 'deny' },
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  return (req, res, next) => (req.path.startsWith('/api/') ? api : pages)(req, res, next);
}
