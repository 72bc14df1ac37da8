// Reads the YAML parts of a course (manifest, quiz, front matter, check blocks) and ties every problem to its line.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { courseErrorMap } from './course.schemas.js';

/** One problem in a course, pointing at the file (absolute path) and the 1-based line to fix. */
export interface CourseError {
  file: string;
  line: number;
  message: string;
}

/** A parsed YAML text that knows where each of its nodes sits in the file. */
export interface YamlSource {
  file: string;
  document: Document;
  lineCounter: LineCounter;
  /** Lines of the file above the YAML text (1 for front matter after `---`, the fence line for a check). */
  lineOffset: number;
}

export type YamlParseResult = { ok: true; source: YamlSource; data: unknown } | { ok: false; errors: CourseError[] };

/** Parses YAML text; syntax errors (including duplicate keys) come back with their lines. */
export function parseYaml(text: string, file: string, lineOffset = 0): YamlParseResult {
  const lineCounter = new LineCounter();
  // prettyErrors off: the message stays one line and the position is computed below.
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    return {
      ok: false,
      errors: document.errors.map((error) => ({
        file,
        line: lineOffset + lineCounter.linePos(error.pos[0]).line,
        message: `YAML syntax error: ${error.message.split('\n')[0]}`,
      })),
    };
  }
  return { ok: true, source: { file, document, lineCounter, lineOffset }, data: document.toJS() };
}

/** The 1-based file line of the node at `path`, or of its nearest existing ancestor (a missing field points at its parent). */
export function lineOfPath(source: YamlSource, path: readonly PropertyKey[]): number {
  let node: unknown = source.document.contents;
  let offset: number | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      // The key's line, not the value's: a block list or mapping value starts on the next line.
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (!item) break;
      offset = (item as Node).range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  const line = offset === undefined ? 1 : source.lineCounter.linePos(offset).line;
  return source.lineOffset + line;
}

/** Shows a zod path the way an author reads it: `questions[2].options[0].id`. */
export function describePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${String(segment)}` : String(segment)), '');
}

export type SchemaCheckResult<T> = { ok: true; value: T } | { ok: false; errors: CourseError[] };

/** Validates parsed YAML with a schema; each issue becomes `path: message` at the line of the offending node. */
export function checkWithSchema<S extends z.ZodType>(schema: S, data: unknown, source: YamlSource): SchemaCheckResult<z.infer<S>> {
  const result = schema.safeParse(data, { error: courseErrorMap });
  if (result.success) return { ok: true, value: result.data };
  const errors: CourseError[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // One error per unknown key, at the key's own line: usually a typo of a known field.
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        errors.push({ file: source.file, line: lineOfPath(source, path), message: `${describePath(path)}: unknown field (check the spelling)` });
      }
      continue;
    }
    const where = describePath(issue.path);
    errors.push({ file: source.file, line: lineOfPath(source, issue.path), message: where ? `${where}: ${issue.message}` : issue.message });
  }
  return { ok: false, errors };
}
