// The association admin's /zwiazek: its member offices and their training completion (read from reports).
import { Router } from 'express';
import { requireRole } from '../auth/require-user.js';
import { ForbiddenError } from '../http/errors.js';
import type { CourseCatalogue } from '../courses/course-catalogue.js';
import type { CourseOpenness } from '../learning/learning.policy.js';
import { officeCompletions } from '../reports/reports.read.js';
import { memberOfficesOf } from './organisation.service.js';

/** /zwiazek for admins of an association; an office's admin is refused (403): the page is about member offices. */
export function associationRouter(platform: { catalogue: CourseCatalogue; availability: CourseOpenness }): Router {
  const router = Router();
  router.get('/zwiazek', requireRole('admin'), async (req, res) => {
    const association = await memberOfficesOf(req.user!.organisationId);
    if (!association) throw new ForbiddenError();
    const completions = new Map(
      (
        await officeCompletions(
          platform,
          association.offices.map((office) => office.id),
        )
      ).map((c) => [c.organisationId, c]),
    );
    const rows = association.offices.map((office) => {
      const completion = completions.get(office.id);
      return { ...office, people: completion?.people ?? 0, enrolled: completion?.enrolled ?? 0, completed: completion?.completed ?? 0, percent: completion?.percent ?? null };
    });
    const total = rows.reduce((sum, row) => ({ people: sum.people + row.people, enrolled: sum.enrolled + row.enrolled, completed: sum.completed + row.completed }), {
      people: 0,
      enrolled: 0,
      completed: 0,
    });
    res.render('organisations/association', {
      title: req.t('organisations:association.title', { name: association.name }),
      name: association.name,
      offices: rows,
      total: { ...total, percent: total.enrolled ? Math.round((total.completed / total.enrolled) * 100) : null },
    });
  });
  return router;
}
