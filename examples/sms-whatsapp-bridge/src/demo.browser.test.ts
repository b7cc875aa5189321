import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { requireService } from '@switchboard/testing';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Demo, startDemo } from './demo.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const out = fileURLToPath(new URL('../test-output/', import.meta.url));

// In CI the browser is part of the set-up (.ci/run installs Debian's chromium): missing is a failure.
const browserCheck = await requireService('Chromium', { file: CHROMIUM });

describe.skipIf(!browserCheck.available)(browserCheck.title('the demo page in headless Chromium'), () => {
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemo();
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
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('an SMS reaches the agent, the agent replies in context, the reply reaches the SMS phone', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 760 } });
    await page.goto(demo.url);
    await page.locator('[data-phone="sms"] input[name="text"]').fill('Hi, is my order ready?');
    await page.locator('[data-phone="sms"] button').click();

    const agent = page.locator('[data-phone="agent"] .msgs');
    await expect
      .poll(() => agent.innerText(), { timeout: 15_000 })
      .toContain('[SMS +1 555 000 1111] Hi, is my order ready?');
    // The greeting's buttons reach the SMS phone as numbered text.
    await expect
      .poll(() => page.locator('[data-phone="sms"] .msgs').innerText(), { timeout: 10_000 })
      .toContain('Reply 1 for An order, 2 for A return, 3 for Something else');

    await agent.locator('.bubble', { hasText: 'Hi, is my order ready?' }).locator('.reply').click();
    await page.locator('[data-phone="agent"] input[name="text"]').fill('Yes! It ships today.');
    await page.locator('[data-phone="agent"] button').click();
    await expect
      .poll(() => page.locator('[data-phone="sms"] .msgs').innerText(), { timeout: 15_000 })
      .toContain('Yes! It ships today.');
    await expect.poll(() => page.locator('#conversations').innerText()).toContain('+1 555 000 1111');
    await expect
      .poll(() => page.locator('#timeline').innerText())
      .toContain('webhook twilio -> bridge POST /webhooks/twilio -> 200');

    // A WhatsApp customer gets the same greeting as real buttons; a tap reaches the agent as a choice.
    await page.locator('[data-phone="wa"] input[name="text"]').fill('Hello from WhatsApp');
    await page.locator('[data-phone="wa"] button').click();
    const returnButton = page.locator('[data-phone="wa"] .actions button', { hasText: 'A return' });
    await returnButton.waitFor({ timeout: 15_000 });
    await returnButton.click();
    await expect
      .poll(() => agent.innerText(), { timeout: 15_000 })
      .toContain('[WhatsApp +1 650 555 1234 Pablo] A return (chose: A return)');

    // A customer WhatsApp knows only by a username (2026): no phone number anywhere in the webhook.
    await page.locator('[data-phone="user"] input[name="text"]').fill('Hi, do you deliver on Sundays?');
    await page.locator('[data-phone="user"] button').click();
    await expect
      .poll(() => agent.innerText(), { timeout: 15_000 })
      .toContain('[WhatsApp US.13491208655302741918 Ana] Hi, do you deliver on Sundays?');
    await agent.locator('.bubble', { hasText: 'deliver on Sundays' }).locator('.reply').click();
    await page.locator('[data-phone="agent"] input[name="text"]').fill('We do, Ana: 10:00 to 14:00.');
    await page.locator('[data-phone="agent"] button').click();
    // The reply reaches her through `recipient` (her user id), never a phone number.
    await expect
      .poll(() => page.locator('[data-phone="user"] .msgs').innerText(), { timeout: 15_000 })
      .toContain('We do, Ana: 10:00 to 14:00.');
    await expect.poll(() => page.locator('#conversations').innerText()).toContain('US.13491208655302741918');

    mkdirSync(out, { recursive: true });
    await page.screenshot({ path: `${out}demo.png` });
    expect(existsSync(`${out}demo.png`)).toBe(true);
  }, 60_000);
});
