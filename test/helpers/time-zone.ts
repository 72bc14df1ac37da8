// Runs a block of tests with the process in another time zone (the Docker image runs in UTC), then restores it.

/** Registers before/after hooks that set process.env.TZ to `zone` for the enclosing describe block. */
export function inProcessTimeZone(zone: string): void {
  let saved: string | undefined;
  before(() => {
    saved = process.env.TZ;
    process.env.TZ = zone;
  });
  after(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
}
