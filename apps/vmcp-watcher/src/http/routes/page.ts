import type { IncomingMessage, ServerResponse } from 'node:http';
import { newNonce, renderStatusPage, statusPageCsp, type StatusPageInfo } from '../page/render.ts';
import type { ServiceContext } from '../context.ts';

/** `GET /`: the live status page. */
export function pageRoute(ctx: ServiceContext): (req: IncomingMessage, res: ServerResponse) => void {
  return statusPageRoute(() => ({ groupRef: ctx.groupRef, namespace: ctx.namespace, version: ctx.version }));
}

/** `GET /` with what `info` says before the script runs (a service of several groups: its script picks the group). */
export function statusPageRoute(info: () => StatusPageInfo): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const nonce = newNonce();
    const html = renderStatusPage(info(), nonce);
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': statusPageCsp(nonce),
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'content-length': Buffer.byteLength(html),
    });
    res.end(req.method === 'HEAD' ? undefined : html);
  };
}
