// The account e-mails (confirmation, reset, notices): plain text in the recipient's language, with the link.
import { mailTranslator } from '../mail/mail-texts.js';
import { nameForMail } from '../mail/person-name.js';
import type { OutgoingMail } from '../mail/mail.service.js';

interface Recipient {
  email: string;
  fullName?: string;
  language?: string;
}

function compose(to: Recipient, subjectKey: string, paragraphs: string[]): OutgoingMail {
  const t = mailTranslator(to.language);
  // A name that could be read as a link (accounts older than the registration rule) is left out.
  const name = nameForMail(to.fullName);
  const greeting = name ? t('greeting', { name }) : t('greetingAnonymous');
  return { to: to.email, subject: t(subjectKey), text: [greeting, '', ...paragraphs.flatMap((p) => [p, '']), t('signature')].join('\n') };
}

/** "Confirm your address" with the /potwierdz-email/:token link. */
export function confirmationMail(to: Recipient, link: string): OutgoingMail {
  const t = mailTranslator(to.language);
  return compose(to, 'confirmEmail.subject', [t('confirmEmail.body'), link, t('ignore')]);
}

/** Sent instead of a second account when someone registers an address that already has one. */
export function alreadyRegisteredMail(to: Recipient, loginLink: string, resetLink: string): OutgoingMail {
  const t = mailTranslator(to.language);
  return compose(to, 'alreadyRegistered.subject', [t('alreadyRegistered.body'), loginLink, t('alreadyRegistered.reset'), resetLink, t('ignore')]);
}

/** The password reset link (/haslo/reset/:token). */
export function passwordResetMail(to: Recipient, link: string): OutgoingMail {
  const t = mailTranslator(to.language);
  return compose(to, 'resetPassword.subject', [t('resetPassword.body'), link, t('ignore')]);
}

/** Tells the owner their password changed, so a stolen reset link does not go unnoticed. */
export function passwordChangedMail(to: Recipient, resetLink: string): OutgoingMail {
  const t = mailTranslator(to.language);
  return compose(to, 'passwordChanged.subject', [t('passwordChanged.body'), t('passwordChanged.notYou'), resetLink]);
}

/** Tells the owner that password sign-in is paused after repeated wrong passwords, and how to lift it. */
export function accountLockedMail(to: Recipient, resetLink: string): OutgoingMail {
  const t = mailTranslator(to.language);
  return compose(to, 'accountLocked.subject', [t('accountLocked.body'), t('accountLocked.whatNow'), resetLink, t('accountLocked.notYou')]);
}

/** The link that confirms a new address (/konto/email/:token), sent to that new address. */
export function emailChangeMail(to: Recipient, link: string): OutgoingMail {
  const t = mailTranslator(to.language);
  return compose(to, 'emailChange.subject', [t('emailChange.body'), link, t('ignore')]);
}

/** Tells the old address that the account now uses `newEmail`, so a taken-over account does not go unnoticed. */
export function emailChangedNoticeMail(to: Recipient, newEmail: string, resetLink: string): OutgoingMail {
  const t = mailTranslator(to.language);
  return compose(to, 'emailChanged.subject', [t('emailChanged.body', { newEmail }), t('emailChanged.notYou'), resetLink]);
}

/** Tells a person who registered into an office that approves newcomers that HR approved them. */
export function accountApprovedMail(to: Recipient, organisationName: string, loginLink: string): OutgoingMail {
  const t = mailTranslator(to.language);
  return compose(to, 'accountApproved.subject', [t('accountApproved.body', { organisation: organisationName }), loginLink]);
}

/** An invitation to an account HR or an administrator created: the /zaproszenie/:token link to choose a password. */
export function invitationMail(to: Recipient, invitation: { organisationName: string; invitedBy: string; link: string }): OutgoingMail {
  const t = mailTranslator(to.language);
  return compose(to, 'invitation.subject', [
    t('invitation.body', { organisation: invitation.organisationName, invitedBy: invitation.invitedBy }),
    t('invitation.choosePassword'),
    invitation.link,
    t('invitation.expiry'),
  ]);
}
