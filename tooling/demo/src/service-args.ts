/** What the demo serves unless told otherwise (flag or environment variable, as the service reads them). */
export const DEMO_DEFAULTS = Object.freeze({ namespace: 'vmcp-demo', group: 'engineering', listen: '127.0.0.1:8080' });

/** The service settings the demo fills in, with the environment variable that may set each instead. */
const SETTINGS = [
  { flag: '--namespace', env: 'VMCP_NAMESPACE', fallback: DEMO_DEFAULTS.namespace },
  { flag: '--group', env: 'VMCP_GROUP', fallback: DEMO_DEFAULTS.group },
  { flag: '--listen', env: 'VMCP_LISTEN', fallback: DEMO_DEFAULTS.listen },
] as const;

/** The value of `--flag VALUE` or `--flag=VALUE` in `args` (the last one wins, as node:util parseArgs does). */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  args.forEach((arg, i) => {
    if (arg === flag) value = args[i + 1];
    else if (arg.startsWith(`${flag}=`)) value = arg.slice(flag.length + 1);
  });
  return value;
}

/** Thrown for arguments the demo cannot honour; the message names the argument. */
export class DemoArgumentError extends Error {
  override readonly name = 'DemoArgumentError';
}

/** The namespace and group the service will use: flag, else environment, else the demo's default. */
export function demoTarget(args: readonly string[], env: NodeJS.ProcessEnv): { namespace: string; group: string } {
  const pick = (flag: string, envVar: string, fallback: string) => flagValue(args, flag) ?? (env[envVar] || undefined) ?? fallback;
  return {
    namespace: pick('--namespace', 'VMCP_NAMESPACE', DEMO_DEFAULTS.namespace),
    group: pick('--group', 'VMCP_GROUP', DEMO_DEFAULTS.group),
  };
}

/**
 * The service's command line for the demo: the user's flags, the demo's defaults where neither a flag nor the
 * environment sets them, and `--kubeconfig` of the demo's own control plane. A user `--kubeconfig`/`--context` is
 * refused: the demo's cluster is the point.
 */
export function serviceArgs(args: readonly string[], env: NodeJS.ProcessEnv, kubeconfigPath: string): string[] {
  for (const flag of ['--kubeconfig', '--context']) {
    if (flagValue(args, flag) !== undefined || args.includes(flag)) {
      throw new DemoArgumentError(`${flag} cannot be used with the demo: it runs the service against its own local control plane`);
    }
  }
  const out = [...args];
  for (const s of SETTINGS) {
    if (flagValue(args, s.flag) === undefined && !env[s.env]) out.push(s.flag, s.fallback);
  }
  out.push('--kubeconfig', kubeconfigPath);
  return out;
}
