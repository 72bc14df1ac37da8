import { expect } from 'chai';
import { packagePathOf, readScormManifest } from '../../src/scorm/scorm-manifest.js';
import { isoDurationOf, scoStateOf } from '../../src/scorm/scorm-runtime.js';
import { courseIdOfManifest } from '../../src/scorm/scorm-import.service.js';
import { manifestXml } from '../helpers/scorm-packages.js';

const FILES = new Set(['imsmanifest.xml', 'sco/index.html', 'sco/sco.js']);

describe('scorm-manifest.ts', () => {
  it('reads a SCORM 1.2 manifest: version, title, the SCO with its launch path and mastery score', () => {
    const read = readScormManifest(manifestXml('1.2', { mastery: 80 }), FILES);
    expect(read.ok).to.equal(true);
    if (!read.ok) return;
    expect(read.manifest).to.deep.include({ version: '1.2', schemaVersion: '1.2', identifier: 'pl.akademia.test.scorm12', title: 'Pakiet SCORM 1.2: ochrona danych' });
    expect(read.manifest.scos).to.deep.equal([
      { identifier: 'item-1', title: 'Lekcja SCORM 1.2', launchPath: 'sco/index.html', launchQuery: '', masteryScore: 80, scormType: 'sco' },
    ]);
  });

  it('reads a SCORM 2004 4th edition manifest', () => {
    const read = readScormManifest(manifestXml('2004'), FILES);
    expect(read.ok && read.manifest.version).to.equal('2004');
    expect(read.ok && read.manifest.schemaVersion).to.equal('2004 4th Edition');
  });

  it('plays nested items in manifest order, with xml:base and the item parameters in the launch URL', () => {
    const xml = `<?xml version="1.0"?>
<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
  <metadata><schemaversion>2004 3rd Edition</schemaversion></metadata>
  <organizations default="b"><organization identifier="a"><title>Inna</title></organization>
    <organization identifier="b"><title>Kurs</title>
      <item identifier="folder"><title>Moduł</title>
        <item identifier="one" identifierref="r1" parameters="?strona=1"><title>Jeden</title></item>
        <item identifier="two" identifierref="r2"><title>Dwa</title></item>
      </item>
    </organization></organizations>
  <resources xml:base="sco/">
    <resource identifier="r1" adlcp:scormType="sco" href="index.html?tryb=a"/>
    <resource identifier="r2" adlcp:scormType="asset" href="sco.js"/>
  </resources>
</manifest>`;
    const read = readScormManifest(xml, FILES);
    expect(read.ok).to.equal(true);
    if (!read.ok) return;
    expect(read.manifest.title).to.equal('Kurs');
    expect(read.manifest.scos.map((sco) => [sco.identifier, sco.launchPath, sco.launchQuery, sco.scormType])).to.deep.equal([
      ['one', 'sco/index.html', '?tryb=a&strona=1', 'sco'],
      ['two', 'sco/sco.js', '', 'asset'],
    ]);
  });

  it('refuses hrefs outside the package, missing files, unknown versions and broken XML, each with its own problem', () => {
    const outside = readScormManifest(manifestXml('1.2', { href: '../x/index.html' }), FILES);
    expect(outside.ok || outside.problems.map((p) => p.code)).to.deep.equal(['hrefOutside']);
    const absolute = readScormManifest(manifestXml('1.2', { href: '/etc/passwd' }), FILES);
    expect(absolute.ok || absolute.problems.map((p) => p.code)).to.deep.equal(['hrefOutside']);
    const url = readScormManifest(manifestXml('2004', { href: 'https://example.invalid/a.html' }), FILES);
    expect(url.ok || url.problems.map((p) => p.params?.href)).to.deep.equal(['https://example.invalid/a.html']);
    const missing = readScormManifest(manifestXml('1.2'), new Set(['imsmanifest.xml', 'sco/index.html']));
    expect(missing.ok || missing.problems.map((p) => [p.code, p.params?.href])).to.deep.equal([['fileMissing', 'sco/sco.js']]);
    const version = readScormManifest(manifestXml('1.2').replace('<schemaversion>1.2</schemaversion>', '<schemaversion>CAM 1.2.9</schemaversion>'), FILES);
    expect(version.ok || version.problems.map((p) => p.code)).to.deep.equal(['unknownVersion']);
    const broken = readScormManifest('<manifest><organizations></manifest>', FILES);
    expect(broken.ok || broken.problems.map((p) => p.code)).to.deep.equal(['xmlInvalid']);
    const dangling = readScormManifest(manifestXml('1.2').replace('identifierref="res-1"', 'identifierref="nic"'), FILES);
    expect(dangling.ok || dangling.problems.map((p) => p.code)).to.deep.equal(['itemWithoutResource']);
  });

  it('packagePathOf keeps paths inside the package and decodes them', () => {
    expect(packagePathOf('a/./b/../c%20d.html?x=1#y')).to.deep.equal({ path: 'a/c d.html', query: '?x=1' });
    expect(packagePathOf('a/../../b.html')).to.equal(undefined);
    expect(packagePathOf('%2e%2e/b.html')).to.equal(undefined);
    expect(packagePathOf('C:\\x.html')).to.equal(undefined);
    expect(packagePathOf('javascript:alert(1)')).to.equal(undefined);
  });

  it('courseIdOfManifest makes a slug of the identifier', () => {
    expect(courseIdOfManifest('pl.Akademia_Test.Łódź')).to.equal('scorm-pl-akademia-test-lodz');
  });
});

