import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceContext } from '../context.ts';

/** `GET /metrics`: Prometheus text format. */
export function metricsRoute(ctx: Pick<ServiceContext, 'metrics' | 'logger'>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const { register } = ctx.metrics;
    register.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': register.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        ctx.logger.error('collecting metrics failed', { error });
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('collecting metrics failed\n');
      },
    );
  };
}
