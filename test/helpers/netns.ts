// The namespace pair lives in main/core/netns (`jett demo` uses it too); tests import it from here.
export * from '../../main/core/netns/pair.js';
