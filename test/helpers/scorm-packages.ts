// SCORM packages made by the tests: a 1.2 and a 2004 package whose page finds the API, initialises, sets status and
// score, commits and finishes; and hand-built hostile zips (".." entries, links) that archiver refuses to write.
import { crc32 } from 'node:zlib';
import { zipFile } from './media-files.js';

/**
 * The SCO's script, for both versions: shows what the LMS gave at launch (entry, location, suspend_data) and offers
 * two buttons, "suspend" (location, suspend_data, incomplete, exit = suspend) and "pass" (score and passed).
 */
function scoScript(version: '1.2' | '2004'): string {
  const v12 = version === '1.2';
  const get = v12 ? 'LMSGetValue' : 'GetValue';
  const set = v12 ? 'LMSSetValue' : 'SetValue';
  const commit = v12 ? 'LMSCommit' : 'Commit';
  const finish = v12 ? 'LMSFinish' : 'Terminate';
  const el = v12
    ? { entry: 'cmi.core.entry', location: 'cmi.core.lesson_location', exit: 'cmi.core.exit', time: 'cmi.core.session_time', name: 'cmi.core.student_name' }
    : { entry: 'cmi.entry', location: 'cmi.location', exit: 'cmi.exit', time: 'cmi.session_time', name: 'cmi.learner_name' };
  const incomplete = v12 ? [['cmi.core.lesson_status', 'incomplete']] : [['cmi.completion_status', 'incomplete']];
  const passed = v12
    ? [
        ['cmi.core.score.raw', '90'],
        ['cmi.core.score.min', '0'],
        ['cmi.core.score.max', '100'],
        ['cmi.core.lesson_status', 'passed'],
        ['cmi.core.exit', ''],
        ['cmi.core.session_time', '00:02:30'],
      ]
    : [
        ['cmi.score.scaled', '0.85'],
        ['cmi.score.raw', '85'],
        ['cmi.score.min', '0'],
        ['cmi.score.max', '100'],
        ['cmi.completion_status', 'completed'],
        ['cmi.success_status', 'passed'],
        ['cmi.exit', 'normal'],
        ['cmi.session_time', 'PT2M30S'],
      ];
  return `
(function () {
  var key = ${JSON.stringify(v12 ? 'API' : 'API_1484_11')};
  function findApi(win) {
    for (var hops = 0; win && hops < 10; hops += 1) {
      if (win[key]) return win[key];
      if (win.parent === win) break;
      win = win.parent;
    }
    return null;
  }
  var api = findApi(window);
  var show = function (id, text) { document.getElementById(id).textContent = text; };
  if (!api) { show('api', 'no API'); return; }
  show('api', String(api.${v12 ? 'LMSInitialize' : 'Initialize'}('')));
  show('entry', api.${get}('${el.entry}'));
  show('location', api.${get}('${el.location}'));
  show('suspend', api.${get}('cmi.suspend_data'));
  show('learner', api.${get}('${el.name}'));
  function setAll(pairs) { pairs.forEach(function (pair) { api.${set}(pair[0], pair[1]); }); }
  function end(label) {
    show('committed', String(api.${commit}('')));
    show('finished', String(api.${finish}('')));
    show('done', label);
  }
  document.getElementById('suspend-button').addEventListener('click', function () {
    setAll(${JSON.stringify(incomplete)});
    setAll([['${el.location}', 'strona-2'], ['cmi.suspend_data', 'odwiedzone=1;odpowiedz=B'], ['${el.exit}', 'suspend'], ['${el.time}', '${v12 ? '00:01:00' : 'PT1M'}']]);
    end('suspended');
  });
  document.getElementById('pass-button').addEventListener('click', function () {
    setAll(${JSON.stringify(passed)});
    end('passed');
  });
})();
`;
}

const SCO_PAGE = `<!doctype html>
<html lang="pl"><head><meta charset="utf-8"><title>Test SCO</title></head>
<body><main><h1>Test SCO</h1>
<p>API: <span id="api"></span>; entry: <span id="entry"></span>; location: <span id="location"></span>; suspend: <span id="suspend"></span>; learner: <span id="learner"></span></p>
<p><button type="button" id="suspend-button">Przerwij</button> <button type="button" id="pass-button">Zalicz</button></p>
<p>commit: <span id="committed"></span>; finish: <span id="finished"></span>; <span id="done"></span></p>
<script src="sco.js"></script></main></body></html>`;

/** imsmanifest.xml of a one-SCO package; `href` and `identifier` may be changed to make a bad package. */
export function manifestXml(version: '1.2' | '2004', options: { identifier?: string; title?: string; href?: string; mastery?: number } = {}): string {
  const identifier = options.identifier ?? (version === '1.2' ? 'pl.akademia.test.scorm12' : 'pl.akademia.test.scorm2004');
  const title = options.title ?? (version === '1.2' ? 'Pakiet SCORM 1.2: ochrona danych' : 'Pakiet SCORM 2004: dostęp do informacji');
  const href = options.href ?? 'sco/index.html';
  if (version === '1.2') {
    return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="${identifier}" version="1.0" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org"><title>${title}</title>
      <item identifier="item-1" identifierref="res-1"><title>Lekcja SCORM 1.2</title>${options.mastery !== undefined ? `<adlcp:masteryscore>${options.mastery}</adlcp:masteryscore>` : ''}</item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res-1" type="webcontent" adlcp:scormtype="sco" href="${href}"><file href="sco/index.html"/><file href="sco/sco.js"/></resource>
  </resources>
</manifest>`;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="${identifier}" version="1.0" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org"><title>${title}</title>
      <item identifier="item-1" identifierref="res-1"><title>Lekcja SCORM 2004</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res-1" type="webcontent" adlcp:scormType="sco" href="${href}"><file href="sco/index.html"/><file href="sco/sco.js"/></resource>
  </resources>
</manifest>`;
}

/** A complete package of one SCO for `version`. */
export function scormPackage(version: '1.2' | '2004', options: Parameters<typeof manifestXml>[1] = {}): Promise<Buffer> {
  return zipFile([
    ['imsmanifest.xml', manifestXml(version, options)],
    ['sco/index.html', SCO_PAGE],
    ['sco/sco.js', scoScript(version)],
  ]);
}

/** The package's files without its manifest. */
export function packageWithoutManifest(): Promise<Buffer> {
  return zipFile([
    ['sco/index.html', SCO_PAGE],
    ['sco/sco.js', scoScript('1.2')],
  ]);
}

/** One stored entry of a hand-built zip; `unixMode` 0o120777 makes a symbolic link. */
export interface RawEntry {
  name: string;
  data?: Buffer | string;
  unixMode?: number;
}

/** Zip bytes built entry by entry (stored, made on Unix), for names and types archiver refuses to write. */
export function rawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data ?? '', 'utf8');
    const name = Buffer.from(entry.name, 'utf8');
    const dosDate = (1 << 5) | 1;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((entry.unixMode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A package with a `..` entry and a symbolic link next to an otherwise valid manifest. */
export function hostilePackage(): Buffer {
  return rawZip([
    { name: 'imsmanifest.xml', data: manifestXml('1.2') },
    { name: 'sco/index.html', data: SCO_PAGE },
    { name: 'sco/sco.js', data: scoScript('1.2') },
    { name: '../../etc/cron.d/evil', data: 'x' },
    { name: 'sco/link.html', data: '/etc/passwd', unixMode: 0o120777 },
  ]);
}
