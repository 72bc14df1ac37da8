// The checks every page of the accessibility tour passes (axe, language, headings, reflow, keyboard), for the tour
// and for every feature's own walk through its pages in Chromium (e.g. the studio's).
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { expectNoAxeViolations, expectNoHorizontalScroll, expectVisibleFocus, screenshot } from './browser.js';

export type Language = 'pl' | 'en';

export const DESKTOP = { width: 1280, height: 900 };
// A phone; TOUR_PHONE_WIDTH=320 checks WCAG 1.4.10's own reflow width (it passes too).
export const PHONE = { width: Number(process.env.TOUR_PHONE_WIDTH ?? 375), height: 812 };

/**
 * Interface text that is Polish: diacritics, or common Polish words without them. Only text outside
 * elements marked lang="pl" counts (course content may stay Polish when it says so, WCAG 3.1.2).
 */
const POLISH =
  /[ąćęłńśźżó]|\b(nie|się|oraz|jest|dla|lub|albo|szkoleni\w*|zaloguj\w*|wyloguj\w*|konto|haslo|zapisz\w*|dalej|pytani\w*|lekcj\w*|kursu|wynik|katalog|moje|wstecz|zaliczony|popraw|pola|zaznaczone|uprawnie\w*)\b/i;

/**
 * Texts of the page (its title, every text node, aria-label/title/placeholder/alt attributes) that look Polish and
 * are not inside an element marked lang="pl". A title, an aria-label or a notice cannot mark their parts, so the
 * texts the page marks as Polish elsewhere (e.g. a course's title) are taken out of them first.
 */
async function polishInterfaceStrings(page: Page): Promise<string[]> {
  // No helper functions inside: the test runner's transpiler would wrap them in a name helper the page lacks.
  const { texts, marked } = await page.evaluate(() => {
    const found: string[] = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!node.textContent?.trim() || !parent || parent.closest('script, style')) continue;
      if (!(parent.closest('[lang]')?.getAttribute('lang') ?? '').startsWith('pl')) found.push(node.textContent.trim());
    }
    for (const element of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
      if ((element.closest('[lang]')?.getAttribute('lang') ?? '').startsWith('pl')) continue;
      for (const attribute of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = element.getAttribute(attribute);
        if (value) found.push(value);
      }
    }
    const polish = [...document.body.querySelectorAll('[lang^="pl"]')].map((element) => element.textContent?.trim() ?? '').filter(Boolean);
    return { texts: found, marked: polish.sort((a, b) => b.length - a.length) };
  });
  const unmarked = texts.map((text) => marked.reduce((rest, polish) => rest.split(polish).join(''), text));
  return [...new Set(unmarked.filter((text) => POLISH.test(text)))];
}

/**
 * The checks every page must pass, at desktop width and again at phone width: axe (WCAG 2.1 A/AA), the page's
 * language, one h1, the skip link and its target, no sideways scrolling, and no Polish chrome in English.
 */
export async function checkPage(page: Page, label: string, language: Language, shot?: string, knownPolish: string[] = []): Promise<void> {
  const where = `${label} [${language}] ${page.url()}`;
  expect(await page.getAttribute('html', 'lang'), `<html lang> on ${where}`).to.equal(language);
  expect(await page.locator('h1').count(), `h1 count on ${where}`).to.equal(1);
  expect(await page.locator('a.skip-link[href="#main"]').count(), `skip link on ${where}`).to.equal(1);
  expect(await page.locator('main#main').count(), `<main id="main"> on ${where}`).to.equal(1);
  // Headings never skip a level going down (h2 → h4), so their outline reads as a table of contents.
  const levels = await page.evaluate(() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => Number(h.tagName[1])));
  const skips = levels.filter((level, index) => index > 0 && level > levels[index - 1] + 1);
  expect(skips, `heading levels ${levels.join(' ')} skip a level on ${where}`).to.deep.equal([]);
  // A missing translation shows its key (e.g. "learning:quiz.title" or "errors.title_418").
  const keys = (await page.locator('body').innerText()).match(/\b[a-z]+:[a-zA-Z]+\.[\w.]+|\b(errors|layout|nav|home|form)\.[a-zA-Z_]+\b/g) ?? [];
  expect(keys, `untranslated keys on ${where}`).to.deep.equal([]);
  if (language === 'en') {
    const polish = (await polishInterfaceStrings(page)).filter((text) => !knownPolish.includes(text));
    expect(polish, `Polish interface text on ${where}: ${JSON.stringify(polish)}`).to.deep.equal([]);
  }
  await expectNoAxeViolations(page, `${where} at 1280 px`);
  if (shot) await screenshot(page, `tour-${shot}-${language}`);
  await page.setViewportSize(PHONE);
  try {
    await expectNoHorizontalScroll(page);
    // axe again at phone width on the main pages (those with a screenshot): the rest share their layout, and
    // one run per page keeps the tour near a minute.
    if (shot) {
      await expectNoAxeViolations(page, `${where} at 375 px`);
      await screenshot(page, `tour-${shot}-${language}-phone`);
    }
  } finally {
    await page.setViewportSize(DESKTOP);
  }
}

/**
 * Keyboard only, from the top of the page: the first Tab reaches the skip link, which moves focus to the content;
 * then every Tab moves focus forward, each stop visibly focused, until the footer's last link (no trap on the way).
 */
export async function expectKeyboardPassage(page: Page, where: string): Promise<void> {
  await page.reload();
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.className), `first Tab stop on ${where}`).to.equal('skip-link');
  await expectVisibleFocus(page);
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => document.activeElement?.id), `skip link target on ${where}`).to.equal('main');
  const last = 'footer a[href="/deklaracja-dostepnosci"]';
  let previous: unknown;
  for (let presses = 0; presses < 150; presses++) {
    await page.keyboard.press('Tab');
    const current = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement;
      return `${element.tagName}#${element.id}.${element.getAttribute('name') ?? ''}.${element.getAttribute('href') ?? ''}.${element.textContent?.trim().slice(0, 30) ?? ''}`;
    });
    expect(current, `focus did not move on Tab (a keyboard trap?) on ${where}`).to.not.equal(previous);
    previous = current;
    await expectVisibleFocus(page);
    if (await page.evaluate((selector) => document.activeElement?.matches(selector) ?? false, last)) return;
  }
  expect.fail(`Tab never reached the footer on ${where}`);
}

/** Opens `path` in `language` (the ?lang= switch, remembered in a cookie for the forms that follow). */
export async function visit(page: Page, serverUrl: string, path: string, language: Language): Promise<void> {
  await page.goto(`${serverUrl}${path}${path.includes('?') ? '&' : '?'}lang=${language}`);
}

/** Sends a form as a person would who left it empty or wrong; the browser's own validation is off, as without it. */
export async function submit(page: Page, formSelector: string): Promise<void> {
  await page.locator(formSelector).evaluate((form: HTMLFormElement) => {
    form.noValidate = true;
  });
  await Promise.all([page.waitForLoadState('load'), page.locator(`${formSelector} button[type="submit"]`).first().click()]);
}
