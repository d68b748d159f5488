/**
 * Splits a Cypher script (a migration file) into statements on `;` at the top level: a semicolon
 * inside a string literal ('…', "…"), a backtick-quoted name or a comment does not end a statement.
 * Comment-only and empty pieces are dropped; statements keep their text otherwise unchanged.
 */
export function splitCypherStatements(script: string): string[] {
  const statements: string[] = [];
  let current = '';
  let meaningful = false;
  let i = 0;
  const n = script.length;
  while (i < n) {
    const c = script[i]!;
    const next = script[i + 1];
    if (c === '/' && next === '/') {
      const end = script.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      current += script.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      current += script.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      // Quoted run; a backslash escapes the next character in strings, a doubled backtick in names.
      let j = i + 1;
      while (j < n) {
        const d = script[j]!;
        if (c !== '`' && d === '\\') {
          j += 2;
          continue;
        }
        if (d === c) {
          if (c === '`' && script[j + 1] === '`') {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      const stop = Math.min(n, j + 1);
      current += script.slice(i, stop);
      meaningful = true;
      i = stop;
      continue;
    }
    if (c === ';') {
      if (meaningful) statements.push(current.trim());
      current = '';
      meaningful = false;
      i++;
      continue;
    }
    if (!/\s/u.test(c)) meaningful = true;
    current += c;
    i++;
  }
  if (meaningful) statements.push(current.trim());
  return statements;
}
