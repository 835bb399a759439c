import type { Server } from 'node:http';
import { EXIT_USAGE, HeraldError } from '../../compiler/contract/errors.ts';

/** How many ports after the asked one are tried when it is taken. */
export const PORT_TRIES = 20;

export class PortsInUseError extends HeraldError {
  constructor(
    readonly host: string,
    readonly first: number,
    readonly last: number,
  ) {
    super(`ports ${first} to ${last} on ${host} are all in use; pass --port with a free one`, EXIT_USAGE);
  }
}

/**
 * Listens on `port`, or when it is taken on the next free one (up to PORT_TRIES further): the
 * caller says which one it got. Port 0 asks the system for any free port.
 */
export async function listenOnFreePort(server: Server, host: string, port: number): Promise<number> {
  for (let candidate = port; candidate <= port + PORT_TRIES; candidate++) {
    const outcome = await new Promise<'ok' | 'taken'>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => {
        server.off('listening', onListening);
        if (e.code === 'EADDRINUSE' && port !== 0) resolve('taken');
        else reject(e);
      };
      const onListening = () => {
        server.off('error', onError);
        resolve('ok');
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(candidate, host);
    });
    if (outcome === 'ok') {
      const address = server.address();
      return typeof address === 'object' && address !== null ? address.port : candidate;
    }
  }
  throw new PortsInUseError(host, port, port + PORT_TRIES);
}
