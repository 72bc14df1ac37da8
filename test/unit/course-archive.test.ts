import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { expect } from 'chai';
import { mp4File } from '../helpers/media-files.js';
import { ZipArchive } from 'archiver';
import yauzl from 'yauzl';
import { loadCourse } from '../../src/courses/course.loader.js';
import { DEFAULT_ARCHIVE_LIMITS, packCourseFolder, unpackCourseArchive, WHOLE_ARCHIVE, type UnpackResult } from '../../src/studio/course-archive.js';

const EXAMPLE = path.resolve('test/fixtures/courses/przyklad-kurs');
const RODO = path.resolve('courses/rodo-w-urzedzie');
const MB = 1024 * 1024;

const temporaryRoots: string[] = [];
after(() => temporaryRoots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function temporaryDir(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'course-archive-'));
  temporaryRoots.push(root);
  return root;
}

/** Every file under `dir` as a sorted list of `/`-separated relative paths. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/** One entry of a hand-built zip; the fields default to an honest stored file made on Unix. */
interface RawEntry {
  name: string;
  data?: Buffer;
  /** 0 stored, 8 deflated. */
  method?: 0 | 8;
  /** General purpose flags; bit 0 = encrypted. UTF-8 (bit 11) is always set. */
  flags?: number;
  /** Unix mode in the high 16 bits of the external attributes, e.g. 0o120777 for a symbolic link. */
  unixMode?: number;
  /** The uncompressed size written in the headers, when it should lie. */
  declaredSize?: number;
}

/**
 * Builds zip bytes entry by entry (local headers, central directory, end record), for hostile cases archiver
 * refuses to write: "../x", backslashes, duplicate names, links, encryption flags, lying sizes.
 */
function rawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = entry.data ?? Buffer.alloc(0);
    const method = entry.method ?? 0;
    const stored = method === 8 ? deflateRawSync(data) : data;
    const name = Buffer.from(entry.name, 'utf8');
    const flags = (entry.flags ?? 0) | 0x800;
    const size = entry.declaredSize ?? data.length;
    const dosDate = (1 << 5) | 1; // 1980-01-01

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, stored);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((entry.unixMode ?? (entry.name.endsWith('/') ? 0o040755 : 0o100644)) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + stored.length;
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

/** The example course's files as raw entries under `prefix` ('' = at the zip's root). */
function exampleEntries(prefix = 'przyklad-kurs/'): RawEntry[] {
  return filesUnder(EXAMPLE).map((relative) => ({ name: `${prefix}${relative}`, data: readFileSync(path.join(EXAMPLE, relative)) }));
}

/** A zip written by archiver from named buffers (honest headers, deflated). */
async function archiverZip(files: Array<{ name: string; data: Buffer }>): Promise<Buffer> {
  const archive = new ZipArchive();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve());
    archive.on('error', reject);
  });
  for (const file of files) archive.append(file.data, { name: file.name });
  await archive.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** The entry names of a zip, in stored order. */
async function entryNames(zip: Buffer): Promise<string[]> {
  const zipfile = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  const names: string[] = [];
  for await (const entry of zipfile.eachEntry()) names.push(entry.fileName);
  return names;
}

/** Unpacks and expects a refusal; returns the errors as `FILE:LINE: message` and checks nothing was left in intoDir. */
async function refusalOf(zip: Buffer, limits = {}): Promise<string[]> {
  const intoDir = temporaryDir();
  const result: UnpackResult = await unpackCourseArchive(zip, intoDir, limits);
  if (result.ok) expect.fail(`the zip was accepted as ${result.courseId}`);
  expect(readdirSync(intoDir), 'left behind in intoDir').to.deep.equal([]);
  return result.errors.map((error) => `${error.file}:${error.line}: ${error.message}`);
}

