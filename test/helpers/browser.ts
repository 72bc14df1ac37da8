// Headless Chromium for the e2e tests: one shared browser, a fresh context per file, sign-in, axe-core checks, screenshots and keyboard-only navigation.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const SCREENSHOT_DIR = path.resolve('test-output');
const AXE_PATH = path.resolve('node_modules/axe-core/axe.min.js');

/** A headless Chromium (the system's /usr/bin/chromium, or CHROMIUM_PATH), no network beyond the app. */
function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

// The run's one browser. Launched on first use, so a run of unit or HTTP tests alone never starts Chromium, and
// closed by closeSharedBrowser in the root afterAll hook (test/helpers/root-hooks.ts); nothing else sets it.
let shared: Promise<Browser> | undefined;

/**
 * The Chromium shared by every e2e file of the run, launched on the first call. A browser that has crashed or
 * failed to start is launched again, so one file's crash does not fail the files after it.
 */
export async function sharedBrowser(): Promise<Browser> {
  if (shared) {
    const browser = await shared.catch(() => undefined);
    if (browser?.isConnected()) return browser;
  }
  shared = launchBrowser();
  return shared;
}

/** Closes the shared browser, and with it every context still open (called once, after the last file). */
export async function closeSharedBrowser(): Promise<void> {
  const launched = shared;
  shared = undefined;
  const browser = await launched?.catch(() => undefined);
  await browser?.close();
}

/**
 * A fresh context (its own cookies and storage) in the shared browser; close it in the file's `after`.
 * CSP is always bypassed: axe-core is injected as a script, which the app's CSP (rightly) forbids.
 */
export async function newBrowserContext(options: Omit<BrowserContextOptions, 'bypassCSP'> = {}): Promise<BrowserContext> {
  const browser = await sharedBrowser();
  return browser.newContext({ ...options, bypassCSP: true });
}

/**
 * Signs the page in through the real login form (its cookies cleared first, so whoever was signed in before is
 * not) and waits until the browser has left the login page.
 */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${baseUrl}/logowanie`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  // A refused sign-in re-renders the form at /logowanie, so the wait would only time out: say whose it was.
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/logowanie')), page.press('#password', 'Enter')]).catch((error: unknown) => {
    throw new Error(`signing in as ${email} did not leave the login page (${page.url()})`, { cause: error });
  });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page and fails listing every violation.
 * The context must be created with `bypassCSP: true`: axe is injected as a script the app's CSP would block.
 */
export async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  await page.addScriptTag({ path: AXE_PATH });
  const { violations, passes } = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: unknown) => Promise<{ violations: AxeViolation[]; passes: unknown[] }> } }).axe;
    const result = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
    return {
      passes: result.passes.length,
      violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })),
    };
  });
  // A check that passed nothing did not run (e.g. the script was blocked): that must not count as clean.
  expect(passes, `axe ran no rules on ${label}`).to.be.greaterThan(0);
  const report = violations
    .map((v) => `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary ?? ''}`.replace(/\n/g, ' ')).join('\n')}`)
    .join('\n');
  expect(violations, `axe violations on ${label} (${page.url()}):\n${report}`).to.have.length(0);
}

/** Saves a full-page screenshot as test-output/<name>.png (the folder is gitignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * Presses Tab until the focused element matches `selector` (as a keyboard user would reach it);
 * fails when it is not reached within `maxPresses`.
 */
export async function tabTo(page: Page, selector: string, maxPresses = 80): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => Boolean(document.activeElement?.matches(s)), selector)) return;
  }
  expect.fail(`Tab never reached ${selector} on ${page.url()}`);
}

/** The element with keyboard focus has a visible focus indicator (an outline or a box shadow). */
export async function expectVisibleFocus(page: Page): Promise<void> {
  const visible = await page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return false;
    const style = getComputedStyle(element);
    return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  });
  expect(visible, `no visible focus indicator on ${page.url()}`).to.equal(true);
}

/** The page fits the viewport's width (no sideways scrolling, WCAG 1.4.10 Reflow). */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
  expect(scrollWidth, `page is ${scrollWidth}px wide in a ${clientWidth}px viewport: ${page.url()}`).to.be.at.most(clientWidth);
}
