"""The one error every format reader raises, and the text decoding they share."""

from __future__ import annotations


class FormatError(ValueError):
    """A file could not be read: says which file, which line (1-based; 0 for the file as a whole) and what is wrong."""

    def __init__(self, path: str, line: int, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}")


def decode(data: bytes, path: str, *, first_line: int = 1) -> str:
    """UTF-8 with or without BOM, LF or CRLF (or a mix) -> text with LF line ends.

    ``first_line`` is the line number of ``data``'s first line in its file (a later
    chunk of a file read in parts): only the file's start may hold a BOM, and an
    error names the line in the whole file.
    """
    if first_line == 1 and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + first_line
        raise FormatError(path, line, f"not valid UTF-8 (byte {data[error.start]:#04x})") from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
