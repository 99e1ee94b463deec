import { Router } from 'express';
import type { Services } from '../services.js';

export interface HomeInfo {
  localOrgUrl?: string;
}

export function homeRoutes(services: Services, info: HomeInfo): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.render('pages/home', {
      title: 'DMS',
      localOrgUrl: info.localOrgUrl,
      redisSource: services.config.redis?.source,
      couchSource: services.config.couch?.source,
    });
  });
  return router;
}
