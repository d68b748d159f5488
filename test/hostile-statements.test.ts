/**
 * Every SQL and Cypher statement in src/ is a constant with bound parameters: no statement text is
 * built from a value. Checked with the TypeScript compiler's AST and type checker over the real
 * sources (tsconfig.json), at two kinds of places:
 *
 * 1. statement sinks: `.prepare(...)`, `.exec(...)`, `.pragma(...)` (better-sqlite3) and
 *    `session.run(...)` / `tx.run(...)` (neo4j-driver): a first argument built by a template
 *    literal or `+` must be built only from safe parts;
 * 2. any template literal that reads as SQL or Cypher (SELECT, INSERT INTO, WHERE, MATCH (...)
 *    anywhere in src/): its interpolations must be safe parts, wherever the string goes next.
 *
 * A safe part is a literal; a value whose type is a number, boolean or string literal (it cannot
 * carry quotes or keywords); or a `const` (in any module, followed through imports) whose
 * initialiser is itself built only from safe parts. A genuinely safe part the checker cannot prove
 * (e.g. a placeholder list) is allowed by a `// sql-safe: <reason>` comment on its line or the line
 * before. A violation fails the test with file:line and the offending expression.
 * The negative control runs the same checker on crafted bad and good snippets.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

const SQL_OR_CYPHER = /\bSELECT\s|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|\bCREATE\s+(TABLE|INDEX|UNIQUE|VIRTUAL|TRIGGER|CONSTRAINT)\b|\bDROP\s+(TABLE|INDEX)\b|\bWHERE\s|\bMATCH\s*\(|\bMERGE\s*\(|\bDETACH\s+DELETE\b|\bUNWIND\s/;
const SINKS = new Set(['prepare', 'exec', 'pragma']);
const CYPHER_RECEIVER = /(session|tx|transaction)$/i;
const MARKER = /\/\/\s*sql-safe:/;

export interface Violation {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

function checkProgram(program: ts.Program, files: readonly string[]): Violation[] {
  const checker = program.getTypeChecker();
  const violations: Violation[] = [];
  const provenConst = new Map<ts.Node, boolean>();

  const safeType = (expr: ts.Expression): boolean => {
    const type = checker.getTypeAtLocation(expr);
    const parts = type.isUnion() ? type.types : [type];
    return parts.every((t) => (t.flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.StringLiteral | ts.TypeFlags.EnumLiteral)) !== 0);
  };

  const constInitializer = (expr: ts.Expression): ts.Expression | null => {
    let symbol = checker.getSymbolAtLocation(expr);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const decl = symbol?.valueDeclaration;
    if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer) return null;
    const list = decl.parent;
    if (!ts.isVariableDeclarationList(list) || (list.flags & ts.NodeFlags.Const) === 0) return null;
    return decl.initializer;
  };

  const memo = <T extends ts.Node>(node: T, prove: () => boolean): boolean => {
    const known = provenConst.get(node);
    if (known !== undefined) return known;
    provenConst.set(node, false); // a cycle is not a proof
    const result = prove();
    provenConst.set(node, result);
    return result;
  };

  const declarationOf = (expr: ts.Expression): ts.Declaration | undefined => {
    let symbol = checker.getSymbolAtLocation(expr);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return symbol?.valueDeclaration;
  };

  type FunctionNode = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression;

  /** The function a callee names: a function declaration or a const bound to a function expression. */
  const functionOf = (callee: ts.Expression): FunctionNode | null => {
    const decl = declarationOf(callee);
    if (decl && ts.isFunctionDeclaration(decl)) return decl;
    const init = ts.isIdentifier(callee) ? constInitializer(callee) : null;
    return init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? init : null;
  };

  /** Every value a function returns is safe (given its parameters' declared types and callers). */
  const returnsSafe = (fn: FunctionNode): boolean =>
    memo(fn, () => {
      if (!fn.body) return false;
      if (!ts.isBlock(fn.body)) return safe(fn.body);
      const returns: ts.Expression[] = [];
      const collect = (node: ts.Node): void => {
        if (ts.isReturnStatement(node) && node.expression) returns.push(node.expression);
        if (!ts.isFunctionLike(node)) ts.forEachChild(node, collect);
      };
      ts.forEachChild(fn.body, collect);
      return returns.length > 0 && returns.every(safe);
    });

  /**
   * A parameter of a module-private function is safe when every call in its file passes a safe
   * argument and the function is used only by calling it (never handed out as a value).
   */
  const parameterSafe = (param: ts.ParameterDeclaration): boolean =>
    memo(param, () => {
      const fn = param.parent;
      const index = fn.parameters.indexOf(param);
      const nameNode = ts.isFunctionDeclaration(fn) ? fn.name : ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name) ? fn.parent.name : undefined;
      if (!nameNode || (ts.getCombinedModifierFlags(ts.isFunctionDeclaration(fn) ? fn : (fn.parent as ts.VariableDeclaration)) & ts.ModifierFlags.Export)) return false;
      const target = checker.getSymbolAtLocation(nameNode);
      let calls = 0;
      let ok = true;
      const walk = (node: ts.Node): void => {
        if (ts.isIdentifier(node) && node !== nameNode && checker.getSymbolAtLocation(node) === target) {
          const call = node.parent;
          if (ts.isCallExpression(call) && call.expression === node) {
            calls += 1;
            const arg = call.arguments[index];
            if (!arg || !safe(arg)) ok = false;
          } else {
            ok = false; // passed around as a value: its callers cannot be listed
          }
        }
        ts.forEachChild(node, walk);
      };
      walk(fn.getSourceFile());
      return ok && calls > 0;
    });

  const STRING_METHODS = new Set(['replace', 'replaceAll', 'trim', 'toUpperCase', 'toLowerCase', 'padStart', 'padEnd']);

  /** True when `expr` is built only from safe parts (see the module comment). */
  const safe = (expr: ts.Expression): boolean => {
    if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr)) return safe(expr.expression);
    if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr) || ts.isNumericLiteral(expr)) return true;
    if (ts.isTemplateExpression(expr)) return expr.templateSpans.every((span) => safe(span.expression) || marked(span.expression));
    if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.PlusToken) return safe(expr.left) && safe(expr.right);
    if (ts.isConditionalExpression(expr)) return safe(expr.whenTrue) && safe(expr.whenFalse);
    if (safeType(expr)) return true;
    if (ts.isCallExpression(expr)) {
      const callee = expr.expression;
      if (ts.isPropertyAccessExpression(callee) && STRING_METHODS.has(callee.name.text)) return safe(callee.expression) && expr.arguments.every(safe);
      const fn = functionOf(callee);
      return fn !== null && returnsSafe(fn);
    }
    if (ts.isIdentifier(expr) || ts.isPropertyAccessExpression(expr)) {
      const decl = declarationOf(expr);
      if (decl && ts.isParameter(decl)) return parameterSafe(decl);
      const init = constInitializer(expr);
      return init !== null && memo(init, () => safe(init));
    }
    return false;
  };

  const marked = (node: ts.Node): boolean => {
    const source = node.getSourceFile();
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line;
    const lines = source.text.split('\n');
    return MARKER.test(lines[line] ?? '') || MARKER.test(lines[line - 1] ?? '');
  };

  const report = (node: ts.Node, why: string): void => {
    if (marked(node)) return;
    const source = node.getSourceFile();
    const { line } = source.getLineAndCharacterOfPosition(node.getStart());
    violations.push({ file: path.relative(ROOT, source.fileName), line: line + 1, text: `${why}: ${node.getText().replace(/\s+/g, ' ').slice(0, 120)}` });
  };

  const built = (expr: ts.Expression): boolean =>
    ts.isTemplateExpression(expr) || (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.PlusToken);

  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`not in the program: ${file}`);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.arguments.length > 0) {
        const method = node.expression.name.text;
        const receiver = node.expression.expression.getText();
        const isSink = SINKS.has(method) || (method === 'run' && CYPHER_RECEIVER.test(receiver));
        let arg = node.arguments[0]!;
        if (isSink && (ts.isIdentifier(arg) || ts.isPropertyAccessExpression(arg))) arg = constInitializer(arg) ?? arg;
        if (isSink && built(arg) && !safe(arg)) report(node.arguments[0]!, `statement built from a non-constant value in .${method}()`);
      }
      if (ts.isTemplateExpression(node)) {
        const literal = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
        if (SQL_OR_CYPHER.test(literal)) {
          for (const span of node.templateSpans) if (!safe(span.expression)) report(span.expression, 'SQL/Cypher text interpolates a non-constant value');
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return violations;
}

function listSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listSources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function programFor(files: readonly string[]): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!config) throw new Error('cannot read tsconfig.json');
  return ts.createProgram({ rootNames: [...files], options: { ...config.options, noEmit: true } });
}

