import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import type { BatonEvent } from '@baton/core';
import { createCoreAudit, startPlayground, type RouteView, type RunningPlayground } from '@baton/playground';
import { gsm8kRecordings } from '../../../test/shared-data.ts';

const gsm8k = gsm8kRecordings();

const SCREENSHOT = join(import.meta.dirname, '__screenshots__', 'playground.png');
const SCREENSHOT_MATH = join(import.meta.dirname, '__screenshots__', 'playground-math.png');
const SCREENSHOT_MATH_LIVE = join(import.meta.dirname, '__screenshots__', 'playground-math-live.png');
const SCREENSHOT_TAMPERED = join(import.meta.dirname, '__screenshots__', 'playground-tampered.png');
const SCREENSHOT_CRAFTED = join(import.meta.dirname, '__screenshots__', 'playground-crafted.png');
const SCREENSHOT_ROUTE = join(import.meta.dirname, '__screenshots__', 'playground-route.png');
/** At a 1400 x 1000 viewport. */
const MAX_PAGE_HEIGHT = 1300;

describe('playground in headless Chromium', () => {
  let server: RunningPlayground;
  let browser: BrowserContext;
  const work = mkdtempSync(join(tmpdir(), 'baton-playground-'));

  beforeAll(async () => {
    mkdirSync(join(import.meta.dirname, '__screenshots__'), { recursive: true });
    // Port 0: the OS picks a free port.
    server = await startPlayground({ port: 0, host: '127.0.0.1', auditDir: join(work, 'audit') });
    // A fresh profile each run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: '/usr/bin/chromium',
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
      viewport: { width: 1400, height: 1000 },
    });
  }, 120_000);

  afterAll(async () => {
    // Both are unset when beforeAll failed.
    await (browser as BrowserContext | undefined)?.close();
    await (server as RunningPlayground | undefined)?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('trains from the UI, shows handoffs, curves and a verified audit log', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Baton playground' }).waitFor();

    await page.locator('input[name=episodes]').fill('600');
    await page.locator('input[name=seeds]').fill('2');
    await page.locator('input[name=sampleIntervalMs]').fill('200');
    await page.getByRole('button', { name: 'Start training' }).click();

    // The baton moves: decisions are listed with Q-values as bars and handoffs are counted.
    await page.locator('[data-testid=decision] [data-testid=q-bar]').first().waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=handoff-count]')?.textContent) > 0, undefined, {
      timeout: 30_000,
    });
    await page.locator('[data-testid=curves] .recharts-line').first().waitFor({ timeout: 60_000 });

    // When the run ends the audit browser opens its log and verifies the hash chain.
    await page.locator('.status[data-state=done]').waitFor({ timeout: 90_000 });
    const badge = page.getByTestId('audit-badge');
    await badge.waitFor({ timeout: 20_000 });
    expect(await badge.textContent()).toMatch(/verified/);
    // The page stays compact (it grew to ~2,700 px when every feature of every decision was printed).
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(MAX_PAGE_HEIGHT);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Tamper with one record (redirect a handoff); reopening the log names exactly that line.
    const [name] = readdirSync(join(work, 'audit'));
    const file = join(work, 'audit', name as string);
    const lines = readFileSync(file, 'utf8').split('\n');
    const target = lines.findIndex((l, i) => i > 2 && l.includes('"type":"handoff"'));
    lines[target] = (lines[target] as string).replace(/"to":"(\w+)"/, '"to":"mallory"');
    writeFileSync(file, lines.join('\n'));
    await page.locator('button.log', { hasText: name as string }).click();
    await page.waitForFunction(() => /tampered/.test(document.querySelector('[data-testid=audit-badge]')?.textContent ?? ''), undefined, {
      timeout: 10_000,
    });
    expect(await badge.textContent()).toMatch(new RegExp(`tampered at record ${target + 1}: hash mismatch`));
    await page.locator(`tr.bad[data-line="${target + 1}"]`).waitFor({ timeout: 5_000 });
    await page.screenshot({ path: SCREENSHOT_TAMPERED, fullPage: true });

    // A log whose hashes chain but whose episode-end has a string `return`: the record is shown as invalid, the page stays.
    const lastEnd = lines.findLastIndex((l) => l.includes('"type":"episode-end"'));
    const crafted = await createCoreAudit().createSink(join(work, 'audit', 'crafted.jsonl'));
    const parsed = JSON.parse(lines[lastEnd] as string) as { event: Record<string, unknown> };
    await crafted.sink({ ...parsed.event, return: 'a lot' } as unknown as BatonEvent);
    await crafted.close();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('button.log', { hasText: 'crafted.jsonl' }).click();
    await page.locator('tr[data-kind=invalid]').waitFor({ timeout: 10_000 });
    expect(await page.locator('tr[data-kind=invalid]').textContent()).toMatch(/return: /);
    await page.getByRole('heading', { name: 'Baton playground' }).waitFor();
    expect(await page.getByTestId('panel-error').count()).toBe(0);
    // The bad line is shown, wrapped inside its card: the page does not grow sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1400);
    await page.screenshot({ path: SCREENSHOT_CRAFTED, fullPage: true });
    expect(errors).toEqual([]);
  }, 180_000);

  it('shows the route bench: a hull line per method, ceilings as dots, the AIQ / acc@budget table and the verdict', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Route' }).click();
    // The default report is the synthetic bench, computed on this first request (a few seconds).
    await page.getByTestId('route-chart').waitFor({ timeout: 60_000 });
    const view = (await (await fetch(new URL('api/route', server.url))).json()) as RouteView;
    expect(view.source).toBe('synthetic');
    expect(await page.getByTestId('route-label').textContent()).toMatch(/^SYNTHETIC data, not a benchmark/);

    const drawn = view.methods.filter((m) => m.kind !== 'single' && m.kind !== 'ceiling' && m.hull.length > 1).map((m) => m.name);
    expect(drawn).toContain('icq');
    const curves = page.locator('[data-testid=route-curve]');
    expect((await curves.evaluateAll((ps) => ps.map((p) => p.getAttribute('data-method')))).sort()).toEqual([...drawn].sort());
    for (const d of await curves.evaluateAll((ps) => ps.map((p) => p.getAttribute('d') ?? '')))
      expect(d).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+$/);
    // The learned method is the thick line; the ceilings are dots.
    expect(await page.locator('[data-testid=route-curve][data-method=icq]').getAttribute('stroke-width')).toBe('3');
    for (const ceiling of ['oracle', 'perfect-checker'])
      expect(await page.locator(`[data-testid=route-dot][data-method=${ceiling}]`).count(), ceiling).toBeGreaterThan(0);

    const rows = page.locator('[data-testid=route-table] tbody tr');
    expect(await rows.count()).toBe(view.methods.length);
    expect(await page.locator('[data-testid=route-table] thead th').allTextContents()).toEqual([
      'method',
      'AIQ',
      'acc@10%',
      'acc@25%',
      'acc@50%',
      'acc@100%',
    ]);
    expect(await page.getByTestId('route-verdict').textContent()).toBe(view.verdict);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(MAX_PAGE_HEIGHT);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1400);
    await page.screenshot({ path: SCREENSHOT_ROUTE, fullPage: true });
    expect(errors).toEqual([]);
  }, 90_000);

  it.skipIf(gsm8k.missing)(
    'trains the GSM8K cascade on recorded outputs: live handoffs, accuracy and GPT-4 share over training',
    async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(server.url);
      await page.getByRole('heading', { name: 'Baton playground' }).waitFor();
      await page.getByLabel('workflow').selectOption('gsm8k-cascade');
      await page.locator('input[name=episodes]').fill('3000');
      await page.locator('input[name=seeds]').fill('1');
      await page.locator('input[name=checkpointEvery]').fill('300');
      await page.locator('input[name=sampleIntervalMs]').fill('200');
      await page.getByRole('button', { name: 'Start training' }).click();

      await page.waitForFunction(() => Number(document.querySelector('[data-testid=handoff-count]')?.textContent) > 0, undefined, {
        timeout: 60_000,
      });
      // While the learned cascade trains (the first method), its decisions name the features that moved them.
      await page.locator('[data-testid=decision] [data-testid=driver]').first().waitFor({ timeout: 60_000 });
      await page.screenshot({ path: SCREENSHOT_MATH_LIVE, fullPage: true });
      await page.locator('[data-testid=extra-curves] .recharts-line').first().waitFor({ timeout: 60_000 });
      await page.locator('.status[data-state=done]').waitFor({ timeout: 120_000 });
      const badge = page.getByTestId('audit-badge');
      await page.waitForFunction(() => /verified/.test(document.querySelector('[data-testid=audit-badge]')?.textContent ?? ''), undefined, {
        timeout: 20_000,
      });
      expect(await badge.textContent()).toMatch(/verified/);
      expect(await page.locator('[data-testid=extra-curves] .hint').allTextContents()).toEqual([
        'accuracy',
        'share to GPT-4',
        '$ per prompt',
      ]);
      expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(MAX_PAGE_HEIGHT);
      await page.screenshot({ path: SCREENSHOT_MATH, fullPage: true });
      expect(errors).toEqual([]);
    },
    240_000,
  );
});
