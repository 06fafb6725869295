# PYTHON_ARGCOMPLETE_OK
"""The ``ruen`` command: a thin layer over the Python API.

Each subcommand reads its inputs, calls one public function, and prints. Every error ruen
raises on purpose becomes one line on stderr and exit code 2; a fault inside ruen becomes one
line that says it is ruen's, and exit code 70; nothing prints a traceback.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO

from ruen.cli.commands import EXIT_ERROR, EXIT_INTERNAL
from ruen.cli.parser import build_parser, chosen, output_format
from ruen.errors import InternalError, RuenError

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    _complete(parser)
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # said by the command it was given to, with that command's help
        words = list(sys.argv[1:] if argv is None else argv)
        chosen(parser, words).error(f"unrecognized arguments: {' '.join(unknown)}")
    _say_what_the_library_logs()
    if not hasattr(args, "run"):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        if hasattr(args, "format"):  # -o digest.html writes HTML
            args.format = output_format(args)
        append = getattr(args, "resume", False)
        # A command that opens its own output (ruen follow) is given stdout.
        path = None if getattr(args, "own_output", False) else getattr(args, "output", None)
        with _output(path, append) as out:
            code = args.run(args, out)
    except InternalError as exc:  # a fault inside ruen, said as such: not the user's doing
        return _fail(str(exc), code=EXIT_INTERNAL)
    except RuenError as exc:
        return _fail(str(exc))
    except ValueError as exc:  # bad option values caught by the library's own checks
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("ruen: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: not an error of ours.
        sys.stderr.close()
        return 0
    except Exception as exc:  # a fault of ruen's: one line that says so, the trace in the log
        logging.getLogger("ruen").debug("internal error", exc_info=True)
        return _fail(
            f"internal error: {type(exc).__name__}: {exc} (a fault in ruen, not in the input "
            "or the options; please report it)",
            code=EXIT_INTERNAL,
        )
    return code or 0


def _complete(parser: object) -> None:
    """Tab completion where ``ruen[completion]`` (argcomplete) is installed and the shell asks
    for it (``eval "$(register-python-argcomplete ruen)"``); otherwise nothing."""
    try:
        import argcomplete
    except ImportError:
        return
    argcomplete.autocomplete(parser)


def _say_what_the_library_logs() -> None:
    """The library logs what a user should know of (a model converted once, and where to):
    a line on stderr each, as "ruen: ..."."""
    logger = logging.getLogger("ruen")
    if not any(getattr(h, "name", None) == "ruen-cli" for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name("ruen-cli")
        handler.setFormatter(logging.Formatter("ruen: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def _fail(message: str, code: int = EXIT_ERROR) -> int:
    print(f"ruen: error: {message}", file=sys.stderr)
    return code


@contextmanager
def _output(path: str | None, append: bool = False) -> Iterator[TextIO]:
    if path is None or path == "-":
        yield sys.stdout
        return
    try:
        handle = open(path, "a" if append else "w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise RuenError(f"{path}: cannot write ({exc.strerror or exc})") from None
    with handle:
        yield handle


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
