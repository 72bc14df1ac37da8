// @xapi/xapi as the tests use it: the client class (its ESM default export) and the status of a failed call.
import xapiModule from '@xapi/xapi';

export const XAPI = xapiModule.default;
export type XAPI = InstanceType<typeof XAPI>;

/** Status of a failed @xapi/xapi call (axios error), or 0 when it succeeded. */
export async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 0;
  } catch (error) {
    return (error as { response?: { status: number } }).response?.status ?? -1;
  }
}
