// zod schemas of the SCORM routes' inputs: the course and SCO in the path, the runtime's commit body.
import { z } from 'zod';

export const ScoParams = z.object({
  courseId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/),
  lessonId: z.string().regex(/^sco-\d{1,4}$/),
});
export type ScoParams = z.infer<typeof ScoParams>;

export const CommitParams = z.object({
  courseId: ScoParams.shape.courseId,
  scoId: ScoParams.shape.lessonId,
});
export type CommitParams = z.infer<typeof CommitParams>;

/** One CMI value as scorm-again flattens it: `cmi.` paths of letters, digits, `_` and `.` (array indexes included). */
// Collections (cmi.objectives, cmi.interactions) come as nested objects; the body limit (300 kB) bounds them.
const CmiValue = z.union([z.string().max(65_536), z.number(), z.boolean(), z.null(), z.record(z.string().max(200), z.unknown())]);
export const CmiBody = z.record(z.string().regex(/^cmi\.[A-Za-z0-9_.]{1,200}$/), CmiValue).refine((cmi) => Object.keys(cmi).length <= 2000, { message: 'too many CMI elements' });
export type CmiValues = z.infer<typeof CmiBody>;

export const PackageFileParams = z.object({
  packageId: ScoParams.shape.courseId,
  revision: z.coerce.number().int().positive(),
  file: z.array(z.string().min(1).max(255)).min(1).max(20),
});
