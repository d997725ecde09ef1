/**
 * One notebook cell, from TypeScript to a function body the worker runs, with tslab's semantics:
 * - top-level `const`, `let`, `var`, `function`, `class` and `import` names outlive the cell
 *   (they become properties of the worker's global object, which every later cell reads);
 * - top-level `await` works (the body runs as an async function);
 * - the value of a last expression statement is returned, for the kernel to show.
 *
 * Two passes, both with TypeScript's own API (`ts` is handed in: the worker loads typescript.js,
 * Node's tests import the npm package):
 * 1. `transpileModule` strips the types (no type check, as in any transpile-only setup) and reports
 *    syntax errors; `verbatimModuleSyntax` keeps imports a cell does not use itself, because a
 *    later cell will.
 * 2. The JavaScript's top-level statements are rewritten in place. Every rewrite keeps the line
 *    count, so a runtime error's line in the JavaScript maps back through the transpile's source map.
 */
import type * as TS from "typescript";

/** A compiled cell: the async function's body, the names it declares, and how to map lines back. */
export interface CompiledCell {
  body: string;
  /** Top-level names the cell declares (set on the global object before it runs). */
  names: string[];
  /** For each line of `body` (0-based), the cell's line (0-based), when known. */
  lineMap: (number | undefined)[];
}

/** A syntax error in a cell, with its 1-based line and column. */
export class CellSyntaxError extends SyntaxError {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = "SyntaxError";
  }
}

/** The name by which a compiled body reaches the module loader: `__require("scratchnet")`. */
export const REQUIRE = "__require";

export function compileCell(ts: typeof TS, source: string): CompiledCell {
  const out = ts.transpileModule(source, {
    fileName: "cell.ts",
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      verbatimModuleSyntax: true,
      sourceMap: true,
      inlineSources: false,
      removeComments: false,
    },
  });
  const error = out.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (error) {
    const { line, character } = error.file && error.start !== undefined ? error.file.getLineAndCharacterOfPosition(error.start) : { line: 0, character: 0 };
    throw new CellSyntaxError(ts.flattenDiagnosticMessageText(error.messageText, "\n"), line + 1, character + 1);
  }
  const js = out.outputText.replace(/\/\/# sourceMappingURL=.*$/m, "");
  const { body, names } = rewriteTopLevel(ts, js);
  return { body, names, lineMap: decodeLines(JSON.parse(out.sourceMapText ?? "{}").mappings ?? "") };
}

/** The rewrite of pass 2; exported for the tests. */
export function rewriteTopLevel(ts: typeof TS, js: string): { body: string; names: string[] } {
  const file = ts.createSourceFile("cell.js", js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const names: string[] = [];
  const hoisted: string[] = [];
  const edits: { start: number; end: number; text: string }[] = [];
  // A replacement keeps the statement's line breaks, so later lines do not move.
  const replace = (node: TS.Node, text: string) => {
    const start = node.getStart(file);
    const breaks = (t: string) => t.split("\n").length - 1;
    edits.push({ start, end: node.end, text: text + "\n".repeat(breaks(js.slice(start, node.end)) - breaks(text)) });
  };
  const statements = file.statements;
  let moduleCount = 0;
  statements.forEach((st, i) => {
    const last = i === statements.length - 1;
    if (ts.isImportDeclaration(st)) {
      const spec = (st.moduleSpecifier as TS.StringLiteral).text;
      const mod = `__m${moduleCount++}`;
      const parts = [`const ${mod} = ${REQUIRE}(${JSON.stringify(spec)});`];
      const clause = st.importClause;
      if (clause?.name) {
        names.push(clause.name.text);
        // esModuleInterop's rule: a CommonJS module without `default` is its own default.
        parts.push(`${clause.name.text} = ${mod} && ${mod}.__esModule ? ${mod}.default : (${mod}?.default ?? ${mod});`);
      }
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) {
        names.push(bindings.name.text);
        parts.push(`${bindings.name.text} = ${mod};`);
      } else if (bindings) {
        for (const el of bindings.elements) {
          names.push(el.name.text);
          parts.push(`${el.name.text} = ${mod}[${JSON.stringify((el.propertyName ?? el.name).text)}];`);
        }
      }
      replace(st, parts.join(" "));
    } else if (ts.isVariableStatement(st)) {
      const parts = st.declarationList.declarations.map((d) => {
        collectNames(ts, d.name, names);
        const init = d.initializer ? d.initializer.getText(file) : "undefined";
        const target = d.name.getText(file);
        // An object pattern on the left of `=` must be in parentheses to be an expression.
        return ts.isIdentifier(d.name) ? `${target} = (${init});` : `(${target} = (${init}));`;
      });
      replace(st, parts.join(" "));
    } else if (ts.isFunctionDeclaration(st) && st.name) {
      names.push(st.name.text);
      // The declaration is hoisted inside the body, so publishing it first lets earlier lines call it.
      hoisted.push(`globalThis.${st.name.text} = ${st.name.text};`);
    } else if (ts.isClassDeclaration(st) && st.name) {
      names.push(st.name.text);
      replace(st, `${st.name.text} = ${st.getText(file)};`);
    } else if (last && ts.isExpressionStatement(st)) {
      const expr = st.expression.getText(file);
      replace(st, `return (${expr});`);
    }
  });
  let body = js;
  for (const e of edits.sort((a, b) => b.start - a.start)) body = body.slice(0, e.start) + e.text + body.slice(e.end);
  // Function declarations stay as they are (hoisted locals); the first line copies them out.
  return { body: hoisted.join(" ") + body, names: [...new Set(names)] };
}

function collectNames(ts: typeof TS, name: TS.BindingName, into: string[]): void {
  if (ts.isIdentifier(name)) into.push(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) collectNames(ts, el.name, into);
}

const VLQ = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * For each generated line, the original line of its first mapping (source maps' "mappings":
 * `;` separates generated lines, `,` segments, each segment base64 VLQ fields of which the third
 * is the original line, relative to the previous segment's).
 */
export function decodeLines(mappings: string): (number | undefined)[] {
  const lines: (number | undefined)[] = [];
  let original = 0;
  for (const line of mappings.split(";")) {
    let first: number | undefined;
    for (const segment of line.split(",")) {
      if (segment === "") continue;
      const fields: number[] = [];
      let value = 0, shift = 0;
      for (const ch of segment) {
        const digit = VLQ.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      if (fields.length >= 4) {
        original += fields[2];
        first ??= original;
      }
    }
    lines.push(first);
  }
  return lines;
}
