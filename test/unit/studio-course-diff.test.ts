import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { create } from 'express-handlebars';
import { formatCourseError, loadCourse } from '../../src/courses/course.loader.js';
import type { Course } from '../../src/courses/course.types.js';
import { viewHelpers } from '../../src/http/views.js';
import { diffCourses, lineDiff, type CourseDiff } from '../../src/studio/course-diff.js';

const EXAMPLE = path.resolve('test/fixtures/courses/przyklad-kurs');

const temporaryRoots: string[] = [];
after(() => temporaryRoots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A copy of the example course in a folder of its own, changed by `edit` (given the copy's folder), then loaded. */
async function courseCopy(edit: (dir: string) => void = () => {}): Promise<Course> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'studio-course-diff-'));
  temporaryRoots.push(root);
  const dir = path.join(root, 'przyklad-kurs');
  cpSync(EXAMPLE, dir, { recursive: true });
  edit(dir);
  const loaded = await loadCourse(dir);
  if (!loaded.ok) expect.fail(loaded.errors.map((error) => formatCourseError(error, root)).join('\n'));
  return loaded.course;
}

/** Replaces text that must occur exactly once in one file of the copy. */
function replaceIn(dir: string, file: string, from: string, to: string): void {
  const full = path.join(dir, file);
  const text = readFileSync(full, 'utf8');
  expect(text.split(from).length - 1, `"${from}" occurs once in ${file}`).to.equal(1);
  writeFileSync(full, text.replace(from, to));
}

const NEW_LESSON = `---
title: Ćwiczenia
order: 3
durationMinutes: 15
---
## Zadanie

Wypisz dane, które zbiera Twój referat.
`;

/** The newer version of the tests: a setting, a line of lesson 1, a question changed; lesson 2 removed, one added. */
function newerVersion(dir: string): void {
  replaceIn(dir, 'course.yaml', 'version: 1.0.0', 'version: 1.1.0');
  replaceIn(dir, 'course.yaml', 'passThreshold: 70', 'passThreshold: 80');
  replaceIn(dir, 'quiz.yaml', 'maxAttempts: 3', 'maxAttempts: 5');
  replaceIn(dir, 'lessons/01-wprowadzenie.md', 'Dane osobowe przetwarzaj tylko w niezbędnym zakresie.', 'Dane osobowe przetwarzaj wyłącznie w niezbędnym zakresie.');
  rmSync(path.join(dir, 'lessons/02-podsumowanie.md'));
  writeFileSync(path.join(dir, 'lessons/03-cwiczenia.md'), NEW_LESSON);
  // q-minimalizacja: option b reworded and made the correct answer; q-termin removed; q-nowe added.
  replaceIn(dir, 'quiz.yaml', '      - id: b\n        text: Przejrzystość\n', '      - id: b\n        text: Przejrzystość działań\n');
  replaceIn(dir, 'quiz.yaml', '    correct: [a]\n    explanation: Minimalizacja', '    correct: [b]\n    explanation: Minimalizacja');
  const quiz = readFileSync(path.join(dir, 'quiz.yaml'), 'utf8');
  const withoutTermin = quiz.slice(0, quiz.indexOf('  - id: q-termin'));
  writeFileSync(
    path.join(dir, 'quiz.yaml'),
    `${withoutTermin}  - id: q-nowe\n    kind: true-false\n    points: 1\n    prompt: Zgoda musi być dobrowolna.\n    answer: true\n    explanation: Art. 4 pkt 11 RODO.\n`,
  );
}

async function renderDiff(diff: CourseDiff): Promise<string> {
  // The partial as the app finds it: express-handlebars reading views/partials (src/http/views.ts), from a page
  // that only includes it.
  const root = mkdtempSync(path.join(os.tmpdir(), 'studio-course-diff-view-'));
  temporaryRoots.push(root);
  const page = path.join(root, 'page.hbs');
  writeFileSync(page, '{{> studio-course-diff diff}}');
  const engine = create({ extname: '.hbs', partialsDir: path.resolve('views/partials'), helpers: viewHelpers });
  return engine.render(page, { diff });
}

