// The app's version, read from package.json (the single place it is written).
import pkg from '../../package.json' with { type: 'json' };

export const APP_VERSION: string = pkg.version;
