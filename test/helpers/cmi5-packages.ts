// cmi5 packages made by the tests: a course with a block and an AU whose page runs @xapi/cmi5 (its browser bundle,
// shipped inside the package) — initialise, pass, complete, terminate — and variants: a broken cmi5.xml, an AU at an
// absolute URL.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { zipFile } from './media-files.js';

export const COURSE_IRI = 'https://akademia.test/cmi5/kurs-ochrony-danych';
export const AU_IRI = 'https://akademia.test/cmi5/kurs-ochrony-danych/au-1';
export const BLOCK_IRI = 'https://akademia.test/cmi5/kurs-ochrony-danych/blok-1';
export const COURSE_ID = 'cmi5-akademia-test-cmi5-kurs-ochrony-danych';
export const MASTERY = 0.8;

const BUNDLE = readFileSync(path.resolve('node_modules/@xapi/cmi5/dist/Cmi5.umd.js'), 'utf8');

/**
 * The AU's script: on load, `initialize()` (the fetch, LMS.LaunchData, `initialized`); the "pass" button sends
 * passed (0.9), completed and terminated in that order; "after" then tries a statement after `terminated`. Each
 * outcome goes into #state / #error, so the browser test reads what the AU saw; #back links to the returnURL.
 */
const AU_SCRIPT = `
(function () {
  var Cmi5 = window.Cmi5 && window.Cmi5.default ? window.Cmi5.default : window.Cmi5;
  var show = function (id, text) { document.getElementById(id).textContent = text; };
  var cmi5 = new Cmi5();
  cmi5.initialize().then(function () {
    show('state', 'initialized');
    document.getElementById('back').href = cmi5.getLaunchData().returnURL;
    show('mastery', String(cmi5.getLaunchData().masteryScore));
  }).catch(function (error) { show('error', 'initialize: ' + error.message); });
  document.getElementById('pass').addEventListener('click', function () {
    cmi5.pass({ scaled: 0.9, raw: 90, min: 0, max: 100 })
      .then(function () { return cmi5.complete(); })
      .then(function () { return cmi5.terminate(); })
      .then(function () { show('state', 'terminated'); })
      .catch(function (error) { show('error', 'pass: ' + error.message); });
  });
  document.getElementById('after').addEventListener('click', function () {
    cmi5.progress(50)
      .then(function () { show('after-result', 'accepted'); })
      .catch(function (error) { show('after-result', 'refused ' + (error.response ? error.response.status : error.message)); });
  });
})();
`;

const AU_PAGE = `<!doctype html>
<html lang="pl"><head><meta charset="utf-8"><title>Moduł cmi5</title></head>
<body><main>
<h1>Moduł: ochrona danych</h1>
<p>Stan: <span id="state"></span> <span id="error"></span> <span id="mastery"></span></p>
<button type="button" id="pass">Zalicz moduł</button>
<button type="button" id="after">Wyślij po zakończeniu</button>
<p id="after-result"></p>
<p><a id="back" href="#">Wróć do platformy</a></p>
</main>
<script src="cmi5.js"></script>
<script src="au.js"></script>
</body></html>`;

export interface Cmi5PackageOptions {
  /** The AU's <url> (default au/index.html). */
  url?: string;
  /** The whole cmi5.xml instead of the built one. */
  xml?: string;
  moveOn?: string;
  masteryScore?: string;
  /** Another course (its IRI; the AU's and the block's ids follow it). */
  courseIri?: string;
}

export function courseStructureXml(options: Cmi5PackageOptions = {}): string {
  const course = options.courseIri ?? COURSE_IRI;
  const au = options.courseIri ? `${course}/au-1` : AU_IRI;
  const block = options.courseIri ? `${course}/blok-1` : BLOCK_IRI;
  return `<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="${course}">
    <title><langstring lang="pl">Kurs cmi5: ochrona danych</langstring><langstring lang="en">cmi5 course: data protection</langstring></title>
    <description><langstring lang="pl">Moduł szkoleniowy w formacie cmi5.</langstring></description>
  </course>
  <block id="${block}">
    <title><langstring lang="pl">Blok pierwszy</langstring></title>
    <description><langstring lang="pl">Podstawy</langstring></description>
    <au id="${au}" moveOn="${options.moveOn ?? 'CompletedAndPassed'}" masteryScore="${options.masteryScore ?? String(MASTERY)}" launchMethod="OwnWindow">
      <title><langstring lang="pl">Moduł 1: zasady</langstring></title>
      <description><langstring lang="pl">Zasady ochrony danych</langstring></description>
      <url>${options.url ?? 'au/index.html'}</url>
      <launchParameters>{"poziom":"podstawowy"}</launchParameters>
      <entitlementKey>klucz-123</entitlementKey>
    </au>
  </block>
</courseStructure>`;
}

/** The package: cmi5.xml, the AU's page and script, and @xapi/cmi5's browser bundle beside them. */
export async function cmi5Package(options: Cmi5PackageOptions = {}): Promise<Buffer> {
  return zipFile([
    ['cmi5.xml', options.xml ?? courseStructureXml(options)],
    ['au/index.html', AU_PAGE],
    ['au/au.js', AU_SCRIPT],
    ['au/cmi5.js', BUNDLE],
  ]);
}

/** A package whose cmi5.xml breaks several rules at once (each one listed by the import). */
export async function brokenCmi5Package(): Promise<Buffer> {
  const xml = `<?xml version="1.0"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="abc-123"><title><langstring lang="pl">Zły kurs</langstring></title></course>
  <au id="https://akademia.test/zly/au" moveOn="Sometimes" masteryScore="80">
    <title><langstring lang="pl">Zły moduł</langstring></title>
    <url>../poza/index.html</url>
  </au>
  <au id="https://akademia.test/zly/au" launchMethod="NewTab">
    <title><langstring lang="pl">Drugi</langstring></title>
    <url>brak.html</url>
  </au>
</courseStructure>`;
  return zipFile([['cmi5.xml', xml]]);
}
