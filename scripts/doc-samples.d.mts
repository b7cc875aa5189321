/** One ```ts block of a document. */
export interface Sample {
  doc: string;
  line: number;
  code: string;
  /** Where compileSamples wrote it. */
  file?: string;
}
/** Every markdown file under docs/ whose samples this checks. */
export function docFiles(): string[];
/** The ```ts blocks of one document. */
export function samplesOf(doc: string): Sample[];
/** Writes and type-checks the samples of `docs` (default: all). */
export function compileSamples(docs?: string[]): { samples: Sample[]; errors: string };
