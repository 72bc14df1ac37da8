// The published courses of courses/: the facts a certificate states about each one hold (length = its lessons).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadCourse } from '../../src/courses/course.loader.js';

const ROOT = path.resolve('courses');
const folders = readdirSync(ROOT, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

describe('courses/ (content of the published courses)', () => {
  it('holds the three original courses, the consultations one under its statutory name and its old id', async () => {
    expect(folders).to.include.members(['rodo-w-urzedzie', 'zamowienia-publiczne-w-jst', 'dialog-techniczny']);
    const loaded = await loadCourse(path.join(ROOT, 'dialog-techniczny'));
    if (!loaded.ok) throw new Error('dialog-techniczny does not load');
    expect(loaded.course.id).to.equal('dialog-techniczny');
    expect(loaded.course.title).to.equal('Wstępne konsultacje rynkowe (dawniej: dialog techniczny)');
  });

  for (const folder of folders) {
    it(`${folder}: durationMinutes in course.yaml is the sum of its lessons' minutes (the certificate states it)`, async () => {
      const loaded = await loadCourse(path.join(ROOT, folder));
      if (!loaded.ok) throw new Error(`${folder} does not load`);
      const lessons = loaded.course.lessons.reduce((sum, lesson) => sum + lesson.durationMinutes, 0);
      expect(loaded.course.durationMinutes, `${folder}: lessons add up to ${lessons}`).to.equal(lessons);
    });
  }
});
