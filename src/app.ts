import type { RequestListener } from 'node:http';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Services } from './services.js';
import { logger } from './logger.js';
import { errorHandler, notFoundHandler } from './web/error-handler.js';
import { securityHeaders } from './web/security-headers.js';
import { requestId } from './web/request-id.js';
import { healthRoutes, type Readiness } from './routes/health.js';
import { homeRoutes } from './routes/home.js';
import { diagnosticsRoutes } from './routes/diagnostics.js';
import { migrationApiRoutes } from './routes/migrations.js';
import { reconciliationApiRoutes, reconciliationPageRoutes } from './routes/reconciliation.js';
import { migrationPageRoutes } from './routes/migration-pages.js';
import { datasetApiRoutes } from './routes/datasets.js';
import { datasetPageRoutes } from './routes/dataset-pages.js';
import { mappingApiRoutes } from './routes/mapping.js';
import { flowPageRoutes } from './routes/flow-pages.js';
import { draftApiRoutes } from './routes/drafts.js';
import { exportApiRoutes, exportPageRoutes } from './routes/exports.js';
import { templateApiRoutes, templatePageRoutes } from './routes/templates.js';
import { planApiRoutes, planPageRoutes } from './routes/plans.js';
import { validationApiRoutes, validationPageRoutes } from './routes/validations.js';
import { APP_VERSION, projectPath } from './paths.js';
import { i18nMiddleware } from './i18n/index.js';
import { authorize, csrfProtection, sessionMiddleware } from './auth/index.js';
import { auditTrail } from './audit/index.js';
import { authRoutes } from './routes/auth.js';
import { connectionApiRoutes, connectionPageRoutes } from './routes/connections.js';
import { adminApiRoutes, adminPageRoutes } from './routes/admin.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { vendorRoutes } from './routes/vendor.js';
import { withResponseCache } from './web/response-cache.js';
import { apiDocsRoutes } from './routes/api-docs.js';
import { tokenApiRoutes, tokenPageRoutes } from './routes/tokens.js';
import { httpMetricsMiddleware, metricsRoutes } from './routes/metrics.js';
import { scheduleApiRoutes, schedulePageRoutes } from './routes/schedules.js';
import { transferApiRoutes, transferPageRoutes } from './routes/transfers.js';

export interface AppOptions {
  readiness?: Readiness;
  /** URL of the embedded Salesforce emulator, when `npm start` runs one as the Local org. */
  localOrgUrl?: string;
}

/** Builds the Express app without listening, so tests mount it directly. */
export function createApp(services: Services, options: AppOptions = {}): Express {
  const app = express();
  const readiness = options.readiness ?? { ready: true };
  app.disable('x-powered-by');
  app.set('trust proxy', services.config.onCloudFoundry ? 1 : false);
  app.set('view engine', 'ejs');
  app.set('views', projectPath('views'));
  app.locals.appVersion = APP_VERSION;
  app.locals.localOrgUrl = options.localOrgUrl;

  const behindTls = services.config.onCloudFoundry;
  app.use(httpMetricsMiddleware(services));
  app.use(securityHeaders(behindTls));
  app.use(
    pinoHttp({
      logger: logger('http'),
      genReqId: requestId,
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use('/public', express.static(projectPath('public'), { maxAge: services.config.env === 'production' ? '1d' : 0 }));
  // Browsers ask for /favicon.ico whatever the page says; the pages link the SVG.
  app.get('/favicon.ico', (_req, res) => res.redirect(301, '/public/favicon.svg'));
  const vendorMaxAgeMs = services.config.env === 'production' ? 86_400_000 : 0;
  app.use('/public/vendor', vendorRoutes({ maxAgeMs: vendorMaxAgeMs }));
  // i18n first: the error page rendered for a malformed body needs t().
  app.use(i18nMiddleware);
  app.use(express.json({ limit: '2mb' }));
  app.use(express.urlencoded({ extended: false, limit: '2mb' }));
  // Sets res.locals.user and csrfToken; then sign-in and roles (src/auth/policy.ts), CSRF, and the audit trail.
  app.use(sessionMiddleware(services));
  app.use(authorize);
  app.use(csrfProtection);
  app.use(auditTrail(services));
  app.use(authRoutes(services));

  app.use(healthRoutes(services, readiness));
  app.use(apiDocsRoutes({ maxAgeMs: vendorMaxAgeMs }));
  app.use(metricsRoutes(services));
  app.use(homeRoutes(services, { localOrgUrl: options.localOrgUrl }));
  app.use('/api/v1/diagnostics', diagnosticsRoutes(services));
  app.use('/api/v1/migrations', migrationApiRoutes(services));
  app.use('/api/v1/migrations', reconciliationApiRoutes(services));
  app.use('/migrations', reconciliationPageRoutes(services));
  app.use('/migrations', flowPageRoutes(services));
  app.use('/migrations', migrationPageRoutes(services));
  app.use('/api/v1/drafts', draftApiRoutes(services));
  app.use('/api/v1/connections', connectionApiRoutes(services));
  app.use('/connections', connectionPageRoutes(services));
  app.use('/admin', adminPageRoutes(services));
  app.use('/api/v1', adminApiRoutes(services));
  app.use(dashboardRoutes(services));
  app.use('/api/v1/datasets', datasetApiRoutes(services));
  app.use('/datasets', datasetPageRoutes(services));
  app.use('/api/v1/exports', exportApiRoutes(services));
  app.use('/exports', exportPageRoutes(services));
  app.use('/api/v1', mappingApiRoutes(services));
  app.use('/api/v1/templates', templateApiRoutes(services));
  app.use('/templates', templatePageRoutes(services));
  app.use('/api/v1/plans', planApiRoutes(services));
  app.use('/plans', planPageRoutes(services));
  app.use('/api/v1/validations', validationApiRoutes(services));
  app.use('/api/v1', tokenApiRoutes(services));
  app.use('/account', tokenPageRoutes(services));
  app.use('/api/v1', scheduleApiRoutes(services));
  app.use('/schedules', schedulePageRoutes(services));
  app.use('/api/v1/transfers', transferApiRoutes(services));
  app.use('/transfers', transferPageRoutes(services));
  app.use('/validations', validationPageRoutes(services));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

/** What the HTTP server runs: the response cache for polled reads in front of the app (src/web/response-cache.ts). */
export function createRequestListener(services: Services, options: AppOptions = {}): RequestListener {
  return withResponseCache(services, createApp(services, options));
}
