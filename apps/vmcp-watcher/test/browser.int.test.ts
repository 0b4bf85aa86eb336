import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { clusterConfig } from './helpers.ts';
import { MCPServerResource } from '@vmcp/api';
import { applyExamples } from '@vmcp/demo';
import { createWithStatus } from '@vmcp/kube-watcher';
import { createLogger } from '../src/observe/logger.ts';
import { startAgainstCluster, type RunningService } from '../src/run.ts';
import { EXPECTED, clientOf, patchStatus } from './kube-fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(import.meta.dirname, '..', 'artifacts');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env['CI'] === 'true') {
  throw new Error(`browser test cannot run (CI=true): ${CHROMIUM} is missing; run apps/vmcp-watcher/scripts/ensure-chromium.sh`);
}

describeIntegration('status page in headless Chromium', () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  let browser: Browser | undefined;
  let running: RunningService | undefined;
  afterAll(async () => {
    await browser?.close();
    await running?.service.shutdown();
  });

  it.skipIf(!haveChromium)(
    'renders the backends and updates live when a resource changes',
    async () => {
      const ns = await env.newNamespace('page');
      await applyExamples(clientOf(env.kubeConfig), ns);
      const logs: string[] = [];
      const config = clusterConfig(env.kubeconfigPath, ns);
      running = await startAgainstCluster(config, env.kubeConfig, createLogger({ level: 'debug', write: (l) => logs.push(l) }));

      browser = await chromium.launch({
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
      await page.waitForSelector('li[data-excluded="pending-server"]');

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
      await expect
        .poll(() => page.locator('#changes li').allTextContents())
        .toEqual(expect.arrayContaining([expect.stringContaining('upsert  browser-newcomer'), expect.stringContaining('upsert  github')]));

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

      const html = await page.content();
      for (const secret of EXPECTED.plantedSecretValues) {
        expect(html.includes(secret)).toBe(false);
        expect(logs.join('').includes(secret)).toBe(false);
      }
      expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
    },
    120_000,
  );
});
