import { basename } from 'node:path';
import { VanerError } from '../../errors.js';

/** One bad line of a vocabulary file. */
export interface VocabularyProblem {
  readonly line: number;
  readonly problem: string;
}

/** Problems reported in an error's details (the first ones; the message says how many in all). */
const MAX_REPORTED = 20;

/**
 * Collects the bad lines of one vocabulary file so that a user sees all of them at once (up to
 * MAX_REPORTED) instead of fixing a file one line per run. `throwIfAny` ends the read with one
 * INVALID_FORMAT error whose message names the first bad line and whose details list them.
 */
export class VocabularyProblems {
  readonly #file: string;
  readonly #problems: VocabularyProblem[] = [];
  #count = 0;

  constructor(file: string) {
    this.#file = basename(file);
  }

  add(line: number, problem: string): void {
    this.#count += 1;
    if (this.#problems.length < MAX_REPORTED) this.#problems.push({ line, problem });
  }

  get count(): number {
    return this.#count;
  }

  throwIfAny(): void {
    if (this.#count === 0) return;
    const first = this.#problems[0]!;
    const more = this.#count > 1 ? ` (and ${this.#count - 1} more bad line${this.#count > 2 ? 's' : ''})` : '';
    throw new VanerError('INVALID_FORMAT', `${this.#file} line ${first.line}: ${first.problem}${more}; nothing was imported`, {
      details: { file: this.#file, line: first.line, problems: this.#count, errors: this.#problems },
    });
  }
}
