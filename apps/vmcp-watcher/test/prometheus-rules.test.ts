/**
 * The chart's PrometheusRule, checked by Prometheus' own promtool: the rendered rules parse (`promtool check rules`),
 * and `promtool test rules` runs charts/vmcp-watcher/tests/prometheusrule.test.yaml against them (every alert fires
 * on its series after its `for`, not before, not on healthy series and not on another release's series).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { helmHome, one, renderer } from './chart-render.ts';
import { findGoTool, PROMTOOL } from './go-tools.ts';
import { CHART_DIR, findHelm, HELM_VERSION } from './helm.ts';
import { toolAvailable } from './tool-gate.ts';

const execFileP = promisify(execFile);
const helm = findHelm();
const promtool = findGoTool(PROMTOOL);
const ready =
  toolAvailable('helm', helm !== undefined, `helm ${HELM_VERSION} is not built (run test/ensure-go-tool.ts helm; it needs Go)`) &&
  toolAvailable(
    'promtool',
    promtool !== undefined,
    `promtool ${PROMTOOL.version} is not built (run test/ensure-go-tool.ts promtool; it needs Go)`,
  );
const RULE_TESTS = path.join(CHART_DIR, 'tests/prometheusrule.test.yaml');
const ALERTS = [
  'VmcpWatcherDown',
  'VmcpWatcherNotReady',
  'VmcpWatcherFailed',
  'VmcpWatchDisconnected',
  'VmcpWatchErrorsRising',
  'VmcpBackendsUnhealthy',
  'VmcpBackendsExcluded',
  'VmcpConfigWarning',
  'VmcpNamespaceInaccessible',
  'VmcpGroupNotSynced',
];

interface Rule {
  alert: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

describe.skipIf(!ready)(`PrometheusRule (promtool ${PROMTOOL.version})`, () => {
  const home = helmHome();
  const { template } = renderer(helm!, home);

  /** The rendered rule groups, written as a Prometheus rule file next to a copy of the unit tests. */
  async function ruleFiles(values: object): Promise<{ dir: string; rules: Rule[] }> {
    const objects = await template({ group: 'engineering', prometheusRule: { enabled: true, ...values } });
    const spec = one(objects, 'PrometheusRule')['spec'] as { groups: Array<{ rules: Rule[] }> };
    const dir = mkdtempSync(path.join(home, 'rules-'));
    writeFileSync(path.join(dir, 'rules.yaml'), stringify(spec));
    copyFileSync(RULE_TESTS, path.join(dir, 'prometheusrule.test.yaml'));
    return { dir, rules: spec.groups.flatMap((g) => g.rules) };
  }

  const promtoolRun = (dir: string, args: string[]): Promise<string> =>
    execFileP(promtool!, args, { cwd: dir }).then(
      ({ stdout, stderr }) => stdout + stderr,
      (error: { stdout?: string; stderr?: string; code?: number }) => {
        throw new Error(`promtool ${args.join(' ')} failed (${error.code}):\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      },
    );

  it('renders every alert with a severity and a runbook link to its README line', async () => {
    const { rules } = await ruleFiles({});
    expect(rules.map((r) => r.alert)).toEqual(ALERTS);
    for (const rule of rules) {
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels['severity']);
      expect(rule.annotations['runbook_url'], rule.alert).toBe(
        `https://github.com/vmcp-watcher/vmcp-watcher/blob/main/charts/vmcp-watcher/README.md#${rule.alert.toLowerCase()}`,
      );
      expect(rule.expr, rule.alert).toContain('namespace="ns",service="rel-vmcp-watcher"');
    }
  }, 60_000);

  it('passes promtool check rules', async () => {
    const { dir } = await ruleFiles({});
    expect(await promtoolRun(dir, ['check', 'rules', 'rules.yaml'])).toMatch(new RegExp(`SUCCESS: ${ALERTS.length} rules found`));
  }, 60_000);

  it('passes promtool test rules: each alert fires when it should, and only then', async () => {
    const { dir } = await ruleFiles({});
    expect(await promtoolRun(dir, ['test', 'rules', 'prometheusrule.test.yaml'])).toMatch(/SUCCESS/);
  }, 120_000);

  it('fails promtool test rules when the rules change (the tests can fail)', async () => {
    // Control: a higher error threshold silences VmcpWatchErrorsRising, and a custom selector matches none of the
    // test series; promtool must report both as missing alerts.
    const threshold = await ruleFiles({ watchErrorsThreshold: 1000 });
    await expect(promtoolRun(threshold.dir, ['test', 'rules', 'prometheusrule.test.yaml'])).rejects.toThrow(/VmcpWatchErrorsRising/);
    const selector = await ruleFiles({ selector: 'namespace="elsewhere"' });
    await expect(promtoolRun(selector.dir, ['test', 'rules', 'prometheusrule.test.yaml'])).rejects.toThrow(/VmcpWatcherDown/);
  }, 120_000);

  it('leaves out disabled alerts', async () => {
    const { rules } = await ruleFiles({ disabledAlerts: ['VmcpBackendsExcluded', 'VmcpWatcherDown'] });
    expect(rules.map((r) => r.alert)).toEqual(ALERTS.filter((a) => a !== 'VmcpBackendsExcluded' && a !== 'VmcpWatcherDown'));
  }, 60_000);
});

/** The runbook of every alert is in the chart README, under the anchor its runbook_url names. */
describe('PrometheusRule runbook', () => {
  it('has a README line for every alert', () => {
    const readme = readFileSync(path.join(CHART_DIR, 'README.md'), 'utf8');
    for (const alert of ALERTS) expect(readme, alert).toContain(`<a id="${alert.toLowerCase()}"></a>**${alert}**`);
  });
});
