// zod schemas of who may join: the admin's setting form and the office search of the registration form.
import { z } from 'zod';
import { JOIN_POLICIES } from './organisation.model.js';

const DOMAIN = /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Domains typed one a line or separated by commas or spaces; a leading "@" is forgiven. */
const domainList = z
  .string({ error: 'joining:errors.domainsInvalid' })
  .max(2000, { error: 'joining:errors.domainsInvalid' })
  .transform((text) => [
    ...new Set(
      text
        .toLowerCase()
        .split(/[\s,;]+/)
        .map((d) => d.replace(/^@/, ''))
        .filter(Boolean),
    ),
  ])
  .refine((domains) => domains.length <= 20, { error: 'joining:errors.domainsTooMany' })
  .refine((domains) => domains.every((domain) => DOMAIN.test(domain)), { error: 'joining:errors.domainsInvalid' });

export const JoinPolicyBody = z
  .object({
    joinPolicy: z.enum(JOIN_POLICIES, { error: 'joining:errors.policyRequired' }),
    emailDomains: z.preprocess((value) => value ?? '', domainList),
  })
  .refine((body) => body.joinPolicy !== 'domains' || body.emailDomains.length > 0, { error: 'joining:errors.domainsRequired', path: ['emailDomains'] });
export type JoinPolicyInput = z.infer<typeof JoinPolicyBody>;

/** ?urzad=<id> (the chosen office) and ?szukaj=<text> (the search) of /rejestracja; anything odd is ignored. */
export const RegistrationQuery = z.object({
  urzad: z.string().max(24).optional().catch(undefined),
  szukaj: z.string().max(100).optional().catch(undefined),
});
