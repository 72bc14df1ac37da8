// Document Content-Types: what the LRS accepts on write and what it sends back on read (issue 10, finding 11).
import { expect } from 'chai';
import { MEDIA_TYPE, checkDocumentContentType, isMediaType, servedDocumentType } from '../../src/xapi/document-media.js';

const SIZE = 150 * 1024;

describe('xapi/document-media', () => {
  it('accepts media types with parameters, quoted values included', () => {
    for (const type of ['application/json', 'text/plain; charset=utf-8', 'multipart/form-data; boundary="a b;c"', 'application/vnd.example+json;v=2', 'image/svg+xml']) {
      expect(isMediaType(type), type).to.equal(true);
      expect(() => checkDocumentContentType(type)).not.to.throw();
    }
  });

  it('refuses line breaks, control characters, missing subtypes and over-long values with a 400', () => {
    for (const type of [
      'text/plain\r\nSet-Cookie: a=b',
      'text/plain\nX: y',
      'text/html\u0000',
      'text',
      '/json',
      'text/plain; charset',
      'text/plain; a="unterminated',
      `text/plain; x=${'a'.repeat(300)}`,
      '',
    ]) {
      expect(isMediaType(type), JSON.stringify(type)).to.equal(false);
      expect(() => checkDocumentContentType(type), JSON.stringify(type))
        .to.throw()
        .with.property('status', 400);
    }
  });

  it('serves inert types as stored and everything else (and anything broken) as an octet-stream download', () => {
    expect(servedDocumentType('application/json; charset=utf-8')).to.deep.equal({ contentType: 'application/json; charset=utf-8', download: false });
    expect(servedDocumentType('application/ld+json')).to.deep.equal({ contentType: 'application/ld+json', download: false });
    expect(servedDocumentType('image/png')).to.deep.equal({ contentType: 'image/png', download: false });
    for (const type of [
      'text/html',
      'TEXT/HTML; charset=utf-8',
      'image/svg+xml',
      'application/xhtml+xml',
      'text/xml',
      'application/xml',
      'text/javascript',
      'text/css',
      'application/pdf',
      'text/plain\r\nX: y',
    ]) {
      expect(servedDocumentType(type), type).to.deep.equal({ contentType: 'application/octet-stream', download: true });
    }
  });

  // Linear: 150 KB built to make a backtracking pattern explode completes well within the timeout.
  it('runs the media type pattern over 150 KB adversarial strings to completion', function () {
    this.timeout(5000);
    for (const input of [
      `a/b${'; a=b'.repeat(SIZE / 5)}@`,
      `a/b${' '.repeat(SIZE)}!`,
      `a/b; a="${'\\a'.repeat(SIZE / 2)}`,
      `${'a'.repeat(SIZE)}/`,
      `a/b;${' ;'.repeat(SIZE / 2)}`,
    ]) {
      expect(MEDIA_TYPE.test(input)).to.equal(false);
    }
  });
});
