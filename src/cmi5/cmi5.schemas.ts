// zod schemas of the cmi5 routes' inputs: the course and AU in the path, the fetch URL's session and secret, package files.
import { z } from 'zod';

export const CourseParams = z.object({ courseId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/) });
export type CourseParams = z.infer<typeof CourseParams>;

export const AuParams = z.object({ courseId: CourseParams.shape.courseId, auId: z.string().regex(/^au-\d{1,4}$/) });
export type AuParams = z.infer<typeof AuParams>;

export const LessonParams = z.object({ courseId: CourseParams.shape.courseId, lessonId: AuParams.shape.auId });

export const FetchParams = z.object({
  sessionId: z.string().regex(/^[0-9a-f-]{36}$/),
  secret: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/),
});
export type FetchParams = z.infer<typeof FetchParams>;

export const PackageFileParams = z.object({
  packageId: CourseParams.shape.courseId,
  revision: z.coerce.number().int().positive(),
  file: z.array(z.string().min(1).max(255)).min(1).max(20),
});
