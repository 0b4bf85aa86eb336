import { Hono } from 'hono';
import { webLivenessHandler, webReadinessHandler, type ReadinessOptions } from '@vmcp/readiness';

export function createHonoApp(options: ReadinessOptions): Hono {
  const ready = webReadinessHandler(options);
  const live = webLivenessHandler(options);
  const app = new Hono();
  app.get('/readyz', (c) => ready(c.req.raw)); // also answers HEAD
  app.get('/healthz', (c) => live(c.req.raw));
  app.get('/', (c) => c.text('your app'));
  return app;
}