describe('studio/course-diff', () => {
  let older: Course;
  let newer: Course;
  let diff: CourseDiff;

  before(async () => {
    older = await courseCopy();
    newer = await courseCopy(newerVersion);
    diff = diffCourses(older, newer);
  });

  it('lists the changed settings with Polish labels and the values as an author reads them', () => {
    expect(diff.olderVersion).to.equal('1.0.0');
    expect(diff.newerVersion).to.equal('1.1.0');
    expect(diff.unchanged).to.equal(false);
    expect(diff.settings).to.deep.equal([
      { field: 'passThreshold', label: 'Próg zaliczenia', before: '70%', after: '80%' },
      { field: 'maxAttempts', label: 'Liczba podejść', before: '3', after: '5' },
    ]);
  });

  it('names added and removed lessons by id, with their place', () => {
    expect(diff.lessons.added).to.deep.equal([{ id: 'cwiczenia', title: 'Ćwiczenia', position: 2 }]);
    expect(diff.lessons.removed).to.deep.equal([{ id: 'podsumowanie', title: 'Podsumowanie', position: 2 }]);
    expect(diff.lessons.moved).to.deep.equal([]);
  });

  it("gives a changed lesson's line diff with three lines of context and the unchanged rest counted, not listed", () => {
    expect(diff.lessons.changed.map((lesson) => lesson.id)).to.deep.equal(['wprowadzenie']);
    const [lesson] = diff.lessons.changed;
    expect(lesson.fields).to.deep.equal([]);
    expect(lesson.hunks).to.have.length(1);
    const [hunk] = lesson.hunks;
    expect(hunk.lines.filter((line) => line.kind === 'removed').map((line) => line.text)).to.deep.equal(['Dane osobowe przetwarzaj tylko w niezbędnym zakresie.']);
    expect(hunk.lines.filter((line) => line.kind === 'added').map((line) => line.text)).to.deep.equal(['Dane osobowe przetwarzaj wyłącznie w niezbędnym zakresie.']);
    const kinds = hunk.lines.map((line) => line.kind);
    expect(kinds).to.deep.equal(['same', 'same', 'same', 'removed', 'added', 'same', 'same', 'same']);
    // 8 lines shown (7 of the older file), the rest of the file before and after counted.
    const total = older.lessons[0].source!.trimEnd().split('\n').length;
    expect(hunk.skippedBefore + 7 + lesson.skippedAfter).to.equal(total);
    expect(hunk.skippedBefore).to.be.greaterThan(0);
    expect(lesson.skippedAfter).to.be.greaterThan(0);
    // Line numbers are each file's own.
    const removed = hunk.lines.find((line) => line.kind === 'removed')!;
    const added = hunk.lines.find((line) => line.kind === 'added')!;
    expect(older.lessons[0].source!.split('\n')[removed.oldNumber! - 1]).to.equal(removed.text);
    expect(newer.lessons[0].source!.split('\n')[added.newNumber! - 1]).to.equal(added.text);
  });

  it('lists added, removed and changed questions by id, with each changed field before and after', () => {
    expect(diff.questions.added).to.deep.equal([{ id: 'q-nowe', prompt: 'Zgoda musi być dobrowolna.' }]);
    expect(diff.questions.removed).to.deep.equal([{ id: 'q-termin', prompt: 'W jakim terminie zgłasza się naruszenie do organu nadzorczego?' }]);
    expect(diff.questions.changed).to.have.length(1);
    const [question] = diff.questions.changed;
    expect(question.id).to.equal('q-minimalizacja');
    expect(question.fields).to.deep.equal([
      {
        field: 'options',
        label: 'Odpowiedzi do wyboru',
        before: ['a) Minimalizacja danych', 'b) Przejrzystość', 'c) Integralność'],
        after: ['a) Minimalizacja danych', 'b) Przejrzystość działań', 'c) Integralność'],
      },
      { field: 'correct', label: 'Poprawna odpowiedź', before: ['a) Minimalizacja danych'], after: ['b) Przejrzystość działań'] },
    ]);
  });

  it('marks a lesson that changed place as moved, and a lesson retitled as a changed field', async () => {
    const swapped = await courseCopy((dir) => {
      replaceIn(dir, 'lessons/01-wprowadzenie.md', 'order: 1', 'order: 3');
      replaceIn(dir, 'lessons/02-podsumowanie.md', 'title: Podsumowanie', 'title: Wnioski');
    });
    const moved = diffCourses(older, swapped);
    // Only one of the two is reported as moved: the other kept its order relative to the rest.
    expect(moved.lessons.moved).to.have.length(1);
    const [move] = moved.lessons.moved;
    expect([move.from, move.to]).to.satisfy(([from, to]: number[]) => (from === 1 && to === 2) || (from === 2 && to === 1));
    const retitled = moved.lessons.changed.find((lesson) => lesson.id === 'podsumowanie')!;
    expect(retitled.fields).to.deep.equal([{ field: 'title', label: 'Tytuł', before: 'Podsumowanie', after: 'Wnioski' }]);
    expect(moved.lessons.added).to.deep.equal([]);
    expect(moved.lessons.removed).to.deep.equal([]);
  });

  it('finds nothing between two loads of the same files', async () => {
    const again = diffCourses(older, await courseCopy());
    expect(again.unchanged).to.equal(true);
    expect(again.settings).to.deep.equal([]);
    expect(again.lessons.changed).to.deep.equal([]);
    expect(again.questions.changed).to.deep.equal([]);
  });

  it('merges changes closer than twice the context into one hunk, and keeps further ones apart', () => {
    const lines = Array.from({ length: 30 }, (_, index) => `wiersz ${index + 1}`);
    const near = [...lines];
    near[9] = 'zmieniony 10';
    near[14] = 'zmieniony 15';
    expect(lineDiff(lines.join('\n'), near.join('\n')).hunks).to.have.length(1);
    const far = [...lines];
    far[4] = 'zmieniony 5';
    far[24] = 'zmieniony 25';
    const { hunks, skippedAfter } = lineDiff(lines.join('\n'), far.join('\n'));
    expect(hunks.map((hunk) => hunk.skippedBefore)).to.deep.equal([1, 13]);
    expect(skippedAfter).to.equal(2);
    // A last line without its newline is the same line.
    expect(lineDiff('a\nb', 'a\nb\n').hunks).to.deep.equal([]);
  });

  describe('views/partials/studio-course-diff.hbs', () => {
    it('shows changes as <ins>/<del> with hidden "dodano"/"usunięto", and settings in a captioned table', async () => {
      const html = await renderDiff(diff);
      expect(html).to.contain('<section class="course-diff" lang="pl"');
      expect(html).to.contain('<caption id="course-diff-settings-caption">Zmienione ustawienia (2)</caption>');
      expect(html).to.match(
        /<th scope="row">Próg zaliczenia<\/th>\s*<td><del><span class="visually-hidden">usunięto: <\/span>70%<\/del><\/td>\s*<td><ins><span class="visually-hidden">dodano: <\/span>80%<\/ins><\/td>/,
      );
      expect(html).to.contain('<ins><span class="visually-hidden">dodano: </span>Dane osobowe przetwarzaj wyłącznie w niezbędnym zakresie.</ins>');
      expect(html).to.contain('<del><span class="visually-hidden">usunięto: </span>Dane osobowe przetwarzaj tylko w niezbędnym zakresie.</del>');
      expect(html).to.contain('<del><span class="visually-hidden">usunięto: </span>2. Podsumowanie</del>');
      expect(html).to.contain('<ins><span class="visually-hidden">dodano: </span>Zgoda musi być dobrowolna.</ins>');
      expect(html).to.contain('… pominięto niezmienione wiersze:');
      // Every <ins> and <del> says in words what it is.
      expect(html.match(/<ins>/g)!.length).to.equal(html.match(/<ins><span class="visually-hidden">dodano: <\/span>/g)!.length);
      expect(html.match(/<del>/g)!.length).to.equal(html.match(/<del><span class="visually-hidden">usunięto: <\/span>/g)!.length);
    });

    it('says so when nothing changed', async () => {
      const html = await renderDiff(diffCourses(older, older));
      expect(html).to.contain('Obie wersje mają te same ustawienia, lekcje i pytania testu.');
      expect(html).to.not.contain('<table');
    });
  });
});
