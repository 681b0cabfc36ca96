// Writes the public API report: one Markdown file per package entry point (package.json
// `exports`) under docs/api/, listing every exported name with its kind and signature. A test
// compares the checked-in files with a fresh report, so a change to the public surface is always
// deliberate: change the code, run `npm run api-report`, and commit both.
//
//   node scripts/api-report.mjs          write docs/api/*.md
//   node scripts/api-report.mjs --check  exit 1 if the files differ from the code
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'docs', 'api');
const FORMAT = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.WriteArrowStyleSignature;

/** The entry points: `[report name, source file]`, from package.json `exports`. */
function entryPoints() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return Object.entries(pkg.exports).map(([subpath, target]) => {
    const dist = typeof target === 'string' ? target : target.default;
    const source = dist.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
    const name = subpath === '.' ? 'peerway' : `peerway-${subpath.slice(2).replaceAll('/', '-')}`;
    return [name, subpath === '.' ? 'peerway' : `peerway/${subpath.slice(2)}`, join(ROOT, source)];
  });
}

/** Type text without the `import("…")` qualifiers the checker adds for names out of scope. */
function clean(text) {
  return text.replace(/import\([^)]*\)\./g, '').replace(/\s+/g, ' ');
}

function isPublicMember(decl) {
  const flags = ts.getCombinedModifierFlags(decl);
  if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected))
    return (flags & ts.ModifierFlags.Protected) !== 0;
  const name = decl.name;
  return !(name && ts.isPrivateIdentifier(name));
}

function memberLines(checker, symbol, decl) {
  const lines = [];
  const instance = checker.getDeclaredTypeOfSymbol(symbol);
  const members = [];
  if (ts.isClassDeclaration(decl)) {
    const ctorType = checker.getTypeOfSymbolAtLocation(symbol, decl);
    for (const sig of ctorType.getConstructSignatures()) {
      lines.push(
        `  constructor${clean(checker.signatureToString(sig, decl, FORMAT)).replace(/ => .*$/, '')}`,
      );
    }
    for (const prop of ctorType.getProperties()) {
      if (prop.getName() === 'prototype') continue;
      members.push(['static ', prop]);
    }
  }
  for (const prop of instance.getProperties()) members.push(['', prop]);
  for (const [prefix, prop] of members) {
    const pdecl = prop.valueDeclaration ?? prop.declarations?.[0];
    if (pdecl && !isPublicMember(pdecl)) continue;
    // Members inherited from Node's own types (EventEmitter's on/emit...) are not our surface.
    if (pdecl && pdecl.getSourceFile().fileName.includes('/node_modules/')) continue;
    const name = prop.getName();
    if (name.startsWith('#') || name.startsWith('__')) continue;
    const protectedMark =
      pdecl && ts.getCombinedModifierFlags(pdecl) & ts.ModifierFlags.Protected ? 'protected ' : '';
    const type = checker.getTypeOfSymbolAtLocation(prop, pdecl ?? decl);
    const signatures = type.getCallSignatures();
    const isMethod = pdecl && (ts.isMethodDeclaration(pdecl) || ts.isMethodSignature(pdecl));
    if (isMethod && signatures.length > 0) {
      for (const sig of signatures) {
        lines.push(
          `  ${prefix}${protectedMark}${name}${clean(checker.signatureToString(sig, pdecl, FORMAT)).replace(/ => /, ': ')}`,
        );
      }
    } else {
      const optional = prop.flags & ts.SymbolFlags.Optional ? '?' : '';
      const readonly =
        pdecl && ts.getCombinedModifierFlags(pdecl) & ts.ModifierFlags.Readonly ? 'readonly ' : '';
      lines.push(
        `  ${prefix}${protectedMark}${readonly}${name}${optional}: ${clean(checker.typeToString(type, pdecl ?? decl, FORMAT))}`,
      );
    }
  }
  return lines;
}

function describe(checker, exported) {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
  const name = exported.getName();
  if (!decl) return [`unknown ${name}`];
  if (ts.isClassDeclaration(decl)) {
    const abstract = ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Abstract ? 'abstract ' : '';
    return [`${abstract}class ${name}`, ...memberLines(checker, symbol, decl)];
  }
  if (ts.isInterfaceDeclaration(decl)) return [`interface ${name}`, ...memberLines(checker, symbol, decl)];
  if (ts.isTypeAliasDeclaration(decl)) {
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    return [
      `type ${name} = ${clean(checker.typeToString(type, decl, FORMAT | ts.TypeFormatFlags.InTypeAlias))}`,
    ];
  }
  if (ts.isEnumDeclaration(decl)) return [`enum ${name}`];
  if (ts.isFunctionDeclaration(decl)) {
    const type = checker.getTypeOfSymbolAtLocation(symbol, decl);
    return type
      .getCallSignatures()
      .map(
        (sig) =>
          `function ${name}${clean(checker.signatureToString(sig, decl, FORMAT)).replace(/ => /, ': ')}`,
      );
  }
  const type = checker.getTypeOfSymbolAtLocation(symbol, decl);
  return [`const ${name}: ${clean(checker.typeToString(type, decl, FORMAT))}`];
}

/** Builds every report: `Map<file name, text>`. */
export function buildReports() {
  const entries = entryPoints();
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.build.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => undefined,
    },
  );
  const program = ts.createProgram(
    entries.map(([, , file]) => file),
    { ...config.options, noEmit: true },
  );
  const checker = program.getTypeChecker();
  const reports = new Map();
  for (const [name, specifier, file] of entries) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`api-report: ${file} is not in the program`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    const exports = moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [];
    const sorted = [...exports].sort((a, b) => a.getName().localeCompare(b.getName()));
    const body = sorted.map((s) => describe(checker, s).join('\n')).join('\n\n');
    reports.set(
      `${name}.md`,
      `# API report: \`${specifier}\`\n\nGenerated by \`npm run api-report\` from the code; do not edit. ` +
        `${sorted.length} exported names.\n\n\`\`\`ts\n${body}\n\`\`\`\n`,
    );
  }
  return reports;
}

/** The names of report files that differ from the code (missing, changed or stale). */
export function staleReports(reports = buildReports()) {
  const stale = [];
  for (const [file, text] of reports) {
    const path = join(OUT_DIR, file);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(file);
  }
  if (existsSync(OUT_DIR)) {
    for (const file of readdirSync(OUT_DIR)) if (!reports.has(file)) stale.push(file);
  }
  return stale;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reports = buildReports();
  if (process.argv.includes('--check')) {
    const stale = staleReports(reports);
    if (stale.length > 0) {
      console.error(
        `api-report: out of date: ${stale.join(', ')}; run npm run api-report and commit docs/api/`,
      );
      process.exit(1);
    }
  } else {
    rmSync(OUT_DIR, { recursive: true, force: true });
    mkdirSync(OUT_DIR, { recursive: true });
    for (const [file, text] of reports) writeFileSync(join(OUT_DIR, file), text);
    console.log(`api-report: wrote ${reports.size} files to docs/api/`);
  }
}
