"""Errors that speak to the user.

Every error cadretext raises on purpose is a :class:`CadretextError`. Errors about an input file
carry the file (and the line, where there is one) and say what to do about it, so a researcher
never has to read a traceback from deep inside a library to find the bad file in a folder of 10,000.
"""

from __future__ import annotations

from pathlib import Path


class CadretextError(Exception):
    """Base class of every error cadretext raises on purpose."""


class ParameterError(CadretextError, ValueError):
    """A function or command-line parameter has a value cadretext cannot use."""


class NoTopicModelError(ParameterError):
    """No topic model can be fitted: no word is frequent enough, and rare enough, to keep (a
    corpus of very few, identical or non-Chinese texts). The message says which counts failed."""


class InputFileError(CadretextError):
    """A problem with one input file; names the file and, where known, the line.

    Parameters
    ----------
    path : str or Path
        The file at fault.
    problem : str
        What is wrong, in words a user can act on.
    line : int, optional
        1-based line number inside the file.
    """

    def __init__(self, path: str | Path, problem: str, *, line: int | None = None):
        self.path = str(path)
        self.problem = problem
        self.line = line
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")


class EmptyFileError(InputFileError):
    """The file is empty or holds only whitespace."""


class BinaryFileError(InputFileError):
    """The file is not text (an image, a PDF, a zip...)."""


class DecodingError(InputFileError):
    """The file's bytes are not text in any encoding cadretext recognises."""


class MalformedRecordError(InputFileError):
    """A line of a JSONL file or a row of a CSV file cannot be parsed."""


class MissingColumnError(InputFileError):
    """A JSONL/CSV file or a manifest lacks a column cadretext needs."""


class UnsupportedFormatError(InputFileError):
    """The file's extension is not one cadretext reads."""


class ManifestError(InputFileError):
    """The manifest (file -> metadata table) is malformed."""


class NoDocumentsError(CadretextError):
    """Nothing readable was found in the paths given."""


class OutputError(CadretextError):
    """An output path that cannot be written (a folder, a device, no permission)."""

    def __init__(self, path: object, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class FitError(CadretextError):
    """A model fit ended in a state that cannot be used (non-finite values)."""


class WorkerError(CadretextError):
    """A worker process (``n_jobs > 1``) died twice running the same tasks."""

    def __init__(self, what: str):
        super().__init__(
            f"{what}: a worker process died, and again on fresh workers (out of memory? "
            "killed?); free memory or use n_jobs=1 to run in this process"
        )
