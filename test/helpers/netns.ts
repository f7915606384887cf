// The namespace pair lives in main/harness/netns (`jett demo` uses it too); tests import it from here.
export * from '../../main/harness/netns/pair.js';
