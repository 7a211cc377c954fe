// Type-checking generated declarations in memory with the TypeScript compiler
// API (the devDependency), for the tests of emit/dts.ts. Test-only.
import ts from 'typescript';

export const STRICT: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts'],
  types: [],
  skipLibCheck: false,
};

/**
 * A program over in-memory files (absolute paths under /virtual/), with the
 * standard library read from disk.
 */
export function program(files: Record<string, string>, options: ts.CompilerOptions = STRICT): ts.Program {
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  host.readFile = (f) => (f in files ? files[f] : read(f));
  host.fileExists = (f) => f in files || exists(f);
  const dirExists = host.directoryExists?.bind(host);
  host.directoryExists = (d) => Object.keys(files).some((f) => f.startsWith(d + '/')) || (dirExists ? dirExists(d) : false);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError, create) =>
    f in files ? ts.createSourceFile(f, files[f], lang, true) : getSourceFile(f, lang, onError, create);
  return ts.createProgram(Object.keys(files), options, host);
}

/** Every diagnostic of the program, as `file:line: message` lines. */
export function diagnostics(p: ts.Program): string[] {
  return ts.getPreEmitDiagnostics(p).map((d) => {
    const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
}

/** The property names of the type exported as `name` from `file`, as TypeScript sees them. */
export function propertyNames(p: ts.Program, file: string, name: string): string[] {
  const checker = p.getTypeChecker();
  const sf = p.getSourceFile(file)!;
  const moduleSymbol = checker.getSymbolAtLocation(sf)!;
  const sym = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name)!;
  const type = checker.getDeclaredTypeOfSymbol(sym);
  return checker.getPropertiesOfType(type).map((s) => ts.symbolName(s));
}

/** The type of property `prop` of the type `name` exported from `file`, printed. */
export function propertyType(p: ts.Program, file: string, name: string, prop: string): string {
  const checker = p.getTypeChecker();
  const sf = p.getSourceFile(file)!;
  const moduleSymbol = checker.getSymbolAtLocation(sf)!;
  const sym = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name)!;
  const type = checker.getDeclaredTypeOfSymbol(sym);
  const member = checker.getPropertiesOfType(type).find((s) => ts.symbolName(s) === prop)!;
  return checker.typeToString(checker.getTypeOfSymbol(member), undefined, ts.TypeFormatFlags.NoTruncation);
}

export { ts };
