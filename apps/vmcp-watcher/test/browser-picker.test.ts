/**
 * The status page's group picker in headless Chromium (Debian's), over a service of several groups on a fake set:
 * the picker lists every group, the page shows the chosen group's backends live, and choosing another reloads on
 * its paths. Today's mode (one group) shows no picker: the control.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { backend, startTestService, type TestService } from './helpers.ts';
import { FakeWatcherSet, startGroupService, type TestGroupService } from './set-helpers.ts';
import { toolAvailable } from './tool-gate.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = toolAvailable(
  'chromium',
  existsSync(CHROMIUM),
  `${CHROMIUM} is missing; run apps/vmcp-watcher/scripts/ensure-chromium.sh`,
);

let browser: Browser | undefined;
let svc: TestGroupService | undefined;
let single: TestService | undefined;
afterEach(async () => {
  await svc?.close();
  await single?.close();
  svc = undefined;
  single = undefined;
});
afterAll(async () => {
  await browser?.close();
});

async function launch(): Promise<Browser> {
  browser ??= await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  return browser;
}

describe.skipIf(!haveChromium)('the status page with several groups', { timeout: 60_000 }, () => {
  it('lists the groups in a picker, shows the chosen one live, and switches group', async () => {
    const set = new FakeWatcherSet({ a: 'ok', b: 'ok' });
    set.add('a', 'g1', [backend('alpha')]);
    set.add('b', 'g2', [backend('beta'), backend('gamma')]);
    svc = await startGroupService(set);
    set.syncAll();
    const page = await (await launch()).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${svc.url}/`);
    await page.waitForSelector('#picker:not([hidden])', { timeout: 20_000 });
    expect(await page.locator('#group-picker option').allTextContents()).toEqual(['a / g1 (1)', 'b / g2 (2)']);
    await expect.poll(() => page.locator('#backends tr').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.locator('tr[data-backend="alpha"]').count()).toBe(1);
    expect(await page.locator('#namespace').textContent()).toBe('a');
    // Live on the chosen group's stream: a change in it shows, one in another group does not.
    set.group('b', 'g2')!.registry.upsert(backend('elsewhere'));
    set.group('a', 'g1')!.registry.upsert(backend('alpha-2'));
    await expect.poll(() => page.locator('#backends tr').count(), { timeout: 20_000 }).toBe(2);
    expect(await page.locator('tr[data-backend="elsewhere"]').count()).toBe(0);

    await Promise.all([page.waitForURL(/namespace=b&group=g2/), page.locator('#group-picker').selectOption('b/g2')]);
    await expect.poll(() => page.locator('#backends tr').count(), { timeout: 20_000 }).toBe(3);
    expect(await page.locator('#group').textContent()).toBe('g2');
    expect(await page.locator('#stream').textContent()).toBe('live');
    expect(errors).toEqual([]);
  });

  it("shows no picker in today's mode (one group), on today's paths", async () => {
    single = await startTestService({ initial: [backend('solo')] });
    single.watcher.sync();
    const page = await (await launch()).newPage();
    await page.goto(`${single.url}/`);
    await expect.poll(() => page.locator('#backends tr').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.locator('#picker').isHidden()).toBe(true);
    expect(await page.locator('#group').textContent()).toBe('engineering');
  });
});
