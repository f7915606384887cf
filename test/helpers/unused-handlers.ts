// The window's handler dependencies a test does not exercise: each throws if called, so a test that reaches one by
// mistake fails rather than getting a stand-in's success.
import type { HandlerDeps } from '../../main/app/ipc/handlers.js';

const unused = (what: string) => async (): Promise<never> => {
  throw new Error(`${what} is not part of this test`);
};

export const UNUSED_HANDLER_DEPS: Pick<HandlerDeps, 'uninstall' | 'setup' | 'microphone'> = {
  uninstall: unused('the uninstall'),
  setup: {
    view: unused('the setup checklist'),
    vpsBundle: unused('the setup checklist'),
    vpsPeer: unused('the setup checklist'),
    privileged: unused('the setup checklist'),
    auditLive: unused('the setup checklist'),
    close: () => {},
  },
  microphone: {
    microphones: unused('the microphone screen'),
    test: unused('the microphone screen'),
    stop: () => {
      throw new Error('the microphone screen is not part of this test');
    },
  },
};
