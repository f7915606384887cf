// Stylesheets are imported for Vite to bundle; they export nothing to TypeScript.
declare module '*.css';
// A worker module, bundled on its own by Vite; the import gives its URL (the capture worker).
declare module '*?worker&url' {
  const url: string;
  export default url;
}
