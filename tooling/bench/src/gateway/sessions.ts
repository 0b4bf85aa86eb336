/**
 * Child process of the gateway load bench: `sessions` MCP client sessions on the gateway, and `direct` SDK clients
 * straight to backends (the baseline). On `run`, every client calls a random tool of its list every `callEveryMs`
 * for `durationMs`; sessions refresh their list on each `list_changed` and record when it arrived (epoch ms, comparable
 * with the parent's clock).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

interface Options {
  gatewayUrl: string;
  sessions: number;
  directUrls: string[];
  durationMs: number;
  /** Each client calls at this pace (open loop, random phase), so latency is not queueing behind its own calls. */
  callEveryMs: number;
}
const options = JSON.parse(process.argv[2]!) as Options;
const epoch = (): number => performance.timeOrigin + performance.now();

interface Caller {
  client: Client;
  tools: string[];
  notifications: number[];
}

async function open(url: string, listen: boolean): Promise<Caller> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  const caller: Caller = { client, tools: [], notifications: [] };
  if (listen) {
    // Re-list on each change, as a client does; changes that arrive during a re-list are folded into one more.
    let listing = false;
    let again = false;
    const relist = (): void => {
      if (listing) return void (again = true);
      listing = true;
      void client
        .listTools()
        .then((r) => void (caller.tools = r.tools.map((t) => t.name)))
        .catch(() => undefined)
        .finally(() => {
          listing = false;
          if (!again) return;
          again = false;
          relist();
        });
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      caller.notifications.push(epoch());
      relist();
    });
  }
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  caller.tools = (await client.listTools()).tools.map((t) => t.name);
  return caller;
}

const sessions: Caller[] = [];
for (let i = 0; i < options.sessions; i += 1) sessions.push(await open(options.gatewayUrl, true));
const direct = await Promise.all(options.directUrls.map((url) => open(url, false)));
process.send!({ ready: true });

let inFlight = 0;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function drive(caller: Caller, until: number, latencies: number[], errors: string[]): Promise<void> {
  await pause(Math.random() * options.callEveryMs);
  while (performance.now() < until) {
    const due = performance.now() + options.callEveryMs;
    const tool = caller.tools[Math.floor(Math.random() * caller.tools.length)];
    if (tool === undefined) {
      await pause(options.callEveryMs);
      continue;
    }
    const startedAt = performance.now();
    inFlight += 1;
    try {
      const result = await caller.client.callTool({ name: tool });
      if (result.isError === true) errors.push('isError');
      else latencies.push(performance.now() - startedAt);
    } catch (error) {
      errors.push(error instanceof Error && error.message.includes('not offered') ? 'not offered' : String(error));
    } finally {
      inFlight -= 1;
    }
    await pause(Math.max(0, due - performance.now()));
  }
}

/** One session and one direct client, alternating, one call at a time: the overhead without any queueing. */
async function sequential(calls: number): Promise<{ gateway: number[]; baseline: number[] }> {
  const gateway: number[] = [];
  const baseline: number[] = [];
  const session = sessions[0]!;
  const client = direct[0]!;
  for (let i = 0; i < calls; i += 1) {
    for (const [caller, into] of [
      [session, gateway],
      [client, baseline],
    ] as const) {
      const tool = caller === session ? session.tools.find((name) => name.startsWith('b0_')) : client.tools[0];
      const startedAt = performance.now();
      await caller.client.callTool({ name: tool! });
      into.push(performance.now() - startedAt);
    }
  }
  return { gateway, baseline };
}

process.on('message', (message: { sequential?: number; run?: boolean }) => {
  if (message.sequential !== undefined) {
    void sequential(message.sequential).then((result) => process.send!({ sequential: result }));
    return;
  }
  if (message.run !== true) return;
  void (async () => {
    const until = performance.now() + options.durationMs;
    const gateway: number[] = [];
    const baseline: number[] = [];
    const gatewayErrors: string[] = [];
    const directErrors: string[] = [];
    const progress = setInterval(() => {
      process.stderr.write(`[bench:gateway] ${gateway.length + baseline.length} calls done, ${inFlight} in flight\n`);
    }, 5_000);
    await Promise.all([
      ...sessions.map((s) => drive(s, until, gateway, gatewayErrors)),
      ...direct.map((c) => drive(c, until, baseline, directErrors)),
    ]);
    clearInterval(progress);
    process.send!({
      gateway,
      baseline,
      gatewayErrors,
      directErrors,
      notifications: sessions.map((s) => s.notifications),
    });
    await Promise.all([...sessions, ...direct].map((c) => c.client.close().catch(() => undefined)));
    process.exit(0);
  })();
});
