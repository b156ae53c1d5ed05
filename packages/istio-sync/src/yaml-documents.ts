import { parseAllDocuments, stringify } from 'yaml';

/**
 * Multi-document YAML, one `---` between documents, long lines never folded. Written as YAML 1.1,
 * which is what kubectl and the API server read: strings such as `on`, `off`, `yes` get quoted
 * so they stay strings.
 */
export function toYamlDocuments(documents: readonly unknown[]): string {
  return documents
    .map((document) => stringify(document, { version: '1.1', lineWidth: 0, minContentWidth: 0 }))
    .join('---\n');
}

/** Parses multi-document YAML (or JSON) as Kubernetes reads it (YAML 1.1); empty documents are skipped. Throws on syntax errors. */
export function parseYamlDocuments(text: string): unknown[] {
  const documents: unknown[] = [];
  for (const document of parseAllDocuments(text, { version: '1.1' })) {
    if (document.errors.length > 0)
      throw new Error(`YAML: ${document.errors.map((error) => error.message).join('; ')}`);
    const value: unknown = document.toJSON();
    if (value !== null && value !== undefined) documents.push(value);
  }
  return documents;
}
