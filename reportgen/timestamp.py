"""The build time that dates every output: ``SOURCE_DATE_EPOCH`` when set, else now."""

from __future__ import annotations

import datetime as dt
import os

from .errors import ReportgenError


def build_timestamp() -> dt.datetime:
    """Return the build time: SOURCE_DATE_EPOCH when set (reproducible builds), else now.

    A value that is not a whole number of seconds (empty, too) is an error, as the
    reproducible-builds specification asks: fontTools would fail on it while subsetting the
    fonts, and WeasyPrint would then embed them whole, silently (a PDF 2.5 times larger).
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return dt.datetime.now(tz=dt.timezone.utc).replace(microsecond=0)
    if not epoch.strip().isdigit():
        raise ReportgenError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not {epoch!r} "
                             "(unset it to date the outputs with the build time)")
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
