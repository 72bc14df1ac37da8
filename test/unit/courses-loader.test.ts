import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { formatCourseError, loadCourse } from '../../src/courses/course.loader.js';
import { CAPTIONS, docxFile, mp4File, pdfFile, xlsxFile } from '../helpers/media-files.js';

const EXAMPLE = path.resolve('test/fixtures/courses/przyklad-kurs');

/** A change to one file of a copy of the example course: replace text (must occur once), write, or delete. */
type Edit = { file: string; replace: [string, string] } | { file: string; write: string | Buffer } | { file: string; remove: true };

const temporaryRoots: string[] = [];
after(() => temporaryRoots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** Copies the example course into a temporary folder and applies the edits; returns the copy's folder. */
function copyOfExample(edits: Edit[], folderName = 'przyklad-kurs'): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'courses-loader-'));
  temporaryRoots.push(root);
  const dir = path.join(root, folderName);
  cpSync(EXAMPLE, dir, { recursive: true });
  for (const edit of edits) {
    const file = path.join(dir, edit.file);
    if ('remove' in edit) {
      rmSync(file);
    } else if ('write' in edit) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, edit.write);
    } else {
      const text = readFileSync(file, 'utf8');
      const [from, to] = edit.replace;
      expect(text.split(from).length - 1, `"${from}" occurs once in ${edit.file}`).to.equal(1);
      writeFileSync(file, text.replace(from, to));
    }
  }
  return dir;
}

/** Copies the example course, applies the edits and loads it; returns the errors as `FILE:LINE: message` relative to the copy's parent. */
async function errorsOf(edits: Edit[], folderName = 'przyklad-kurs'): Promise<string[]> {
  const dir = copyOfExample(edits, folderName);
  const result = await loadCourse(dir);
  if (result.ok) return [];
  return result.errors.map((error) => formatCourseError(error, path.dirname(dir)));
}

