// LRS clients as the admin page shows them: plain objects, never the secret hash.
import type { lrsClientOf } from './lrs-client.service.js';

type ClientRow = Awaited<ReturnType<typeof lrsClientOf>>;

/** One client: its access as a locale key, and the address of its own deletion page (a confirmation first). */
export function presentLrsClient(client: ClientRow) {
  return {
    id: client.clientId,
    name: client.name,
    key: client.key,
    accessKey: client.canRead && client.canWrite ? 'xapi:clients.access.read-write' : client.canRead ? 'xapi:clients.access.read' : 'xapi:clients.access.write',
    createdAt: client.createdAt,
    fromEnvironment: client.fromEnvironment,
    deleteUrl: `/admin/lrs-klienci/${client.clientId}/usun`,
  };
}

export function presentLrsClients(clients: ClientRow[]) {
  return clients.map(presentLrsClient);
}