describe('studio/course-archive', () => {
  describe('packCourseFolder and unpackCourseArchive', () => {
    for (const source of [RODO, EXAMPLE]) {
      it(`round-trips ${path.basename(source)} byte for byte, and the unpacked course loads`, async () => {
        const zip = await packCourseFolder(source);
        const intoDir = temporaryDir();
        const result = await unpackCourseArchive(zip, intoDir);
        if (!result.ok) expect.fail(result.errors.map((error) => `${error.file}:${error.line}: ${error.message}`).join('\n'));
        expect(result.courseId).to.equal(path.basename(source));
        expect(result.folder).to.equal(path.join(intoDir, result.courseId));
        expect(readdirSync(intoDir), 'only the course, no temporary folder').to.deep.equal([result.courseId]);
        const files = filesUnder(source);
        expect(filesUnder(result.folder)).to.deep.equal(files);
        for (const file of files) expect(readFileSync(path.join(result.folder, file)).equals(readFileSync(path.join(source, file))), file).to.equal(true);
        const loaded = await loadCourse(result.folder);
        expect(loaded.ok).to.equal(true);
      });
    }

    it('packs under a top folder named after the id, only the format’s files, sorted', async () => {
      const copy = path.join(temporaryDir(), 'roboczy-folder');
      cpSync(EXAMPLE, copy, { recursive: true });
      writeFileSync(path.join(copy, 'notatki.txt'), 'nie dla uczestników');
      writeFileSync(path.join(copy, 'lessons', '.01-wprowadzenie.md.swp'), 'edytor');
      mkdirSync(path.join(copy, '.git'));
      writeFileSync(path.join(copy, '.git', 'HEAD'), 'ref');
      mkdirSync(path.join(copy, 'handouts'));
      writeFileSync(path.join(copy, 'handouts', 'karta-pracy.pdf'), '%PDF-1.4');

      const names = await entryNames(await packCourseFolder(copy));
      expect(names).to.deep.equal([
        'przyklad-kurs/course.yaml',
        'przyklad-kurs/handouts/karta-pracy.pdf',
        'przyklad-kurs/images/schemat-procesu.png',
        'przyklad-kurs/lessons/01-wprowadzenie.md',
        'przyklad-kurs/lessons/02-podsumowanie.md',
        'przyklad-kurs/quiz.yaml',
      ]);
    });

    it('gives identical bytes for the same folder packed twice, even with other file dates', async () => {
      const first = await packCourseFolder(EXAMPLE);
      const copy = path.join(temporaryDir(), 'przyklad-kurs');
      cpSync(EXAMPLE, copy, { recursive: true });
      const later = new Date('2031-05-06T07:08:09Z');
      for (const file of filesUnder(copy)) utimesSync(path.join(copy, file), later, later);
      expect((await packCourseFolder(EXAMPLE)).equals(first)).to.equal(true);
      expect((await packCourseFolder(copy)).equals(first)).to.equal(true);
    });
  });

  describe('unpackCourseArchive', () => {
    it('accepts the course files at the zip’s root, taking the id from course.yaml', async () => {
      const intoDir = temporaryDir();
      const result = await unpackCourseArchive(rawZip(exampleEntries('')), intoDir);
      if (!result.ok) expect.fail(JSON.stringify(result.errors));
      expect(result).to.deep.equal({ ok: true, folder: path.join(intoDir, 'przyklad-kurs'), courseId: 'przyklad-kurs' });
      expect(filesUnder(result.folder)).to.deep.equal(filesUnder(EXAMPLE));
    });

    it('silently skips __MACOSX/ and .DS_Store', async () => {
      const intoDir = temporaryDir();
      const litter = [
        { name: '__MACOSX/przyklad-kurs/._course.yaml', data: Buffer.from('resource fork') },
        { name: 'przyklad-kurs/.DS_Store', data: Buffer.from('finder') },
        { name: 'przyklad-kurs/images/.DS_Store', data: Buffer.from('finder') },
      ];
      const result = await unpackCourseArchive(rawZip([...exampleEntries(), ...litter]), intoDir);
      if (!result.ok) expect.fail(JSON.stringify(result.errors));
      expect(filesUnder(result.folder)).to.deep.equal(filesUnder(EXAMPLE));
    });

    it('accepts folder entries of the layout', async () => {
      const folders = ['przyklad-kurs/', 'przyklad-kurs/lessons/', 'przyklad-kurs/images/', 'przyklad-kurs/video/'].map((name) => ({ name }));
      const result = await unpackCourseArchive(rawZip([...folders, ...exampleEntries()]), temporaryDir());
      expect(result.ok, JSON.stringify(result)).to.equal(true);
    });

    it('refuses path traversal, absolute paths, backslashes and NUL, each with its own message', async () => {
      const hostile = [
        '../x.md',
        'przyklad-kurs/images/../../../etc/cron.d/x',
        '/etc/passwd',
        'C:/Windows/x.png',
        'przyklad-kurs\\images\\x.png',
        'przyklad-kurs/images/x.png\0.txt',
      ];
      const errors = await refusalOf(rawZip([...exampleEntries(), ...hostile.map((name) => ({ name, data: Buffer.from('x') }))]));
      expect(errors).to.deep.equal([
        '../x.md:1: path traversal: ".." in the name would unpack outside the course folder',
        'przyklad-kurs/images/../../../etc/cron.d/x:1: path traversal: ".." in the name would unpack outside the course folder',
        '/etc/passwd:1: absolute path: entries must be relative to the zip',
        'C:/Windows/x.png:1: absolute path: entries must be relative to the zip',
        'przyklad-kurs\\images\\x.png:1: the name contains a backslash; zip paths use "/" (was the zip made by an old Windows tool?)',
        'przyklad-kurs/images/x.png\\x00.txt:1: the name contains a NUL character',
      ]);
    });

    it('refuses a symbolic link, even one pointing inside the course', async () => {
      const link = { name: 'przyklad-kurs/images/logo.png', data: Buffer.from('/etc/shadow'), unixMode: 0o120777 };
      expect(await refusalOf(rawZip([...exampleEntries(), link]))).to.deep.equal(['przyklad-kurs/images/logo.png:1: symbolic link: a course zip may hold only files and folders']);
    });

    it('refuses duplicate names, compared ignoring case', async () => {
      const errors = await refusalOf(
        rawZip([
          ...exampleEntries(),
          { name: 'przyklad-kurs/quiz.yaml', data: Buffer.from('questions: []') },
          { name: 'przyklad-kurs/images/Schemat-Procesu.PNG', data: Buffer.from('png') },
        ]),
      );
      expect(errors).to.deep.equal([
        'przyklad-kurs/quiz.yaml:1: duplicate name: the zip already holds "przyklad-kurs/quiz.yaml" (names are compared ignoring upper and lower case)',
        'przyklad-kurs/images/Schemat-Procesu.PNG:1: duplicate name: the zip already holds "przyklad-kurs/images/schemat-procesu.png" (names are compared ignoring upper and lower case)',
      ]);
    });

    it('refuses a name that is both a file and a folder', async () => {
      const errors = await refusalOf(
        rawZip([...exampleEntries(), { name: 'przyklad-kurs/images/a', data: Buffer.from('x') }, { name: 'przyklad-kurs/images/a/b.png', data: Buffer.from('y') }]),
      );
      expect(errors).to.deep.equal(['przyklad-kurs/images/a/b.png:1: "przyklad-kurs/images/a" is both a file and a folder in the zip']);
    });

    it('refuses an encrypted entry', async () => {
      const locked = { name: 'przyklad-kurs/handouts/tajne.pdf', data: Buffer.from('%PDF'), method: 8 as const, flags: 1 };
      expect(await refusalOf(rawZip([...exampleEntries(), locked]))).to.deep.equal(['przyklad-kurs/handouts/tajne.pdf:1: encrypted entry: export the course without a password']);
    });

    it('refuses more entries than maxEntries, before reading them', async () => {
      const entries = exampleEntries();
      expect(await refusalOf(rawZip(entries), { maxEntries: entries.length - 1 })).to.deep.equal([
        `${WHOLE_ARCHIVE}:1: the zip holds ${entries.length} entries; at most ${entries.length - 1} are allowed`,
      ]);
      expect(DEFAULT_ARCHIVE_LIMITS.maxEntries).to.equal(500);
    });

    describe('a zip bomb: 50 MB of zeros, deflated', () => {
      let bomb: Buffer;
      before(async () => {
        bomb = await archiverZip([
          ...exampleEntries().map(({ name, data }) => ({ name, data: data ?? Buffer.alloc(0) })),
          // An MP4 header, then zeros: a video the loader's content check accepts, and a bomb by its ratio.
          { name: 'przyklad-kurs/video/film.mp4', data: Buffer.concat([mp4File(), Buffer.alloc(50 * MB)]) },
        ]);
        expect(bomb.length).to.be.below(MB);
      });

      it('is refused for its compression ratio under the default limits', async () => {
        const [error, ...more] = await refusalOf(bomb);
        expect(more).to.deep.equal([]);
        expect(error).to.match(/^przyklad-kurs\/video\/film\.mp4:1: compressed \d+:1, more than the allowed 200:1 for a file above 1 MB \(this looks like a zip bomb\)$/);
      });

      it('is refused for its size with a small maxFileBytes, and with a small maxTotalBytes', async () => {
        const noRatio = { maxRatio: 1e9 };
        expect(await refusalOf(bomb, { ...noRatio, maxFileBytes: 10 * MB })).to.deep.equal([
          'przyklad-kurs/video/film.mp4:1: the file is 50 MB unpacked; at most 10 MB per file is allowed',
        ]);
        const [total] = await refusalOf(bomb, { ...noRatio, maxTotalBytes: 20 * MB });
        expect(total).to.match(/^\(zip\):1: the files add up to 50 MB unpacked; at most 20 MB is allowed$/);
      });

      it('is unpacked when the limits allow it (the limits, not the content, refused it above)', async () => {
        const result = await unpackCourseArchive(bomb, temporaryDir(), { maxRatio: 1e9 });
        expect(result.ok, JSON.stringify(result)).to.equal(true);
      });
    });

    it('checks the bytes while unpacking: a header claiming 1 kB for 5 MB of zeros is refused, and nothing is left', async () => {
      const liar = { name: 'przyklad-kurs/video/film.mp4', data: Buffer.alloc(5 * MB), method: 8 as const, declaredSize: 1000 };
      const errors = await refusalOf(rawZip([...exampleEntries(), liar]));
      expect(errors).to.have.length(1);
      expect(errors[0]).to.match(/^przyklad-kurs\/video\/film\.mp4:1: the zip is damaged: too many bytes in the stream/);
    });

    it('refuses files and folders outside the layout, and hidden files', async () => {
      const strays = ['przyklad-kurs/notatki.txt', 'przyklad-kurs/lessons/stare/01-x.md', 'przyklad-kurs/.env', 'przyklad-kurs/images/.ukryty.png'];
      const errors = await refusalOf(rawZip([...exampleEntries(), { name: 'przyklad-kurs/skrypty/' }, ...strays.map((name) => ({ name, data: Buffer.from('x') }))]));
      expect(errors).to.have.length(5);
      expect(errors[0]).to.equal('przyklad-kurs/skrypty/:1: folder "skrypty/" is not part of the course format (folders: lessons/, images/, handouts/, video/)');
      expect(errors[1]).to.match(/^przyklad-kurs\/notatki\.txt:1: "notatki\.txt" is not part of the course format: a course holds course\.yaml, quiz\.yaml, lessons\/\*\.md/);
      expect(errors[2]).to.match(/^przyklad-kurs\/lessons\/stare\/01-x\.md:1: "lessons\/stare\/01-x\.md" is not part of the course format/);
      expect(errors.slice(3)).to.deep.equal([
        'przyklad-kurs/.env:1: hidden file or folder (its name starts with "."); the course format has none',
        'przyklad-kurs/images/.ukryty.png:1: hidden file or folder (its name starts with "."); the course format has none',
      ]);
    });

    it('refuses bytes that are not a zip', async () => {
      const [error] = await refusalOf(Buffer.from('to nie jest zip'));
      expect(error).to.match(/^\(zip\):1: not a readable zip file \(/);
    });

    it('reports a course error as FILE:LINE relative to the zip, the same errors loadCourse gives', async () => {
      const copy = path.join(temporaryDir(), 'przyklad-kurs');
      cpSync(EXAMPLE, copy, { recursive: true });
      const quiz = readFileSync(path.join(copy, 'quiz.yaml'), 'utf8');
      writeFileSync(path.join(copy, 'quiz.yaml'), quiz.replace('    kind: multiple', '    kind: multiple\n    kind: single'));
      const expected = await loadCourse(copy);
      if (expected.ok) expect.fail('the broken copy must not load');
      const asInZip = expected.errors.map((error) => `${path.relative(path.dirname(copy), error.file)}:${error.line}: ${error.message}`);
      expect(
        asInZip.some((line) => /^przyklad-kurs\/quiz\.yaml:2[0-9]: YAML syntax error: /.test(line)),
        asInZip.join('\n'),
      ).to.equal(true);

      expect(await refusalOf(await packCourseFolder(copy))).to.deep.equal(asInZip);
      // With the files at the zip's root, the names have no top folder.
      const atRoot = filesUnder(copy).map((relative) => ({ name: relative, data: readFileSync(path.join(copy, relative)) }));
      expect(await refusalOf(rawZip(atRoot))).to.deep.equal(asInZip.map((line) => line.replace(/^przyklad-kurs\//, '')));
    });

    it('refuses a top folder that is not the course id, through loadCourse', async () => {
      const errors = await refusalOf(rawZip(exampleEntries('Kurs (kopia)/')));
      expect(errors).to.deep.equal(['Kurs (kopia)/course.yaml:1: id: "przyklad-kurs" must equal the course folder name "Kurs (kopia)"']);
    });

    it('does not overwrite a course already in intoDir', async () => {
      const intoDir = temporaryDir();
      const zip = await packCourseFolder(EXAMPLE);
      expect((await unpackCourseArchive(zip, intoDir)).ok).to.equal(true);
      writeFileSync(path.join(intoDir, 'przyklad-kurs', 'quiz.yaml'), 'edited');
      const again = await unpackCourseArchive(zip, intoDir);
      expect(again).to.deep.equal({
        ok: false,
        errors: [{ file: 'przyklad-kurs/course.yaml', line: 1, message: `a course "przyklad-kurs" already exists in ${intoDir}; remove or rename it first` }],
      });
      expect(readdirSync(intoDir)).to.deep.equal(['przyklad-kurs']);
      expect(readFileSync(path.join(intoDir, 'przyklad-kurs', 'quiz.yaml'), 'utf8')).to.equal('edited');
    });

    it('rejects limits that are not positive numbers', async () => {
      let thrown: unknown;
      await unpackCourseArchive(Buffer.alloc(0), temporaryDir(), { maxEntries: -1 }).catch((error: unknown) => (thrown = error));
      expect(thrown).to.be.instanceOf(Error);
    });
  });
});
