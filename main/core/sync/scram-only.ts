// A node-postgres Client that authenticates by SCRAM-SHA-256 only: it never answers a cleartext or MD5 password
// request, and never accepts a server that lets it in without proving (by SCRAM) that it knows the password.
import pg from 'pg';
import { SyncError } from './errors.js';

const FIX = 'the VPS bundle\'s PostgreSQL uses scram-sha-256 (pg_hba.conf); a server that asks otherwise is not yours: check `jett tunnel status` and postgres.host';

/**
 * node-postgres asks its `password` (a string, or a function) for cleartext, MD5 and SASL alike, so the method is
 * told apart here by listening on the connection before pg's own handlers: a cleartext or MD5 request destroys the
 * socket at once (a write after destroy sends nothing), and the password function answers only after the server
 * asked for SASL, so the password is never read for any other method. A server that lets the client in without a
 * completed SCRAM exchange (whose last message pg verifies) is refused too: it has not shown it knows the password.
 */
export function scramOnlyClient(password: () => Promise<string>, server: string): new (config?: pg.ClientConfig) => pg.Client {
  return class ScramOnlyClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super(config);
      const con = this.connection;
      let refusal: SyncError | null = null;
      let sasl = false;
      let saslFinal = false;
      let failed = false;
      const refuse = (what: string) => () => {
        refusal = new SyncError(`the server at ${server} ${what}`, FIX);
        con.stream.destroy(refusal);
        // Messages already read in the same chunk are still parsed: a ReadyForQuery among them must not make the
        // connect succeed (the socket is dead, so nothing more is sent), it must fail with this refusal.
        con.removeAllListeners('readyForQuery');
      };
      con.prependListener('authenticationCleartextPassword', refuse('asked for the password in cleartext; Jett sends it only by SCRAM-SHA-256, so it sent nothing'));
      con.prependListener('authenticationMD5Password', refuse('asked for the password as an MD5 hash; Jett sends it only by SCRAM-SHA-256, so it sent nothing'));
      con.prependListener('authenticationSASL', () => void (sasl = true));
      // pg checks the server's signature in this message; a mismatch is emitted as an error on the connection.
      con.prependListener('authenticationSASLFinal', () => void (saslFinal = true));
      con.prependListener('error', () => void (failed = true));
      con.prependListener('authenticationOk', () => {
        if (!saslFinal || failed) refuse('let Jett in without SCRAM-SHA-256, so it has not proved that it knows the password; Jett sent it nothing')();
      });
      // pg defines `password` as a property of its own; replace it with one that answers SASL only.
      Object.defineProperty(this, 'password', {
        configurable: true,
        enumerable: false,
        writable: true,
        value: async () => {
          if (!sasl || refusal) throw refusal ?? new SyncError(`the server at ${server} asked for a password before SCRAM`, FIX);
          return password();
        },
      });
    }
  };
}
