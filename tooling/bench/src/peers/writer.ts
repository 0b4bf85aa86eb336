/**
 * The churn writer, in a process of its own (on the observers' event loop it was shown to double their p99):
 * patches MCPServers at a fixed rate and reports each acknowledgement as `{"ev":"ack","seq":S,"at":epochMs}`, then
 * `{"ev":"done","achievedRate":R,"errors":E}`.
 *
 * argv: -kubeconfig f -namespace n -objects N -rate R -duration-ms D -first-seq S
 */
import { KubeConfig } from '@kubernetes/client-node';
import { KubeHttpClient } from '@vmcp/kube-watcher';
import { writeAtRate } from '../phases/churn.ts';

const flags = new Map<string, string>();
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) flags.set(String(argv[i]).replace(/^-+/, ''), String(argv[i + 1]));
const num = (k: string): number => {
  const v = Number(flags.get(k));
  if (!Number.isFinite(v)) throw new Error(`writer: -${k} must be a number`);
  return v;
};
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(String(flags.get('kubeconfig')));
const client = new KubeHttpClient(kubeConfig, { userAgent: 'vmcp-bench' });
const origin = performance.timeOrigin;
const log = await writeAtRate(
  { client },
  String(flags.get('namespace')),
  { objects: num('objects'), ratePerSecond: num('rate'), durationMs: num('duration-ms') },
  num('first-seq'),
  (seq, at) => process.stdout.write(`${JSON.stringify({ ev: 'ack', seq, at: origin + at })}\n`),
);
process.stdout.write(`${JSON.stringify({ ev: 'done', achievedRate: log.achievedRate, errors: log.errors })}\n`);
