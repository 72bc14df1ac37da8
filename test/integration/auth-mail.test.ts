import { expect } from 'chai';
import request from 'supertest';
import { MailAttachmentContent, attachmentKey } from '../../src/mail/mail-attachment.model.js';
import { createLogger } from '../../src/logger.js';
import { Mailer } from '../../src/mail/mail.service.js';
import { useTestDatabase } from '../helpers/database.js';
import { mailsTo } from '../helpers/mail.js';
import { startTestServer } from '../helpers/server.js';

describe('mail/mail.service', () => {
  useTestDatabase(import.meta.url);
  const logger = createLogger('silent');

  it('queues every message in the outbox: attachment names and sizes on it, the bytes kept apart until delivery', async () => {
    const id = await new Mailer({ smtpConfigured: true, logger }).enqueue({
      to: 'Kadry@Example.TEST',
      subject: 'Zaświadczenie',
      text: 'W załączniku zaświadczenie.',
      attachments: [{ filename: 'zaswiadczenie.pdf', content: Buffer.from('%PDF-1.7 test'), contentType: 'application/pdf' }],
    });
    const [stored] = await mailsTo('kadry@example.test');
    expect(stored._id.toHexString()).to.equal(id);
    expect(stored.subject).to.equal('Zaświadczenie');
    expect(stored.attachments).to.deep.equal([{ filename: 'zaswiadczenie.pdf', contentType: 'application/pdf', size: 13 }]);
    expect(stored.createdAt).to.be.instanceOf(Date);
    expect(stored).to.include({ status: 'queued', attempts: 0 });
    expect(stored.nextAttemptAt.getTime()).to.be.at.most(Date.now());
    expect(stored.sentAt).to.equal(undefined);
    expect(JSON.stringify(stored)).to.not.contain('%PDF');
    const bytes = await MailAttachmentContent.findOne({ _id: attachmentKey(id, 0) });
    expect(Buffer.from(bytes!.content).toString()).to.equal('%PDF-1.7 test');
  });
});

describe('organisations/accessibility-statement.routes', () => {
  useTestDatabase(import.meta.url);

  it('serves the accessibility statement in Polish with the sections the Act requires, and in English', async () => {
    const server = await startTestServer({ ACCESSIBILITY_CONTACT_EMAIL: 'dostepnosc@ug-przykladowo.example' });
    try {
      const pl = await request(server.url).get('/deklaracja-dostepnosci').expect(200);
      for (const heading of [
        'Deklaracja dostępności',
        'Stan dostępności cyfrowej',
        'Treści niedostępne',
        'Przygotowanie deklaracji dostępności',
        'Informacje zwrotne i dane kontaktowe',
        'Procedura wnioskowo-skargowa',
        'Dostępność architektoniczna',
      ]) {
        expect(pl.text, heading).to.contain(heading);
      }
      expect(pl.text).to.contain('częściowo zgodna');
      expect(pl.text).to.contain('ustawą\n    z dnia 4 kwietnia 2019 r.');
      expect(pl.text).to.contain('mailto:dostepnosc@ug-przykladowo.example');
      const en = await request(server.url).get('/deklaracja-dostepnosci?lang=en').expect(200);
      expect(en.text).to.contain('<html lang="en">');
      expect(en.text).to.contain('partially compliant');
    } finally {
      await server.close();
    }
  });
});