describe('scorm-runtime.ts scoStateOf', () => {
  it('SCORM 1.2: lesson_status; a mastery score turns completed into passed or failed; the score scaled', () => {
    expect(scoStateOf('1.2', { 'cmi.core.lesson_status': 'completed' })).to.deep.include({ status: 'completed', satisfied: true });
    expect(scoStateOf('1.2', { 'cmi.core.lesson_status': 'incomplete' }).satisfied).to.equal(false);
    const passed = scoStateOf('1.2', { 'cmi.core.lesson_status': 'completed', 'cmi.core.score.raw': '85', 'cmi.core.session_time': '0000:02:30.5' }, 80);
    expect(passed).to.deep.include({ status: 'passed', satisfied: true, duration: 'PT0H2M30.5S' });
    expect(passed.score?.scaled).to.equal(0.85);
    expect(scoStateOf('1.2', { 'cmi.core.lesson_status': 'completed', 'cmi.core.score.raw': '70' }, 80)).to.deep.include({ status: 'failed', satisfied: false });
    expect(scoStateOf('1.2', { 'cmi.core.lesson_status': 'completed' }, 80).satisfied).to.equal(false);
  });

  it('SCORM 2004: success_status wins over completion_status', () => {
    expect(scoStateOf('2004', { 'cmi.completion_status': 'completed', 'cmi.success_status': 'failed' })).to.deep.include({ status: 'failed', satisfied: false });
    expect(scoStateOf('2004', { 'cmi.completion_status': 'incomplete', 'cmi.success_status': 'passed', 'cmi.score.scaled': '0.9' })).to.deep.include({
      status: 'passed',
      satisfied: true,
    });
    expect(scoStateOf('2004', { 'cmi.completion_status': 'completed', 'cmi.success_status': 'unknown' })).to.deep.include({ status: 'completed', satisfied: true });
    expect(scoStateOf('2004', { 'cmi.score.raw': '5', 'cmi.score.min': '0', 'cmi.score.max': '10' }).score?.scaled).to.equal(0.5);
  });

  it('isoDurationOf converts 1.2 timespans and keeps 2004 durations', () => {
    expect(isoDurationOf('01:00:05')).to.equal('PT1H0M5S');
    expect(isoDurationOf('PT2M30S')).to.equal('PT2M30S');
    expect(isoDurationOf('soon')).to.equal(undefined);
  });
});
