// The sharing page's view model: the audiences this owner may choose and the member offices, checked as stored or typed.
import type { TFunction } from 'i18next';
import type { FormView } from '../http/forms.js';
import type { SharingState } from './course-sharing.service.js';

/** The sharing page: the course, the audience radios and, for an association, the office checkboxes. */
export function sharingPage(state: SharingState, form: FormView, t: TFunction) {
  const audience = typeof form.values.audience === 'string' ? form.values.audience : state.audience;
  const chosen = new Set([form.values.offices ?? []].flat());
  return {
    courseId: state.courseId,
    title: state.title,
    isAssociation: state.ownerKind === 'association',
    audiences: state.audiences.map((value, index) => ({
      value,
      // The first radio has the field's name as its id: the error summary links to it.
      id: index === 0 ? 'audience' : `audience-${value}`,
      label: t(`studio:sharing.audience.${value}`),
      hint: t(`studio:sharing.audienceHint.${value}`),
      checked: value === audience,
    })),
    offices: state.memberOffices.map((office, index) => ({
      ...office,
      id: office.id,
      inputId: index === 0 ? 'offices' : `office-${office.id}`,
      checked: chosen.has(office.id),
    })),
  };
}
