import http from 'node:http';
import https from 'node:https';

const keepAliveAgents = new WeakMap<object, http.Agent>();

/**
 * The agent to use instead of the one `KubeConfig.applyToHTTPSOptions` set. client-node hands out a cached
 * `https.Agent` built without `keepAlive`, so every list page and every direct Secret/ConfigMap read paid a new
 * TCP + TLS handshake (on us and on the API server). Same TLS options, keep-alive on, one per original agent. A pooled socket that died silently is caught like any other by the inactivity deadline.
 * Proxy agents (subclasses) are left alone.
 */
export function withKeepAlive(agent: unknown): http.Agent | undefined {
  if (!(agent instanceof http.Agent) || (agent.constructor !== https.Agent && agent.constructor !== http.Agent))
    return agent as http.Agent | undefined;
  let ka = keepAliveAgents.get(agent);
  if (ka === undefined) {
    const options = (agent as http.Agent & { options: https.AgentOptions }).options;
    ka =
      agent.constructor === https.Agent
        ? new https.Agent({ ...options, keepAlive: true })
        : new http.Agent({ ...options, keepAlive: true });
    keepAliveAgents.set(agent, ka);
  }
  return ka;
}
