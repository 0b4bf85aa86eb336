import express from 'express';
import { livenessHandler, readinessHandler, type ReadinessOptions } from '@vmcp/readiness';

export function createExpressApp(options: ReadinessOptions): express.Express {
  const app = express();
  app.use(livenessHandler(options)); // /health, /healthz, /ping
  app.use(readinessHandler(options)); // /readyz; every other path goes on to next()
  // Under a mount point the middleware matches the full path (req.originalUrl), so `path` keeps the prefix.
  app.use('/probes', readinessHandler({ ...options, path: '/probes/readyz' }));
  app.get('/', (_req, res) => {
    res.send('your app');
  });
  return app;
}
