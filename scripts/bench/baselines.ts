// The plain ways of doing what the platform does, measured in the same run: driver queries, a bare Express page, a bare pdfkit document.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { create } from 'express-handlebars';
import { Types } from 'mongoose';
import PDFDocument from 'pdfkit';
import { statementsOf } from '../../src/xapi/statement.model.js';

/** An LRS query as a driver client would write it: one find on the collection holding the office's statements. */
export interface DriverQuery {
  agentKey?: string;
  registration?: string;
  activity?: string;
  verb?: string;
  since?: Date;
}

/**
 * Runs the query with the driver (no mongoose, no LRS): filter, newest first, limit+1 as the LRS pages. A query
 * running longer than `maxTimeMs` is stopped by the server and answers -1 (its sample is then the time limit).
 */
export async function driverStatementQuery(organisationId: string, query: DriverQuery, maxTimeMs = 600_000, limit = 100): Promise<number> {
  const filter: Record<string, unknown> = { organisationId: new Types.ObjectId(organisationId), voided: false };
  if (query.agentKey) filter.agentKeys = query.agentKey;
  if (query.registration) filter.registration = query.registration;
  if (query.activity) filter.activityIds = query.activity;
  if (query.verb) filter.verbId = query.verb;
  if (query.since) filter.stored = { $gt: query.since };
  // The collection the LRS reads: the office's own statement log.
  const docs = await (
    await statementsOf(organisationId)
  ).collection
    .find(filter, { projection: { statementId: 1, json: 1, stored: 1, attachmentHashes: 1 } })
    .sort({ stored: -1, _id: -1 })
    .limit(limit + 1)
    .maxTimeMS(maxTimeMs)
    .toArray()
    .catch((error: unknown) => {
      if ((error as { codeName?: string }).codeName === 'MaxTimeMSExpired') return undefined;
      throw error;
    });
  return docs ? docs.length : -1;
}

/**
 * A bare Express app with one route rendering a Handlebars template as large as `html` (the lesson page as
 * served), with a few substitutions so the template engine has work to do; no session, no database.
 */
export async function startBarePage(html: string): Promise<{ url: string; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'akademia-bench-views-'));
  const escaped = html.replace(/\{\{/g, '\\{{');
  const half = Math.floor(escaped.length / 2);
  writeFileSync(path.join(dir, 'page.hbs'), `${escaped.slice(0, half)}<!-- {{title}} {{#each items}}{{this}} {{/each}} -->${escaped.slice(half)}`);
  const app = express();
  const engine = create({ extname: '.hbs', defaultLayout: false });
  app.engine('.hbs', (file, options, callback) => {
    engine.renderView(file, options as Record<string, unknown>, callback).catch(callback);
  });
  app.set('view engine', '.hbs');
  app.set('views', dir);
  app.enable('view cache');
  app.get('/page', (_req, res) => res.render('page', { title: 'Lekcja', items: ['a', 'b', 'c'] }));
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/page`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

const fontDir = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const FONTS = ['DejaVuSerif.ttf', 'DejaVuSerif-Bold.ttf', 'DejaVuSerif-Italic.ttf', 'DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-ExtraLight.ttf'];

/** pdfkit writing a one-page A4 landscape document with the certificate's six DejaVu fonts embedded, a line in each. */
export function barePdf(): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 60 });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const [index, font] of FONTS.entries()) {
    doc.registerFont(`f${index}`, path.join(fontDir, font));
    doc
      .font(`f${index}`)
      .fontSize(18)
      .text(`Zaświadczenie ukończenia szkolenia — Zażółć gęślą jaźń (${index + 1})`);
  }
  doc.end();
  return done;
}
