import { expect } from 'chai';
import { Types } from 'mongoose';
import type { Course, Lesson } from '../../src/courses/course.types.js';
import type { LearningProgressDoc } from '../../src/learning/learning-progress.model.js';
import { continueUrl, enrolmentCard, progressPercent } from '../../src/learning/learning.presenter.js';
import { lessonPage } from '../../src/learning/lesson.presenter.js';

const t = (key: string, options?: Record<string, unknown>) => `${key}${options ? JSON.stringify(options) : ''}`;

function lesson(id: string, order: number, html = `<h2 id="${id}-h">${id}</h2>`): Lesson {
  return { id, title: id.toUpperCase(), order, durationMinutes: 10, html, checks: [], sourceFile: `${id}.md` };
}

const course = {
  id: 'kurs',
  title: 'Kurs',
  legalStateDate: '2026-01-01',
  lessons: [lesson('a', 1), lesson('b', 2), lesson('c', 3)],
  quiz: { questionsPerAttempt: 1, cooldownMinutes: 0, questions: [] },
} as unknown as Course;

function progress(overrides: Partial<LearningProgressDoc>): LearningProgressDoc {
  return { _id: new Types.ObjectId(), status: 'in_progress', lessonsViewed: [], attempts: 0, ...overrides } as unknown as LearningProgressDoc;
}

describe('learning/learning.presenter and lesson.presenter', () => {
  it("counts the completion rule's steps (each required lesson finished, the passed test); completed is 100%", () => {
    expect(progressPercent(course, null)).to.equal(0);
    // Reading is not finishing: lessons only viewed count nothing.
    expect(progressPercent(course, progress({ lessonsViewed: ['a', 'b', 'c'] }))).to.equal(0);
    expect(progressPercent(course, progress({ lessonsCompleted: ['a', 'b'] }))).to.equal(50);
    // A lesson removed from the course since it was finished does not count.
    expect(progressPercent(course, progress({ lessonsCompleted: ['a', 'gone'] }))).to.equal(25);
    expect(progressPercent(course, progress({ lessonsCompleted: ['a', 'b', 'c'], status: 'passed' }))).to.equal(100);
    // A pass with half the lessons (before the rules existed) is never 100 %.
    expect(progressPercent(course, progress({ lessonsCompleted: ['a'], status: 'passed' }))).to.equal(50);
    expect(progressPercent(course, progress({ lessonsCompleted: [], status: 'completed' }))).to.equal(100);
    // Only the lessons the rule requires are steps.
    const twoRequired = { ...course, completion: { lessons: ['a', 'b'] } };
    expect(progressPercent(twoRequired, progress({ lessonsCompleted: ['a', 'c'] }))).to.equal(33);
  });

  it('resumes at the last lesson read, or the first one', () => {
    expect(continueUrl(course, null)).to.equal('/szkolenia/kurs/lekcje/a');
    expect(continueUrl(course, progress({ lastLessonId: 'b' }))).to.equal('/szkolenia/kurs/lekcje/b');
    expect(continueUrl(course, progress({ lastLessonId: 'gone' }))).to.equal('/szkolenia/kurs/lekcje/a');
  });

  it('flags an overdue enrolment unless it is done, and survives a withdrawn course', () => {
    const enrolment = { _id: new Types.ObjectId(), courseId: 'kurs', enrolledAt: new Date('2026-01-01'), dueDate: new Date('2026-02-01') } as never;
    const now = new Date('2026-03-01');
    expect(enrolmentCard(course, enrolment, progress({}), t, now).overdue).to.equal(true);
    expect(enrolmentCard(course, enrolment, progress({ status: 'completed' }), t, now).overdue).to.equal(false);
    const withdrawn = enrolmentCard(undefined, enrolment, null, t, now);
    expect(withdrawn).to.include({ available: false, title: 'kurs', status: 'enrolled' });
    expect(withdrawn.continueUrl).to.equal(undefined);
  });

  it('shows a completed course whose certificate expired as due for renewal, leading to the quiz', () => {
    const enrolment = { _id: new Types.ObjectId(), courseId: 'kurs', enrolledAt: new Date('2025-01-01') } as never;
    const refresher = { ...course, validityMonths: 12 } as Course;
    const completed = progress({ status: 'completed', completedAt: new Date('2025-02-01') });
    const before = enrolmentCard(refresher, enrolment, completed, t, new Date('2026-01-31'));
    expect(before).to.include({ status: 'completed', completed: true });
    const after = enrolmentCard(refresher, enrolment, completed, t, new Date('2026-02-01'));
    expect(after).to.include({ status: 'renewal_due', completed: false, continueUrl: '/szkolenia/kurs/test', statusLabel: 'learning:status.renewal_due' });
  });

  it('splits the lesson around its knowledge checks and marks the current and viewed lessons', () => {
    const check = { id: 'k1', kind: 'true-false' as const, prompt: 'Czy?', points: 1, answer: true, explanation: 'Bo tak.' };
    const withCheck = { ...lesson('b', 2, '<p>przed</p>\n<div class="knowledge-check" data-check="k1"></div>\n<p>po</p>'), checks: [check] };
    const page = lessonPage({
      course: { ...course, lessons: [course.lessons[0], withCheck, course.lessons[2]] },
      lesson: withCheck,
      progress: progress({ lessonsViewed: ['a', 'b'] }),
      t,
    });
    expect(page.lesson.segments.map((s) => (s.check ? `check:${s.check.id}` : s.html!.trim()))).to.deep.equal(['<p>przed</p>', 'check:k1', '<p>po</p>']);
    expect(page.lesson.segments[1].check!.action).to.equal('/szkolenia/kurs/lekcje/b/sprawdz/k1#sprawdz-k1');
    expect(page.toc.map((l) => [l.current, l.viewed])).to.deep.equal([
      [false, true],
      [true, true],
      [false, false],
    ]);
    expect(page.previous?.url).to.equal('/szkolenia/kurs/lekcje/a');
    expect(page.next?.url).to.equal('/szkolenia/kurs/lekcje/c');
    expect(page).to.include({ position: 2, total: 3, viewedCount: 2 });
    expect(page.lesson.headings).to.deep.equal([]);
  });
});
