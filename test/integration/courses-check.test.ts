import { execFile } from 'node:child_process';
import { expect } from 'chai';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run courses:check` the way package.json does (tsx), from the repository root. */
function coursesCheck(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/courses-check.ts', ...args], { cwd: process.cwd() }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

describe('scripts/courses-check', () => {
  it('prints every error as FILE:LINE: message, a summary, and exits 1 for broken courses', async function () {
    this.timeout(60_000);
    const run = await coursesCheck('test/fixtures/broken-courses');
    expect(run.code).to.equal(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines).to.have.length(14);
    expect(lines).to.include('test/fixtures/broken-courses/bledny-yaml/course.yaml:6: YAML syntax error: Implicit keys need to be on a single line');
    expect(lines).to.include('test/fixtures/broken-courses/niepoprawny-kurs/course.yaml:11: passThreshold: must be at most 100 (got 150)');
    expect(lines).to.include(
      'test/fixtures/broken-courses/niepoprawny-kurs/quiz.yaml:20: questions[1].kind: unknown question kind "multi"; use one of: single, multiple, true-false, ordering, matching',
    );
    // completion: names lessons and checks of the course, and a lesson's own floor is minutes, never negative.
    expect(lines).to.include(
      'test/fixtures/broken-courses/bledne-zasady/course.yaml:22: completion.checks[0]: no knowledge check "check-nieznany" in this course (knowledge checks: check-podsumowanie-1)',
    );
    expect(lines).to.include('test/fixtures/broken-courses/bledne-zasady/course.yaml:20: completion.lessons[1]: no lesson "zakonczenie" in this course (lessons: podsumowanie)');
    expect(lines).to.include('test/fixtures/broken-courses/bledne-zasady/lessons/01-wprowadzenie.md:5: minimumMinutes: must be at least 0 (got -1)');
    expect(run.stderr).to.contain('courses:check: 3 course(s) checked, 0 valid, 3 with errors, 14 error(s)');
  });

  it('exits 0 with a summary for valid courses, and checks a single course folder too', async function () {
    this.timeout(60_000);
    const all = await coursesCheck('test/fixtures/courses');
    expect(all).to.deep.include({ code: 0, stdout: 'courses:check: 1 course(s) checked, 1 valid, 0 with errors, 0 error(s)\n' });
    const one = await coursesCheck('test/fixtures/broken-courses/bledny-yaml');
    expect(one.code).to.equal(1);
    expect(one.stdout).to.equal('test/fixtures/broken-courses/bledny-yaml/course.yaml:6: YAML syntax error: Implicit keys need to be on a single line\n');
  });

  it('exits 1 when the folder does not exist', async function () {
    this.timeout(60_000);
    const run = await coursesCheck('test/fixtures/nie-ma-takiego');
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain('test/fixtures/nie-ma-takiego: folder not found');
  });
});
