import path from 'node:path';
import { expect } from 'chai';
import { renderLesson, sanitizeLessonHtml } from '../../src/courses/lesson.renderer.js';

const course = { id: 'przyklad-kurs', version: '1.0.0', language: 'pl' as const, directory: path.resolve('test/fixtures/courses/przyklad-kurs') };
const file = path.join(course.directory, 'lessons', '03-atak.md');

/** Every start tag in `html` with its attributes, e.g. `<a href="…">` (escaped text such as &lt;script&gt; is not a tag). */
function tagsOf(html: string): string[] {
  return html.match(/<[a-z][^>]*>/gi) ?? [];
}

describe('courses/lesson.renderer sanitising', () => {
  const hostile = [
    '## Atak',
    '',
    '<script>alert("x")</script>',
    '',
    'Obraz: <img src="x" onerror="alert(1)"> i <a href="javascript:alert(1)" onclick="alert(2)">link</a>',
    '',
    '[Kliknij](javascript:alert(3)) albo [tu](JAVASCRIPT:alert(4)) albo [dane](data:text/html;base64,PHNjcmlwdD4=)',
    '',
    '::: uwaga',
    '<iframe src="https://evil.example"></iframe>',
    ':::',
  ].join('\n');

  it('renders a lesson with <script>, onerror= and javascript: links into markup with none of them', () => {
    const { html, errors } = renderLesson({ markdown: hostile, firstLine: 6, file, course });
    expect(errors).to.deep.equal([]);
    const tags = tagsOf(html);
    expect(tags.filter((tag) => /^<(script|iframe|img)/i.test(tag))).to.deep.equal([]);
    expect(tags.filter((tag) => /\son[a-z]+=/i.test(tag))).to.deep.equal([]);
    expect(tags.filter((tag) => /href="(?!https?:|mailto:|\/|#)/i.test(tag))).to.deep.equal([]);
    // The raw HTML is shown as text, so the author sees what went wrong.
    expect(html).to.contain('<p>&lt;script&gt;alert("x")&lt;/script&gt;</p>');
    expect(html).to.contain('<aside class="callout callout--uwaga" role="note">');
  });

  it('strips scripts, event handlers, javascript: URLs and unknown classes even from raw HTML', () => {
    const html = sanitizeLessonHtml(
      [
        '<script>alert(1)</script>',
        '<img src="/kursy-media/k/images/a.png" alt="a" onerror="alert(1)">',
        '<img src="javascript:alert(1)" alt="b">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="https://uodo.gov.pl" target="_blank" onclick="alert(1)">UODO</a>',
        '<aside class="callout callout--uwaga evil" role="alert" style="color:red">t</aside>',
        '<div class="knowledge-check" data-check="q1" data-evil="1"></div>',
        '<td style="text-align:right;background:url(javascript:alert(1))">1</td>',
      ].join('\n'),
    );
    expect(html).to.not.match(/<script|onerror|onclick|javascript:|target=|evil|role="alert"|color:red|background/i);
    expect(html).to.contain('<img src="/kursy-media/k/images/a.png" alt="a" />');
    expect(html).to.contain('<a href="https://uodo.gov.pl">UODO</a>');
    expect(html).to.contain('<aside class="callout callout--uwaga" role="note">t</aside>');
    expect(html).to.contain('<div class="knowledge-check" data-check="q1"></div>');
    // Alignment survives as a class: the CSP allows no style attribute.
    expect(html).to.contain('<td class="align-right">1</td>');
    expect(html).to.not.contain('style=');
  });

  it("lets video load only the course version's own media, with fixed attributes, and download only name a linked handout", () => {
    const html = sanitizeLessonHtml(
      [
        '<figure class="lesson-video evil"><video controls autoplay muted loop preload="auto" poster="https://evil.example/p.png" onplay="alert(1)">',
        '<source src="https://evil.example/x.mp4" type="video/mp4">',
        '<source src="/kursy-media/inny-kurs/1.0.0/video/x.mp4" type="video/mp4">',
        '<source src="/kursy-media/k/0.9.0/video/x.mp4" type="video/mp4">',
        '<source src="/kursy-media/k/1.0.0/handouts/x.mp4" type="video/mp4">',
        '<source src="/kursy-media/k/1.0.0/video/x.mp4" type="text/html">',
        '<track kind="metadata" srclang="xx" label="<b>Polski</b>" src="/kursy-media/k/1.0.0/video/x.vtt">',
        '<track kind="captions" src="javascript:alert(1)">',
        '</video><figcaption onclick="alert(1)">Tytuł</figcaption></figure>',
        '<a href="/kursy-media/k/1.0.0/handouts/wzor.pdf" download="wzor.exe">wzór</a>',
        '<a href="https://uodo.gov.pl" download="x.pdf">UODO</a>',
      ].join(''),
      { mediaPrefix: '/kursy-media/k/1.0.0/' },
    );
    expect(html).to.equal(
      [
        '<figure class="lesson-video"><video controls preload="metadata">',
        '<source src="/kursy-media/k/1.0.0/video/x.mp4" />',
        '<track kind="captions" srclang="pl" label="&lt;b&gt;Polski&lt;/b&gt;" default src="/kursy-media/k/1.0.0/video/x.vtt" />',
        '</video><figcaption>Tytuł</figcaption></figure>',
        '<a href="/kursy-media/k/1.0.0/handouts/wzor.pdf" download="wzor.pdf">wzór</a>',
        '<a href="https://uodo.gov.pl">UODO</a>',
      ].join(''),
    );
  });

  it('keeps heading ids readable and clear of the ids the layout uses', () => {
    const { html, toc } = renderLesson({ markdown: '## Main\n\n## Źródła prawa: ustawa o ochronie danych\n\n### Łączenie zbiorów', firstLine: 6, file, course });
    expect(toc).to.deep.equal([
      { id: 'main-1', text: 'Main', level: 2 },
      { id: 'zrodla-prawa-ustawa-o-ochronie-danych', text: 'Źródła prawa: ustawa o ochronie danych', level: 2 },
      { id: 'laczenie-zbiorow', text: 'Łączenie zbiorów', level: 3 },
    ]);
    expect(html).to.contain('<h2 id="main-1">Main</h2>');
  });

  it('puts each table in a named, focusable box that scrolls, with a hint for phones; raw HTML cannot make such a box', () => {
    const table = '| Termin | Podstawa |\n|---|---|\n| 30 dni | art. 12 |\n';
    const { html } = renderLesson({ markdown: `## Terminy\n\n${table}\nTekst.\n\n${table}`, firstLine: 6, file, course });
    expect(html).to.contain('<p class="table-scroll__hint">Na wąskim ekranie przewiń tabelę w bok.</p>');
    expect(html).to.contain('<div class="table-scroll" role="region" tabindex="0" aria-label="Tabela 1">\n<table>');
    expect(html).to.contain('<div class="table-scroll" role="region" tabindex="0" aria-label="Tabela 2">\n<table>');
    expect(html).to.match(/<\/table>\n?<\/div>/);
    const english = renderLesson({ markdown: table, firstLine: 6, file, course: { ...course, language: 'en' } }).html;
    expect(english).to.contain('aria-label="Table 1"').and.contain('scroll the table sideways');
    const forged = sanitizeLessonHtml('<div class="knowledge-check" role="alert" tabindex="5" aria-label="x">a</div><div class="table-scroll" aria-label="evil">b</div>');
    expect(forged).to.equal('<div class="knowledge-check">a</div><div class="table-scroll" role="region" tabindex="0" aria-label="Tabela">b</div>');
  });
});
