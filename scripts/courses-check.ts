// CLI: `npm run courses:check [dir]` validates every course folder (default courses/) and prints FILE:LINE: message.
import path from 'node:path';
import { courseFolders } from '../src/courses/course-catalogue.js';
import { formatCourseError, isCourseFolder, loadCourse } from '../src/courses/course.loader.js';

/** Checks the courses in `dir` (or the one course when `dir` is a course folder); returns the exit code. */
async function checkCourses(dir: string): Promise<number> {
  const target = path.resolve(dir);
  const folders = (await isCourseFolder(target)) ? [target] : await courseFolders(target);
  if (!folders) {
    console.error(`${dir}: folder not found`);
    return 1;
  }
  let errorCount = 0;
  let refused = 0;
  for (const folder of folders) {
    const result = await loadCourse(folder);
    if (result.ok) continue;
    refused += 1;
    errorCount += result.errors.length;
    for (const error of result.errors) console.log(formatCourseError(error));
  }
  const summary = `courses:check: ${folders.length} course(s) checked, ${folders.length - refused} valid, ${refused} with errors, ${errorCount} error(s)`;
  if (errorCount > 0) console.error(summary);
  else console.log(summary);
  return errorCount > 0 ? 1 : 0;
}

process.exitCode = await checkCourses(process.argv[2] ?? 'courses');
