// The final test's page in Chromium: answering it as a learner does, knowing the answers from the course files.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { Course } from '../../src/courses/course.types.js';

/**
 * Answers the quiz with the keyboard only (focus a control, Space to tick, arrows in selects), knowing
 * the answers from the course files: the page itself carries none.
 */
export async function answerQuizByKeyboard(page: Page, course: Course, mode: 'right' | 'wrong'): Promise<void> {
  const fieldsets = page.locator('fieldset.quiz-question');
  const count = await fieldsets.count();
  expect(count).to.equal(course.quiz.questionsPerAttempt);
  for (let i = 0; i < count; i++) {
    const fieldset = fieldsets.nth(i);
    const prompt = ((await fieldset.locator('.quiz-question__prompt').textContent()) ?? '').trim();
    const question = course.quiz.questions.find((q) => q.prompt === prompt);
    expect(question, `question "${prompt}" is in the course`).to.not.equal(undefined);
    const textOf = (id: string) => question!.options!.find((o) => o.id === id)!.text;

    if (question!.kind === 'ordering' || question!.kind === 'matching') {
      const rows = fieldset.locator('.select-row');
      for (let r = 0; r < (await rows.count()); r++) {
        const row = rows.nth(r);
        const label = ((await row.locator('label').textContent()) ?? '').trim();
        const optionTexts = (await row.locator('option').allTextContents()).map((t) => t.trim());
        let target: number | undefined;
        if (question!.kind === 'ordering') {
          const id = question!.options!.find((o) => o.text === label)!.id;
          target = mode === 'right' ? question!.order!.indexOf(id) + 1 : 1;
        } else if (mode === 'right') {
          target = optionTexts.indexOf(question!.pairs!.find((p) => p.left === label)!.right);
        }
        if (target === undefined) continue; // wrong matching = left unanswered
        await row.locator('select').focus();
        for (let k = 0; k < target; k++) await page.keyboard.press('ArrowDown');
        expect(await row.locator('select').evaluate((s: HTMLSelectElement) => s.selectedIndex)).to.equal(target);
      }
      continue;
    }

    const choices = fieldset.locator('.choice');
    let picked = 0;
    for (let c = 0; c < (await choices.count()); c++) {
      const text = ((await choices.nth(c).locator('label').textContent()) ?? '').trim();
      const isRight = question!.kind === 'true-false' ? text === (question!.answer ? 'Prawda' : 'Fałsz') : question!.correct!.map(textOf).includes(text);
      if (mode === 'right' ? !isRight : isRight || picked > 0) continue;
      await choices.nth(c).locator('input').focus();
      await page.keyboard.press('Space');
      picked++;
    }
  }
}