describe('SQL and Cypher statements are never built from values', () => {
  it('every statement in src/ is parameterised (violations listed as file:line)', () => {
    const files = listSources(path.join(ROOT, 'src'));
    expect(files.length).toBeGreaterThan(50);
    const violations = checkProgram(programFor(files), files);
    expect(violations.map((v) => `${v.file}:${v.line} ${v.text}`)).toEqual([]);
  });

  it('negative control: crafted bad snippets are flagged at their lines, safe ones are not', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-statements-'));
    try {
      const bad = path.join(dir, 'bad.ts');
      const good = path.join(dir, 'good.ts');
      fs.writeFileSync(bad, [
        'declare const db: { prepare(s: string): unknown; exec(s: string): void };',
        'declare const tx: { run(s: string, p?: object): unknown };',
        'export function f(id: string, table: string, name: string) {',
        "  db.prepare(`SELECT * FROM documents WHERE id = '${id}'`);", // 4
        "  db.exec('DELETE FROM ' + table);", // 5
        '  const where = `WHERE name = ${name}`;', // 6
        '  db.prepare(`SELECT 1 FROM t ${where}`);', // 7: built from a non-constant const
        '  tx.run(`MATCH (n {id: "${id}"}) DETACH DELETE n`);', // 8
        '  const q = "MATCH (e:Entity) WHERE e.name = \'" + name + "\' RETURN e";',
        '  tx.run(q);', // 10
        '  search(name);',
        '}',
        'const search = (c: string) => db.prepare(`WITH h AS (${c}) SELECT 1`);', // 13
        '',
      ].join('\n'));
      fs.writeFileSync(good, [
        'declare const db: { prepare(s: string): unknown; pragma(s: string): unknown };',
        'declare const tx: { run(s: string, p?: object): unknown };',
        "const MEMBERS = '(SELECT @entity UNION SELECT id FROM entities WHERE merged_into = @entity)';",
        'const WHERE_PART = `m.entity_id IN ${MEMBERS}`;',
        'export function g(id: string, limit: number, kind: "a" | "b", ids: string[]) {',
        '  db.prepare(`SELECT * FROM mentions m WHERE ${WHERE_PART} LIMIT ?`);',
        '  db.pragma(`busy_timeout = ${Math.trunc(limit)}`);',
        '  db.prepare(`SELECT * FROM t_${kind} WHERE id = ?`);',
        '  tx.run("MATCH (n:Entity {id: $id}) RETURN n", { id });',
        '  // sql-safe: one ? per id, no value is interpolated',
        "  db.prepare(`SELECT * FROM t WHERE id IN (${ids.map(() => '?').join(', ')})`);",
        '  const message = `entity ${id} not found`;',
        "  db.prepare(`${unit('a')} WHERE x = ?`);",
        "  search('SELECT id FROM entities');",
        '  return message;',
        '}',
        "function unit(t: 'a' | 'b'): string { const other = t === 'a' ? 'b' : 'a'; return `SELECT * FROM t_${t}, t_${other.toUpperCase()}`; }",
        'const search = (c: string) => db.prepare(`WITH h AS (${c}) SELECT 1`);',
        '',
      ].join('\n'));
      const program = programFor([bad, good]);
      const found = checkProgram(program, [bad, good]).map((v) => `${path.basename(v.file)}:${v.line}`);
      expect(found).toEqual([
        'bad.ts:4', 'bad.ts:4', // the sink and the SQL-looking template
        'bad.ts:5',
        'bad.ts:6', 'bad.ts:7', 'bad.ts:7',
        'bad.ts:8', 'bad.ts:8',
        'bad.ts:10',
        'bad.ts:13', 'bad.ts:13', // a private helper's parameter, called once with a value
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