describe('courses/course.loader', () => {
  describe('the example course', () => {
    it('loads with its manifest, both lessons in order, the checks and the 6-question quiz', async () => {
      const result = await loadCourse(EXAMPLE);
      if (!result.ok) expect.fail(result.errors.map((error) => formatCourseError(error)).join('\n'));
      const { course } = result;
      expect(course.id).to.equal('przyklad-kurs');
      expect(course.version).to.equal('1.0.0');
      expect(course.legalStateDate).to.equal('2026-01-01');
      expect(course.author).to.deep.equal({ name: 'Związek Gmin Przykładowych', url: 'https://example.org' });
      expect(course.validityMonths).to.equal(12);
      expect(course.directory).to.equal(EXAMPLE);
      expect(course.lessons.map((lesson) => [lesson.id, lesson.order])).to.deep.equal([
        ['wprowadzenie', 1],
        ['podsumowanie', 2],
      ]);
      expect(course.lessons[0].sourceFile).to.equal('przyklad-kurs/lessons/01-wprowadzenie.md');
      expect(course.lessons[0].checks.map((check) => check.id)).to.deep.equal(['check-zasady-1']);
      expect(course.lessons[1].checks[0]).to.include({ id: 'check-podsumowanie-1', kind: 'true-false', answer: true, points: 1 });
      expect(course.quiz.questionsPerAttempt).to.equal(4);
      expect(course.quiz.maxAttempts).to.equal(3);
      expect(course.quiz.questions).to.have.length(6);
      expect(new Set(course.quiz.questions.map((question) => question.kind))).to.deep.equal(new Set(['single', 'multiple', 'true-false', 'ordering', 'matching']));
      expect(course.quiz.questions[3]).to.deep.include({ kind: 'ordering', order: ['b', 'c', 'a'] });
      // Only the fields a kind uses: no `answer: undefined` keys for the learning engine to trip on.
      expect(Object.keys(course.quiz.questions[0])).to.not.include('answer');
    });

    it('renders callouts, the table, the rewritten image, heading ids and a check placeholder', async () => {
      const result = await loadCourse(EXAMPLE);
      if (!result.ok) expect.fail('the example course must load');
      const [first] = result.course.lessons;
      expect(first.html).to.contain('<h2 id="po-co-ten-kurs">Po co ten kurs</h2>');
      expect(first.html).to.contain('<img src="/kursy-media/przyklad-kurs/1.0.0/images/schemat-procesu.png" alt="Schemat procesu obsługi wniosku" />');
      expect(first.html).to.contain('<aside class="callout callout--uwaga" role="note">\n<p class="callout__title">Uwaga</p>');
      expect(first.html).to.contain('<p class="callout__title">Przykład</p>');
      expect(first.html).to.contain('<aside class="callout callout--podstawa-prawna" role="note">\n<p class="callout__title">Podstawa prawna</p>');
      expect(first.html).to.contain('<th class="align-right">Artykuł</th>');
      expect(first.html).to.contain('<div class="knowledge-check" data-check="check-zasady-1"></div>');
      expect(first.html).to.not.contain('```');
      expect(first.toc).to.deep.equal([
        { id: 'po-co-ten-kurs', text: 'Po co ten kurs', level: 2 },
        { id: 'zasady-w-tabeli', text: 'Zasady w tabeli', level: 3 },
      ]);
      expect(result.course.lessons[1].html).to.contain('<a href="https://uodo.gov.pl">UODO</a>');
    });

    it('titles the callouts in English for an English course', async () => {
      const root = mkdtempSync(path.join(os.tmpdir(), 'courses-loader-'));
      temporaryRoots.push(root);
      cpSync(EXAMPLE, path.join(root, 'przyklad-kurs'), { recursive: true });
      const manifest = path.join(root, 'przyklad-kurs', 'course.yaml');
      writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('language: pl', 'language: en'));
      const result = await loadCourse(path.join(root, 'przyklad-kurs'));
      if (!result.ok) expect.fail('the English copy must load');
      expect(result.course.lessons[0].html).to.contain('<p class="callout__title">Legal basis</p>');
    });
  });

  describe('manifest errors (course.yaml)', () => {
    it('reports a missing field at the top of the manifest', async () => {
      expect(await errorsOf([{ file: 'course.yaml', replace: ['title: Przykładowy kurs\n', ''] }])).to.deep.equal([
        'przyklad-kurs/course.yaml:1: title: required field is missing',
      ]);
    });

    it('reports a value of the wrong type at its line', async () => {
      expect(await errorsOf([{ file: 'course.yaml', replace: ['durationMinutes: 30', 'durationMinutes: pół godziny'] }])).to.deep.equal([
        'przyklad-kurs/course.yaml:10: durationMinutes: must be a number (got "pół godziny")',
      ]);
    });

    it('reports a misspelt field as unknown at its own line', async () => {
      expect(await errorsOf([{ file: 'course.yaml', replace: ['passThreshold: 70', 'passTreshold: 70'] }])).to.deep.equal([
        'przyklad-kurs/course.yaml:1: passThreshold: required field is missing',
        'przyklad-kurs/course.yaml:11: passTreshold: unknown field (check the spelling)',
      ]);
    });

    it('refuses an invalid semantic version', async () => {
      expect(await errorsOf([{ file: 'course.yaml', replace: ['version: 1.0.0', 'version: 1.0'] }])).to.deep.equal([
        'przyklad-kurs/course.yaml:2: version: must be a semantic version such as 1.0.0 (got 1)',
      ]);
      expect(await errorsOf([{ file: 'course.yaml', replace: ['version: 1.0.0', 'version: v1.0.0'] }])).to.deep.equal([
        'przyklad-kurs/course.yaml:2: version: must be a semantic version such as 1.0.0 (got "v1.0.0")',
      ]);
    });

    it('refuses a pass threshold outside 0–100', async () => {
      expect(await errorsOf([{ file: 'course.yaml', replace: ['passThreshold: 70', 'passThreshold: 101'] }])).to.deep.equal([
        'przyklad-kurs/course.yaml:11: passThreshold: must be at most 100 (got 101)',
      ]);
      expect(await errorsOf([{ file: 'course.yaml', replace: ['passThreshold: 70', 'passThreshold: -5'] }])).to.deep.equal([
        'przyklad-kurs/course.yaml:11: passThreshold: must be at least 0 (got -5)',
      ]);
    });

    it('refuses a date that is not a real YYYY-MM-DD date', async () => {
      expect(await errorsOf([{ file: 'course.yaml', replace: ['legalStateDate: 2026-01-01', 'legalStateDate: 2026-02-30'] }])).to.deep.equal([
        'przyklad-kurs/course.yaml:12: legalStateDate: must be a date written YYYY-MM-DD, e.g. 2026-01-01 (got "2026-02-30")',
      ]);
      expect(await errorsOf([{ file: 'course.yaml', replace: ['legalStateDate: 2026-01-01', 'legalStateDate: 1.01.2026'] }])).to.deep.equal([
        'przyklad-kurs/course.yaml:12: legalStateDate: must be a date written YYYY-MM-DD, e.g. 2026-01-01 (got "1.01.2026")',
      ]);
    });

    it('requires the folder name to equal the id', async () => {
      expect(await errorsOf([], 'inny-folder')).to.deep.equal(['inny-folder/course.yaml:1: id: "przyklad-kurs" must equal the course folder name "inny-folder"']);
    });

    it('explains text that YAML read as a mapping because of ": "', async () => {
      expect(await errorsOf([{ file: 'course.yaml', replace: ['  - Poznać budowę kursu', '  - Poznać budowę: manifest i lekcje'] }])).to.deep.equal([
        'przyklad-kurs/course.yaml:8: objectives[0]: must be text (got a mapping): a colon followed by a space starts a mapping in YAML, so put the whole text in quotes',
      ]);
    });

    it('reports a YAML syntax error with its line', async () => {
      expect(await errorsOf([{ file: 'course.yaml', replace: ['licence: CC BY 4.0', 'licence: [CC BY 4.0'] }])).to.deep.equal([
        'przyklad-kurs/course.yaml:17: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ]);
    });

    it('reports a duplicate key as a YAML error', async () => {
      expect(await errorsOf([{ file: 'course.yaml', replace: ['licence: CC BY 4.0', 'licence: CC BY 4.0\ntitle: Drugi tytuł'] }])).to.deep.equal([
        'przyklad-kurs/course.yaml:17: YAML syntax error: Map keys must be unique',
      ]);
    });

    it('reports a missing manifest', async () => {
      expect(await errorsOf([{ file: 'course.yaml', remove: true }])).to.deep.equal(['przyklad-kurs/course.yaml:1: course.yaml is missing: every course folder needs a manifest']);
    });
  });

  describe('lesson errors (lessons/*.md)', () => {
    it('reports front matter problems at their file line (after the opening ---)', async () => {
      expect(await errorsOf([{ file: 'lessons/01-wprowadzenie.md', replace: ['order: 1', 'order: 0'] }])).to.deep.equal([
        'przyklad-kurs/lessons/01-wprowadzenie.md:3: order: must be greater than 0 (got 0)',
      ]);
      expect(await errorsOf([{ file: 'lessons/01-wprowadzenie.md', replace: ['durationMinutes: 10', 'durationMinutes 10'] }])).to.deep.equal([
        'przyklad-kurs/lessons/01-wprowadzenie.md:4: YAML syntax error: Implicit map keys need to be followed by map values',
      ]);
    });

    it('refuses two lessons with the same order', async () => {
      expect(await errorsOf([{ file: 'lessons/02-podsumowanie.md', replace: ['order: 2', 'order: 1'] }])).to.deep.equal([
        'przyklad-kurs/lessons/02-podsumowanie.md:3: order: 1 is already used by lessons/01-wprowadzenie.md',
      ]);
    });

    it('reports an image whose file is missing, at the image line', async () => {
      expect(await errorsOf([{ file: 'images/schemat-procesu.png', remove: true }])).to.deep.equal([
        'przyklad-kurs/lessons/01-wprowadzenie.md:10: image "images/schemat-procesu.png" not found: there is no file przyklad-kurs/images/schemat-procesu.png',
      ]);
    });

    it('requires alt text and a file inside images/', async () => {
      expect(
        await errorsOf([
          {
            file: 'lessons/01-wprowadzenie.md',
            replace: ['![Schemat procesu obsługi wniosku](images/schemat-procesu.png)', 'Tekst\n![](images/schemat-procesu.png) i ![Logo](https://example.org/logo.png)'],
          },
        ]),
      ).to.deep.equal([
        'przyklad-kurs/lessons/01-wprowadzenie.md:11: image "images/schemat-procesu.png" needs alt text: ![what the image shows](images/schemat-procesu.png)',
        'przyklad-kurs/lessons/01-wprowadzenie.md:11: image "https://example.org/logo.png" must be a file in the course\'s images/ folder, written as images/<file>',
      ]);
      expect(await errorsOf([{ file: 'lessons/01-wprowadzenie.md', replace: ['](images/schemat-procesu.png)', '](images/../course.yaml)'] }])).to.deep.equal([
        'przyklad-kurs/lessons/01-wprowadzenie.md:10: image "images/../course.yaml" must be a file in the course\'s images/ folder, written as images/<file>',
      ]);
    });

    it('reports an unknown callout kind and an h1 heading', async () => {
      expect(
        await errorsOf([
          { file: 'lessons/01-wprowadzenie.md', replace: ['::: przyklad', '::: ostrzezenie'] },
          { file: 'lessons/01-wprowadzenie.md', replace: ['## Po co ten kurs', '# Po co ten kurs'] },
        ]),
      ).to.deep.equal([
        'przyklad-kurs/lessons/01-wprowadzenie.md:6: use "##" and smaller headings: the page shows the lesson title as the only h1',
        'przyklad-kurs/lessons/01-wprowadzenie.md:16: unknown callout "ostrzezenie"; use "::: uwaga", "::: przyklad", "::: podstawa-prawna"',
      ]);
    });

    it('reports a callout that is never closed, at its opening line', async () => {
      expect(
        await errorsOf([{ file: 'lessons/02-podsumowanie.md', replace: ['## Najważniejsze wnioski', '## Najważniejsze wnioski\n\n::: uwaga\nNiezamknięta ramka.'] }]),
      ).to.deep.equal(['przyklad-kurs/lessons/02-podsumowanie.md:8: callout "uwaga" is not closed: end it with a line ":::"']);
    });

    it('accepts a lesson saved with a byte-order mark', async () => {
      const text = readFileSync(path.join(EXAMPLE, 'lessons/02-podsumowanie.md'), 'utf8');
      expect(await errorsOf([{ file: 'lessons/02-podsumowanie.md', write: `\uFEFF${text}` }])).to.deep.equal([]);
    });

    it('reports a lesson without front matter and a badly named lesson file', async () => {
      expect(
        await errorsOf([
          { file: 'lessons/02-podsumowanie.md', write: '## Bez nagłówka\n\nTekst.\n' },
          { file: 'lessons/wstep.md', write: '---\ntitle: Wstęp\norder: 3\ndurationMinutes: 5\n---\nTekst.\n' },
        ]),
      ).to.deep.equal([
        'przyklad-kurs/lessons/02-podsumowanie.md:1: a lesson must start with front matter: a "---" line, title, order and durationMinutes, then a closing "---" line',
        'przyklad-kurs/lessons/wstep.md:1: lesson file name "wstep.md" must look like 01-slug.md (a number, a hyphen, then a-z, 0-9 and hyphens)',
      ]);
    });
  });

  describe('knowledge checks (```check blocks)', () => {
    it('reports a check problem at the file line (offset by the fence line)', async () => {
      expect(await errorsOf([{ file: 'lessons/01-wprowadzenie.md', replace: ['correct: [a]', 'correct: [c]'] }])).to.deep.equal([
        'przyklad-kurs/lessons/01-wprowadzenie.md:38: knowledge check: correct[0]: correct answer "c" is not among the option ids (a, b)',
      ]);
    });

    it('allows only single, multiple and true-false', async () => {
      expect(await errorsOf([{ file: 'lessons/01-wprowadzenie.md', replace: ['kind: single', 'kind: ordering'] }])).to.deep.equal([
        'przyklad-kurs/lessons/01-wprowadzenie.md:33: knowledge check: kind: a knowledge check must be of kind single, multiple, true-false (got "ordering")',
      ]);
    });

    it('reports YAML syntax errors inside a check with the file line', async () => {
      expect(await errorsOf([{ file: 'lessons/01-wprowadzenie.md', replace: ['  - { id: b, text: Rozliczalność }', '  - { id: b, text: Rozliczalność'] }])).to.deep.equal([
        'przyklad-kurs/lessons/01-wprowadzenie.md:38: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }',
      ]);
    });

    it('refuses a check id already used in another lesson or in the quiz', async () => {
      expect(await errorsOf([{ file: 'lessons/02-podsumowanie.md', replace: ['id: check-podsumowanie-1', 'id: check-zasady-1'] }])).to.deep.equal([
        'przyklad-kurs/lessons/02-podsumowanie.md:12: duplicate question id "check-zasady-1" (already used at lessons/01-wprowadzenie.md:32)',
      ]);
      expect(await errorsOf([{ file: 'quiz.yaml', replace: ['  - id: q-termin', '  - id: check-zasady-1'] }])).to.deep.equal([
        'przyklad-kurs/quiz.yaml:57: duplicate question id "check-zasady-1" (already used at lessons/01-wprowadzenie.md:32)',
      ]);
    });
  });

  describe('media (handouts/ links, ```video blocks, the files of images/, handouts/ and video/)', () => {
    /** Lesson 2 with two handout links (line 8) and a video block (fence at line 10). */
    const MEDIA_LESSON = [
      '## Najważniejsze wnioski',
      '',
      'Pobierz [wzór wniosku](handouts/wzor-wniosku.docx) i [rejestr **czynności**](handouts/rejestr.xlsx); wzór jeszcze raz: [tutaj](handouts/wzor-wniosku.docx).',
      '',
      '```video',
      'src: video/wstep.mp4',
      'captions: video/wstep.vtt',
      'title: "Wstęp: <po co> ten kurs"',
      'poster: images/schemat-procesu.png',
      '```',
    ].join('\n');

    async function mediaFiles(): Promise<Edit[]> {
      return [
        { file: 'lessons/02-podsumowanie.md', replace: ['## Najważniejsze wnioski', MEDIA_LESSON] },
        { file: 'handouts/wzor-wniosku.docx', write: await docxFile() },
        { file: 'handouts/rejestr.xlsx', write: await xlsxFile() },
        { file: 'video/wstep.mp4', write: mp4File() },
        { file: 'video/wstep.vtt', write: CAPTIONS },
        // Never served (dotfiles are denied), so not checked: the usual way to keep an empty folder in git.
        { file: 'video/.gitkeep', write: '' },
      ];
    }

    it('turns handout links into labelled download links, lists them once, and renders a captioned video', async () => {
      const result = await loadCourse(copyOfExample(await mediaFiles()));
      if (!result.ok) expect.fail(result.errors.map((error) => formatCourseError(error)).join('\n'));
      const lesson = result.course.lessons[1];
      const docx = statSync(path.join(result.course.directory, 'handouts/wzor-wniosku.docx')).size;
      const docxLabel = `${Math.max(1, Math.round(docx / 1024))} kB`;
      expect(lesson.html).to.contain(`<a href="/kursy-media/przyklad-kurs/1.0.0/handouts/wzor-wniosku.docx" download="wzor-wniosku.docx">wzór wniosku (DOCX, ${docxLabel})</a>`);
      expect(lesson.html).to.match(
        /<a href="\/kursy-media\/przyklad-kurs\/1\.0\.0\/handouts\/rejestr\.xlsx" download="rejestr\.xlsx">rejestr <strong>czynności<\/strong> \(XLSX, \d+ kB\)<\/a>/,
      );
      expect(lesson.handouts?.map(({ title, href, format }) => ({ title, href, format }))).to.deep.equal([
        { title: 'wzór wniosku', href: '/kursy-media/przyklad-kurs/1.0.0/handouts/wzor-wniosku.docx', format: 'DOCX' },
        { title: 'rejestr czynności', href: '/kursy-media/przyklad-kurs/1.0.0/handouts/rejestr.xlsx', format: 'XLSX' },
      ]);
      expect(lesson.handouts?.[0].sizeLabel).to.equal(docxLabel);
      expect(lesson.html).to.contain(
        [
          '<figure class="lesson-video">',
          '<video controls preload="metadata" poster="/kursy-media/przyklad-kurs/1.0.0/images/schemat-procesu.png">',
          '<source src="/kursy-media/przyklad-kurs/1.0.0/video/wstep.mp4" type="video/mp4" />',
          '<track kind="captions" srclang="pl" label="Polski" default src="/kursy-media/przyklad-kurs/1.0.0/video/wstep.vtt" />',
          '</video>',
          '<figcaption>Wstęp: &lt;po co&gt; ten kurs</figcaption>',
          '</figure>',
        ].join('\n'),
      );
      // The lesson without handouts has an empty list; the media map holds what the route may serve, with its checked type.
      expect(result.course.lessons[0].handouts).to.deep.equal([]);
      expect(Object.keys(result.course.media ?? {}).sort()).to.deep.equal([
        'handouts/rejestr.xlsx',
        'handouts/wzor-wniosku.docx',
        'images/schemat-procesu.png',
        'video/wstep.mp4',
        'video/wstep.vtt',
      ]);
      expect(result.course.media?.['video/wstep.vtt']).to.deep.equal({ contentType: 'text/vtt; charset=utf-8', size: Buffer.byteLength(CAPTIONS) });
    });

    it('requires captions and a title, reported at the ```video line', async () => {
      const edits = await mediaFiles();
      edits[0] = { file: 'lessons/02-podsumowanie.md', replace: ['## Najważniejsze wnioski', MEDIA_LESSON.replace('captions: video/wstep.vtt\n', '').replace(/title: .*\n/, '')] };
      expect(await errorsOf(edits)).to.deep.equal([
        'przyklad-kurs/lessons/02-podsumowanie.md:10: video: captions: required field is missing: a video needs captions (a WebVTT file video/<file>.vtt) for learners who cannot hear it',
        'przyklad-kurs/lessons/02-podsumowanie.md:10: video: title: required field is missing',
      ]);
    });

    it('reports a missing video file at its line, a bad path and a missing handout at the link line', async () => {
      const edits = await mediaFiles();
      edits.push({ file: 'video/wstep.mp4', remove: true }, { file: 'handouts/rejestr.xlsx', remove: true });
      edits[0] = { file: 'lessons/02-podsumowanie.md', replace: ['## Najważniejsze wnioski', MEDIA_LESSON.replace('poster: images/', 'poster: https://example.org/')] };
      expect(await errorsOf(edits)).to.deep.equal([
        'przyklad-kurs/lessons/02-podsumowanie.md:8: handout "handouts/rejestr.xlsx" not found: there is no file przyklad-kurs/handouts/rejestr.xlsx',
        "przyklad-kurs/lessons/02-podsumowanie.md:14: video: poster: must be a file in the course's images/ folder, written as images/<file>.png",
      ]);
      edits[0] = {
        file: 'lessons/02-podsumowanie.md',
        replace: ['## Najważniejsze wnioski', MEDIA_LESSON.replace('[tutaj](handouts/wzor-wniosku.docx)', '[tutaj](handouts/../quiz.yaml)')],
      };
      expect(await errorsOf(edits)).to.deep.equal([
        'przyklad-kurs/lessons/02-podsumowanie.md:8: handout "handouts/rejestr.xlsx" not found: there is no file przyklad-kurs/handouts/rejestr.xlsx',
        'przyklad-kurs/lessons/02-podsumowanie.md:8: handout link "handouts/../quiz.yaml" must name a file in the course\'s handouts/ folder, written as handouts/<file> (lower-case a-z, digits, "-", "_")',
        'przyklad-kurs/lessons/02-podsumowanie.md:11: video: src: "video/wstep.mp4" not found: there is no file przyklad-kurs/video/wstep.mp4',
      ]);
    });

    it('refuses the course for an SVG, a fake PDF, captions without WEBVTT, a bad folder name or a link, each at line 1 of the file', async () => {
      const png = readFileSync(path.join(EXAMPLE, 'images/schemat-procesu.png'));
      const dir = copyOfExample([
        { file: 'images/logo.svg', write: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>' },
        { file: 'handouts/wzor.pdf', write: '<html><body><script>alert(1)</script></body></html>' },
        { file: 'handouts/prawdziwy.pdf', write: await pdfFile() },
        { file: 'video/napisy.vtt', write: '1\n00:00:00,000 --> 00:00:02,000\nSRT\n' },
        { file: 'images/Stare Schematy/schemat.png', write: png },
        // Checked in subfolders too.
        { file: 'images/schematy/logo.svg', write: '<svg xmlns="http://www.w3.org/2000/svg"/>' },
      ]);
      symlinkSync(path.resolve('package.json'), path.join(dir, 'handouts', 'dane.pdf'));
      const result = await loadCourse(dir);
      expect(result.ok ? [] : result.errors.map((error) => formatCourseError(error, path.dirname(dir)))).to.deep.equal([
        'przyklad-kurs/handouts/dane.pdf:1: handouts/ may hold only files and folders, not links: replace "dane.pdf" with the file itself',
        'przyklad-kurs/handouts/wzor.pdf:1: the content is not PDF as the extension says (no known format, e.g. text or HTML)',
        'przyklad-kurs/images/Stare Schematy:1: folder name "Stare Schematy" is not allowed: use lower-case a-z, digits, "-" and "_" (no dots)',
        'przyklad-kurs/images/logo.svg:1: SVG files are not allowed because they can contain scripts: save the image as PNG or WebP',
        'przyklad-kurs/images/schematy/logo.svg:1: SVG files are not allowed because they can contain scripts: save the image as PNG or WebP',
        'przyklad-kurs/video/napisy.vtt:1: the content is not VTT as the extension says (no known format, e.g. text or HTML)',
      ]);
    });

    it('serves media from subfolders: images/schematy/x.png and handouts/wzory/x.pdf', async () => {
      const result = await loadCourse(
        copyOfExample([
          { file: 'images/schematy/proces.png', write: readFileSync(path.join(EXAMPLE, 'images/schemat-procesu.png')) },
          { file: 'handouts/wzory/wniosek.pdf', write: await pdfFile() },
          {
            file: 'lessons/02-podsumowanie.md',
            replace: ['## Najważniejsze wnioski', '## Najważniejsze wnioski\n\n![Proces](images/schematy/proces.png) [Wniosek](handouts/wzory/wniosek.pdf)'],
          },
        ]),
      );
      if (!result.ok) expect.fail(result.errors.map((error) => formatCourseError(error)).join('\n'));
      expect(result.course.lessons[1].html).to.contain('<img src="/kursy-media/przyklad-kurs/1.0.0/images/schematy/proces.png" alt="Proces" />');
      expect(result.course.lessons[1].html).to.match(
        /<a href="\/kursy-media\/przyklad-kurs\/1\.0\.0\/handouts\/wzory\/wniosek\.pdf" download="wniosek\.pdf">Wniosek \(PDF, \d+ kB\)<\/a>/,
      );
      expect(result.course.media).to.have.keys(['images/schemat-procesu.png', 'images/schematy/proces.png', 'handouts/wzory/wniosek.pdf']);
    });
  });

  describe('quiz errors (quiz.yaml)', () => {
    it('asks for quotes around a number meant as text', async () => {
      expect(await errorsOf([{ file: 'quiz.yaml', replace: ['      - { id: b, text: 14 dni }', '      - { id: b, text: 14 }'] }])).to.deep.equal([
        'przyklad-kurs/quiz.yaml:63: questions[5].options[1].text: must be text (got 14): write it in quotes, e.g. "14"',
      ]);
    });

    it('reports an unknown question kind', async () => {
      expect(await errorsOf([{ file: 'quiz.yaml', replace: ['    kind: multiple', '    kind: multi'] }])).to.deep.equal([
        'przyklad-kurs/quiz.yaml:20: questions[1].kind: unknown question kind "multi"; use one of: single, multiple, true-false, ordering, matching',
      ]);
    });

    it('refuses a duplicate question id within the quiz', async () => {
      expect(await errorsOf([{ file: 'quiz.yaml', replace: ['  - id: q-termin', '  - id: q-iod'] }])).to.deep.equal([
        'przyklad-kurs/quiz.yaml:57: duplicate question id "q-iod" (already used at quiz.yaml:30)',
      ]);
    });

    it('refuses a correct answer that is not among the options', async () => {
      expect(await errorsOf([{ file: 'quiz.yaml', replace: ['    correct: [a, b]', '    correct: [a, e]'] }])).to.deep.equal([
        'przyklad-kurs/quiz.yaml:27: questions[1].correct[1]: correct answer "e" is not among the option ids (a, b, c)',
      ]);
    });

    it('requires exactly one correct option for a single-choice question', async () => {
      expect(
        await errorsOf([{ file: 'quiz.yaml', replace: ['    correct: [a]\n    explanation: Minimalizacja', '    correct: [a, b]\n    explanation: Minimalizacja'] }]),
      ).to.deep.equal(['przyklad-kurs/quiz.yaml:16: questions[0].correct: a single-choice question needs exactly one correct option (got 2)']);
    });

    it('refuses an ordering that is not a permutation of the options', async () => {
      expect(await errorsOf([{ file: 'quiz.yaml', replace: ['    order: [b, c, a]', '    order: [b, c, c]'] }])).to.deep.equal([
        'przyklad-kurs/quiz.yaml:45: questions[3].order: must list every option id exactly once (options: a, b, c; order: b, c, c)',
      ]);
    });

    it('asks for the fields a kind needs and refuses the ones it does not use', async () => {
      expect(await errorsOf([{ file: 'quiz.yaml', replace: ['    answer: true\n', '    correct: [a]\n'] }])).to.deep.equal([
        // A missing field points at its question; the stray one at its own line.
        'przyklad-kurs/quiz.yaml:30: questions[2].answer: required for a question of kind true-false',
        'przyklad-kurs/quiz.yaml:34: questions[2].correct: is not used by a question of kind true-false (it uses answer)',
      ]);
    });

    it('refuses drawing more questions per attempt than the pool holds', async () => {
      expect(await errorsOf([{ file: 'quiz.yaml', replace: ['questionsPerAttempt: 4', 'questionsPerAttempt: 7'] }])).to.deep.equal([
        'przyklad-kurs/quiz.yaml:1: questionsPerAttempt: cannot draw 7 questions from a pool of 6',
      ]);
    });

    it('refuses more scenarios per attempt than the questions marked scenario: true', async () => {
      expect(await errorsOf([{ file: 'quiz.yaml', replace: ['cooldownMinutes: 10', 'cooldownMinutes: 10\nscenariosPerAttempt: 1'] }])).to.deep.equal([
        'przyklad-kurs/quiz.yaml:4: scenariosPerAttempt: cannot draw 1 scenarios into an attempt of 4 from the 0 questions marked scenario: true',
      ]);
    });

    it('reports a missing quiz', async () => {
      expect(await errorsOf([{ file: 'quiz.yaml', remove: true }])).to.deep.equal(['przyklad-kurs/quiz.yaml:1: quiz.yaml is missing: every course ends with a quiz']);
    });
  });

  it('reports every problem of a course in one run, sorted by file and line', async () => {
    const errors = await errorsOf([
      { file: 'course.yaml', replace: ['version: 1.0.0', 'version: jeden'] },
      { file: 'quiz.yaml', replace: ['    order: [b, c, a]', '    order: [b, c]'] },
      { file: 'lessons/02-podsumowanie.md', replace: ['order: 2', 'order: 1'] },
    ]);
    expect(errors).to.deep.equal([
      'przyklad-kurs/course.yaml:2: version: must be a semantic version such as 1.0.0 (got "jeden")',
      'przyklad-kurs/lessons/02-podsumowanie.md:3: order: 1 is already used by lessons/01-wprowadzenie.md',
      'przyklad-kurs/quiz.yaml:45: questions[3].order: must list every option id exactly once (options: a, b, c; order: b, c)',
    ]);
  });
});
