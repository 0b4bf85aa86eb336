/** The gateway load bench's figures and their Markdown section of docs/benchmarks.md. */
import { summarize, type Summary } from '../stats.ts';

export interface LoadResults {
  date: string;
  machine: string;
  plan: {
    backends: number;
    toolsPerBackend: number;
    sessions: number;
    direct: number;
    durationMs: number;
    callEveryMs: number;
    churnEveryMs: number;
  };
  connectMs: number;
  gatewayCalls: Summary;
  directCalls: Summary;
  sequentialGateway: Summary;
  sequentialDirect: Summary;
  errors: Record<string, number>;
  directErrors: Record<string, number>;
  perConnection: { heap: number; rss: number } | null;
  perSession: { heap: number; rss: number } | null;
  changes: Record<'removed' | 'added' | 'killed', Summary | null>;
}

/**
 * For each change, the time until every session had received a `list_changed` after it (the slowest session), as
 * latency samples by kind of change. A change that some session never heard of is left out (and shows in the count).
 */
export function changeLatencies(
  changes: readonly { kind: 'removed' | 'added' | 'killed'; at: number }[],
  notifications: readonly (readonly number[])[],
): LoadResults['changes'] {
  const byKind: Record<'removed' | 'added' | 'killed', number[]> = { removed: [], added: [], killed: [] };
  for (const change of changes) {
    const firsts = notifications.map((times) => times.find((t) => t >= change.at));
    if (firsts.length === 0 || firsts.some((t) => t === undefined)) continue;
    byKind[change.kind].push(Math.max(...(firsts as number[])) - change.at);
  }
  const summary = (samples: number[]): Summary | null => (samples.length === 0 ? null : summarize(samples));
  return { removed: summary(byKind.removed), added: summary(byKind.added), killed: summary(byKind.killed) };
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;
const kib = (bytes: number | undefined): string => (bytes === undefined ? 'n/a' : `${(bytes / 1024).toFixed(1)} KiB`);

/** The Markdown section. */
export function gatewaySection(r: LoadResults): string {
  const { plan } = r;
  const tools = plan.backends * plan.toolsPerBackend;
  const change = (kind: keyof LoadResults['changes'], what: string): string => {
    const s = r.changes[kind];
    return s === null ? `| ${what} | no sample |` : `| ${what} | ${s.count} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} |`;
  };
  const errors = Object.entries(r.errors)
    .map(([what, n]) => `${n} × ${what}`)
    .join(', ');
  return `## Gateway load (\`pnpm bench:gateway\`, run of ${r.date})

${plan.backends} backends × ${plan.toolsPerBackend} tools = ${tools} tools behind one \`@vmcp/gateway\` (\`BackendPool\` +
\`createGatewayServer\` on \`node:http\`, default health settings), ${plan.sessions} concurrent MCP sessions (SDK
clients over streamable HTTP) each calling a random tool of its list every ${plan.callEveryMs} ms (open loop, random phase:
${(plan.sessions * 1000) / plan.callEveryMs} calls/s in all) for ${plan.durationMs / 1000} s, next to ${plan.direct} SDK clients calling backends
directly at the same pace (the baseline); every session re-lists the ${tools} tools on each \`list_changed\`. Backends are real SDK servers with sessions, in a
child process; the sessions and the baseline in another; the gateway alone in the measured process. Every
${plan.churnEveryMs} ms one backend is, in turn, removed from the registry, re-added, killed (its process closes
every connection) or restarted. Machine: ${r.machine}.

| call, one at a time (backend b0, no other load) | calls | p50 | p99 | max |
|---|---|---|---|---|
| through the gateway | ${r.sequentialGateway.count} | ${ms(r.sequentialGateway.p50)} | ${ms(r.sequentialGateway.p99)} | ${ms(r.sequentialGateway.max)} |
| direct SDK call (baseline) | ${r.sequentialDirect.count} | ${ms(r.sequentialDirect.p50)} | ${ms(r.sequentialDirect.p99)} | ${ms(r.sequentialDirect.max)} |
| **overhead of the gateway** | | **${ms(r.sequentialGateway.p50 - r.sequentialDirect.p50)}** | **${ms(r.sequentialGateway.p99 - r.sequentialDirect.p99)}** | |

| call, under load with churn | calls | p50 | p99 | max |
|---|---|---|---|---|
| through the gateway | ${r.gatewayCalls.count} | ${ms(r.gatewayCalls.p50)} | ${ms(r.gatewayCalls.p99)} | ${ms(r.gatewayCalls.max)} |
| direct SDK call (baseline) | ${r.directCalls.count} | ${ms(r.directCalls.p50)} | ${ms(r.directCalls.p99)} | ${ms(r.directCalls.max)} |
| **overhead of the gateway** | | **${ms(r.gatewayCalls.p50 - r.directCalls.p50)}** | **${ms(r.gatewayCalls.p99 - r.directCalls.p99)}** | |

The one-at-a-time table is the gateway's own cost per call (one more HTTP hop, the SDK \`Server\` and \`Client\`
in between). Under load the figures add queueing: the gateway process runs every session, and here it shares two
cores with the backends, 110 clients and the machine's other work (load above), so compare the two rows of the
same run rather than runs.

Failed calls through the gateway: ${errors === '' ? 'none' : errors} (a call of a tool whose backend was just removed or
killed, before the session's list refresh; the baseline never touches a churned backend).

| memory in the gateway process (after a full GC) | heap | RSS |
|---|---|---|
| per backend connection (client, session, its ${plan.toolsPerBackend} tools in the catalogue) | ${kib(r.perConnection?.heap)} | ${kib(r.perConnection?.rss)} |
| per MCP session (SDK \`Server\`, transport, open notification stream) | ${kib(r.perSession?.heap)} | ${kib(r.perSession?.rss)} |

Connecting all ${plan.backends} backends and listing their tools: ${ms(r.connectMs)}.

| change → \`list_changed\` received by every session | changes | p50 | p99 | max |
|---|---|---|---|---|
${change('removed', 'backend removed from the registry')}
${change('added', 'backend added (connect, initialize, list included)')}
${change('killed', "backend's process killed (found by the broken stream or the next probe)")}
`;
}

const START = '<!-- gateway-load:start -->';
const END = '<!-- gateway-load:end -->';

/** `doc` with the gateway section replaced (or appended): the main bench rewrites the file, this keeps its own part. */
export function withSection(doc: string, section: string): string {
  const block = `${START}\n${section}\n${END}\n`;
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start === -1 || end === -1) return `${doc.trimEnd()}\n\n${block}`;
  return `${doc.slice(0, start)}${block}${doc.slice(end + END.length + 1)}`;
}

/** `doc` with the gateway section of `previous` carried over: the main bench rewrites the file, the gateway part is not its own. */
export function keepGatewaySection(previous: string | undefined, doc: string): string {
  if (previous === undefined) return doc;
  const start = previous.indexOf(START);
  const end = previous.indexOf(END);
  if (start === -1 || end === -1) return doc;
  return withSection(doc, previous.slice(start + START.length + 1, end - 1));
}
