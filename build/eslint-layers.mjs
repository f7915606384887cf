// ESLint rule `layers/imports`: every import a layer makes, resolved to the file or package it names, must be one
// that eslint.config.js's layer table allows. Resolving (not matching the text) is what catches `../../app/x.js`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {{ name: string, dir: string, layers: string[], files?: string[], packages: string[] | { except: string[] }, why: string }} Layer
 * `dir` and `files` are relative to the repository root; a layer may always import itself. `packages` lists the only packages
 * (Node built-ins included) it may import, or those it may not.
 */

/** The package a bare specifier names: `zod/v4` -> `zod`, `@scope/pkg/sub` -> `@scope/pkg`, `node:fs` -> `node:fs`. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The specifier when it is written out in full: a string, or a template literal without substitutions. */
function staticString(node) {
  if (node?.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
  return null;
}

function isNamed(node, name) {
  return (node.type === 'Identifier' && node.name === name) || (node.type === 'MemberExpression' && !node.computed && node.property.name === name);
}

/**
 * @param {string} root the repository root
 * @param {Layer[]} layers
 */
export function layersPlugin(root, layers) {
  // Longest folder first, so main/core/contracts wins over main/core.
  const byDepth = [...layers].sort((a, b) => b.dir.length - a.dir.length);
  const where = (file) => path.relative(root, file).split(path.sep).join('/');
  const layerOf = (file) => {
    const rel = where(file);
    return byDepth.find((l) => rel === l.dir || rel.startsWith(`${l.dir}/`)) ?? null;
  };

  /** Why `from` may not import `specifier`, or null when it may. */
  function refusal(from, file, specifier) {
    if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:')) {
      const target = specifier.startsWith('file:') ? fileURLToPath(specifier) : path.resolve(path.dirname(file), specifier);
      const to = layerOf(target);
      if (to === from || (to && from.layers.includes(to.name)) || from.files?.includes(where(target))) return null;
      const allowed = [from.name, ...from.layers].join(', ');
      return `${from.dir} may not import ${to ? to.dir : where(target)} ('${specifier}'): it may use ${allowed} only. ${from.why}`;
    }
    const pkg = packageName(specifier);
    const ok = Array.isArray(from.packages) ? from.packages.includes(pkg) : !from.packages.except.includes(pkg);
    if (ok) return null;
    const rule = Array.isArray(from.packages) ? `its only packages are ${from.packages.join(', ') || 'none'}` : `it never uses ${from.packages.except.join(', ')}`;
    return `${from.dir} may not import the package '${pkg}': ${rule}. ${from.why}`;
  }

  const imports = {
    meta: {
      type: 'problem',
      docs: { description: 'Each layer imports only the layers and packages the layer table allows, statically or at run time.' },
      schema: [],
    },
    create(context) {
      const from = layerOf(context.filename);
      if (!from) return {};
      const check = (node, specifier) => {
        if (specifier === null) return;
        const message = refusal(from, context.filename, specifier);
        if (message) context.report({ node, message });
      };
      const source = (node) => check(node.source, staticString(node.source));

      /** What `name` is bound to where `node` stands: its definitions in the nearest scope that declares it. */
      const definitions = (name, node) => {
        for (let scope = context.sourceCode.getScope(node); scope; scope = scope.upper) {
          const variable = scope.set.get(name);
          if (variable) return variable.defs;
        }
        return [];
      };
      /** createRequire itself, also when imported under another name. */
      const isCreateRequire = (callee) =>
        isNamed(callee, 'createRequire') ||
        (callee.type === 'Identifier' && definitions(callee.name, callee).some((d) => d.type === 'ImportBinding' && d.node.imported?.name === 'createRequire'));
      const isCreateRequireCall = (node) => node?.type === 'CallExpression' && isCreateRequire(node.callee);
      /** A callee that loads a module: require, x.require, createRequire(url), or a name bound to createRequire(url). */
      const loads = (callee) =>
        isNamed(callee, 'require') ||
        isCreateRequireCall(callee) ||
        (callee.type === 'Identifier' && definitions(callee.name, callee).some((d) => d.type === 'Variable' && isCreateRequireCall(d.node.init)));

      return {
        ImportDeclaration: source,
        ExportAllDeclaration: source,
        ExportNamedDeclaration: (node) => node.source && source(node),
        ImportExpression: source,
        TSImportType: source,
        TSExternalModuleReference: (node) => check(node.expression, staticString(node.expression)),
        CallExpression: (node) => {
          if (node.arguments.length > 0 && loads(node.callee)) check(node.arguments[0], staticString(node.arguments[0]));
        },
      };
    },
  };

  return { rules: { imports } };
}
