"""The errors the core raises. Every message is safe to show a user as one line."""


class FactbotError(Exception):
    """Base class: a problem with the user's input, corpus or index, not a bug."""


class QuestionError(FactbotError):
    """The question or claim cannot be answered as given (empty, too long, no words)."""


class ArticleError(FactbotError):
    """An article file or collection could not be loaded; the message names the file."""


class IndexFormatError(FactbotError):
    """A saved index is missing, corrupt, truncated or of another version."""


class IndexWriteError(FactbotError):
    """An index cannot be saved where asked (not a folder of ours, no space, no permission)."""


class UnknownRefError(FactbotError):
    """A sentence reference (as in `context 4.2`) names no sentence of the corpus."""
