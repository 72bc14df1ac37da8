// Document resources of the LRS: /activities/state, /activities/profile and /agents/profile.
import { Router, type Request, type Response } from 'express';
import { BadRequestError } from '../http/errors.js';
import { servedDocumentType } from './document-media.js';
import { lrsRequest, type LrsRequest } from './lrs.http.js';
import { ActivityProfileParams, AgentProfileParams, StateParams, parseParams } from './lrs.schemas.js';
import { agentKey } from './statement-keys.js';
import { deleteDocument, deleteDocuments, getDocument, listDocumentIds, postDocument, putDocument, type DocumentKind, type DocumentScope } from './document.service.js';

interface ResolvedRequest {
  scope: DocumentScope;
  documentId?: string;
  since?: Date;
}

type Resolver = (lrs: LrsRequest) => ResolvedRequest;

const resolveState: Resolver = (lrs) => {
  const params = parseParams(StateParams, lrs.params);
  return {
    scope: { organisationId: lrs.credentials!.organisationId, kind: 'state', activityId: params.activityId, agentKey: agentKey(params.agent), registration: params.registration },
    documentId: params.stateId,
    since: params.since ? new Date(params.since) : undefined,
  };
};

const resolveActivityProfile: Resolver = (lrs) => {
  const params = parseParams(ActivityProfileParams, lrs.params);
  return {
    scope: { organisationId: lrs.credentials!.organisationId, kind: 'activityProfile', activityId: params.activityId },
    documentId: params.profileId,
    since: params.since ? new Date(params.since) : undefined,
  };
};

const resolveAgentProfile: Resolver = (lrs) => {
  const params = parseParams(AgentProfileParams, lrs.params);
  return {
    scope: { organisationId: lrs.credentials!.organisationId, kind: 'agentProfile', agentKey: agentKey(params.agent) },
    documentId: params.profileId,
    since: params.since ? new Date(params.since) : undefined,
  };
};

const ID_NAME: Record<DocumentKind, string> = { state: 'stateId', activityProfile: 'profileId', agentProfile: 'profileId' };

function requireId(request: ResolvedRequest): string {
  if (!request.documentId) throw new BadRequestError(`The ${ID_NAME[request.scope.kind]} parameter is required for this request.`);
  if (request.since) throw new BadRequestError('"since" is only allowed when listing document ids.');
  return request.documentId;
}

function writeBody(lrs: LrsRequest): { content: Buffer; contentType: string } {
  return { content: lrs.body, contentType: lrs.contentTypeHeader || 'application/octet-stream' };
}

function documentHandlers(resolve: Resolver) {
  return {
    async get(this: void, _req: Request, res: Response) {
      const lrs = lrsRequest(res);
      const request = resolve(lrs);
      if (!request.documentId) {
        res.status(200).json(await listDocumentIds(request.scope, request.since));
        return;
      }
      const doc = await getDocument(request.scope, requireId(request));
      res.setHeader('ETag', doc.etag);
      res.setHeader('Last-Modified', doc.updated.toUTCString());
      // Documents are the client's bytes under the LRS's origin: types a browser would run (HTML, SVG, XML, script)
      // are sent as a download of octet-stream, and nothing here may run script or load anything (issue 10, finding 11).
      const served = servedDocumentType(doc.contentType);
      res.setHeader('Content-Type', served.contentType);
      if (served.download) res.setHeader('Content-Disposition', 'attachment');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.status(200).send(doc.content);
    },
    async put(this: void, _req: Request, res: Response) {
      const lrs = lrsRequest(res);
      const request = resolve(lrs);
      const { content, contentType } = writeBody(lrs);
      await putDocument(request.scope, requireId(request), content, contentType, lrs.headers);
      res.status(204).end();
    },
    async post(this: void, _req: Request, res: Response) {
      const lrs = lrsRequest(res);
      const request = resolve(lrs);
      const { content, contentType } = writeBody(lrs);
      await postDocument(request.scope, requireId(request), content, contentType, lrs.headers);
      res.status(204).end();
    },
    async delete(this: void, _req: Request, res: Response) {
      const lrs = lrsRequest(res);
      const request = resolve(lrs);
      if (!request.documentId) {
        // Only the State resource deletes a whole scope; profiles are deleted one by one.
        if (request.scope.kind !== 'state') throw new BadRequestError('The profileId parameter is required to delete a profile.');
        if (request.since) throw new BadRequestError('"since" is not allowed when deleting.');
        await deleteDocuments(request.scope);
      } else {
        await deleteDocument(request.scope, requireId(request), lrs.headers);
      }
      res.status(204).end();
    },
  };
}

/** The three document resources share one set of handlers, each with its own parameters. */
export function documentsRouter(): Router {
  const router = Router();
  for (const [path, resolve] of [
    ['/activities/state', resolveState],
    ['/activities/profile', resolveActivityProfile],
    ['/agents/profile', resolveAgentProfile],
  ] as const) {
    const handlers = documentHandlers(resolve);
    router.get(path, handlers.get);
    router.put(path, handlers.put);
    router.post(path, handlers.post);
    router.delete(path, handlers.delete);
  }
  return router;
}
