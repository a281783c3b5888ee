/**
 * The questions a command asks, behind one small interface: the window's quick pick and input
 * box in real use, scripted answers in the integration tests (the extension's test-mode API), so a
 * test can see which questions a flow asked and answer them without driving the workbench's UI.
 */
import * as vscode from 'vscode';

/** One quick-pick row with the value it stands for. */
export interface Choice<T> extends vscode.QuickPickItem {
  readonly value: T;
}

/** What a command asks the user. */
export interface Questions {
  pick<T>(items: readonly Choice<T>[], options: { title: string; placeHolder: string }): Promise<T | undefined>;
  input(options: { title: string; prompt: string; placeHolder?: string; validate?: (text: string) => string | undefined }): Promise<string | undefined>;
}

/** The window's quick pick and input box. */
export const windowQuestions: Questions = {
  pick: async (items, options) => (await vscode.window.showQuickPick(items, { ...options, ignoreFocusOut: true, matchOnDescription: true }))?.value,
  input: (options) =>
    Promise.resolve(
      vscode.window.showInputBox({
        title: options.title,
        prompt: options.prompt,
        ...(options.placeHolder !== undefined ? { placeHolder: options.placeHolder } : {}),
        ignoreFocusOut: true,
        ...(options.validate ? { validateInput: options.validate } : {}),
      }),
    ),
};

/** A question as a test sees it. */
export interface AskedQuestion {
  kind: 'pick' | 'input';
  title: string;
  /** The placeholder of a pick, the prompt of an input. */
  text: string;
  /** A pick's row labels. */
  labels?: string[];
}

/**
 * Questions answered from a script while one is set (integration tests): a pick takes the row
 * whose label is the next answer, an input takes the answer as typed (checked like the real box).
 * Without a script, the window's questions.
 */
export class ScriptableQuestions implements Questions {
  private script: string[] | undefined;
  private asked: AskedQuestion[] = [];

  /** Answers the next questions from `answers`; returns what was asked since. */
  answerWith(answers: readonly string[]): void {
    this.script = [...answers];
    this.asked = [];
  }

  /** The questions asked since {@link answerWith}, and no more script. */
  takeAsked(): AskedQuestion[] {
    const asked = this.asked;
    this.script = undefined;
    this.asked = [];
    return asked;
  }

  pick<T>(items: readonly Choice<T>[], options: { title: string; placeHolder: string }): Promise<T | undefined> {
    if (!this.script) return windowQuestions.pick(items, options);
    this.asked.push({ kind: 'pick', title: options.title, text: options.placeHolder, labels: items.map((i) => i.label) });
    const answer = this.script.shift();
    return Promise.resolve(items.find((i) => i.label === answer)?.value);
  }

  input(options: { title: string; prompt: string; placeHolder?: string; validate?: (text: string) => string | undefined }): Promise<string | undefined> {
    if (!this.script) return windowQuestions.input(options);
    this.asked.push({ kind: 'input', title: options.title, text: options.prompt });
    const answer = this.script.shift();
    if (answer !== undefined && options.validate?.(answer)) return Promise.resolve(undefined);
    return Promise.resolve(answer);
  }
}
