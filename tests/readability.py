"""Measure how easy a Danish text is to read with LIX (læsbarhedsindeks).

LIX = words per sentence + the percentage of long words (more than six
letters). Below 25 is very easy, 25–34 easy, 35–44 medium. The info pages
must stay at 35 or below.

For a Markdown page, every block a reader meets on its own (a paragraph
sentence, a heading, a list item, a table cell) counts as one sentence, even
when it has no full stop.
"""
from dataclasses import dataclass
from html.parser import HTMLParser
import re

import markdown

LONG_WORD = 7  # letters; "more than six"

# A word is a run of letters, possibly joined by hyphens or apostrophes
# ("e-mail", "0–10" is not a word).
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")

# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = re.compile(
    r"\b(?:fx|f\.eks|bl\.a|dvs|kl|nr|ca|mv|osv|jf|evt|inkl|ift|pga|e\.g|i\.e|etc)\.",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+|(?<=[.!?])$")

_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd",
           "blockquote", "figcaption", "caption"}
_SKIP = {"pre", "code", "script", "style"}


@dataclass
class Readability:
    """The LIX score of a text and the sentences it was computed from."""

    score: float
    sentences: list
    words: int
    long_words: int

    def longest_sentences(self, count=3):
        """Return the sentences with the most words, longest first."""
        return sorted(self.sentences, key=lambda s: len(words(s)), reverse=True)[:count]


def words(text):
    """Return the words in a text (numbers and symbols are not words)."""
    return _WORD.findall(text)


def split_sentences(text):
    """Split plain text into sentences at . ! ? : ; and at line breaks."""
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\0"), text)
    result = []
    for line in protected.splitlines():
        for part in _SENTENCE_END.split(line.strip()):
            part = part.replace("\0", ".").strip()
            if words(part):
                result.append(part)
    return result


def measure(sentences):
    """Return the Readability of a list of sentences."""
    all_words = [w for s in sentences for w in words(s)]
    if not all_words:
        return Readability(0.0, [], 0, 0)
    long_words = sum(1 for w in all_words if len(w.replace("-", "")) >= LONG_WORD)
    score = len(all_words) / len(sentences) + 100 * long_words / len(all_words)
    return Readability(round(score, 1), sentences, len(all_words), long_words)


def lix(text):
    """Return the LIX score of plain text."""
    return measure(split_sentences(text)).score


class _BlockText(HTMLParser):
    """Collect the text of each block element, leaving out code."""

    def __init__(self):
        super().__init__()
        self.blocks = []
        self._current = []
        self._skip = 0

    def _flush(self):
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self._skip += 1
        elif tag in _BLOCKS or tag == "br":
            self._flush()

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data):
        if not self._skip:
            self._current.append(data)

    def close(self):
        super().close()
        self._flush()


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def markdown_sentences(text):
    """Return the sentences of a Markdown page: one or more per block."""
    text = _FRONT_MATTER.sub("", text)
    html = markdown.markdown(text, extensions=["tables", "attr_list"])
    parser = _BlockText()
    parser.feed(html)
    parser.close()
    return [s for block in parser.blocks for s in split_sentences(block)]


def markdown_readability(text):
    """Return the Readability of a Markdown page."""
    return measure(markdown_sentences(text))
