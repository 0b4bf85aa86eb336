import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { clusterConfig } from './helpers.ts';
import { MCPRemoteProxyResource, MCPServerResource } from '@vmcp/api';
import { applyExamples } from '@vmcp/demo';
import { createWithStatus } from '@vmcp/kube-watcher/testing';
import { createLogger } from '../src/observe/logger.ts';
import { startAgainstCluster, type RunningService } from '../src/run.ts';
import { EXPECTED, clientOf, deployRole, grant, patchStatus } from './kube-fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
// Kept as test artifacts next to the run's results (scripts/test.sh clears .test-results/ before each run).
const ARTIFACTS = path.resolve(import.meta.dirname, '../../../.test-results/vmcp-watcher');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env['CI'] === 'true') {
  throw new Error(`browser test cannot run (CI=true): ${CHROMIUM} is missing; run apps/vmcp-watcher/scripts/ensure-chromium.sh`);
}

function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

describeIntegration('status page in headless Chromium', () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  let browser: Browser | undefined;
  let running: RunningService | undefined;
  let forbidden: RunningService | undefined;
  afterAll(async () => {
    await browser?.close();
    await running?.service.shutdown();
    await forbidden?.service.shutdown();
  });

  it.skipIf(!haveChromium)(
    'renders the backends and updates live when a resource changes',
    async () => {
      const ns = await env.newNamespace('page');
      await applyExamples(clientOf(env.kubeConfig), ns);
      const logs: string[] = [];
      const config = clusterConfig(env.kubeconfigPath, ns);
      running = await startAgainstCluster(config, env.kubeConfig, createLogger({ level: 'debug', write: (l) => logs.push(l) }));

      browser ??= await launch();
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      await page.goto(running.url);

      await page.waitForSelector('body[data-synced="true"]', { timeout: 20_000 });
      await expect.poll(() => page.locator('#backends tr').count(), { timeout: 20_000 }).toBe(EXPECTED.served.length);
      for (const served of EXPECTED.served) {
        const row = page.locator(`tr[data-backend="${served.id}"]`);
        await expect.poll(() => row.locator('td').nth(4).textContent()).toBe(served.healthStatus);
        expect(await row.locator('td').nth(1).textContent()).toBe(served.kind);
      }
      expect(await page.locator('#group').textContent()).toBe('engineering');
      expect(await page.locator('#sync').textContent()).toBe('in sync');
      expect(await page.locator('#stream').textContent()).toBe('live');
      const fetchAuth = await page.locator('tr[data-backend="fetch"] td').nth(5).textContent();
      expect(fetchAuth).toContain('token_exchange');
      expect(fetchAuth).toContain('ref: token-exchange-auth');
      // Exclusions with their reason and how long they have stood; the watch panel; counts by health.
      const pending = page.locator('tr[data-excluded="pending-server"] td');
      await expect.poll(() => pending.nth(2).textContent(), { timeout: 10_000 }).toContain('no-url');
      expect(await pending.nth(3).textContent()).toMatch(/ ago$/);
      expect(await page.locator('tr[data-watch]').count()).toBeGreaterThanOrEqual(5);
      expect(await page.locator('tr[data-watch="MCPServer"] td').nth(2).textContent()).toBe('connected');
      expect(await page.locator('tr[data-watch="MCPServer"] td').nth(5).textContent()).toBe('none');
      const healthy = EXPECTED.served.filter((b) => b.healthStatus === 'healthy').length;
      expect(await page.locator('#health-counts [data-health="healthy"]').textContent()).toBe(`${healthy} healthy`);
      expect(await page.locator('#warnings').isHidden()).toBe(true);

      // A live change: github fails, a new server arrives.
      await patchStatus(env.kubeConfig, ns, MCPServerResource, 'github', { phase: 'Failed' });
      await expect.poll(() => page.locator('tr[data-backend="github"] td').nth(4).textContent(), { timeout: 10_000 }).toBe('unhealthy');
      await createWithStatus(clientOf(env.kubeConfig), MCPServerResource, ns, {
        apiVersion: 'toolhive.stacklok.dev/v1beta1',
        kind: 'MCPServer',
        metadata: { name: 'browser-newcomer' },
        spec: { image: 'example/x:1', transport: 'streamable-http', proxyPort: 8080, groupRef: { name: 'engineering' } },
        status: { url: 'http://mcp-browser-newcomer-proxy:8080', phase: 'Ready' },
      });
      await page.waitForSelector('tr[data-backend="browser-newcomer"]', { timeout: 10_000 });
      // Each change says what changed.
      await expect
        .poll(() => page.locator('#changes li').allTextContents(), { timeout: 10_000 })
        .toEqual(
          expect.arrayContaining([
            expect.stringMatching(/^browser-newcomer added \(healthy\) +v\d+ · /),
            expect.stringMatching(/^github: healthy → unhealthy(, workload_status \S+ → Failed)? +v\d+ · /),
          ]),
        );
      // A page opened now shows the history at once: the server keeps it.
      const fresh = await browser.newPage();
      fresh.on('pageerror', (e) => consoleErrors.push(e.message));
      await fresh.goto(running.url);
      await expect
        .poll(() => fresh.locator('#changes li').allTextContents(), { timeout: 10_000 })
        .toEqual(
          expect.arrayContaining([
            expect.stringContaining('browser-newcomer added'),
            expect.stringContaining('github: healthy → unhealthy'),
          ]),
        );
      // The filter narrows backends (on the server), exclusions and changes alike.
      await fresh.locator('#filter').fill('git');
      await expect
        .poll(async () => Promise.all((await fresh.locator('#backends tr').all()).map((r) => r.getAttribute('data-backend'))), {
          timeout: 10_000,
        })
        .toEqual(['github']);
      expect(await fresh.locator('tr[data-excluded]').count()).toBe(0);
      const filteredChanges = await fresh.locator('#changes li').allTextContents();
      expect(filteredChanges).toEqual(expect.arrayContaining([expect.stringContaining('github: healthy → unhealthy')]));
      expect(filteredChanges.every((c) => c.startsWith('github'))).toBe(true);
      await fresh.screenshot({ path: path.join(ARTIFACTS, 'status-page-filtered.png'), fullPage: true });
      await fresh.close();

      // Pages: with 2 backends a page, every backend is on exactly one page and the buttons follow.
      const paged = await browser.newPage();
      paged.on('pageerror', (e) => consoleErrors.push(e.message));
      await paged.goto(new URL('?limit=2', running.url).href);
      await expect.poll(() => paged.locator('#backends tr').count(), { timeout: 20_000 }).toBe(2);
      const total = EXPECTED.served.length + 1;
      const seen: string[] = [];
      for (let first = 1; ; first += 2) {
        await expect
          .poll(() => paged.locator('#range').textContent(), { timeout: 10_000 })
          .toBe(`${first}–${Math.min(first + 1, total)} of ${total}`);
        const rows = paged.locator('#backends tr');
        for (let i = 0; i < (await rows.count()); i++) seen.push((await rows.nth(i).getAttribute('data-backend')) ?? '');
        if (await paged.locator('#next').isDisabled()) break;
        await paged.locator('#next').click();
      }
      expect(seen.sort()).toEqual([...EXPECTED.served.map((b) => b.id), 'browser-newcomer'].sort());
      expect(await paged.locator('#prev').isDisabled()).toBe(false);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'status-page.png'), fullPage: true });
      // github turned unhealthy: one more than the examples have.
      const unhealthy = EXPECTED.served.filter((b) => b.healthStatus === 'unhealthy').length + 1;
      await expect.poll(() => page.locator('#health-counts [data-health="unhealthy"]').textContent()).toBe(`${unhealthy} unhealthy`);

      // A name claimed by two kinds: the conflicts section names it and which kind is served.
      await createWithStatus(clientOf(env.kubeConfig), MCPRemoteProxyResource, ns, {
        apiVersion: 'toolhive.stacklok.dev/v1beta1',
        kind: 'MCPRemoteProxy',
        metadata: { name: 'browser-newcomer' },
        spec: {
          remoteUrl: 'https://twin.example.com/mcp',
          transport: 'streamable-http',
          proxyPort: 8080,
          groupRef: { name: 'engineering' },
        },
        status: { url: 'http://mcp-browser-newcomer-remote-proxy:8080', phase: 'Ready' },
      });
      await expect
        .poll(() => page.locator('#conflicts li').allTextContents(), { timeout: 10_000 })
        .toEqual(['browser-newcomer: served from MCPServer; also MCPRemoteProxy']);

      const html = await page.content();
      for (const secret of EXPECTED.plantedSecretValues) {
        expect(html.includes(secret)).toBe(false);
        expect(logs.join('').includes(secret)).toBe(false);
      }
      expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
    },
    120_000,
  );

  it.skipIf(!haveChromium)(
    "shows forbidden watches with the API server's 403 text, the misspelt group, and why nothing is served",
    async () => {
      const ns = await env.newNamespace('page-403');
      await applyExamples(clientOf(env.kubeConfig), ns);
      // Only MCPServers may be listed (what the start-up check needs): the other five watches are forbidden.
      const name = `vmcp-${ns}`;
      const user = await env.addUser({ name });
      await grant(
        env.kubeConfig,
        ns,
        name,
        deployRole().rules.filter((r) => r.resources.includes('mcpservers') || r.resources.includes('mcpgroups')),
      );
      const config = clusterConfig(user.kubeconfigPath, ns, { groupRef: 'enginering' });
      forbidden = await startAgainstCluster(config, user, createLogger({ level: 'error', write: () => undefined }));
      browser ??= await launch();
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const consoleErrors: string[] = [];
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      await page.goto(forbidden.url);

      await expect.poll(() => page.locator('#sync').textContent(), { timeout: 20_000 }).toMatch(/^blocked: 5 of 6 watches failing$/);
      expect(await page.locator('#sync').getAttribute('class')).toContain('bad');
      const secrets = page.locator('tr[data-watch="Secret"] td');
      expect(await secrets.nth(2).textContent()).toBe('disconnected');
      expect(await secrets.nth(5).textContent()).toMatch(
        /403 Forbidden \(secrets is forbidden: User "vmcp-[^"]+" cannot (list|watch) resource "secrets"/,
      );
      expect(await page.locator('tr[data-watch="MCPServer"] td').nth(2).textContent()).toBe('connected');
      await expect
        .poll(() => page.locator('#warning-list li').allTextContents(), { timeout: 10_000 })
        .toContain(`no MCPGroup "enginering" in namespace "${ns}"; did you mean engineering?`);
      // Nothing claims "every object is served" while the cache cannot sync.
      expect(await page.locator('#excluded-none').textContent()).toBe('Not known until the cache is synced.');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'status-page-403.png'), fullPage: true });
      expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
    },
    120_000,
  );
});
