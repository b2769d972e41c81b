"""An interactive loop over the engine: questions, `:check`, `:context`, `:source`, `:k`."""
from __future__ import annotations

from typing import Callable

from retrieval import Engine, FactbotError

from . import frontend, render
from .frontend import DEFAULT_K, MAX_K

HELP = """Type a question, or:
  :check CLAIM    check a claim against the article
  :context REF    a sentence with its neighbours (REF as shown in parentheses, e.g. 5.1,
                  or DOC:5.1 when several articles are loaded)
  :source         the loaded articles
  :k N            how many sentences to cite (1-%d)
  :help           this text (or type help)
  :quit           leave (or type quit or exit, or press Ctrl-D)
Ctrl-C cancels the current line.""" % MAX_K
CONTEXT_USAGE = "usage: :context REF, with REF as shown in parentheses, e.g. :context 5.1"
# Typed alone, these words are commands, as in Python's own REPL.
_WORD_COMMANDS = {"help": ":help", "quit": ":quit", "exit": ":quit"}


class Repl:
    """Reads lines with `read(prompt)` (raising EOFError at the end) and writes with `write`."""

    def __init__(self, engine: Engine, read: Callable[[str], str], write: Callable[[str], None], k: int = DEFAULT_K):
        self.engine = engine
        self.read = read
        self.write = write
        self.k = k
        self._several = frontend.several_articles(engine)

    def run(self) -> None:
        """Read and handle lines until Ctrl-D or :quit. Ctrl-C cancels the line being typed
        or the answer being looked up, and prompts again."""
        self.write("factbot: ask about the article (:help for commands, :quit to leave)")
        while True:
            try:
                line = self.read("factbot> ")
                if self.handle(line.strip()) is False:
                    return
            except EOFError:
                self.write("")
                return
            except KeyboardInterrupt:
                self.write("\nKeyboardInterrupt")

    def handle(self, line: str) -> bool:
        """Handle one line; False means leave."""
        if not line:
            return True
        line = _WORD_COMMANDS.get(line.casefold(), line)
        command, _, rest = line.partition(" ")
        try:
            if command in (":quit", ":q", ":exit"):
                return False
            if command == ":help":
                self.write(HELP)
            elif command == ":k":
                self._set_k(rest)
            elif command == ":source":
                self.write(render.sources_to_text(self.engine.sources()))
            elif command == ":context":
                self._show_context(rest)
            elif command == ":check":
                self.write(render.check_to_text(self.engine.check(rest, self.k), self._several))
            elif command.startswith(":"):
                self.write(f"unknown command {command}; :help lists them")
            else:
                self.write(render.answer_to_text(self.engine.ask(line, self.k), self._several))
        except FactbotError as error:
            self.write(f"error: {error}")
        return True

    def _show_context(self, ref: str) -> None:
        if not ref.strip():
            self.write(CONTEXT_USAGE)
            return
        docs = self.engine.corpus.docs
        self.write(render.context_to_text(self.engine.context(frontend.parse_ref(ref, docs))))

    def _set_k(self, value: str) -> None:
        try:
            k = frontend.parse_k(value)
        except ValueError:
            self.write(f"usage: :k N, with N from 1 to {MAX_K}")
            return
        self.k = k
        self.write(f"citing {frontend.count(k, 'sentence')}")
