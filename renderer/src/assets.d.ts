// Stylesheets are imported for Vite to bundle; they export nothing to TypeScript.
declare module '*.css';
